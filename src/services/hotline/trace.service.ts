import type { HotlineTraceRepository } from '../../db/repositories/hotline/trace.repository.js';
import type { HotlineUrlRepository } from '../../db/repositories/hotline/url.repository.js';
import type { HlContactRow, HlTraceRow, HlUrlRow } from '../../db/schema.js';
import { newId } from '../../util/ids.js';
import type { AuditService } from '../audit.service.js';
import { NotFoundError, UserError } from '../errors.js';
import type { DeskActor } from './hotline-types.js';
import type { FoundAbuseContact, HostResolver, NetworkLookup, RdapLookup } from './ports.js';
import { canonicaliseUrl } from './url-canonical.js';
import { statusWith } from './url-status.js';

export interface TraceResult {
  trace: HlTraceRow;
  /** The contact notices will go to, and whether it is approved (unapproved contacts get no automatic notice). */
  noticeContact: HlContactRow | null;
}

export interface ContactInput {
  org: string;
  email: string;
  scope?: string;
  asn?: number | null;
  country?: string | null;
  language?: string | null;
  approved?: boolean;
}

const SCOPES = ['hosting', 'registrar', 'site-owner', 'cdn'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Traces where a URL is hosted: host → CNAME chain and addresses (DNS) → ASN, prefix, organisation, country (offline
 * datasets) → abuse contacts (RDAP). Each trace is a new version; a change of address or network against the
 * previous version is recorded as a hosting move. Behind a CDN the origin is unknown: the trace says so and the
 * CDN's abuse contact is the one to notify.
 */
export class TraceService {
  constructor(
    private readonly urls: HotlineUrlRepository,
    private readonly traces: HotlineTraceRepository,
    private readonly resolver: HostResolver,
    private readonly network: () => Promise<NetworkLookup>,
    private readonly rdap: RdapLookup | null,
    private readonly audit: AuditService,
    private readonly now: () => string,
  ) {}

  async trace(urlId: string, by: DeskActor): Promise<TraceResult> {
    const u = await this.urls.get(urlId);
    if (!u) throw new NotFoundError('no such URL');
    if (u.anonymised_at) throw new UserError('this URL was anonymised by retention');
    const at = this.now();
    const c = canonicaliseUrl(u.canonical_url);
    const dns = await this.resolver.resolve(c.host);
    const ip = dns.addresses[0] ?? null;
    const net = ip ? (await this.network()).lookup(ip) : null;
    const rdap = this.rdap ? await this.rdap.abuseContacts(ip, c.isIp ? null : c.registeredDomain) : { contacts: [], queried: [] };
    const previous = await this.traces.latest(urlId);
    const moved = !!previous && (previous.ip !== ip || previous.asn !== (net?.asn ?? null));
    const found: FoundAbuseContact[] = rdap.contacts;
    const org = net?.org ?? found.find((f) => f.scope === 'hosting')?.org ?? null;
    const stored = await this.rememberContacts(found, net?.asn ?? null, org, net?.country ?? null, at);
    const trace: HlTraceRow = {
      id: newId(Date.parse(at)), url_id: urlId, version: (previous?.version ?? 0) + 1, traced_at: at, host: c.host,
      cname_chain: JSON.stringify(dns.cnameChain), addresses: JSON.stringify(dns.addresses), ip, asn: net?.asn ?? null, prefix: net?.prefix ?? null,
      org, country: net?.country ?? null, registry: net?.registry ?? null, cdn: net?.cdn ? 1 : 0, cdn_name: net?.cdn ?? null,
      contacts: JSON.stringify(found), evidence: JSON.stringify({ datasets: net?.sources ?? [], rdap: rdap.queried, dnsError: dns.error ?? null }),
      error: dns.error ? `DNS: ${dns.error}` : ip && !net?.asn ? 'no network dataset covers this address' : null, moved: moved ? 1 : 0,
    };
    await this.traces.insert(trace);
    const noticeContact = await this.chooseContact(u, trace, stored);
    const patch: Partial<HlUrlRow> = {
      traced_at: u.traced_at ?? at, hosting_country: trace.country, hosting_org: trace.org, hosting_asn: trace.asn, behind_cdn: trace.cdn,
      notice_contact_id: noticeContact?.id ?? null,
    };
    patch.status = statusWith(u, patch);
    await this.urls.transition(urlId, { kind: 'traced', at, actor: by.name, detail: { version: trace.version, ip, asn: trace.asn, country: trace.country, cdn: trace.cdn_name, error: trace.error } }, patch);
    if (moved) await this.urls.transition(urlId, { kind: 'moved', at, actor: by.name, detail: { hostingMove: true, from: { ip: previous!.ip, asn: previous!.asn }, to: { ip, asn: trace.asn } } });
    return { trace, noticeContact };
  }

  /** Keep what RDAP said in the contact book (unapproved until an analyst confirms it). */
  private async rememberContacts(found: FoundAbuseContact[], asn: number | null, org: string | null, country: string | null, at: string): Promise<HlContactRow[]> {
    const out: HlContactRow[] = [];
    for (const f of found) {
      const o = f.org ?? org ?? 'unknown organisation';
      const email = f.email.toLowerCase();
      let row = await this.traces.findContact(o, f.scope, email);
      if (!row) {
        await this.traces.insertContact({ id: newId(), org: o, asn: f.scope === 'hosting' ? asn : null, scope: f.scope, email, country, language: null, source: 'rdap', approved: 0, created_at: at, updated_at: at });
        row = (await this.traces.findContact(o, f.scope, email))!;
      }
      out.push(row);
    }
    return out;
  }

  /**
   * Notice contact: a manual override stays; else an approved book contact for the network (ASN, then organisation),
   * else the hosting contact RDAP gave (unapproved: notices wait for an analyst's approval).
   */
  private async chooseContact(u: HlUrlRow, t: HlTraceRow, found: HlContactRow[]): Promise<HlContactRow | null> {
    const events = await this.urls.events(u.id);
    const override = [...events].reverse().find((e) => e.kind === 'traced' && (JSON.parse(e.detail) as { override?: boolean }).override);
    if (override && u.notice_contact_id) return (await this.traces.contact(u.notice_contact_id)) ?? null;
    const wantScope = t.cdn ? 'cdn' : 'hosting';
    const book = [
      ...(t.asn !== null ? await this.traces.contacts({ asn: t.asn, approved: true }) : []),
      ...(t.org ? await this.traces.contacts({ org: t.org, approved: true }) : []),
    ].filter((c) => c.scope === wantScope || c.scope === 'hosting');
    return book[0] ?? found.find((c) => c.scope === 'hosting') ?? null;
  }

  versions(urlId: string): Promise<HlTraceRow[]> {
    return this.traces.versions(urlId);
  }

  contacts(): Promise<HlContactRow[]> {
    return this.traces.contacts();
  }

  /** Add a contact to the book by hand (approved unless said otherwise), or update the one with the same org/scope/email. */
  async saveContact(input: ContactInput, by: DeskActor): Promise<HlContactRow> {
    const scope = input.scope ?? 'hosting';
    if (!SCOPES.includes(scope)) throw new UserError(`scope must be one of ${SCOPES.join(', ')}`);
    const org = input.org.trim();
    const email = input.email.trim().toLowerCase();
    if (!org) throw new UserError('give the organisation');
    if (!EMAIL.test(email)) throw new UserError(`"${input.email}" is not an e-mail address`);
    if (input.country && !/^[A-Z]{2}$/.test(input.country)) throw new UserError('country must be an ISO 3166-1 alpha-2 code');
    const at = this.now();
    const existing = await this.traces.findContact(org, scope, email);
    const approved = input.approved ?? true ? 1 : 0;
    if (existing) {
      await this.traces.updateContact(existing.id, { approved, asn: input.asn ?? existing.asn, country: input.country ?? existing.country, language: input.language ?? existing.language, updated_at: at });
    } else {
      await this.traces.insertContact({ id: newId(), org, asn: input.asn ?? null, scope, email, country: input.country ?? null, language: input.language ?? null, source: 'manual', approved, created_at: at, updated_at: at });
    }
    const row = (await this.traces.findContact(org, scope, email))!;
    await this.audit.record(by, 'hotline-contact', { detail: { contact: row.id, org, scope, email, approved: !!approved } });
    return row;
  }

  async approveContact(id: string, approved: boolean, by: DeskActor): Promise<HlContactRow> {
    const c = await this.traces.contact(id);
    if (!c) throw new NotFoundError('no such contact');
    await this.traces.updateContact(id, { approved: approved ? 1 : 0, updated_at: this.now() });
    await this.audit.record(by, 'hotline-contact', { detail: { contact: id, org: c.org, email: c.email, approved } });
    return (await this.traces.contact(id))!;
  }
}
