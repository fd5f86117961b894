/**
 * The Series page: every series of the workspace (a series is known across cases, as in INTERPOL's ICSE), with its
 * identified facts, and a form to create one (investigators and admins). Series hold no personal data of victims
 * or offenders: only the two flags, who set them and when, and a free note.
 */
import { useEffect, useState } from 'react';
import { api, seriesCan, type SeriesSummary, type SessionUser } from '../../lib/api.js';
import { navigate } from '../../lib/router.js';
import { fmtDate, Link } from '../common.js';

export const PRIVACY_NOTE = 'No personal data of victims or offenders is stored here: only whether they are identified, by whom, when, and a short note (e.g. a reference to the agency file).';

export function SeriesList({ user }: { user: SessionUser }) {
  const [list, setList] = useState<SeriesSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  useEffect(() => {
    api<{ series: SeriesSummary[] }>('GET', '/api/series').then((r) => setList(r.series), (e: Error) => setError(e.message));
  }, []);
  const create = async () => {
    try {
      const s = await api<SeriesSummary>('POST', '/api/series', { name, description: description || null });
      navigate(`/series/${s.id}`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section>
      <h1>Series</h1>
      <p className="hint">A series groups pictures and videos from one scene across every case. Items belong by hash, so copies anywhere belong too. {PRIVACY_NOTE}</p>
      {error && <p className="error" role="alert">{error}</p>}
      {!list ? <p className="loading">Loading series…</p> : list.length === 0 ? <p className="empty">No series yet.</p> : (
        <table className="table" data-testid="series-list">
          <thead><tr><th>Series</th><th>Status</th><th>Items</th><th>Clues</th><th>Victim</th><th>Offender</th><th>Updated</th></tr></thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id}>
                <td><Link to={`/series/${s.id}`}>{s.name}</Link>{s.description && <div className="hint">{s.description}</div>}</td>
                <td>{s.status}</td>
                <td>{s.items}</td>
                <td>{s.clues}</td>
                <td>{s.victim.identified ? <span className="ok">identified {fmtDate(s.victim.at)}</span> : 'not identified'}</td>
                <td>{s.offender.identified ? <span className="ok">identified {fmtDate(s.offender.at)}</span> : 'not identified'}</td>
                <td>{fmtDate(s.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {seriesCan(user.role, 'edit') && (
        <form className="box form-grid" onSubmit={(e) => { e.preventDefault(); void create(); }}>
          <h2>New series</h2>
          <label htmlFor="series-name">Name</label>
          <input id="series-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
          <label htmlFor="series-desc">Description</label>
          <textarea id="series-desc" value={description} onChange={(e) => setDescription(e.target.value)} rows={2} maxLength={10000} />
          <div className="span2"><button type="submit" disabled={!name.trim()}>Create series</button></div>
        </form>
      )}
    </section>
  );
}
