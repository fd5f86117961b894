import type { Insertable } from 'kysely';
import type { DatabaseHandle } from '../../connection.js';
import type { HlReportRow, HlReportTable } from '../../schema.js';
import { newId, sequentialId } from '../../../util/ids.js';

/** One URL of a new report, already canonicalised by the service. */
export interface IntakeUrl {
  raw: string;
  canonical: string;
  sha256: string;
  host: string;
}

export interface IntakeUrlResult {
  urlId: string;
  canonical: string;
  /** The URL was already known: the report was linked to the existing work. */
  wasKnown: boolean;
}

/**
 * Reports and their URLs. `insertReport` writes the report, a canonical hl_url per new URL (or a link to the
 * existing one) and the timeline events in one transaction, so a report is never half-stored.
 */
export class HotlineReportRepository {
  constructor(private readonly h: DatabaseHandle) {}

  /** Highest sequence used in report numbers with this prefix (e.g. "WR-2026-"), or 0. */
  async lastNumber(prefix: string): Promise<number> {
    const row = await this.h.db.selectFrom('hl_report').select('number').where('number', 'like', `${prefix}%`).orderBy('number', 'desc').limit(1).executeTakeFirst();
    return row ? Number(row.number.slice(prefix.length)) || 0 : 0;
  }

  async insertReport(report: Insertable<HlReportTable>, urls: IntakeUrl[]): Promise<IntakeUrlResult[]> {
    return this.h.db.transaction().execute(async (tx) => {
      await tx.insertInto('hl_report').values(report).execute();
      const out: IntakeUrlResult[] = [];
      const seenInReport = new Map<string, string>();
      for (const [position, u] of urls.entries()) {
        let urlId = seenInReport.get(u.sha256);
        let wasKnown = urlId !== undefined;
        if (!urlId) {
          const existing = await tx.selectFrom('hl_url').select(['id']).where('canonical_sha256', '=', u.sha256).executeTakeFirst();
          if (existing) {
            urlId = existing.id;
            wasKnown = true;
            await tx.insertInto('hl_event').values({ id: sequentialId(), url_id: urlId, at: report.received_at, kind: 'linked', actor: report.created_by ?? null, detail: JSON.stringify({ report: report.number, raw: u.raw }) }).execute();
          } else {
            urlId = newId(Date.parse(report.received_at));
            await tx.insertInto('hl_url').values({
              id: urlId, canonical_sha256: u.sha256, canonical_url: u.canonical, host: u.host, first_report_id: report.id, status: 'new',
              classification: null, hosting_country: null, hosting_org: null, hosting_asn: null, notice_contact_id: null, hold_reason: null,
              hold_by: null, hold_at: null, received_at: report.received_at, assessed_at: null, traced_at: null, forwarded_at: null,
              notice_first_sent_at: null, notice_last_sent_at: null, first_offline_at: null, last_check_at: null, last_check_result: null,
              closed_at: null, closure_reason: null, moved_to_url_id: null, anonymised_at: null,
            }).execute();
            await tx.insertInto('hl_event').values({ id: sequentialId(), url_id: urlId, at: report.received_at, kind: 'received', actor: report.created_by ?? null, detail: JSON.stringify({ report: report.number, source: report.source }) }).execute();
          }
          seenInReport.set(u.sha256, urlId);
        }
        await tx.insertInto('hl_report_url').values({ report_id: report.id, position, url_id: urlId, raw_url: u.raw, was_known: wasKnown ? 1 : 0 }).execute();
        out.push({ urlId, canonical: u.canonical, wasKnown });
      }
      return out;
    });
  }

  byNumber(number: string): Promise<HlReportRow | undefined> {
    return this.h.db.selectFrom('hl_report').selectAll().where('number', '=', number).executeTakeFirst();
  }

  byId(id: string): Promise<HlReportRow | undefined> {
    return this.h.db.selectFrom('hl_report').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byExternalRef(partner: string, ref: string): Promise<HlReportRow | undefined> {
    return this.h.db.selectFrom('hl_report').selectAll().where('partner', '=', partner).where('external_ref', '=', ref).executeTakeFirst();
  }

  /** The report's URLs with their current state, in the order the reporter gave them. */
  urlsOf(reportId: string) {
    return this.h.db.selectFrom('hl_report_url as ru').innerJoin('hl_url as u', 'u.id', 'ru.url_id')
      .select(['ru.position', 'ru.raw_url', 'ru.was_known', 'u.id', 'u.canonical_url', 'u.status', 'u.classification', 'u.closure_reason'])
      .where('ru.report_id', '=', reportId).orderBy('ru.position').execute();
  }

  /** Reports naming a URL (the first and every later one), once each (a report may list the URL twice). */
  async reportsOf(urlId: string) {
    const rows = await this.h.db.selectFrom('hl_report_url as ru').innerJoin('hl_report as r', 'r.id', 'ru.report_id')
      .select(['r.id', 'r.number', 'r.received_at', 'r.source', 'r.partner', 'r.external_ref', 'r.description', 'r.content_type_hint', 'r.where_found', 'r.language', 'ru.raw_url', 'ru.was_known'])
      .where('ru.url_id', '=', urlId).orderBy('r.received_at').orderBy('r.number').orderBy('ru.position').execute();
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.id) && seen.add(r.id));
  }

  /** Receipt times of reports in [from, to), with how many URLs each named (statistics). */
  receivedIn(range: { from?: string | null; to?: string | null }) {
    let q = this.h.db.selectFrom('hl_report as r').leftJoin('hl_report_url as ru', 'ru.report_id', 'r.id')
      .select((eb) => ['r.received_at', eb.fn.count<number>('ru.url_id').distinct().as('urls')]).groupBy(['r.id', 'r.received_at']).orderBy('r.received_at');
    if (range.from) q = q.where('r.received_at', '>=', range.from);
    if (range.to) q = q.where('r.received_at', '<', range.to);
    return q.execute().then((rows) => rows.map((r) => ({ received_at: r.received_at, urls: Number(r.urls) })));
  }
}
