/**
 * In the item panel: the series this item's hash belongs to, and "Add to series…" for the item or its whole
 * near-duplicate cluster — pick an existing series or create one (creating needs an investigator or admin;
 * reviewers attach to existing series in their cases).
 */
import { useEffect, useState } from 'react';
import { api, getCurrentUser, seriesCan, type AttachResult, type SeriesSummary } from '../../lib/api.js';
import { Link } from '../common.js';

export function AddToSeries({ caseId, itemId, cluster }: { caseId: string; itemId: string; cluster: { id: string; size: number | null } | null }) {
  const role = getCurrentUser()?.role ?? 'no-view';
  const [of, setOf] = useState<SeriesSummary[]>([]);
  const [all, setAll] = useState<SeriesSummary[] | null>(null);
  const [pick, setPick] = useState('');
  const [newName, setNewName] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    if (!seriesCan(role, 'read')) return;
    api<{ series: SeriesSummary[] }>('GET', `/api/series?caseId=${caseId}&itemId=${itemId}`).then((r) => setOf(r.series), () => setOf([]));
  }, [caseId, itemId, reload, role]);

  if (!seriesCan(role, 'read')) return null;
  const open = () => {
    if (!all) api<{ series: SeriesSummary[] }>('GET', '/api/series').then((r) => setAll(r.series), (e: Error) => setMessage({ error: true, text: e.message }));
  };
  const attach = async (target: 'item' | 'cluster') => {
    try {
      let id = pick;
      if (id === '' && newName.trim()) id = (await api<SeriesSummary>('POST', '/api/series', { name: newName })).id;
      if (!id) return setMessage({ error: true, text: 'pick a series or type a name for a new one' });
      const body = target === 'item' ? { caseId, itemIds: [itemId] } : { caseId, clusterId: cluster!.id };
      const r = await api<AttachResult>('POST', `/api/series/${id}/items`, body);
      setMessage({ error: false, text: `${r.added} hash(es) added${r.already ? `, ${r.already} already in the series` : ''}${r.withoutHash ? `, ${r.withoutHash} unreadable file(s) skipped` : ''}.` });
      setNewName('');
      setAll(null);
      setReload((x) => x + 1);
    } catch (e) {
      setMessage({ error: true, text: (e as Error).message });
    }
  };

  return (
    <>
      <h3>Series</h3>
      {of.length === 0 ? <p className="hint">In no series.</p> : <ul data-testid="item-series">{of.map((s) => <li key={s.id}><Link to={`/series/${s.id}`}>{s.name}</Link>{s.victim.identified && <span className="hint"> · victim identified</span>}</li>)}</ul>}
      {seriesCan(role, 'attach') && (
        <details className="box" onToggle={(e) => (e.currentTarget as HTMLDetailsElement).open && open()}>
          <summary>Add to series…</summary>
          <div className="row">
            <select aria-label="Series" value={pick} onChange={(e) => setPick(e.target.value)}>
              <option value="">{seriesCan(role, 'edit') ? 'new series…' : 'pick a series'}</option>
              {(all ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
            {pick === '' && seriesCan(role, 'edit') && <input aria-label="New series name" placeholder="new series name" value={newName} onChange={(e) => setNewName(e.target.value)} maxLength={200} />}
          </div>
          <div className="row">
            <button type="button" onClick={() => void attach('item')}>Add this item</button>
            {cluster && <button type="button" onClick={() => void attach('cluster')}>Add its cluster ({cluster.size ?? '?'} items)</button>}
          </div>
          {message && <p className={message.error ? 'error' : 'hint'} role={message.error ? 'alert' : 'status'}>{message.text}</p>}
        </details>
      )}
    </>
  );
}
