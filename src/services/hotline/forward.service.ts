import type { HotlineDeliveryRepository } from '../../db/repositories/hotline/delivery.repository.js';
import type { HotlineReportRepository } from '../../db/repositories/hotline/report.repository.js';
import type { HotlineTraceRepository } from '../../db/repositories/hotline/trace.repository.js';
import type { HotlineUrlRepository } from '../../db/repositories/hotline/url.repository.js';
import type { HlUrlRow } from '../../db/schema.js';
import { newId } from '../../util/ids.js';
import type { AuditService } from '../audit.service.js';
import { ConflictError } from '../auth.errors.js';
import { NotFoundError, UserError } from '../errors.js';
import type { HotlineSettingsService } from './hotline-settings.js';
import { isIllegal, type DeskActor } from './hotline-types.js';
import { routeFor, type Route } from './routing.js';
import { statusWith } from './url-status.js';

export interface ForwardedPackage {
  packageId: string;
  route: Route;
  urlIds: string[];
}

/** Everything a package says about one URL (police and partners get metadata, hashes and times, never content). */
export interface PackageUrl {
  urlId: string;
  canonicalUrl: string;
  host: string;
  firstReport: { number: string; receivedAt: string; source: string; partner: string | null; externalRef: string | null; description: string | null; contentType: string | null } | null;
  reports: number;
  classification: string | null;
  assessedAt: string | null;
  decidedBy: string | null;
  decidedByName: string | null;
  viewedContent: boolean;
  ageGroup: string | null;
  trace: { tracedAt: string; ip: string | null; addresses: string[]; asn: number | null; prefix: string | null; org: string | null; country: string | null; cdn: string | null; contacts: { email: string; scope: string }[] } | null;
  hashes: { algorithm: string; hash: string }[];
}

export interface PackageData {
  packageId: string;
  hotline: string;
  createdAt: string;
  createdBy: string | null;
  destinationKind: string;
  destination: string;
  country: string | null;
  format: string;
  urls: PackageUrl[];
}

/**
 * Forwarding: each traced, illegal URL goes where routing sends it, in one package per destination. The police
 * clear a nationally hosted URL for notice (or hold it).
 */
export class ForwardService {
  constructor(
    private readonly urls: HotlineUrlRepository,
    private readonly reports: HotlineReportRepository,
    private readonly traces: HotlineTraceRepository,
    private readonly delivery: HotlineDeliveryRepository,
    private readonly settings: HotlineSettingsService,
    private readonly audit: AuditService,
    private readonly now: () => string,
    private readonly hotlineName = 'Winnow hotline',
  ) {}

  private problem(u: HlUrlRow): string | null {
    if (u.closed_at) return `closed (${u.closure_reason})`;
    if (!u.assessed_at) return 'not assessed yet';
    if (!isIllegal(u.classification)) return `assessed as ${u.classification}: only illegal material is forwarded`;
    if (!u.traced_at) return 'not traced yet';
    return null;
  }

  async forward(urlIds: string[], by: DeskActor): Promise<ForwardedPackage[]> {
    if (urlIds.length === 0) throw new UserError('give at least one URL to forward');
    const s = await this.settings.get();
    const groups = new Map<string, ForwardedPackage>();
    const rows: HlUrlRow[] = [];
    for (const id of new Set(urlIds)) {
      const u = await this.urls.get(id);
      if (!u) throw new NotFoundError(`no such URL ${id}`);
      const p = this.problem(u);
      if (p) throw new ConflictError(`${u.canonical_url}: ${p}`);
      rows.push(u);
    }
    const at = this.now();
    for (const u of rows) {
      const route = routeFor(u.hosting_country, s);
      const key = `${route.kind}\0${route.destination}`;
      if (!groups.has(key)) groups.set(key, { packageId: newId(Date.parse(at)), route, urlIds: [] });
      groups.get(key)!.urlIds.push(u.id);
    }
    await this.urls.inTransaction(async (tx) => {
      for (const g of groups.values()) {
        for (const id of g.urlIds) {
          const u = rows.find((r) => r.id === id)!;
          await this.delivery.insertForward({
            id: newId(Date.parse(at)), url_id: id, destination_kind: g.route.kind, destination: g.route.destination, country: g.route.country,
            format: g.route.format, package_id: g.packageId, created_at: at, created_by: by.name, cleared_at: null, cleared_by: null,
          }, tx);
          const patch: Partial<HlUrlRow> = { forwarded_at: u.forwarded_at ?? at };
          patch.status = statusWith(u, patch);
          await this.urls.transition(id, { kind: 'forwarded', at, actor: by.name, detail: { package: g.packageId, to: g.route.kind, destination: g.route.destination } }, patch, tx);
        }
      }
    });
    return [...groups.values()];
  }

  /** Police clearance: the hotline may now notify the host of a nationally hosted URL. */
  async clear(urlId: string, by: DeskActor): Promise<void> {
    const u = await this.urls.get(urlId);
    if (!u) throw new NotFoundError('no such URL');
    const at = this.now();
    await this.urls.inTransaction(async (tx) => {
      const n = await this.delivery.clearForward(urlId, at, by.name ?? 'police', tx);
      if (n === 0) throw new ConflictError('nothing to clear: the URL was not forwarded to the national police, or is cleared already');
      await this.urls.transition(urlId, { kind: 'cleared', at, actor: by.name, detail: {} }, {}, tx);
    });
    await this.audit.record(by, 'hotline-police', { detail: { action: 'clear', url: urlId } });
  }

  packages() {
    return this.delivery.packages();
  }

  /** A package's content, rebuilt from the store (so a download always shows the current trace and assessment). */
  async packageData(packageId: string, by: DeskActor, format: string): Promise<PackageData> {
    const fwd = await this.delivery.packageForwards(packageId);
    if (fwd.length === 0) throw new NotFoundError('no such package');
    const urls: PackageUrl[] = [];
    for (const f of fwd) {
      const u = (await this.urls.get(f.url_id))!;
      const reps = await this.reports.reportsOf(u.id);
      const first = reps[0];
      const assessments = await this.urls.assessments(u.id);
      const last = assessments[assessments.length - 1];
      const t = await this.traces.latest(u.id);
      urls.push({
        urlId: u.id, canonicalUrl: u.canonical_url, host: u.host, reports: reps.length,
        firstReport: first ? { number: first.number, receivedAt: first.received_at, source: first.source, partner: first.partner, externalRef: first.external_ref, description: first.description, contentType: first.content_type_hint } : null,
        classification: u.classification, assessedAt: u.assessed_at, decidedBy: last?.decided_by_kind ?? null, decidedByName: last?.decided_by ?? null,
        viewedContent: assessments.some((a) => a.viewed_content === 1), ageGroup: last?.age_group ?? null,
        trace: t ? {
          tracedAt: t.traced_at, ip: t.ip, addresses: JSON.parse(t.addresses) as string[], asn: t.asn, prefix: t.prefix, org: t.org, country: t.country, cdn: t.cdn_name,
          contacts: (JSON.parse(t.contacts) as { email: string; scope: string }[]).map((c) => ({ email: c.email, scope: c.scope })),
        } : null,
        hashes: (await this.urls.hashes(u.id)).map((h) => ({ algorithm: h.algorithm, hash: h.hash })),
      });
    }
    const f0 = fwd[0]!;
    await this.audit.record(by, 'hotline-export', { detail: { kind: 'package', package: packageId, format, destination: f0.destination, urls: urls.length } });
    return {
      packageId, hotline: this.hotlineName, createdAt: f0.created_at, createdBy: f0.created_by, destinationKind: f0.destination_kind,
      destination: f0.destination, country: f0.country, format: f0.format, urls,
    };
  }
}
