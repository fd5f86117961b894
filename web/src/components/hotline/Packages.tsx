/**
 * Packages forwarded to police or partner hotlines (metadata, hashes and times only), as JSON and PDF downloads, and
 * the notices sent to hosts.
 */
import { hotline, packageUrl } from '../../lib/hotline-api.js';
import { fmtDate } from '../common.js';
import { ErrorBanner, useResource } from './desk-common.js';

export function Packages() {
  const { data: packages, error } = useResource(() => hotline.packages(), []);
  const { data: notices, error: noticeError } = useResource(() => hotline.notices(), []);
  return (
    <section aria-labelledby="packages-title">
      <h1 id="packages-title">Packages</h1>
      <ErrorBanner error={error} />
      {packages && packages.length === 0 && <p className="empty">No package forwarded yet.</p>}
      {packages && packages.length > 0 && (
        <table className="table" data-testid="packages">
          <thead><tr><th>Created</th><th>Destination</th><th>Country</th><th>Format</th><th>URLs</th><th>Download</th></tr></thead>
          <tbody>
            {packages.map((p) => (
              <tr key={p.package_id}>
                <td>{fmtDate(p.created_at)}</td><td>{p.destination_kind}: {p.destination}</td><td>{p.country ?? '—'}</td><td>{p.format}</td><td>{p.urls}</td>
                <td className="row">
                  <a className="button" href={packageUrl(p.package_id, 'json')} download>JSON</a>
                  <a className="button" href={packageUrl(p.package_id, 'pdf')} download>PDF</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Notices to hosts</h2>
      <ErrorBanner error={noticeError} />
      {notices && notices.length === 0 && <p className="empty">No notice sent yet.</p>}
      {notices && notices.length > 0 && (
        <table className="table" data-testid="notice-list">
          <thead><tr><th>Created</th><th>To</th><th>Organisation</th><th>Status</th><th>Sent</th><th>URLs</th><th>Re-notices</th></tr></thead>
          <tbody>
            {notices.map((n) => (
              <tr key={n.id}>
                <td>{fmtDate(n.created_at)}</td><td>{n.to_address}</td><td>{n.org}</td>
                <td>{n.status}{n.error && <div className="error">{n.error}</div>}</td><td>{fmtDate(n.sent_at)}</td><td>{n.urls}</td><td>{n.renotices}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
