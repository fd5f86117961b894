/**
 * RdapLookup over HTTP: finds the RDAP server in the IANA bootstrap files an administrator imported (no bootstrap
 * download at query time), asks `ip/<addr>` and `domain/<name>`, and pulls the abuse contacts out of the answers.
 * Bounded: one redirect level (RIRs redirect to each other), a response size limit and a time limit per request.
 * It never throws: every failure is recorded in `queried` with the URL, so the trace keeps the evidence.
 */
import type { FoundAbuseContact, RdapAnswer, RdapLookup } from '../../services/hotline/ports.js';
import { extractAbuseContacts } from './rdap-abuse.js';
import { Bootstrap, importBootstrapFile, type BootstrapKind } from './rdap-bootstrap.js';
import { formatIp, parseIp } from './ip-numbers.js';

export interface RdapClientOptions {
  /** Directory of the imported bootstrap files (ipv4.json, ipv6.json, dns.json). */
  bootstrapDir: string;
  fetch?: typeof fetch;
  /** Time limit per request, body included. Default 10 000 ms. */
  timeoutMs?: number;
  /** Allow plain http:// RDAP servers (tests on loopback). Default false: https only. */
  allowHttp?: boolean;
  /** Largest response body accepted. Default 1 MiB. */
  maxBytes?: number;
}

type Queried = RdapAnswer['queried'][number];

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class RdapClient implements RdapLookup {
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  /** Loaded once per client: a Bootstrap, null when none was imported, or why the stored file is unusable. */
  private readonly bootstraps = new Map<BootstrapKind, Promise<Bootstrap | null | string>>();

  constructor(private readonly opts: RdapClientOptions) {
    this.fetchFn = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxBytes = opts.maxBytes ?? 1024 * 1024;
  }

  /** Validates an IANA RDAP bootstrap file and stores it in `dir` by its kind (UserError when it is not one). */
  static importBootstrap(dir: string, file: string): Promise<{ kind: BootstrapKind; services: number; publication: string }> {
    return importBootstrapFile(dir, file);
  }

  async abuseContacts(ip: string | null, domain: string | null): Promise<RdapAnswer> {
    const [net, dom] = await Promise.all([
      ip === null ? null : this.lookupIp(ip),
      domain === null ? null : this.lookupDomain(domain),
    ]);
    return {
      contacts: [...(net?.contacts ?? []), ...(dom?.contacts ?? [])],
      queried: [...(net?.queried ?? []), ...(dom?.queried ?? [])],
    };
  }

  private async lookupIp(text: string): Promise<RdapAnswer> {
    const ip = parseIp(text);
    if (!ip) return failed(`rdap:ip/${text}`, 'not an IP address');
    const addr = formatIp(ip);
    const kind = ip.v === 4 ? 'ipv4' : 'ipv6';
    const boot = await this.bootstrap(kind);
    if (!(boot instanceof Bootstrap)) return failed(`rdap-bootstrap:${kind}.json`, boot ?? `no ${kind} RDAP bootstrap file imported`);
    const base = this.pickBase(boot.forIp(addr));
    if ('error' in base) return failed(`rdap-bootstrap:${kind}.json`, `${addr}: ${base.error}`);
    return this.query(base.url + `ip/${addr}`, 'hosting');
  }

  private async lookupDomain(text: string): Promise<RdapAnswer> {
    const name = text.trim().toLowerCase().replace(/\.$/, '');
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(name)) return failed(`rdap:domain/${text}`, 'not a domain name (IDNs must be given as A-labels)');
    const boot = await this.bootstrap('dns');
    if (!(boot instanceof Bootstrap)) return failed('rdap-bootstrap:dns.json', boot ?? 'no dns RDAP bootstrap file imported');
    const base = this.pickBase(boot.forDomain(name));
    if ('error' in base) return failed('rdap-bootstrap:dns.json', `${name}: ${base.error}`);
    return this.query(base.url + `domain/${name}`, 'registrar');
  }

  private bootstrap(kind: BootstrapKind): Promise<Bootstrap | null | string> {
    let p = this.bootstraps.get(kind);
    if (!p) {
      p = Bootstrap.load(this.opts.bootstrapDir, kind).catch((e: Error) => `the stored ${kind} bootstrap file is unusable (${e.message}); import it again`);
      this.bootstraps.set(kind, p);
    }
    return p;
  }

  /** https first; http only when allowed. Returned with a trailing slash. */
  private pickBase(urls: string[] | null): { url: string } | { error: string } {
    if (!urls) return { error: 'no RDAP server in the bootstrap file covers it' };
    const url = urls.find((u) => /^https:/i.test(u)) ?? (this.opts.allowHttp ? urls.find((u) => /^http:/i.test(u)) : undefined);
    if (!url) return { error: 'the bootstrap lists only plain-http RDAP servers (refused)' };
    return { url: url.endsWith('/') ? url : `${url}/` };
  }

  /** GET with at most one redirect; the contacts of a 2xx JSON answer. */
  private async query(url: string, scope: 'hosting' | 'registrar'): Promise<RdapAnswer> {
    const queried: Queried[] = [];
    let current = url;
    for (let hop = 0; ; hop++) {
      const res = await this.get(current);
      queried.push(res.entry);
      if (!res.redirect) {
        const contacts: FoundAbuseContact[] = res.json === undefined ? [] : extractAbuseContacts(res.json, scope, current);
        return { contacts, queried };
      }
      if (hop >= 1) {
        res.entry.error = 'a second redirect was not followed';
        return { contacts: [], queried };
      }
      if (!this.opts.allowHttp && !/^https:/i.test(res.redirect)) {
        res.entry.error = `redirect to a non-https URL refused: ${res.redirect}`;
        return { contacts: [], queried };
      }
      current = res.redirect;
    }
  }

  private async get(url: string): Promise<{ entry: Queried; json?: unknown; redirect?: string }> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await this.fetchFn(url, { redirect: 'manual', signal, headers: { accept: 'application/rdap+json, application/json' } });
      const entry: Queried = { url, status: res.status };
      if (REDIRECTS.has(res.status)) {
        await res.body?.cancel();
        const loc = res.headers.get('location');
        if (!loc || !URL.canParse(loc, url)) return { entry: { ...entry, error: 'redirect without a valid Location' } };
        return { entry, redirect: new URL(loc, url).href };
      }
      if (res.status < 200 || res.status > 299) {
        await res.body?.cancel();
        return { entry: { ...entry, error: `HTTP ${res.status}` } };
      }
      const body = await readLimited(res, this.maxBytes);
      if (body === null) return { entry: { ...entry, error: `response larger than ${this.maxBytes} bytes` } };
      try {
        return { entry, json: JSON.parse(body.toString('utf8')) as unknown };
      } catch {
        return { entry: { ...entry, error: 'response is not JSON' } };
      }
    } catch (e) {
      const err = e as Error;
      const timeout = err.name === 'TimeoutError' || err.name === 'AbortError';
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = timeout ? `no answer within ${this.timeoutMs} ms` : (cause?.code ?? cause?.message ?? err.message);
      return { entry: { url, status: null, error: why } };
    }
  }
}

function failed(url: string, error: string): RdapAnswer {
  return { contacts: [], queried: [{ url, status: null, error }] };
}

/** The body, or null as soon as it exceeds `max` bytes (the rest is not read). */
async function readLimited(res: Response, max: number): Promise<Buffer | null> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel();
    return null;
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
