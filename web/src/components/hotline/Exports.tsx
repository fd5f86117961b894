/**
 * Exports and batch work: blocking lists (analysts), partner imports (a file read as text in the browser, sent as
 * JSON), and "run notices now" / "run checks now" with their results.
 */
import { useState, type FormEvent } from 'react';
import { BLOCKING_KINDS, blockingUrl, hotline, type CheckOutcome, type DeskPermissions, type NoticeRunResult, type PartnerImportResult } from '../../lib/hotline-api.js';
import { Link } from '../common.js';
import { ErrorBanner, useAction } from './desk-common.js';

const BLOCKING_LABELS: Record<string, string> = {
  rpz: 'DNS RPZ zone (dedicated domains)', urls: 'URL list', 'url-hashes': 'URL list as SHA-256', 'hashes-csv': 'Hash list (CSV)', 'hashes-jsonl': 'Hash list (JSON lines)',
};

export function Exports({ perms }: { perms: DeskPermissions }) {
  return (
    <section aria-labelledby="exports-title">
      <h1 id="exports-title">Exports and runs</h1>
      {perms.export && (
        <>
          <h2>Blocking lists</h2>
          <ul className="links" data-testid="blocking-links">
            {BLOCKING_KINDS.map((k) => <li key={k}><a href={blockingUrl(k)} download>{BLOCKING_LABELS[k]}</a></li>)}
          </ul>
          <p className="hint">Each download is recorded in the audit log.</p>
        </>
      )}
      {perms.work && <Runs />}
      {perms.work && <PartnerImport />}
    </section>
  );
}

function Runs() {
  const act = useAction();
  const [notices, setNotices] = useState<NoticeRunResult | null>(null);
  const [checks, setChecks] = useState<CheckOutcome[] | null>(null);
  const [force, setForce] = useState(false);
  const [all, setAll] = useState(false);
  return (
    <>
      <h2>Runs</h2>
      <div className="row">
        <label className="check"><input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> ignore the grouping window</label>
        <button type="button" disabled={act.busy} onClick={() => void act.run(() => hotline.runNotices(force)).then((r) => r && setNotices(r))}>Run notices now</button>
        <label className="check"><input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> every open URL, not only due ones</label>
        <button type="button" disabled={act.busy} onClick={() => void act.run(() => hotline.runChecks(all)).then((r) => r && setChecks(r))}>Run checks now</button>
      </div>
      <ErrorBanner error={act.error} />
      {notices && (
        <div role="status" data-testid="notice-run">
          <p>Notices: {notices.sent.length} sent, {notices.failed.length} failed, {notices.waiting.length} waiting.</p>
          <ul>
            {notices.sent.map((s) => <li key={s.noticeId}>sent to {s.to}: {s.urls} URL(s){s.renotices ? `, ${s.renotices} re-notice(s)` : ''}</li>)}
            {notices.failed.map((f) => <li key={f.noticeId} className="err">failed to {f.to}: {f.error}</li>)}
            {notices.waiting.map((w) => <li key={w.urlId}><Link to={`/desk/urls/${w.urlId}`}>URL</Link> waits: {w.reason}</li>)}
          </ul>
        </div>
      )}
      {checks && (
        <div role="status" data-testid="check-run">
          <p>Checks: {checks.length} URL(s) checked.</p>
          <ul>{checks.map((c) => <li key={c.urlId}><Link to={`/desk/urls/${c.urlId}`}>URL</Link> {c.result}{c.httpStatus !== null ? ` (HTTP ${c.httpStatus})` : ''}{c.transition ? ` → ${c.transition}` : ''}</li>)}</ul>
        </div>
      )}
    </>
  );
}

function PartnerImport() {
  const [format, setFormat] = useState<'iccam-json' | 'csv'>('iccam-json');
  const [partner, setPartner] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<PartnerImportResult | null>(null);
  const act = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const content = await file.text();
    const r = await act.run(() => hotline.partnerImport({ format, partner, content }));
    if (r) setResult(r);
  };
  return (
    <form className="box form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="import-title">
      <h2 id="import-title" className="span2">Partner import</h2>
      <label htmlFor="pi-file">File</label>
      <input id="pi-file" type="file" accept=".json,.csv,application/json,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} required />
      <label htmlFor="pi-format">Format</label>
      <select id="pi-format" value={format} onChange={(e) => setFormat(e.target.value as 'csv')}><option value="iccam-json">ICCAM-like JSON</option><option value="csv">CSV</option></select>
      <label htmlFor="pi-partner">Partner hotline</label>
      <input id="pi-partner" value={partner} onChange={(e) => setPartner(e.target.value)} required maxLength={80} />
      <span /><div><button type="submit" disabled={act.busy}>Import</button></div>
      <div className="span2">
        <ErrorBanner error={act.error} />
        {result && (
          <div role="status" data-testid="import-result">
            <p>{result.partner}: {result.reports} report(s), {result.alreadyImported} already imported, {result.urls} URL(s) ({result.knownUrls} already known), {result.assessments} assessment(s), {result.errors.length} error(s).</p>
            {result.errors.length > 0 && <ul className="err">{result.errors.map((er, i) => <li key={i}>{er.stage} {er.line !== undefined ? `line ${er.line}` : `report ${er.index}`}: {er.message}</li>)}</ul>}
          </div>
        )}
      </div>
    </form>
  );
}
