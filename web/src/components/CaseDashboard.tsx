import { useEffect, useState } from 'react';
import { api, canExport, caseDownloadUrl, type CaseDetail, type SessionUser } from '../lib/api.js';
import { categoryLabel } from '../lib/vics.js';
import { fmtBytes, fmtDate, Link } from './common.js';
import { ProcessingStatus } from './ProcessingStatus.js';

export function CaseDashboard({ caseId }: { caseId: string }) {
  const [c, setCase] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mayExport, setMayExport] = useState(false);
  useEffect(() => {
    api<CaseDetail>('GET', `/api/cases/${caseId}`).then(setCase, (e: Error) => setError(e.message));
    api<{ user: SessionUser }>('GET', '/api/auth/session').then((s) => setMayExport(canExport(s.user.role)), () => setMayExport(false));
  }, [caseId]);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!c) return <p className="loading">Loading case…</p>;
  const review = (q = '') => `/cases/${caseId}/review${q}`;
  return (
    <section className="dashboard">
      <div className="row spread">
        <h1>Case {c.name}</h1>
        <Link to={review()} className="button">Open the review grid</Link>
      </div>
      {c.description && <p>{c.description}</p>}
      {mayExport && (
        <div className="row" data-testid="downloads">
          <a className="button" href={caseDownloadUrl(caseId, 'report.html')} download>Court report (HTML)</a>
          <a className="button" href={caseDownloadUrl(caseId, 'report.pdf')} download>Court report (PDF)</a>
          <a className="button" href={caseDownloadUrl(caseId, 'export.vics')} download>VICS export</a>
          <span className="hint">Reports list counts, metadata and hashes, never images; every download is audited.</span>
        </div>
      )}
      <div className="cards">
        <div className="card"><div className="big">{c.counts.files}</div>files</div>
        <Link to={review('?status=unknown')} className="card"><div className="big">{c.counts.byStatus['unknown'] ?? 0}</div>unknown</Link>
        <div className="card"><div className="big">{c.counts.byStatus['known-bad'] ?? 0}</div>known-bad (hidden)</div>
        <Link to={review('?status=alert')} className="card"><div className="big">{c.counts.byStatus['alert'] ?? 0}</div>alert</Link>
        <div className="card"><div className="big">{c.counts.byStatus['known-good'] ?? 0}</div>known-good (ignorable)</div>
        <Link to={review('?hasError=true')} className="card"><div className="big">{c.counts.errors}</div>errors</Link>
      </div>
      <h2>By category</h2>
      <table className="table" data-testid="category-counts">
        <tbody>
          {Object.entries(c.counts.byCategory).map(([code, n]) => (
            <tr key={code}><td>{categoryLabel(code === 'uncategorised' ? null : code)}</td><td>{n}</td></tr>
          ))}
        </tbody>
      </table>
      <h2>Evidence</h2>
      <table className="table" data-testid="evidence">
        <thead><tr><th>Label</th><th>Kind</th><th>Source</th><th>Size</th><th>Status</th><th>Progress</th><th>Errors</th><th>Examiner</th><th>Started</th><th>Finished</th>{mayExport && <th>Report</th>}</tr></thead>
        <tbody>
          {c.evidence.map((e) => (
            <tr key={e.id}>
              <td><Link to={review(`?evidence=${e.id}`)}>{e.label}</Link></td>
              <td>{e.kind}</td>
              <td className="path">{e.sourcePath}</td>
              <td>{fmtBytes(e.size)}</td>
              <td>{e.status}{e.error && <div className="error">{e.error}</div>}</td>
              <td>
                <progress max={1} value={e.progress.fraction} /> {Math.round(e.progress.fraction * 100)}%
                <div className="hint">{e.progress.files} found · {e.progress.digested} hashed · {e.progress.matched} matched</div>
              </td>
              <td>{e.progress.errors ? <Link to={review(`?evidence=${e.id}&hasError=true`)}>{e.progress.errors}</Link> : 0}</td>
              <td>{e.examiner ?? '—'}</td>
              <td>{fmtDate(e.startedAt)}</td>
              <td>{fmtDate(e.finishedAt)}</td>
              {mayExport && (
                <td>
                  <a href={caseDownloadUrl(caseId, 'report.html', e.id)} download>HTML</a> · <a href={caseDownloadUrl(caseId, 'report.pdf', e.id)} download>PDF</a>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <ProcessingStatus caseId={caseId} />
      <h2>Members</h2>
      <p>{c.members.map((m) => `${m.name} (${m.role})`).join(', ') || '—'}</p>
    </section>
  );
}
