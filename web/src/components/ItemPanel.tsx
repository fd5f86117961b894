/**
 * Item detail beside the grid: metadata, EXIF with serials, GPS as coordinates (decimal and degrees-minutes-
 * seconds) and on an offline map (map/ItemMap.tsx: no tiles — the lab has no internet, and a tile request would
 * leak the location; loaded lazily so the grid's bundle does not carry Leaflet), matches with set
 * and distance, cluster members, duplicates, the series it belongs to (and "Add to series…"), priority reasons, notes, tags and
 * the item's audit history. No
 * picture here: the grid is the one place that shows (blurred) pictures and reveals.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { api, type ItemDetail } from '../lib/api.js';
import { categoryLabel } from '../lib/vics.js';
import { fmtBytes, fmtDate } from './common.js';
import { AddToSeries } from './series/AddToSeries.js';

const ItemMap = lazy(() => import('./map/ItemMap.js'));

const dms = (v: number, pos: string, neg: string): string => {
  const a = Math.abs(v);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = ((a - d) * 60 - m) * 60;
  return `${d}° ${m}′ ${s.toFixed(2)}″ ${v >= 0 ? pos : neg}`;
};

function reasonsText(r: unknown): string[] {
  if (!Array.isArray(r)) return [];
  return r.map((x: unknown) => {
    if (typeof x === 'string') return x;
    if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      const label = String(o['rule'] ?? o['reason'] ?? o['code'] ?? '');
      const pts = o['points'] ?? o['weight'] ?? o['score'];
      const why = o['detail'] ?? o['why'] ?? o['description'];
      return [label, pts !== undefined ? `+${String(pts)}` : '', why !== undefined ? `— ${typeof why === 'string' ? why : JSON.stringify(why)}` : ''].filter(Boolean).join(' ') || JSON.stringify(x);
    }
    return String(x);
  });
}

export function ItemPanel({ caseId, itemId, version, onClose, onOpen, onShowCluster }: {
  caseId: string; itemId: string; version: number; onClose: () => void; onOpen: (id: string) => void; onShowCluster: (clusterId: string) => void;
}) {
  const [item, setItem] = useState<ItemDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [tags, setTags] = useState('');
  const [reload, setReload] = useState(0);
  const url = `/api/cases/${caseId}/items/${itemId}`;

  useEffect(() => {
    let live = true;
    api<ItemDetail>('GET', url).then((d) => {
      if (!live) return;
      setItem(d);
      setTags(d.tags.join(', '));
      setError(null);
    }, (e: Error) => live && setError(e.message));
    return () => { live = false; };
  }, [url, version, reload]);

  const addNote = async () => {
    if (!note.trim()) return;
    try {
      await api('POST', `${url}/notes`, { text: note });
      setNote('');
      setReload((r) => r + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const saveTags = async () => {
    try {
      await api('PUT', `${url}/tags`, { tags: tags.split(',').map((t) => t.trim()).filter(Boolean) });
      setReload((r) => r + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <aside className="panel" aria-label="Item detail" data-testid="item-panel">
      <div className="row spread"><h2>Item</h2><button type="button" onClick={onClose} aria-label="Close detail">×</button></div>
      {error && <p className="error" role="alert">{error}</p>}
      {!item ? <p className="loading">Loading…</p> : (
        <>
          <p className="path" title={item.path}>{item.evidence.label}: {item.path}</p>
          <dl>
            <dt>Size</dt><dd>{fmtBytes(item.size)}</dd>
            <dt>Type</dt><dd>{item.mimeType ?? '—'}{item.extensionMismatch && <span className="err"> extension mismatch (.{item.extension} vs .{item.detectedExtension})</span>}</dd>
            {item.error && <><dt>Error</dt><dd className="err">{item.errorCode}: {item.error}</dd></>}
            <dt>Status</dt><dd>{item.triage ? `${item.triage.status}${item.triage.baseline ? ' (baseline)' : ''}${item.triage.ignorable ? ' · ignorable' : ''}` : 'not matched yet'}</dd>
            <dt>Category</dt><dd data-testid="detail-category">{item.category ? `${categoryLabel(item.category.code)} (${item.category.source}${item.category.setBy ? ` by ${item.category.setBy}` : ''}${item.category.profile ? `, ${item.category.profile}` : ''})` : 'Uncategorised'}</dd>
            <dt>Priority</dt><dd>{item.triage?.priority ?? '—'}</dd>
          </dl>
          {item.triage && reasonsText(item.triage.priorityReasons).length > 0 && (
            <><h3>Why this priority</h3><ul>{reasonsText(item.triage.priorityReasons).map((r, i) => <li key={i}>{r}</li>)}</ul></>
          )}
          <h3>Hashes</h3>
          <dl className="mono">
            <dt>MD5</dt><dd>{item.hashes.md5 ?? '—'}</dd>
            <dt>SHA-1</dt><dd>{item.hashes.sha1 ?? '—'}</dd>
            <dt>SHA-256</dt><dd>{item.hashes.sha256 ?? '—'}</dd>
            <dt>PDQ</dt><dd>{item.hashes.pdq ? `${item.hashes.pdq} (quality ${item.hashes.pdqQuality})` : '—'}</dd>
          </dl>
          {item.exif && (
            <>
              <h3>Camera (EXIF)</h3>
              <dl>
                <dt>Camera</dt><dd>{[item.exif.make, item.exif.model].filter(Boolean).join(' ') || '—'}</dd>
                <dt>Body serial</dt><dd>{item.exif.bodySerial ?? '—'}</dd>
                {item.exif.internalSerial && <><dt>Internal serial</dt><dd>{item.exif.internalSerial}</dd></>}
                {item.exif.lensSerial && <><dt>Lens serial</dt><dd>{item.exif.lensSerial}</dd></>}
                <dt>Taken</dt><dd>{item.exif.dateTimeOriginal ?? '—'}</dd>
                <dt>Software</dt><dd>{item.exif.software ?? '—'}</dd>
                <dt>Size</dt><dd>{item.exif.width && item.exif.height ? `${item.exif.width} × ${item.exif.height}` : '—'}</dd>
                <dt>GPS</dt>
                <dd data-testid="gps">{item.exif.gps ? (
                  <>
                    {item.exif.gps.lat.toFixed(6)}, {item.exif.gps.lon.toFixed(6)}{item.exif.gps.alt !== null && ` · ${item.exif.gps.alt} m`}
                    <div className="hint">{dms(item.exif.gps.lat, 'N', 'S')}, {dms(item.exif.gps.lon, 'E', 'W')}</div>
                  </>
                ) : '—'}</dd>
              </dl>
              {item.exif.gps && (
                <Suspense fallback={<p className="loading">Loading map…</p>}>
                  <ItemMap caseId={caseId} itemId={item.id} lat={item.exif.gps.lat} lon={item.exif.gps.lon} onOpen={onOpen} />
                </Suspense>
              )}
            </>
          )}
          {item.video && (
            <><h3>Video</h3><p>{item.video.codec ?? '?'} · {item.video.width}×{item.video.height} · {item.video.durationSec?.toFixed(1) ?? '?'} s · {item.video.framesHashed ?? 0} frames hashed. Shown as a blurred contact sheet; never played here.</p></>
          )}
          <h3>Matches</h3>
          {item.matches.length === 0 ? <p>None.</p> : (
            <table className="table small"><thead><tr><th>Set</th><th>Role</th><th>Algorithm</th><th>Distance</th><th>Category</th></tr></thead>
              <tbody>{item.matches.map((m, i) => <tr key={i}><td>{m.set}</td><td>{m.role}</td><td>{m.algorithm}</td><td>{m.distance ?? 0}</td><td>{m.category ?? '—'}{m.baseline ? ' (baseline)' : ''}</td></tr>)}</tbody>
            </table>
          )}
          {item.cluster && (
            <>
              <h3>Near-duplicate cluster ({item.cluster.size})</h3>
              <button type="button" className="secondary" onClick={() => onShowCluster(item.cluster!.id)}>Show only this cluster in the grid</button>
              <ul>{item.cluster.members.map((m) => <li key={m.id}>{m.id === item.id ? <b>{m.path}</b> : <button type="button" className="link" onClick={() => onOpen(m.id)}>{m.path}</button>} <span className="hint">{m.status}</span></li>)}</ul>
            </>
          )}
          {item.duplicates.length > 0 && (
            <><h3>Exact duplicates</h3><ul>{item.duplicates.map((d) => <li key={d.id}><button type="button" className="link" onClick={() => onOpen(d.id)}>{d.evidence}: {d.path}</button></li>)}</ul></>
          )}
          <AddToSeries caseId={caseId} itemId={item.id} cluster={item.cluster ? { id: item.cluster.id, size: item.cluster.size } : null} />
          <h3>Tags</h3>
          <div className="row">
            <input aria-label="Tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="comma-separated" />
            <button type="button" onClick={() => void saveTags()}>Save tags</button>
          </div>
          <h3>Notes</h3>
          <ul className="notes">{item.notes.map((n) => <li key={n.id}><span className="hint">{fmtDate(n.at)} · {n.user ?? '?'}</span><div>{n.text}</div></li>)}</ul>
          <textarea aria-label="New note" value={note} onChange={(e) => setNote(e.target.value)} rows={3} />
          <button type="button" onClick={() => void addNote()} disabled={!note.trim()}>Add note</button>
          <h3>History</h3>
          <ol className="history" data-testid="history">
            {item.history.map((h) => <li key={h.seq}><span className="hint">{fmtDate(h.at)}</span> {h.user} <b>{h.action}</b> <code>{JSON.stringify(h.detail)}</code></li>)}
          </ol>
        </>
      )}
    </aside>
  );
}
