/**
 * The exposure meter, always in the top bar: reveals and revealed time today against the soft and hard daily caps
 * that apply to the user (the admin's, or the user's own when lower; forensic-formats.md §6: INHOPE recommends at
 * most 4 h a day, the IWF caps it at 5 h). Also the "Protection" settings: the user's own re-blur time, colour on
 * reveal, break interval and lower caps, within the bounds an administrator sets (shown next to each field; the
 * server refuses anything outside them) and, for an administrator, those bounds.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type ExposureMeter, type ExposurePolicy, type ExposurePreference, type ProtectionPreferences } from '../lib/api.js';

export const formatSeconds = (s: number): string => {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h} h ${String(m).padStart(2, '0')} min` : m ? `${m} min ${String(sec).padStart(2, '0')} s` : `${sec} s`;
};

export function ExposureMeterBar({ meter }: { meter: ExposureMeter }) {
  const { policy } = meter;
  const frac = policy.hardSeconds > 0 ? Math.min(1, meter.revealedSeconds / policy.hardSeconds) : 1;
  const softFrac = policy.hardSeconds > 0 ? Math.min(1, policy.softSeconds / policy.hardSeconds) : 1;
  const state = meter.hardReached ? 'hard' : meter.softExceeded ? 'soft' : 'ok';
  return (
    <div className={`meter meter-${state}`} data-testid="exposure-meter" title={`Soft cap ${formatSeconds(policy.softSeconds)}, hard cap ${formatSeconds(policy.hardSeconds)} of revealed time per day (UTC)`}>
      <span className="meter-label">Exposure today</span>
      <span className="meter-track" aria-hidden="true">
        <span className="meter-fill" style={{ width: `${frac * 100}%` }} />
        <span className="meter-soft" style={{ left: `${softFrac * 100}%` }} />
      </span>
      <span className="meter-text">
        <b data-testid="meter-reveals">{meter.reveals}</b> reveals · <b data-testid="meter-seconds">{formatSeconds(meter.revealedSeconds)}</b> of {formatSeconds(policy.hardSeconds)}
        {policy.hardReveals !== null && <> · max {policy.hardReveals} reveals</>}
      </span>
      {state === 'soft' && <span className="meter-warn">Past today’s recommended exposure: please take a break.</span>}
      {state === 'hard' && <span className="meter-warn">Daily limit reached: no more reveals today.</span>}
    </div>
  );
}

type PrefForm = { revealSeconds: string; colourOnReveal: boolean; breakMinutes: string; softMinutes: string; hardMinutes: string };
const minutes = (s: number | undefined) => (s === undefined ? '' : String(Math.round((s / 60) * 100) / 100));
const toSeconds = (m: string) => (m.trim() === '' ? null : Math.round(Number(m) * 60));

function formOf(p: ProtectionPreferences): PrefForm {
  return {
    revealSeconds: String(p.effective.revealSeconds), colourOnReveal: p.effective.colourOnReveal, breakMinutes: String(p.effective.breakMinutes),
    softMinutes: minutes(p.saved.softSeconds === undefined ? undefined : p.effective.softSeconds), hardMinutes: minutes(p.saved.hardSeconds === undefined ? undefined : p.effective.hardSeconds),
  };
}

/** Only the fields the user changed are sent, so an untouched field keeps following the admin's default. */
function changes(from: PrefForm, to: PrefForm): { [K in keyof ExposurePreference]?: ExposurePreference[K] | null } {
  const out: { [K in keyof ExposurePreference]?: ExposurePreference[K] | null } = {};
  if (to.revealSeconds !== from.revealSeconds) out.revealSeconds = Number(to.revealSeconds);
  if (to.colourOnReveal !== from.colourOnReveal) out.colourOnReveal = to.colourOnReveal;
  if (to.breakMinutes !== from.breakMinutes) out.breakMinutes = Number(to.breakMinutes);
  if (to.softMinutes !== from.softMinutes) out.softSeconds = toSeconds(to.softMinutes);
  if (to.hardMinutes !== from.hardMinutes) out.hardSeconds = toSeconds(to.hardMinutes);
  return out;
}

/** The user's protection settings; `onChanged` gets the refreshed meter (whose `protection` the UI then uses). */
export function ProtectionPanel({ isAdmin, onChanged, onClose }: { isAdmin: boolean; onChanged: (m: ExposureMeter) => void; onClose: () => void }) {
  const [prefs, setPrefs] = useState<ProtectionPreferences | null>(null);
  const [form, setForm] = useState<PrefForm | null>(null);
  const [msg, setMsg] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const load = useCallback(async () => {
    const p = await api<ProtectionPreferences>('GET', '/api/me/preferences');
    setPrefs(p);
    setForm(formOf(p));
    onChanged(await api<ExposureMeter>('GET', '/api/me/exposure'));
  }, [onChanged]);
  useEffect(() => {
    load().catch((e: Error) => setMsg({ kind: 'error', text: e.message }));
  }, [load]);
  const send = async (body: Record<string, unknown>) => {
    if (!Object.keys(body).length) return setMsg({ kind: 'info', text: 'Nothing changed.' });
    try {
      await api('PUT', '/api/me/preferences', body);
      await load();
      setMsg({ kind: 'info', text: 'Protection saved.' });
    } catch (e) {
      setMsg({ kind: 'error', text: e instanceof ApiError ? e.message : (e as Error).message });
    }
  };
  if (!prefs || !form) return <div className="protection">{msg ? <p className="banner error">{msg.text}</p> : 'Loading…'}</div>;
  const b = prefs.bounds;
  const set = (k: keyof PrefForm) => (e: { target: { value: string; checked: boolean } }) => setForm({ ...form, [k]: k === 'colourOnReveal' ? e.target.checked : e.target.value });
  return (
    <div className="protection" data-testid="protection-panel">
      <h2 id="protection-title">Protection</h2>
      <p className="hint">You may lower your protection only within the bounds an administrator sets, and only lower your daily caps.</p>
      {/* noValidate: the server checks the bounds and its message names them (one source of truth). */}
      <form noValidate onSubmit={(e) => { e.preventDefault(); void send(changes(formOf(prefs), form)); }}>
        <fieldset>
          <label>Re-blur after (seconds) <input type="number" min={b.revealSeconds.min} max={b.revealSeconds.max} step={1} value={form.revealSeconds} onChange={set('revealSeconds')} />
            <span className="bounds">{b.revealSeconds.min}–{b.revealSeconds.max} s, default {b.revealSeconds.default} s</span></label>
          <label><input type="checkbox" checked={form.colourOnReveal} disabled={!b.colourOnReveal.allowed && !form.colourOnReveal} onChange={set('colourOnReveal')} /> Show revealed items in colour
            <span className="bounds">{b.colourOnReveal.allowed ? 'allowed by the administrator; default greyscale' : 'not allowed: revealed items stay greyscale'}</span></label>
          <label>Break reminder every (minutes) <input type="number" min={b.breakMinutes.min} max={b.breakMinutes.max} step={1} value={form.breakMinutes} onChange={set('breakMinutes')} />
            <span className="bounds">{b.breakMinutes.min}–{b.breakMinutes.max} min, default {b.breakMinutes.default}</span></label>
          <label>My soft daily cap (minutes) <input type="number" min={0} max={b.softSeconds.max / 60} step="any" value={form.softMinutes} placeholder={minutes(b.softSeconds.max)} onChange={set('softMinutes')} />
            <span className="bounds">at most {formatSeconds(b.softSeconds.max)}; empty = the administrator’s</span></label>
          <label>My hard daily cap (minutes) <input type="number" min={0} max={b.hardSeconds.max / 60} step="any" value={form.hardMinutes} placeholder={minutes(b.hardSeconds.max)} onChange={set('hardMinutes')} />
            <span className="bounds">at most {formatSeconds(b.hardSeconds.max)}; empty = the administrator’s</span></label>
          {prefs.clamped.length > 0 && <p className="hint" data-testid="protection-clamped">The administrator narrowed the bounds: your {prefs.clamped.join(', ')} now use the nearest allowed value.</p>}
        </fieldset>
        <div className="row">
          <button type="submit">Save protection</button>
          <button type="button" className="secondary" onClick={() => void send({ revealSeconds: null, colourOnReveal: null, breakMinutes: null, softSeconds: null, hardSeconds: null })}>Reset to defaults</button>
          <button type="button" className="secondary" onClick={onClose}>Close</button>
        </div>
      </form>
      {msg && <p className={`banner ${msg.kind}`} role={msg.kind === 'error' ? 'alert' : 'status'} data-testid={`protection-${msg.kind}`}>{msg.text}</p>}
      {isAdmin && <PolicyBounds onSaved={() => void load()} />}
    </div>
  );
}

const POLICY_FIELDS = [
  ['revealSeconds', 'Default re-blur (s)'], ['revealSecondsMin', 'Users’ shortest re-blur (s)'], ['revealSecondsMax', 'Users’ longest re-blur (s)'],
  ['maxRevealSeconds', 'Longest reveal anyone may request (s)'], ['breakMinutes', 'Default break interval (min)'], ['breakMinutesMin', 'Shortest break interval (min)'],
  ['breakMinutesMax', 'Longest break interval (min)'], ['softSeconds', 'Soft daily cap (s)'], ['hardSeconds', 'Hard daily cap (s)'],
] as const;

/** The administrator's exposure policy: caps and the bounds of the users' preferences (PUT /api/admin/exposure-policy). */
function PolicyBounds({ onSaved }: { onSaved: () => void }) {
  const [policy, setPolicy] = useState<ExposurePolicy | null>(null);
  const [edit, setEdit] = useState<Record<string, string | boolean>>({});
  const [msg, setMsg] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  useEffect(() => {
    api<ExposurePolicy>('GET', '/api/admin/exposure-policy').then(setPolicy, (e: Error) => setMsg({ kind: 'error', text: e.message }));
  }, []);
  if (!policy) return msg ? <p className="banner error">{msg.text}</p> : null;
  const save = async () => {
    const body: Record<string, number | boolean> = {};
    for (const [k, v] of Object.entries(edit)) if (v !== String(policy[k as keyof ExposurePolicy]) && v !== policy[k as keyof ExposurePolicy]) body[k] = typeof v === 'boolean' ? v : Number(v);
    if (!Object.keys(body).length) return setMsg({ kind: 'info', text: 'Nothing changed.' });
    try {
      setPolicy(await api<ExposurePolicy>('PUT', '/api/admin/exposure-policy', body));
      setEdit({});
      setMsg({ kind: 'info', text: 'Policy saved (audited).' });
      onSaved();
    } catch (e) {
      setMsg({ kind: 'error', text: (e as Error).message });
    }
  };
  return (
    <form onSubmit={(e) => { e.preventDefault(); void save(); }} data-testid="policy-bounds">
      <fieldset>
        <legend>Bounds for all users (administrator)</legend>
        {POLICY_FIELDS.map(([k, label]) => (
          <label key={k}>{label} <input type="number" min={1} step={1} value={String(edit[k] ?? policy[k])} onChange={(e) => setEdit({ ...edit, [k]: e.target.value })} /></label>
        ))}
        <label><input type="checkbox" checked={Boolean(edit.allowColour ?? policy.allowColour)} onChange={(e) => setEdit({ ...edit, allowColour: e.target.checked })} /> Users may see revealed items in colour</label>
      </fieldset>
      <button type="submit">Save policy</button>
      {msg && <p className={`banner ${msg.kind}`} role={msg.kind === 'error' ? 'alert' : 'status'}>{msg.text}</p>}
    </form>
  );
}
