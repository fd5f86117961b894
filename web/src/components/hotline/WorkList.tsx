/**
 * The desk's work list: every URL with its status, classification, hosting, times and notices, filtered by status
 * and open/closed; each row links to the URL's file. Analysts take a report in from here (URLs one per line).
 * URLs are shown as text only: never as links that would load them.
 */
import { useState, type FormEvent } from 'react';
import { CONTENT_TYPES, hotline, URL_STATUSES, type DeskPermissions, type TakenReport } from '../../lib/hotline-api.js';
import { navigate, useLocation } from '../../lib/router.js';
import { fmtDate, Link } from '../common.js';
import { ErrorBanner, useAction, useResource } from './desk-common.js';

export function WorkList({ perms }: { perms: DeskPermissions }) {
  const { search } = useLocation();
  const status = search.get('status') ?? '';
  const open = search.get('open') ?? '';
  const { data: urls, error, reload } = useResource(
    () => hotline.list({ ...(status ? { status } : {}), ...(open ? { open: open === 'true' } : {}), limit: 500 }),
    [status, open],
  );
  const setFilter = (k: string, v: string) => {
    const p = new URLSearchParams(search);
    if (v) p.set(k, v);
    else p.delete(k);
    const q = p.toString();
    navigate(`/desk${q ? `?${q}` : ''}`, true);
  };

  return (
    <section aria-labelledby="worklist-title">
      <h1 id="worklist-title">Work list</h1>
      {perms.work && <TakeReport onTaken={() => void reload()} />}
      <div className="filters">
        <label>Status
          <select value={status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">any</option>
            {URL_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>Open
          <select value={open} onChange={(e) => setFilter('open', e.target.value)}>
            <option value="">open and closed</option>
            <option value="true">open only</option>
            <option value="false">closed only</option>
          </select>
        </label>
        <button type="button" className="secondary" onClick={() => void reload()}>Refresh</button>
      </div>
      <ErrorBanner error={error} />
      {urls && urls.length === 0 && <p className="empty">No URLs match.</p>}
      {urls && urls.length > 0 && (
        <table className="table" data-testid="work-list">
          <thead>
            <tr><th>URL</th><th>Status</th><th>Classification</th><th>Hosting</th><th>Received</th><th>Last check</th><th>Notices</th></tr>
          </thead>
          <tbody>
            {urls.map((u) => (
              <tr key={u.id} data-url-id={u.id}>
                <td className="path">
                  <code>{u.canonical_url}</code>
                  <div><Link to={`/desk/urls/${u.id}`}>Open file</Link>{u.hold_reason && <span className="chip warn-chip"> police hold</span>}</div>
                </td>
                <td><span className={`chip hl-status-${u.status}`}>{u.status}</span>{u.closure_reason && <div className="hint">{u.closure_reason}</div>}</td>
                <td>{u.classification ?? '—'}</td>
                <td>{u.hosting_country ?? '—'}{u.hosting_org && <div className="hint">{u.hosting_org}{u.hosting_asn !== null ? ` (AS${u.hosting_asn})` : ''}</div>}</td>
                <td>{fmtDate(u.received_at)}</td>
                <td>{u.last_check_at ? <>{u.last_check_result}<div className="hint">{fmtDate(u.last_check_at)}</div></> : '—'}</td>
                <td>{u.notice_count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** "Take a report": an analyst enters a report received by phone or mail. */
function TakeReport({ onTaken }: { onTaken: () => void }) {
  const [urls, setUrls] = useState('');
  const [description, setDescription] = useState('');
  const [contentType, setContentType] = useState('');
  const [taken, setTaken] = useState<TakenReport | null>(null);
  const act = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const list = urls.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    const r = await act.run(() => hotline.takeReport({ urls: list, ...(description.trim() ? { description } : {}), ...(contentType ? { contentType } : {}) }));
    if (r) {
      setTaken(r);
      setUrls('');
      setDescription('');
      setContentType('');
      onTaken();
    }
  };
  return (
    <details className="box">
      <summary>Take a report</summary>
      <form className="form-grid" onSubmit={(e) => void submit(e)} aria-label="Take a report">
        <label htmlFor="tr-urls">URLs (one per line)</label>
        <textarea id="tr-urls" rows={4} value={urls} onChange={(e) => setUrls(e.target.value)} required />
        <label htmlFor="tr-desc">Description</label>
        <textarea id="tr-desc" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        <label htmlFor="tr-type">Content type</label>
        <select id="tr-type" value={contentType} onChange={(e) => setContentType(e.target.value)}>
          <option value="">not given</option>
          {CONTENT_TYPES.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
        <span />
        <div><button type="submit" disabled={act.busy}>Take the report</button></div>
      </form>
      <ErrorBanner error={act.error} />
      {taken && (
        <p role="status">Report {taken.number}: {taken.urls.length} URL(s), {taken.urls.filter((x) => x.wasKnown).length} already known.</p>
      )}
    </details>
  );
}
