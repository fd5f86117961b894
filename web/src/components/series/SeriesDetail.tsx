/**
 * One series: name, description and status; the two identified facts (who, when, note — never personal data);
 * scene clues; the items as blurred thumbnails (the same Thumb and reveal rules as the grid: press-and-hold on one
 * item, at most one clear at a time, re-blurred after the seconds the server granted or when the tab is hidden);
 * and the occurrences elsewhere in the workspace, linking to the items in other cases.
 */
import { useEffect, useState } from 'react';
import {
  api, CLUE_KINDS, seriesCan, type ExposureMeter, type GridItem, type OccurrenceReport, type SeriesDetail as Detail,
  type SeriesItem, type SeriesSummary, type SessionUser,
} from '../../lib/api.js';
import { fmtDate, Link } from '../common.js';
import { Thumb } from '../Thumb.js';
import { useSingleReveal } from '../../lib/use-single-reveal.js';
import { PRIVACY_NOTE } from './SeriesList.js';

/** The Thumb component's view of an item placed somewhere (series item or occurrence). */
function tileItem(f: { id: string; name: string; path: string; mimeType: string | null; thumbnail: string | null; status: string | null }): GridItem {
  return {
    id: f.id, evidenceId: '', path: f.path, name: f.name, size: null, mimeType: f.mimeType, md5: null, errorCode: null, status: f.status ?? 'unknown',
    ignorable: false, priority: null, category: null, categorySource: null, clusterId: null, clusterSize: null, make: null, model: null, hasGps: false,
    thumbnail: f.thumbnail,
  };
}

export function SeriesDetail({ seriesId, user, onExposure }: { seriesId: string; user: SessionUser; onExposure: (m: ExposureMeter) => void }) {
  const [s, setS] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [occ, setOcc] = useState<OccurrenceReport | null>(null);
  const [occLoading, setOccLoading] = useState(false);
  const url = `/api/series/${seriesId}`;
  const canEdit = seriesCan(user.role, 'edit');
  const canView = user.role !== 'no-view';
  const { revealed, doReveal } = useSingleReveal(onExposure, setMessage);

  useEffect(() => {
    api<Detail>('GET', url).then((d) => { setS(d); setError(null); }, (e: Error) => setError(e.message));
  }, [url, reload]);

  const act = async (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) => {
    try {
      await api<unknown>(method, path, body);
      setReload((r) => r + 1);
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    }
  };
  const findOccurrences = async () => {
    setOccLoading(true);
    try {
      setOcc(await api<OccurrenceReport>('GET', `${url}/occurrences`));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setOccLoading(false);
    }
  };

  if (!s) return error ? <p className="error" role="alert">{error}</p> : <p className="loading">Loading series…</p>;
  return (
    <section data-testid="series-detail">
      <p><Link to="/series">← All series</Link></p>
      <h1>{s.name} <span className="hint">{s.status}</span></h1>
      {s.description && <p>{s.description}</p>}
      <p className="hint">Created {fmtDate(s.createdAt)} by {s.createdBy} · updated {fmtDate(s.updatedAt)}</p>
      {error && <p className="banner error" role="alert">{error}</p>}
      {message && <p className="banner" role="status">{message}</p>}
      {canEdit && <EditSeries s={s} onSave={(patch) => act('PATCH', url, patch)} />}

      <h2>Identification</h2>
      <p className="hint">{PRIVACY_NOTE}</p>
      <div className="row top">
        {(['victim', 'offender'] as const).map((fact) => <FactBox key={fact} fact={fact} value={s[fact]} canEdit={canEdit} onSet={(identified, note) => act('PUT', `${url}/${fact}`, { identified, note })} />)}
      </div>

      <h2>Scene clues</h2>
      {s.clues.length === 0 ? <p className="hint">No clues yet.</p> : (
        <table className="table small" data-testid="clues">
          <thead><tr><th>Kind</th><th>Clue</th><th>Added</th>{canEdit && <th />}</tr></thead>
          <tbody>{s.clues.map((c) => (
            <tr key={c.id}><td>{c.kind}</td><td>{c.text}</td><td className="hint">{fmtDate(c.addedAt)} · {c.addedBy}</td>
              {canEdit && <td><button type="button" className="secondary" onClick={() => void act('DELETE', `${url}/clues/${c.id}`)}>Remove</button></td>}</tr>
          ))}</tbody>
        </table>
      )}
      {canEdit && <AddClue onAdd={(kind, text) => act('POST', `${url}/clues`, { kind, text })} />}

      <h2>Items ({s.items.length})</h2>
      <p className="hint">Attached by hash: every copy of the same file, in any case, belongs to the series. Add items from an item's detail panel in the review grid.</p>
      <div className="series-items" data-testid="series-items">
        {s.items.map((i) => <ItemTile key={`${i.algorithm}:${i.hash}`} i={i} canView={canView} canEdit={canEdit} revealedUrl={i.file && revealed?.id === i.file.id ? revealed.url : null}
          onReveal={(it) => void doReveal(i.file!.caseId, it)} onDetach={() => void act('DELETE', `${url}/items/${i.algorithm}/${i.hash}`)} />)}
      </div>

      <h2>Occurrences elsewhere</h2>
      <p className="hint">Where the series' hashes (exact copies) or PDQ near-duplicates (distance ≤ 31) occur in other files and cases of the workspace.</p>
      <button type="button" onClick={() => void findOccurrences()} disabled={occLoading}>{occLoading ? 'Searching…' : occ ? 'Search again' : 'Find occurrences'}</button>
      {occ && <Occurrences r={occ} />}
    </section>
  );
}

function EditSeries({ s, onSave }: { s: SeriesSummary | Detail; onSave: (patch: { name?: string; description?: string | null; status?: string }) => Promise<boolean> }) {
  const [name, setName] = useState(s.name);
  const [description, setDescription] = useState(s.description ?? '');
  return (
    <details className="box">
      <summary>Rename, describe, open or close</summary>
      <div className="form-grid">
        <label htmlFor="sd-name">Name</label><input id="sd-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
        <label htmlFor="sd-desc">Description</label><textarea id="sd-desc" value={description} onChange={(e) => setDescription(e.target.value)} rows={2} maxLength={10000} />
        <div className="span2 row">
          <button type="button" onClick={() => void onSave({ name, description: description || null })}>Save</button>
          <button type="button" className="secondary" onClick={() => void onSave({ status: s.status === 'open' ? 'closed' : 'open' })}>{s.status === 'open' ? 'Close series' : 'Reopen series'}</button>
        </div>
      </div>
    </details>
  );
}

function FactBox({ fact, value, canEdit, onSet }: { fact: 'victim' | 'offender'; value: Detail['victim']; canEdit: boolean; onSet: (identified: boolean, note: string | null) => Promise<boolean> }) {
  const [note, setNote] = useState('');
  const label = fact === 'victim' ? 'Victim' : 'Offender';
  return (
    <div className="box" data-testid={`fact-${fact}`}>
      <b>{label}: {value.identified ? 'identified' : 'not identified'}</b>
      {value.identified && <div className="hint">by {value.by} on {fmtDate(value.at)}{value.note && <> · {value.note}</>}</div>}
      {canEdit && (value.identified
        ? <div><button type="button" className="secondary" onClick={() => void onSet(false, null)}>Undo: mark not identified</button></div>
        : (
          <div className="row">
            <input aria-label={`${label} note`} placeholder="note (no names or personal data)" value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
            <button type="button" onClick={() => void onSet(true, note || null).then((ok) => ok && setNote(''))}>Mark {fact} identified</button>
          </div>
        ))}
    </div>
  );
}

function AddClue({ onAdd }: { onAdd: (kind: string, text: string) => Promise<boolean> }) {
  const [kind, setKind] = useState<string>('location');
  const [text, setText] = useState('');
  return (
    <form className="row" onSubmit={(e) => { e.preventDefault(); void onAdd(kind, text).then((ok) => ok && setText('')); }}>
      <select aria-label="Clue kind" value={kind} onChange={(e) => setKind(e.target.value)}>{CLUE_KINDS.map((k) => <option key={k}>{k}</option>)}</select>
      <input aria-label="Clue" value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} placeholder="e.g. wallpaper pattern, language of a poster, a distinctive object" size={50} />
      <button type="submit" disabled={!text.trim()}>Add clue</button>
    </form>
  );
}

function ItemTile({ i, canView, canEdit, revealedUrl, onReveal, onDetach }: {
  i: SeriesItem; canView: boolean; canEdit: boolean; revealedUrl: string | null; onReveal: (it: GridItem) => void; onDetach: () => void;
}) {
  return (
    <div className="series-tile">
      {i.file ? <Thumb caseId={i.file.caseId} item={tileItem(i.file)} canView={canView} revealedUrl={revealedUrl} onReveal={onReveal} /> : <div className="thumb thumb-none">attached in a case you are not a member of</div>}
      <div className="meta">
        {i.file && <div className="name" title={i.file.path}><Link to={`/cases/${i.file.caseId}/items/${i.file.id}`}>{i.file.caseName}: {i.file.name}</Link></div>}
        <div className="mono" title={`${i.algorithm} ${i.hash}`}>{i.algorithm} {i.hash.slice(0, 16)}…</div>
        <div className="hint">{i.addedBy} · {fmtDate(i.addedAt)}</div>
        {canEdit && <button type="button" className="secondary" onClick={onDetach}>Detach</button>}
      </div>
    </div>
  );
}

function Occurrences({ r }: { r: OccurrenceReport }) {
  const rows = [...r.exact, ...r.near];
  return (
    <div data-testid="occurrences">
      {rows.length === 0 ? <p>No other occurrences in cases you are a member of.</p> : (
        <table className="table small">
          <thead><tr><th>Case</th><th>Item</th><th>Match</th><th>Distance</th></tr></thead>
          <tbody>{rows.map((o) => (
            <tr key={o.fileId}>
              <td>{o.caseName}</td>
              <td><Link to={`/cases/${o.caseId}/items/${o.fileId}`}>{o.evidence}: {o.path}</Link></td>
              <td>{o.match === 'pdq' ? 'near-duplicate (PDQ)' : `exact (${o.match})`}</td>
              <td>{o.distance}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {r.hidden.cases > 0 && <p className="notice">Also found {r.hidden.files} time(s) in {r.hidden.cases} other case(s) you are not a member of.</p>}
      {r.truncated && <p className="notice">Only the first results are listed.</p>}
      <p className="hint">Compared {r.cost.seriesPdqs} series PDQ(s) with {r.cost.pdqScanned} in the workspace in {r.cost.ms} ms.</p>
    </div>
  );
}
