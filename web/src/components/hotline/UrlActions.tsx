/**
 * The actions on one URL's file, each a small form or button that calls the desk API and then reloads the file:
 * assess, trace, choose the notice contact, forward, police hold/release/clearance, check now, close.
 * Every error is the server's message.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { AGE_GROUPS, CLASSIFICATIONS, CLOSURE_REASONS, hotline, type CheckOutcome, type ForwardedPackage, type UrlDetail } from '../../lib/hotline-api.js';
import { ErrorBanner, useAction, useResource } from './desk-common.js';

/** "md5 abc…", "sha1:abc…" or "pdq abc…", one per line. */
export function parseHashes(text: string): { algorithm: string; hash: string }[] | string {
  const out: { algorithm: string; hash: string }[] = [];
  for (const line of text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const m = /^([a-z0-9-]+)\s*[:\s]\s*([0-9a-fA-F]+)$/.exec(line);
    if (!m) return `a hash line must be "algorithm hash" (e.g. md5 d41d8cd9…), not "${line}"`;
    out.push({ algorithm: m[1]!.toLowerCase(), hash: m[2]!.toLowerCase() });
  }
  return out;
}

export function AssessForm({ urlId, noView, dedicatedDomain, onDone }: { urlId: string; noView: boolean; dedicatedDomain: boolean; onDone: () => void }) {
  const [classification, setClassification] = useState('');
  const [ageGroup, setAgeGroup] = useState('');
  // Starts from the URL's current flag, so a later assessment does not clear it by accident.
  const [dedicated, setDedicated] = useState(dedicatedDomain);
  useEffect(() => setDedicated(dedicatedDomain), [dedicatedDomain]);
  const [hashes, setHashes] = useState('');
  const [note, setNote] = useState('');
  const [viewed, setViewed] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const act = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const h = parseHashes(hashes);
    if (typeof h === 'string') return setLocalError(h);
    setLocalError(null);
    const r = await act.run(() => hotline.assess(urlId, {
      classification, dedicatedDomain: dedicated, ...(ageGroup ? { ageGroup } : {}), ...(note.trim() ? { note } : {}), ...(h.length ? { hashes: h } : {}),
      ...(!noView && viewed ? { viewedContent: true } : {}),
    }));
    if (r) {
      setHashes('');
      setNote('');
      onDone();
    }
  };
  return (
    <form className="box form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="assess-title">
      <h3 id="assess-title" className="span2">Assess</h3>
      <label htmlFor="as-class">Classification</label>
      <select id="as-class" value={classification} onChange={(e) => setClassification(e.target.value)} required>
        <option value="">choose…</option>
        {CLASSIFICATIONS.map((c) => <option key={c} value={c}>{c}</option>)}
      </select>
      <label htmlFor="as-age">Age group</label>
      <select id="as-age" value={ageGroup} onChange={(e) => setAgeGroup(e.target.value)}>
        <option value="">not given</option>
        {AGE_GROUPS.map((a) => <option key={a} value={a}>{a}</option>)}
      </select>
      <span />
      <label className="check"><input type="checkbox" checked={dedicated} onChange={(e) => setDedicated(e.target.checked)} /> Dedicated domain (the whole domain serves abuse material)</label>
      <label htmlFor="as-hashes">Hashes (one per line: algorithm hash)</label>
      <textarea id="as-hashes" rows={2} value={hashes} onChange={(e) => setHashes(e.target.value)} placeholder="md5 0123…" />
      <label htmlFor="as-note">Note</label>
      <textarea id="as-note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      {!noView && (
        <>
          <span />
          <label className="check"><input type="checkbox" checked={viewed} onChange={(e) => setViewed(e.target.checked)} /> I viewed the content (in a sandbox outside Winnow)</label>
        </>
      )}
      <span />
      <div><button type="submit" disabled={act.busy}>Record assessment</button></div>
      <div className="span2"><ErrorBanner error={localError ?? act.error} /></div>
    </form>
  );
}

export function TraceAction({ urlId, onDone }: { urlId: string; onDone: () => void }) {
  const act = useAction();
  const [summary, setSummary] = useState<string | null>(null);
  const trace = async () => {
    const r = await act.run(() => hotline.trace(urlId));
    if (r) {
      const t = r.trace;
      setSummary(`Trace v${t.version}: ${t.ip ?? 'no address'}${t.asn !== null ? `, AS${t.asn}` : ''}${t.country ? `, ${t.country}` : ''}${t.org ? `, ${t.org}` : ''}${r.noticeContact ? `; contact ${r.noticeContact.email}${r.noticeContact.approved ? '' : ' (not approved)'}` : '; no abuse contact found'}`);
      onDone();
    }
  };
  return (
    <div className="box">
      <button type="button" onClick={() => void trace()} disabled={act.busy}>{act.busy ? 'Tracing…' : 'Trace'}</button>
      {summary && <p role="status" data-testid="trace-result">{summary}</p>}
      <ErrorBanner error={act.error} />
    </div>
  );
}

export function NoticeContactPicker({ d, onDone }: { d: UrlDetail; onDone: () => void }) {
  const { data: contacts, error } = useResource(() => hotline.contacts(), [d.url.notice_contact_id]);
  const [choice, setChoice] = useState<string>(d.url.notice_contact_id ?? '');
  // A trace may set the contact: follow the file.
  useEffect(() => setChoice(d.url.notice_contact_id ?? ''), [d.url.notice_contact_id]);
  const act = useAction();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (await act.run(() => hotline.setNoticeContact(d.url.id, choice || null))) onDone();
  };
  const approve = async () => {
    if (d.noticeContact && (await act.run(() => hotline.approveContact(d.noticeContact!.id, true)))) onDone();
  };
  return (
    <form className="box row" onSubmit={(e) => void save(e)} aria-label="Choose the notice contact">
      <label htmlFor="nc-contact">Notice contact</label>
      <select id="nc-contact" value={choice} onChange={(e) => setChoice(e.target.value)}>
        <option value="">none</option>
        {(contacts ?? []).map((c) => <option key={c.id} value={c.id}>{c.email} — {c.org}{c.asn !== null ? ` (AS${c.asn})` : ''}{c.approved ? '' : ' (not approved)'}</option>)}
      </select>
      <button type="submit" disabled={act.busy}>Use this contact</button>
      {d.noticeContact && !d.noticeContact.approved && <button type="button" onClick={() => void approve()} disabled={act.busy}>Approve {d.noticeContact.email}</button>}
      <ErrorBanner error={error ?? act.error} />
    </form>
  );
}

export function ForwardAction({ d, onDone }: { d: UrlDetail; onDone: () => void }) {
  const act = useAction();
  const [done, setDone] = useState<ForwardedPackage[] | null>(null);
  const forward = async () => {
    const r = await act.run(() => hotline.forward([d.url.id]));
    if (r) {
      setDone(r);
      onDone();
    }
  };
  return (
    <div className="box">
      <button type="button" onClick={() => void forward()} disabled={act.busy || !d.route}>Forward{d.route ? ` to ${d.route.destination}` : ''}</button>
      <span className="hint"> {d.route ? `route: ${d.route.kind}${d.route.country ? ` (${d.route.country})` : ''}, format ${d.route.format}` : 'trace first to know the route'}</span>
      {done && <p role="status" data-testid="forward-result">Forwarded: {done.map((p) => `${p.route.kind} → ${p.route.destination} (package ${p.packageId})`).join('; ')}</p>}
      <ErrorBanner error={act.error} />
    </div>
  );
}

export function PoliceActions({ d, onDone }: { d: UrlDetail; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const act = useAction();
  const after = (r: unknown) => {
    if (r) {
      setReason('');
      onDone();
    }
  };
  const waitingClearance = d.forwards.some((f) => f.destination_kind === 'national-police' && !f.cleared_at);
  return (
    <div className="box" role="group" aria-labelledby="police-title">
      <h3 id="police-title">Police</h3>
      {d.url.hold_reason ? (
        <button type="button" onClick={() => void act.run(() => hotline.release(d.url.id)).then(after)} disabled={act.busy}>Release the hold</button>
      ) : (
        <form className="row" onSubmit={(e) => { e.preventDefault(); void act.run(() => hotline.hold(d.url.id, reason)).then(after); }}>
          <label htmlFor="pol-reason">Hold reason</label>
          <input id="pol-reason" value={reason} onChange={(e) => setReason(e.target.value)} required placeholder="do not notify: investigation …" />
          <button type="submit" disabled={act.busy}>Hold notices</button>
        </form>
      )}
      {waitingClearance && <button type="button" onClick={() => void act.run(() => hotline.clear(d.url.id)).then(after)} disabled={act.busy}>Clear for notice</button>}
      {!waitingClearance && d.forwards.some((f) => f.cleared_at) && <p className="hint">Cleared for notice.</p>}
      <ErrorBanner error={act.error} />
    </div>
  );
}

export function CheckCloseActions({ d, onDone }: { d: UrlDetail; onDone: () => void }) {
  const act = useAction();
  const [outcome, setOutcome] = useState<CheckOutcome | null>(null);
  const [reason, setReason] = useState('');
  const [movedTo, setMovedTo] = useState('');
  const check = async () => {
    const r = await act.run(() => hotline.check(d.url.id));
    if (r) {
      setOutcome(r);
      onDone();
    }
  };
  const close = async (e: FormEvent) => {
    e.preventDefault();
    if (await act.run(() => hotline.close(d.url.id, reason, reason === 'moved' ? movedTo : undefined))) onDone();
  };
  return (
    <div className="box">
      <button type="button" onClick={() => void check()} disabled={act.busy}>Check now</button>
      {outcome && <span role="status" data-testid="check-result"> {outcome.result}{outcome.httpStatus !== null ? ` (HTTP ${outcome.httpStatus})` : ''}{outcome.transition ? ` → ${outcome.transition}` : ''}</span>}
      {!d.url.closed_at && (
        <form className="row" onSubmit={(e) => void close(e)} aria-label="Close">
          <label htmlFor="close-reason">Close as</label>
          <select id="close-reason" value={reason} onChange={(e) => setReason(e.target.value)} required>
            <option value="">choose…</option>
            {CLOSURE_REASONS.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
          {reason === 'moved' && <><label htmlFor="close-moved">New URL</label><input id="close-moved" value={movedTo} onChange={(e) => setMovedTo(e.target.value)} required /></>}
          <button type="submit" disabled={act.busy}>Close</button>
        </form>
      )}
      <ErrorBanner error={act.error} />
    </div>
  );
}
