import type { HlUrlRow } from '../../db/schema.js';
import { isIllegal } from './hotline-types.js';

/** Summary of durations in hours. Median: mean of the two middle values; p90: nearest rank (⌈0.9·n⌉-th value). */
export interface DurationSummary {
  n: number;
  medianHours: number | null;
  p90Hours: number | null;
  maxHours: number | null;
  /** Share (0–1) of the clock's population removed within 1, 3, 7 and 28 days; still-online URLs count as not removed. */
  within: { '1d': number | null; '3d': number | null; '7d': number | null; '28d': number | null };
  /** URLs whose clock started (the denominator of `within`) and how many of them are removed. */
  started: number;
  removed: number;
}

export interface DeskStatistics {
  range: { from: string | null; to: string | null };
  reports: { period: string; reports: number; urls: number }[];
  urls: number;
  assessed: number;
  illegal: number;
  /** illegal / assessed (0–1). */
  shareIllegal: number | null;
  byClassification: Record<string, number>;
  hostingCountries: { country: string; urls: number }[];
  hostingOrgs: { org: string; asn: number | null; urls: number; renotices: number; medianHoursFromNotice: number | null }[];
  /** INHOPE's clock: from the report's receipt to the first offline check of the confirmed removal. */
  fromReport: DurationSummary;
  /** IWF's clock: from the first notice to the first offline check (URLs gone before any notice are not in it). */
  fromNotice: DurationSummary;
  goneBeforeNotice: number;
  renotices: { total: number; urlsRenoticed: number };
  closures: Record<string, number>;
}

const HOUR = 3_600_000;

export function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

export function nearestRank(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

const round = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

function summarise(durations: number[], started: number): DurationSummary {
  const s = [...durations].sort((a, b) => a - b);
  const share = (days: number) => (started === 0 ? null : round(s.filter((h) => h <= days * 24).length / started));
  return {
    n: s.length, medianHours: round(median(s)), p90Hours: round(nearestRank(s, 0.9)), maxHours: round(s.length ? s[s.length - 1]! : null),
    within: { '1d': share(1), '3d': share(3), '7d': share(7), '28d': share(28) }, started, removed: s.length,
  };
}

const hours = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / HOUR;

/**
 * The desk's statistics, computed from the URLs' transition times (pure: tests give rows and check every figure).
 * Only URLs assessed as illegal enter the removal clocks. `reportTimes` are the receipt times of the reports
 * received in the range (one URL may be in several reports).
 */
export function deskStatistics(urls: HlUrlRow[], reportTimes: { received_at: string; urls: number }[], range: { from: string | null; to: string | null }, period: 'month' | 'week' | 'day' = 'month'): DeskStatistics {
  const key = (iso: string) => (period === 'month' ? iso.slice(0, 7) : period === 'day' ? iso.slice(0, 10) : isoWeek(iso));
  const per = new Map<string, { reports: number; urls: number }>();
  for (const r of reportTimes) {
    const k = key(r.received_at);
    const e = per.get(k) ?? { reports: 0, urls: 0 };
    e.reports++;
    e.urls += r.urls;
    per.set(k, e);
  }
  const byClassification: Record<string, number> = {};
  const closures: Record<string, number> = {};
  for (const u of urls) {
    if (u.classification) byClassification[u.classification] = (byClassification[u.classification] ?? 0) + 1;
    if (u.closure_reason) closures[u.closure_reason] = (closures[u.closure_reason] ?? 0) + 1;
  }
  const illegal = urls.filter((u) => isIllegal(u.classification));
  const assessed = urls.filter((u) => u.classification !== null).length;
  const removedAt = (u: HlUrlRow) => (u.closure_reason === 'removed' && u.first_offline_at ? u.first_offline_at : null);

  const fromReport = illegal.flatMap((u) => (removedAt(u) ? [hours(u.received_at, removedAt(u)!)] : []));
  const noticed = illegal.filter((u) => u.notice_first_sent_at && !u.gone_before_notice);
  const fromNotice = noticed.flatMap((u) => (removedAt(u) && removedAt(u)! >= u.notice_first_sent_at! ? [hours(u.notice_first_sent_at!, removedAt(u)!)] : []));

  const countries = new Map<string, number>();
  const orgs = new Map<string, { org: string; asn: number | null; urls: number; renotices: number; fromNotice: number[] }>();
  for (const u of illegal) {
    const c = u.hosting_country ?? 'unknown';
    countries.set(c, (countries.get(c) ?? 0) + 1);
    const ok = `${u.hosting_org ?? 'unknown'}\0${u.hosting_asn ?? ''}`;
    const o = orgs.get(ok) ?? { org: u.hosting_org ?? 'unknown', asn: u.hosting_asn, urls: 0, renotices: 0, fromNotice: [] };
    o.urls++;
    o.renotices += Math.max(0, u.notice_count - 1);
    if (u.notice_first_sent_at && removedAt(u) && removedAt(u)! >= u.notice_first_sent_at) o.fromNotice.push(hours(u.notice_first_sent_at, removedAt(u)!));
    orgs.set(ok, o);
  }
  return {
    range,
    reports: [...per.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([p, e]) => ({ period: p, ...e })),
    urls: urls.length, assessed, illegal: illegal.length, shareIllegal: assessed ? round(illegal.length / assessed) : null,
    byClassification,
    hostingCountries: [...countries.entries()].map(([country, n]) => ({ country, urls: n })).sort((a, b) => b.urls - a.urls || a.country.localeCompare(b.country)),
    hostingOrgs: [...orgs.values()].map((o) => ({ org: o.org, asn: o.asn, urls: o.urls, renotices: o.renotices, medianHoursFromNotice: round(median([...o.fromNotice].sort((a, b) => a - b))) }))
      .sort((a, b) => b.urls - a.urls || a.org.localeCompare(b.org)),
    fromReport: summarise(fromReport, illegal.length),
    fromNotice: summarise(fromNotice, noticed.length),
    goneBeforeNotice: illegal.filter((u) => u.gone_before_notice).length,
    renotices: { total: illegal.reduce((a, u) => a + Math.max(0, u.notice_count - 1), 0), urlsRenoticed: illegal.filter((u) => u.notice_count > 1).length },
    closures,
  };
}

/** ISO 8601 week, e.g. 2026-W05. */
export function isoWeek(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  const day = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - day + 3);
  const year = d.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round(((d.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}
