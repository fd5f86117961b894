import { createHash } from 'node:crypto';
import type { DatabaseHandle } from '../../../src/db/connection.js';
import { newId } from '../../../src/util/ids.js';

/**
 * Put a reported URL straight into the store (a report with one URL, status `new`), for tests of the parts of the
 * desk that come after intake. Uses WHATWG URL serialisation, not the desk's canonicaliser, on purpose: these
 * tests are about what happens to a URL once it exists.
 */
export async function seedReportedUrl(h: DatabaseHandle, url: string, receivedAt = '2026-01-05T09:00:00.000Z', extra: { number?: string } = {}): Promise<{ reportId: string; urlId: string }> {
  const canonical = new URL(url).href;
  const reportId = newId(Date.parse(receivedAt));
  const urlId = newId(Date.parse(receivedAt));
  await h.db.insertInto('hl_report').values({
    id: reportId, number: extra.number ?? `T-${reportId.slice(0, 8)}`, received_at: receivedAt, source: 'api', partner: null, external_ref: null,
    description: null, content_type_hint: null, where_found: null, referrer: null, language: 'en', reporter_contact: null,
    reporter_token_hash: null, created_by: null, anonymised_at: null,
  }).execute();
  await h.db.insertInto('hl_url').values({
    id: urlId, canonical_sha256: createHash('sha256').update(canonical).digest('hex'), canonical_url: canonical, host: new URL(url).hostname,
    first_report_id: reportId, status: 'new', classification: null, hosting_country: null, hosting_org: null, hosting_asn: null,
    notice_contact_id: null, hold_reason: null, hold_by: null, hold_at: null, received_at: receivedAt, assessed_at: null, traced_at: null,
    forwarded_at: null, notice_first_sent_at: null, notice_last_sent_at: null, first_offline_at: null, last_check_at: null,
    last_check_result: null, closed_at: null, closure_reason: null, moved_to_url_id: null, anonymised_at: null,
  }).execute();
  await h.db.insertInto('hl_report_url').values({ report_id: reportId, position: 0, url_id: urlId, raw_url: url }).execute();
  await h.db.insertInto('hl_event').values({ id: newId(Date.parse(receivedAt)), url_id: urlId, at: receivedAt, kind: 'received', actor: null, detail: '{}' }).execute();
  return { reportId, urlId };
}
