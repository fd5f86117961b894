import { statsCsv } from '../../formats/hotline/stats-csv.js';
import type { DeskStatistics } from '../../services/hotline/removal-stats.js';

/** The statistics as CSV: one row per figure (section, key, value), so a spreadsheet can chart any of them. */
export function statisticsCsv(s: DeskStatistics): string {
  const rows: Record<string, string | number | null>[] = [];
  const add = (section: string, key: string, value: string | number | null) => rows.push({ section, key, value });
  for (const r of s.reports) { add('reports', r.period, r.reports); add('reported-urls', r.period, r.urls); }
  add('totals', 'urls', s.urls); add('totals', 'assessed', s.assessed); add('totals', 'illegal', s.illegal); add('totals', 'share-illegal', s.shareIllegal);
  for (const [k, v] of Object.entries(s.byClassification)) add('classification', k, v);
  for (const c of s.hostingCountries) add('hosting-country', c.country, c.urls);
  for (const o of s.hostingOrgs) { add('hosting-org', `${o.org}${o.asn ? ` (AS${o.asn})` : ''}`, o.urls); add('renotices-per-org', `${o.org}${o.asn ? ` (AS${o.asn})` : ''}`, o.renotices); }
  for (const [clock, d] of [['from-report', s.fromReport], ['from-notice', s.fromNotice]] as const) {
    add(clock, 'started', d.started); add(clock, 'removed', d.removed); add(clock, 'median-hours', d.medianHours); add(clock, 'p90-hours', d.p90Hours); add(clock, 'max-hours', d.maxHours);
    for (const [k, v] of Object.entries(d.within)) add(clock, `removed-within-${k}`, v);
  }
  add('totals', 'gone-before-notice', s.goneBeforeNotice); add('totals', 'renotices', s.renotices.total); add('totals', 'urls-renoticed', s.renotices.urlsRenoticed);
  for (const [k, v] of Object.entries(s.closures)) add('closure', k, v);
  return statsCsv(rows, ['section', 'key', 'value']);
}
