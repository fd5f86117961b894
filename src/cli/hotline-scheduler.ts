import type { HotlineDeps } from '../http/hotline-context.js';
import { SYSTEM_ACTOR } from '../services/hotline/hotline-types.js';

export interface RoundResult {
  /** New URLs traced this round (DNS, datasets, RDAP — nothing is fetched from the site). */
  traced: number;
  checks: number;
  offline: number;
  removed: number;
  notices: number;
  failed: number;
}

/** At most this many new URLs are traced per round (each costs DNS and RDAP queries). */
const TRACES_PER_ROUND = 50;

/**
 * One round of the desk's scheduled work: trace URLs not traced yet, then the online checks that are due, then the
 * notices that are due. Each is idempotent and keeps its progress in the database, so a crash between rounds loses
 * nothing. A trace that fails (DNS down) is recorded with its error and not retried automatically: an analyst traces
 * again from the desk.
 */
export async function runHotlineRound(h: HotlineDeps): Promise<RoundResult> {
  let traced = 0;
  for (const u of (await h.view.list({ open: true, limit: 1000 })).filter((x) => !x.traced_at).slice(0, TRACES_PER_ROUND)) {
    await h.trace.trace(u.id, SYSTEM_ACTOR);
    traced++;
  }
  const checks = await h.checks.runDue();
  const n = h.notices ? await h.notices.run() : { sent: [], failed: [] };
  return {
    traced, checks: checks.length, offline: checks.filter((c) => c.transition === 'offline').length, removed: checks.filter((c) => c.transition === 'removed').length,
    notices: n.sent.length, failed: n.failed.length,
  };
}

/** Run rounds every `everyMs` inside a long-lived process (winnow serve); returns the stop function. */
export function startHotlineScheduler(h: HotlineDeps, everyMs: number, log: (line: string) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runHotlineRound(h).then((r) => { if (r.traced || r.checks || r.notices || r.failed) log(`hotline round: ${JSON.stringify(r)}`); }, (e: Error) => log(`hotline round failed: ${e.message}`)).finally(() => { running = false; });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
