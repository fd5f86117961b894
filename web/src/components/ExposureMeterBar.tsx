/**
 * The exposure meter, always in the top bar: reveals and revealed time today against the admin-set soft and hard
 * daily caps (forensic-formats.md §6: INHOPE recommends at most 4 h a day, the IWF caps it at 5 h).
 */
import type { ExposureMeter } from '../lib/api.js';

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
