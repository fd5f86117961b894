import { TooManyRequestsError } from '../../services/auth.errors.js';

/**
 * Rate limit on public reports, per client address, in memory (one server process per workspace): at most `max`
 * reports in a sliding window. Anonymous reporting must stay open, so the limit is generous for people and tight
 * for scripts.
 */
export class ReportThrottle {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly max = 10, private readonly windowMs = 10 * 60_000, private readonly clock: () => number = Date.now) {}

  /** Count one report from `ip`, or throw 429 with the wait. */
  take(ip: string): void {
    const now = this.clock();
    const recent = (this.hits.get(ip) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.max) {
      const wait = Math.ceil((recent[recent.length - this.max]! + this.windowMs - now) / 1000);
      throw new TooManyRequestsError(`too many reports from this address: try again in ${wait} s`, wait);
    }
    recent.push(now);
    this.hits.set(ip, recent);
    if (this.hits.size > 100_000) this.hits.clear();
  }
}
