import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HlUrlRow } from '../../src/db/schema.js';
import { deskStatistics, isoWeek, median, nearestRank } from '../../src/services/hotline/removal-stats.js';

const T0 = Date.parse('2026-01-05T00:00:00.000Z');
const h = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();

let n = 0;
function url(p: Partial<HlUrlRow>): HlUrlRow {
  n++;
  return {
    id: `u${n}`, canonical_sha256: `s${n}`, canonical_url: `http://h${n}.test/`, host: `h${n}.test`, first_report_id: 'r', status: 'new',
    classification: null, dedicated_domain: 0, hosting_country: null, hosting_org: null, hosting_asn: null, behind_cdn: 0, notice_contact_id: null,
    hold_reason: null, hold_by: null, hold_at: null, received_at: h(0), assessed_at: null, traced_at: null, forwarded_at: null,
    notice_first_sent_at: null, notice_last_sent_at: null, notice_count: 0, first_offline_at: null, last_check_at: null, last_check_result: null,
    offline_streak: 0, closed_at: null, closure_reason: null, moved_to_url_id: null, gone_before_notice: 0, anonymised_at: null, ...p,
  };
}

test('median (mean of the middle two) and nearest-rank p90', () => {
  assert.equal(median([]), null);
  assert.equal(median([5]), 5);
  assert.equal(median([1, 2, 3, 10]), 2.5);
  assert.equal(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
  assert.equal(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9), 10);
  assert.equal(nearestRank([7], 0.9), 7);
});

test('ISO weeks across a year boundary', () => {
  assert.equal(isoWeek('2026-01-01T10:00:00Z'), '2026-W01');
  assert.equal(isoWeek('2027-01-01T10:00:00Z'), '2026-W53');
  assert.equal(isoWeek('2024-12-30T00:00:00Z'), '2025-W01');
  assert.equal(isoWeek('2026-03-02T09:00:00Z'), '2026-W10');
});

test('both clocks, shares within 1/3/7/28 days, hosting tables, re-notices — every figure by hand', () => {
  const rows = [
    // removed 10 h after report, 4 h after the first notice; one re-notice; NL
    url({ classification: 'baseline', hosting_country: 'NL', hosting_org: 'A', hosting_asn: 1, notice_first_sent_at: h(6), notice_count: 2, first_offline_at: h(10), closed_at: h(12), closure_reason: 'removed' }),
    // removed after 50 h from report, 20 h from notice; NL
    url({ classification: 'national', hosting_country: 'NL', hosting_org: 'A', hosting_asn: 1, notice_first_sent_at: h(30), notice_count: 1, first_offline_at: h(50), closed_at: h(52), closure_reason: 'removed' }),
    // gone before any notice (IWF's "gone before action"): in the report clock, not in the notice clock
    url({ classification: 'baseline', hosting_country: 'US', hosting_org: 'B', hosting_asn: 2, first_offline_at: h(100), closed_at: h(102), closure_reason: 'removed', gone_before_notice: 1 }),
    // still online after 3 notices: counts as not removed in both denominators
    url({ classification: 'baseline', hosting_country: 'US', hosting_org: 'B', hosting_asn: 2, notice_first_sent_at: h(2), notice_count: 3 }),
    // not illegal and doubtful: assessed, not in the clocks
    url({ classification: 'not-illegal', closed_at: h(1), closure_reason: 'not-illegal' }),
    url({ classification: 'doubtful' }),
    // not assessed
    url({}),
  ];
  const s = deskStatistics(rows, [{ received_at: h(0), urls: 5 }, { received_at: h(24 * 40), urls: 2 }], { from: null, to: null });
  assert.deepEqual(s.reports, [{ period: '2026-01', reports: 1, urls: 5 }, { period: '2026-02', reports: 1, urls: 2 }]);
  assert.deepEqual([s.urls, s.assessed, s.illegal, s.shareIllegal], [7, 6, 4, 0.67]);
  assert.deepEqual(s.byClassification, { baseline: 3, national: 1, 'not-illegal': 1, doubtful: 1 });
  assert.deepEqual(s.hostingCountries, [{ country: 'NL', urls: 2 }, { country: 'US', urls: 2 }]);
  assert.deepEqual(s.hostingOrgs, [
    { org: 'A', asn: 1, urls: 2, renotices: 1, medianHoursFromNotice: 12 },
    { org: 'B', asn: 2, urls: 2, renotices: 2, medianHoursFromNotice: null },
  ]);
  // Report clock: 10, 50, 100 h removed out of 4 illegal URLs.
  assert.deepEqual(s.fromReport, { n: 3, medianHours: 50, p90Hours: 100, maxHours: 100, within: { '1d': 0.25, '3d': 0.5, '7d': 0.75, '28d': 0.75 }, started: 4, removed: 3 });
  // Notice clock: 4 and 20 h, out of the 3 URLs that were noticed (not the one gone before notice).
  assert.deepEqual(s.fromNotice, { n: 2, medianHours: 12, p90Hours: 20, maxHours: 20, within: { '1d': 0.67, '3d': 0.67, '7d': 0.67, '28d': 0.67 }, started: 3, removed: 2 });
  assert.equal(s.goneBeforeNotice, 1);
  assert.deepEqual(s.renotices, { total: 3, urlsRenoticed: 2 });
  assert.deepEqual(s.closures, { removed: 3, 'not-illegal': 1 });
});

test('no data: nulls, not zeros or NaN', () => {
  const s = deskStatistics([], [], { from: '2026-01-01', to: '2026-02-01' }, 'week');
  assert.equal(s.shareIllegal, null);
  assert.deepEqual(s.fromReport, { n: 0, medianHours: null, p90Hours: null, maxHours: null, within: { '1d': null, '3d': null, '7d': null, '28d': null }, started: 0, removed: 0 });
});
