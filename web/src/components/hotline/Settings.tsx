/**
 * The desk's deployment settings (administrators): no-view mode, hash-only fetching, country, the time windows and
 * retention, and "apply retention now". Only changed fields are sent; the server checks each one.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { hotline, type HotlineSettings } from '../../lib/hotline-api.js';
import { ErrorBanner, useAction, useResource } from './desk-common.js';

type NumKey = 'noticeGroupingMinutes' | 'renoticeHours' | 'offlineConfirmations' | 'checkIntervalMinutes' | 'retentionDays';
const NUMBERS: [NumKey, string][] = [
  ['noticeGroupingMinutes', 'Notice grouping window (minutes)'],
  ['renoticeHours', 'Re-notice after (hours)'],
  ['offlineConfirmations', 'Offline checks in a row to confirm removal'],
  ['checkIntervalMinutes', 'Check open URLs every (minutes)'],
  ['retentionDays', 'Anonymise after (days)'],
];

export function Settings() {
  const { data, error, reload } = useResource(() => hotline.settings(), []);
  const [draft, setDraft] = useState<HotlineSettings | null>(null);
  const [saved, setSaved] = useState(false);
  const [retention, setRetention] = useState<string | null>(null);
  const act = useAction();
  useEffect(() => setDraft(data), [data]);
  if (!draft || !data) return <><ErrorBanner error={error} />{!error && <p className="loading">Loading…</p>}</>;
  const set = <K extends keyof HotlineSettings>(k: K, v: HotlineSettings[K]) => {
    setSaved(false);
    setDraft({ ...draft, [k]: v });
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const patch: Partial<HotlineSettings> = {};
    for (const k of Object.keys(draft) as (keyof HotlineSettings)[]) {
      if (JSON.stringify(draft[k]) !== JSON.stringify(data[k])) (patch as Record<string, unknown>)[k] = draft[k];
    }
    if (Object.keys(patch).length === 0) return setSaved(true);
    if (await act.run(() => hotline.updateSettings(patch))) {
      setSaved(true);
      await reload();
    }
  };
  const applyRetention = async () => {
    const r = await act.run(() => hotline.applyRetention());
    if (r) setRetention(`Anonymised ${r.urls} URL(s) and ${r.reports} report(s) older than ${r.cutoff}.`);
  };
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Desk settings</h1>
      <form className="box form-grid" onSubmit={(e) => void save(e)} aria-label="Desk settings">
        <span /><label className="check"><input type="checkbox" checked={draft.noView} onChange={(e) => set('noView', e.target.checked)} /> No-view mode (nobody may record having viewed content)</label>
        <span /><label className="check"><input type="checkbox" checked={draft.hashOnlyFetch} onChange={(e) => set('hashOnlyFetch', e.target.checked)} /> Hash-only fetch in online checks (bodies hashed in memory, never stored)</label>
        <label htmlFor="st-country">Country (ISO 3166-1 alpha-2)</label>
        <input id="st-country" maxLength={2} value={draft.country} onChange={(e) => set('country', e.target.value.toUpperCase())} />
        <label htmlFor="st-police">National police unit</label>
        <input id="st-police" value={draft.nationalPolice} onChange={(e) => set('nationalPolice', e.target.value)} />
        {NUMBERS.map(([k, label]) => (
          <Num key={k} id={`st-${k}`} label={label} value={draft[k]} onChange={(v) => set(k, v)} />
        ))}
        <span /><div><button type="submit" disabled={act.busy}>Save settings</button>{saved && <span role="status"> Saved.</span>}</div>
      </form>
      <h2>Retention</h2>
      <p className="hint">Anonymises URLs, addresses and reporter contacts older than {data.retentionDays} days; classifications and timings stay for the statistics.</p>
      <button type="button" onClick={() => void applyRetention()} disabled={act.busy}>Apply retention now</button>
      {retention && <p role="status">{retention}</p>}
      <ErrorBanner error={error ?? act.error} />
    </section>
  );
}

function Num({ id, label, value, onChange }: { id: string; label: string; value: number; onChange: (v: number) => void }) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" min={0} step={1} value={value} onChange={(e) => onChange(Number(e.target.value))} />
    </>
  );
}
