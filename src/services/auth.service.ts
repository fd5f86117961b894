/**
 * Passwords and sessions. Passwords: scrypt from node:crypto (N=2^15, r=8, p=1, 32-byte key, 16-byte salt),
 * stored as `scrypt$N$r$p$salt$key` so the cost can be raised later without breaking old hashes; no native
 * argon2 dependency needed. Sessions: a 32-byte random token in an HttpOnly, SameSite=Strict cookie; the server
 * keeps only its SHA-256 (a leaked database holds no live session), with a per-session CSRF token that state-
 * changing requests must echo in a header. Sessions end after 12 h, or after 2 h without a request.
 * Login failures are audited; an unknown user name costs the same scrypt as a wrong password.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { SessionRepository } from '../db/repositories/session.repository.js';
import type { UserRepository } from '../db/repositories/user.repository.js';
import type { AppUserRow } from '../db/schema.js';
import type { AuditService } from './audit.service.js';
import { UnauthenticatedError } from './auth.errors.js';

const SCRYPT = { N: 1 << 15, r: 8, p: 1, keyLen: 32 };
export const SESSION_MAX_MS = 12 * 3600_000;
export const SESSION_IDLE_MS = 2 * 3600_000;

function scrypt(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFC'), salt, SCRYPT.keyLen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 128 * SCRYPT.N * SCRYPT.r * 2 });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const expected = Buffer.from(m[5]!, 'base64');
  const key = await scrypt(password.normalize('NFC'), Buffer.from(m[4]!, 'base64'), expected.length, { N, r, p, maxmem: 128 * N * r * 2 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface SessionUser {
  id: string;
  name: string;
  role: string;
}

export interface Authenticated {
  user: SessionUser;
  csrfToken: string;
  tokenHash: string;
}

export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly audit: AuditService,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Check a password; on success open a session. Returns the cookie token (shown once) and the CSRF token. */
  async login(name: string, password: string, ip: string | null): Promise<{ token: string; csrfToken: string; user: SessionUser; expiresAt: string }> {
    const user = await this.users.byName(name);
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) {
      await this.audit.record({ id: user?.id ?? null, name, ip }, 'login-failed', { detail: { reason: !user ? 'unknown user' : !ok ? 'wrong password' : 'account disabled' } });
      throw new UnauthenticatedError('wrong user name or password');
    }
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.clock();
    const expiresAt = new Date(now + SESSION_MAX_MS).toISOString();
    await this.sessions.create({
      token_hash: tokenHash(token), user_id: user.id, csrf_token: csrfToken, created_at: new Date(now).toISOString(),
      last_seen_at: new Date(now).toISOString(), expires_at: expiresAt, ip,
    });
    await this.audit.record({ id: user.id, name: user.name, ip }, 'login');
    return { token, csrfToken, user: publicUser(user), expiresAt };
  }

  /** Resolve a cookie token to its user; expired, idle or disabled sessions are removed and refused. */
  async authenticate(token: string | undefined): Promise<Authenticated> {
    if (!token || token.length > 200) throw new UnauthenticatedError('not logged in');
    const th = tokenHash(token);
    const found = await this.sessions.find(th);
    if (!found) throw new UnauthenticatedError('not logged in (or the session has ended)');
    const now = this.clock();
    if (found.user.disabled || Date.parse(found.session.expires_at) <= now || Date.parse(found.session.last_seen_at) + SESSION_IDLE_MS <= now) {
      await this.sessions.delete(th);
      throw new UnauthenticatedError('the session has ended: log in again');
    }
    // Touch at most once a minute: a grid scroll should not write on every page.
    if (now - Date.parse(found.session.last_seen_at) > 60_000) await this.sessions.touch(th, new Date(now).toISOString());
    return { user: publicUser(found.user), csrfToken: found.session.csrf_token, tokenHash: th };
  }

  /** Constant-time comparison of the CSRF header with the session's token. */
  static csrfMatches(expected: string, given: string | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(expected);
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async logout(auth: Authenticated, ip: string | null): Promise<void> {
    await this.sessions.delete(auth.tokenHash);
    await this.audit.record({ id: auth.user.id, name: auth.user.name, ip }, 'logout');
  }
}

function publicUser(u: AppUserRow): SessionUser {
  return { id: u.id, name: u.name, role: u.role };
}
