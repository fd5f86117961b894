/**
 * One URL's file: the URL as text (never a link that loads it, never an image: the desk never shows content),
 * where it is in the workflow, its reports, assessments, traces, forwards, notices, online checks and timeline,
 * with the actions the user's role allows (url-actions.tsx).
 */
import { hotline, type DeskPermissions, type UrlDetail as Detail } from '../../lib/hotline-api.js';
import { fmtDate, Link } from '../common.js';
import { ErrorBanner, useResource, yesNo } from './desk-common.js';
import { AssessForm, CheckCloseActions, ForwardAction, NoticeContactPicker, PoliceActions, TraceAction } from './UrlActions.js';

export function UrlDetail({ urlId, perms }: { urlId: string; perms: DeskPermissions }) {
  const { data: d, error, reload } = useResource(() => hotline.detail(urlId), [urlId]);
  const refresh = () => void reload();
  if (!d) return <><ErrorBanner error={error} />{!error && <p className="loading">Loading…</p>}</>;
  const u = d.url;
  return (
    <article aria-labelledby="url-title" data-testid="url-detail">
      <p><Link to="/desk">← Work list</Link></p>
      <h1 id="url-title">URL file</h1>
      <p className="url-text" data-testid="url-text"><code>{u.canonical_url}</code></p>
      <ErrorBanner error={error} />
      <dl className="facts">
        <dt>Status</dt><dd data-testid="url-status">{u.status}{u.closure_reason ? ` (${u.closure_reason})` : ''}</dd>
        <dt>Classification</dt><dd data-testid="url-classification">{u.classification ?? '—'}</dd>
        <dt>Hosting</dt><dd>{u.hosting_country ?? '—'} · {u.hosting_org ?? '—'}{u.hosting_asn !== null ? ` · AS${u.hosting_asn}` : ''}{u.behind_cdn ? ' · behind a CDN' : ''}</dd>
        <dt>Dedicated domain</dt><dd>{yesNo(u.dedicated_domain)}</dd>
        <dt>Route</dt><dd data-testid="url-route">{d.route ? `${d.route.kind}: ${d.route.destination}${d.route.needsClearance ? ' (police clearance before notice)' : ''}` : 'not traced yet'}</dd>
        <dt>Police hold</dt><dd data-testid="url-hold">{u.hold_reason ? `${u.hold_reason} (${u.hold_by ?? '?'}, ${fmtDate(u.hold_at)})` : 'none'}</dd>
        <dt>Notice contact</dt><dd>{d.noticeContact ? `${d.noticeContact.email} (${d.noticeContact.org}${d.noticeContact.approved ? ', approved' : ', NOT approved'})` : 'none'}</dd>
        <dt>Times</dt>
        <dd>received {fmtDate(u.received_at)} · assessed {fmtDate(u.assessed_at)} · traced {fmtDate(u.traced_at)} · forwarded {fmtDate(u.forwarded_at)} · first notice {fmtDate(u.notice_first_sent_at)} · first offline {fmtDate(u.first_offline_at)} · closed {fmtDate(u.closed_at)}</dd>
      </dl>
      {d.noView && <p className="hint">This desk runs in no-view mode: nobody records having viewed content.</p>}

      <div className="desk-actions">
        {perms.work && !u.closed_at && <TraceAction urlId={u.id} onDone={refresh} />}
        {perms.work && !u.closed_at && <ForwardAction d={d} onDone={refresh} />}
        {perms.police && <PoliceActions d={d} onDone={refresh} />}
        {perms.work && <CheckCloseActions d={d} onDone={refresh} />}
      </div>

      <Reports d={d} />
      <h2>Assessments</h2>
      <Assessments d={d} />
      {(perms.work || perms.police) && !u.closed_at && <AssessForm urlId={u.id} noView={d.noView} dedicatedDomain={u.dedicated_domain === 1} onDone={refresh} />}
      <h2>Traces</h2>
      <Traces d={d} />
      {perms.work && <NoticeContactPicker d={d} onDone={refresh} />}
      <Forwards d={d} />
      <Notices d={d} />
      <Checks d={d} />
      <Timeline d={d} />
    </article>
  );
}

function Reports({ d }: { d: Detail }) {
  return (
    <>
      <h2>Reports</h2>
      <table className="table small" data-testid="reports">
        <thead><tr><th>Number</th><th>Received</th><th>Source</th><th>As reported</th><th>Description</th><th>Type</th><th>Known</th></tr></thead>
        <tbody>
          {d.reports.map((r) => (
            <tr key={r.id}>
              <td>{r.number}</td><td>{fmtDate(r.received_at)}</td><td>{r.source}{r.partner ? ` (${r.partner})` : ''}</td>
              <td className="path"><code>{r.raw_url}</code></td><td>{r.description ?? '—'}</td><td>{r.content_type_hint ?? '—'}</td><td>{yesNo(r.was_known)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Assessments({ d }: { d: Detail }) {
  if (d.assessments.length === 0) return <p className="hint">Not assessed yet.</p>;
  return (
    <>
      <table className="table small" data-testid="assessments">
        <thead><tr><th>When</th><th>Classification</th><th>Decided by</th><th>Age group</th><th>Viewed content</th><th>Note</th></tr></thead>
        <tbody>
          {d.assessments.map((a) => (
            <tr key={a.id}>
              <td>{fmtDate(a.decided_at)}</td><td>{a.classification}</td><td>{a.decided_by_kind}{a.decided_by ? ` (${a.decided_by})` : ''}</td>
              <td>{a.age_group ?? '—'}</td><td>{yesNo(a.viewed_content)}</td><td>{a.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {d.hashes.length > 0 && (
        <ul className="hint mono" aria-label="Recorded hashes">{d.hashes.map((h) => <li key={`${h.algorithm}:${h.hash}`}>{h.algorithm} {h.hash} ({h.source})</li>)}</ul>
      )}
    </>
  );
}

function Traces({ d }: { d: Detail }) {
  if (d.traces.length === 0) return <p className="hint">Not traced yet.</p>;
  return (
    <table className="table small" data-testid="traces">
      <thead><tr><th>Version</th><th>When</th><th>IP</th><th>AS</th><th>Organisation</th><th>Country</th><th>CDN</th><th>Contacts found</th><th>Moved</th></tr></thead>
      <tbody>
        {d.traces.map((t) => (
          <tr key={t.id}>
            <td>{t.version}</td><td>{fmtDate(t.traced_at)}</td>
            <td className="mono">{t.ip ?? '—'}{t.cname_chain.length > 0 && <div className="hint">via {t.cname_chain.join(' → ')}</div>}{t.error && <div className="err">{t.error}</div>}</td>
            <td>{t.asn !== null ? `AS${t.asn}` : '—'}{t.prefix && <div className="hint">{t.prefix}</div>}</td>
            <td>{t.org ?? '—'}</td><td>{t.country ?? '—'}</td><td>{t.cdn ? `yes${t.cdn_name ? ` (${t.cdn_name})` : ''}` : 'no'}</td>
            <td>{t.contacts.length ? t.contacts.map((c) => `${c.email} (${c.scope})`).join(', ') : '—'}</td>
            <td>{yesNo(t.moved)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Forwards({ d }: { d: Detail }) {
  if (d.forwards.length === 0) return null;
  return (
    <>
      <h2>Forwards</h2>
      <table className="table small" data-testid="forwards">
        <thead><tr><th>When</th><th>Destination</th><th>Format</th><th>Package</th><th>Cleared</th></tr></thead>
        <tbody>
          {d.forwards.map((f) => (
            <tr key={f.id}>
              <td>{fmtDate(f.created_at)}</td><td>{f.destination_kind}: {f.destination}</td><td>{f.format}</td><td className="mono">{f.package_id ?? '—'}</td>
              <td>{f.cleared_at ? `${fmtDate(f.cleared_at)} (${f.cleared_by ?? '?'})` : f.destination_kind === 'national-police' ? 'waiting' : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Notices({ d }: { d: Detail }) {
  return (
    <>
      <h2>Notices sent</h2>
      {d.notices.length === 0 ? <p className="hint">No notice yet.</p> : (
        <table className="table small" data-testid="notices">
          <thead><tr><th>Sequence</th><th>To</th><th>Status</th><th>Sent</th><th>Error</th></tr></thead>
          <tbody>
            {d.notices.map((n) => (
              <tr key={`${n.id}-${n.sequence}`}><td>{n.sequence}</td><td>{n.to_address}</td><td>{n.status}</td><td>{fmtDate(n.sent_at)}</td><td>{n.error ?? ''}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Checks({ d }: { d: Detail }) {
  return (
    <>
      <h2>Online checks</h2>
      {d.checks.length === 0 ? <p className="hint">Not checked yet.</p> : (
        <table className="table small" data-testid="checks">
          <thead><tr><th>When</th><th>Result</th><th>HTTP status</th><th>Redirects</th><th>Hash match</th><th>Error</th></tr></thead>
          <tbody>
            {d.checks.map((c) => (
              <tr key={c.id}>
                <td>{fmtDate(c.checked_at)}</td><td>{c.result}</td><td>{c.http_status ?? '—'}</td>
                <td className="path">{c.redirects.length ? c.redirects.map((r) => `${r.status} ${r.url}`).join(' → ') : '—'}</td>
                <td>{c.hash_match ?? '—'}</td><td>{c.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Timeline({ d }: { d: Detail }) {
  return (
    <>
      <h2>Timeline</h2>
      <ol className="history" data-testid="timeline">
        {d.events.map((e) => (
          <li key={e.id}><span className="mono">{fmtDate(e.at)}</span> <strong>{e.kind}</strong>{e.actor ? ` by ${e.actor}` : ''} <span className="hint">{summarise(e.detail)}</span></li>
        ))}
      </ol>
    </>
  );
}

const summarise = (detail: unknown): string => {
  if (!detail || typeof detail !== 'object') return '';
  const s = JSON.stringify(detail);
  return s === '{}' ? '' : s.length > 200 ? `${s.slice(0, 200)}…` : s;
};
