import type { HotlineReportRepository } from '../../db/repositories/hotline/report.repository.js';
import type { HotlineRetentionRepository } from '../../db/repositories/hotline/retention.repository.js';
import type { HotlineUrlRepository } from '../../db/repositories/hotline/url.repository.js';
import type { AuditService } from '../audit.service.js';
import { UserError } from '../errors.js';
import type { HotlineSettingsService } from './hotline-settings.js';
import { isIllegal, type DeskActor } from './hotline-types.js';
import { deskStatistics, type DeskStatistics } from './removal-stats.js';
import { canonicaliseUrl } from './url-canonical.js';

export interface BlockingData {
  /** Registered domains marked as dedicated to abuse material, still online (the RPZ zone). */
  domains: string[];
  /** Canonical URLs of open illegal material (the URL list). */
  urls: string[];
  hashes: { algorithm: string; hash: string; classification: string }[];
}

const ISO = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/;

/** Statistics, blocking-list data and retention: everything read off the whole desk. */
export class ReportingService {
  constructor(
    private readonly urls: HotlineUrlRepository,
    private readonly reports: HotlineReportRepository,
    private readonly retention: HotlineRetentionRepository,
    private readonly settings: HotlineSettingsService,
    private readonly audit: AuditService,
    private readonly now: () => string,
  ) {}

  async statistics(range: { from?: string | null; to?: string | null; period?: string } = {}): Promise<DeskStatistics> {
    for (const v of [range.from, range.to]) if (v && !ISO.test(v)) throw new UserError(`"${v}" is not a date (YYYY-MM-DD or ISO-8601 UTC)`);
    const period = range.period ?? 'month';
    if (!['month', 'week', 'day'].includes(period)) throw new UserError('period must be month, week or day');
    const r = { from: range.from ?? null, to: range.to ?? null };
    const urls = await this.urls.all({ ...(r.from ? { from: r.from } : {}), ...(r.to ? { to: r.to } : {}) });
    return deskStatistics(urls, await this.reports.receivedIn(r), r, period as 'month' | 'week' | 'day');
  }

  /** What goes into the blocking exports; each download is audited by the caller's `kind`. */
  async blocking(kind: 'rpz' | 'urls' | 'url-hashes' | 'hashes', by: DeskActor): Promise<BlockingData> {
    const open = (await this.urls.all()).filter((u) => !u.closed_at && !u.anonymised_at && isIllegal(u.classification));
    const domains = [...new Set(open.filter((u) => u.dedicated_domain === 1).map((u) => canonicaliseUrl(u.canonical_url).registeredDomain))].sort();
    const data: BlockingData = {
      domains, urls: [...new Set(open.map((u) => u.canonical_url))].sort(),
      hashes: (await this.urls.illegalHashes()).map((h) => ({ algorithm: h.algorithm, hash: h.hash, classification: h.classification ?? '' })),
    };
    await this.audit.record(by, 'hotline-export', { detail: { kind, domains: domains.length, urls: data.urls.length, hashes: data.hashes.length } });
    return data;
  }

  /** Anonymise what is older than the retention period. */
  async applyRetention(by: DeskActor): Promise<{ cutoff: string; urls: number; reports: number }> {
    const s = await this.settings.get();
    const at = this.now();
    const cutoff = new Date(Date.parse(at) - s.retentionDays * 86_400_000).toISOString();
    const urls = await this.retention.anonymiseUrls(cutoff, at);
    const reports = await this.retention.anonymiseReports(cutoff, at);
    await this.audit.record(by, 'hotline-retention', { detail: { cutoff, urls, reports } });
    return { cutoff, urls, reports };
  }
}
