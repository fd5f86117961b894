import type { HotlineDeps } from '../http/hotline-context.js';

export interface RoundResult {
  checks: number;
  offline: number;
  removed: number;
  notices: number;
  failed: number;
}

/**
 * One round of the desk's scheduled work: the online checks that are due, then the notices that are due. Both are
 * idempotent and keep their progress in the database, so a crash between rounds loses nothing.
 */
export async function runHotlineRound(h: HotlineDeps): Promise<RoundResult> {
  const checks = await h.checks.runDue();
  const n = h.notices ? await h.notices.run() : { sent: [], failed: [] };
  return {
    checks: checks.length, offline: checks.filter((c) => c.transition === 'offline').length, removed: checks.filter((c) => c.transition === 'removed').length,
    notices: n.sent.length, failed: n.failed.length,
  };
}

/** Run rounds every `everyMs` inside a long-lived process (winnow serve); returns the stop function. */
export function startHotlineScheduler(h: HotlineDeps, everyMs: number, log: (line: string) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runHotlineRound(h).then((r) => { if (r.checks || r.notices || r.failed) log(`hotline round: ${JSON.stringify(r)}`); }, (e: Error) => log(`hotline round failed: ${e.message}`)).finally(() => { running = false; });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
