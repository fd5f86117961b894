/**
 * The desk's statistics (removal-stats.ts): reports per period (bar chart and table), share illegal, hosting countries
 * and organisations, removal times on both clocks (from the report: INHOPE; from the first notice: IWF), re-notices,
 * and the same figures as CSV.
 */
import { useState, type FormEvent } from 'react';
import { hotline, statsCsvUrl, type DurationSummary, type StatsQuery } from '../../lib/hotline-api.js';
import { BarChart } from './BarChart.js';
import { ErrorBanner, fmtHours, fmtShare, useResource } from './desk-common.js';

export function Statistics() {
  const [query, setQuery] = useState<StatsQuery>({ period: 'month' });
  const [draft, setDraft] = useState<{ period: 'month' | 'week' | 'day'; from: string; to: string }>({ period: 'month', from: '', to: '' });
  const { data: s, error } = useResource(() => hotline.stats(query), [query.period, query.from, query.to]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ period: draft.period, ...(draft.from ? { from: draft.from } : {}), ...(draft.to ? { to: draft.to } : {}) });
  };
  return (
    <section aria-labelledby="stats-title">
      <h1 id="stats-title">Statistics</h1>
      <form className="filters" onSubmit={apply} aria-label="Statistics period">
        <label>Period
          <select value={draft.period} onChange={(e) => setDraft({ ...draft, period: e.target.value as 'month' })}>
            <option value="month">month</option><option value="week">week</option><option value="day">day</option>
          </select>
        </label>
        <label>From<input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} /></label>
        <label>To (not included)<input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} /></label>
        <button type="submit">Show</button>
        <a className="button" href={statsCsvUrl(query)} download>Download CSV</a>
      </form>
      <ErrorBanner error={error} />
      {s && (
        <>
          <div className="cards" data-testid="stats-cards">
            <div className="card"><div className="big" data-testid="stat-urls">{s.urls}</div>URLs</div>
            <div className="card"><div className="big">{s.assessed}</div>assessed</div>
            <div className="card"><div className="big">{s.illegal}</div>illegal</div>
            <div className="card"><div className="big">{fmtShare(s.shareIllegal)}</div>share illegal</div>
            <div className="card"><div className="big" data-testid="stat-removed">{s.closures.removed ?? 0}</div>removed</div>
            <div className="card"><div className="big">{s.goneBeforeNotice}</div>gone before notice</div>
            <div className="card"><div className="big">{s.renotices.total}</div>re-notices ({s.renotices.urlsRenoticed} URLs)</div>
          </div>
          <h2>Reports per {query.period ?? 'month'}</h2>
          {s.reports.length === 0 ? <p className="hint">No reports in this range.</p> : (
            <div className="row chart-row">
              <BarChart title={`Reports per ${query.period ?? 'month'}`} data={s.reports.map((r) => ({ label: r.period, value: r.reports }))} />
              <table className="table small narrow" data-testid="stats-reports">
                <thead><tr><th>Period</th><th>Reports</th><th>URLs</th></tr></thead>
                <tbody>{s.reports.map((r) => <tr key={r.period}><td>{r.period}</td><td>{r.reports}</td><td>{r.urls}</td></tr>)}</tbody>
              </table>
            </div>
          )}
          <h2>Removal times (illegal URLs)</h2>
          <table className="table small" data-testid="stats-removal">
            <thead><tr><th>Clock</th><th>Started</th><th>Removed</th><th>Median</th><th>p90</th><th>Max</th><th>≤ 1 day</th><th>≤ 3 days</th><th>≤ 7 days</th><th>≤ 28 days</th></tr></thead>
            <tbody>
              <ClockRow name="From the report (INHOPE)" d={s.fromReport} />
              <ClockRow name="From the first notice (IWF)" d={s.fromNotice} />
            </tbody>
          </table>
          <div className="row top">
            <div>
              <h2>Hosting countries</h2>
              <table className="table small narrow" data-testid="stats-countries">
                <thead><tr><th>Country</th><th>Illegal URLs</th></tr></thead>
                <tbody>{s.hostingCountries.map((c) => <tr key={c.country}><td>{c.country}</td><td>{c.urls}</td></tr>)}</tbody>
              </table>
            </div>
            <div>
              <h2>Hosting organisations</h2>
              <table className="table small" data-testid="stats-orgs">
                <thead><tr><th>Organisation</th><th>AS</th><th>Illegal URLs</th><th>Re-notices</th><th>Median from notice</th></tr></thead>
                <tbody>{s.hostingOrgs.map((o) => <tr key={`${o.org}/${o.asn ?? ''}`}><td>{o.org}</td><td>{o.asn !== null ? `AS${o.asn}` : '—'}</td><td>{o.urls}</td><td>{o.renotices}</td><td>{fmtHours(o.medianHoursFromNotice)}</td></tr>)}</tbody>
              </table>
            </div>
            <div>
              <h2>Closures</h2>
              <table className="table small narrow" data-testid="stats-closures">
                <thead><tr><th>Reason</th><th>URLs</th></tr></thead>
                <tbody>{Object.entries(s.closures).map(([k, v]) => <tr key={k}><td>{k}</td><td>{v}</td></tr>)}</tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </section>
  );
}

function ClockRow({ name, d }: { name: string; d: DurationSummary }) {
  return (
    <tr>
      <th scope="row">{name}</th><td>{d.started}</td><td>{d.removed}</td><td>{fmtHours(d.medianHours)}</td><td>{fmtHours(d.p90Hours)}</td><td>{fmtHours(d.maxHours)}</td>
      <td>{fmtShare(d.within['1d'])}</td><td>{fmtShare(d.within['3d'])}</td><td>{fmtShare(d.within['7d'])}</td><td>{fmtShare(d.within['28d'])}</td>
    </tr>
  );
}
