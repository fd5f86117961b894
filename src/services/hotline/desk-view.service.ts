import type { HotlineDeliveryRepository } from '../../db/repositories/hotline/delivery.repository.js';
import type { HotlineReportRepository } from '../../db/repositories/hotline/report.repository.js';
import type { HotlineTraceRepository } from '../../db/repositories/hotline/trace.repository.js';
import type { HotlineUrlRepository } from '../../db/repositories/hotline/url.repository.js';
import type { HlUrlRow } from '../../db/schema.js';
import { NotFoundError, UserError } from '../errors.js';
import type { HotlineSettingsService } from './hotline-settings.js';
import { routeFor } from './routing.js';

const STATUSES = ['new', 'assessed', 'traced', 'forwarded', 'notified', 'closed'];

/** What the desk shows: the work list and one URL's whole file (metadata, hashes and times; never content). */
export class DeskViewService {
  constructor(
    private readonly urls: HotlineUrlRepository,
    private readonly reports: HotlineReportRepository,
    private readonly traces: HotlineTraceRepository,
    private readonly delivery: HotlineDeliveryRepository,
    private readonly settings: HotlineSettingsService,
  ) {}

  async list(opts: { status?: string; open?: boolean; host?: string; limit?: number; offset?: number }): Promise<HlUrlRow[]> {
    if (opts.status && !STATUSES.includes(opts.status)) throw new UserError(`status must be one of ${STATUSES.join(', ')}`);
    return this.urls.list({ ...opts, limit: Math.min(opts.limit ?? 100, 1000) });
  }

  /** The latest notices sent (or failed) by the desk, newest first. */
  notices(limit = 200) {
    return this.delivery.notices(Math.min(limit, 1000));
  }

  async detail(urlId: string) {
    const url = await this.urls.get(urlId);
    if (!url) throw new NotFoundError('no such URL');
    const s = await this.settings.get();
    const contact = url.notice_contact_id ? (await this.traces.contact(url.notice_contact_id)) ?? null : null;
    return {
      url,
      route: url.traced_at ? routeFor(url.hosting_country, s) : null,
      noticeContact: contact,
      reports: await this.reports.reportsOf(urlId),
      assessments: await this.urls.assessments(urlId),
      traces: (await this.traces.versions(urlId)).map((t) => ({ ...t, cname_chain: JSON.parse(t.cname_chain) as string[], addresses: JSON.parse(t.addresses) as string[], contacts: JSON.parse(t.contacts) as unknown[], evidence: JSON.parse(t.evidence) as unknown })),
      forwards: await this.delivery.forwardsOf(urlId),
      notices: await this.delivery.noticesOf(urlId),
      checks: (await this.urls.checks(urlId)).map((c) => ({ ...c, dns: c.dns ? (JSON.parse(c.dns) as unknown) : null, redirects: c.redirects ? (JSON.parse(c.redirects) as unknown[]) : [] })),
      hashes: await this.urls.hashes(urlId),
      events: (await this.urls.events(urlId)).map((e) => ({ ...e, detail: JSON.parse(e.detail) as unknown })),
      noView: s.noView,
    };
  }
}
