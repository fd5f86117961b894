/**
 * Login rate limiting, in memory (one server process per workspace). Failed attempts are counted per
 * (address, user name) and per address in a sliding window; past the limit a login is refused with 429 before
 * the password is even checked, so guessing costs the attacker time, not our CPU. Our own 40 lines rather than
 * @fastify/rate-limit: we count failures only (a user who types their password right is never slowed), and key on
 * the user name as well as the address.
 */
export interface ThrottleOptions {
  windowMs: number;
  maxPerUser: number;
  maxPerAddress: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { windowMs: 15 * 60_000, maxPerUser: 5, maxPerAddress: 30 };

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly opts: ThrottleOptions = DEFAULT_THROTTLE, private readonly clock: () => number = Date.now) {}

  /** Seconds to wait before another attempt is allowed, or 0. */
  retryAfter(ip: string, user: string): number {
    const now = this.clock();
    const u = this.recent(`u:${ip}:${user.toLowerCase()}`, now);
    const a = this.recent(`a:${ip}`, now);
    const wait = (list: number[], max: number) => (list.length >= max ? Math.ceil((list[list.length - max]! + this.opts.windowMs - now) / 1000) : 0);
    return Math.max(wait(u, this.opts.maxPerUser), wait(a, this.opts.maxPerAddress), 0);
  }

  fail(ip: string, user: string): void {
    const now = this.clock();
    for (const k of [`u:${ip}:${user.toLowerCase()}`, `a:${ip}`]) this.failures.set(k, [...this.recent(k, now), now]);
    if (this.failures.size > 100_000) this.failures.clear(); // bounded memory under a spray of names
  }

  succeed(ip: string, user: string): void {
    this.failures.delete(`u:${ip}:${user.toLowerCase()}`);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.opts.windowMs);
  }
}
