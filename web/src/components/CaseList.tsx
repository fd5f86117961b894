import { useEffect, useState } from 'react';
import { api, type CaseSummary } from '../lib/api.js';
import { Link } from './common.js';

export function CaseList() {
  const [cases, setCases] = useState<CaseSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ cases: CaseSummary[] }>('GET', '/api/cases').then((r) => setCases(r.cases), (e: Error) => setError(e.message));
  }, []);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!cases) return <p className="loading">Loading cases…</p>;
  return (
    <section>
      <h1>Cases</h1>
      {cases.length === 0 && <p>No cases you are a member of. An administrator adds you with <code>winnow user grant NAME --case CASE</code>.</p>}
      <table className="table" data-testid="case-list">
        <thead><tr><th>Case</th><th>Files</th><th>Unknown</th><th>Known-bad</th><th>Alert</th><th>Known-good</th><th>Errors</th><th>Created</th></tr></thead>
        <tbody>
          {cases.map((c) => (
            <tr key={c.id}>
              <td><Link to={`/cases/${c.id}`}>{c.name}</Link>{c.description && <div className="hint">{c.description}</div>}</td>
              <td>{c.counts.files}</td>
              <td>{c.counts.byStatus['unknown'] ?? 0}</td>
              <td>{c.counts.byStatus['known-bad'] ?? 0}</td>
              <td>{c.counts.byStatus['alert'] ?? 0}</td>
              <td>{c.counts.byStatus['known-good'] ?? 0}</td>
              <td>{c.counts.errors}</td>
              <td>{new Date(c.createdAt).toLocaleDateString()} by {c.createdBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
