import type { FastifyInstance } from 'fastify';
import { TooManyRequestsError, UnauthenticatedError } from '../../services/auth.errors.js';
import { SESSION_MAX_MS } from '../../services/auth.service.js';
import type { ExposurePreferencePatch } from '../../services/review.service.js';
import { CSRF_COOKIE, SESSION_COOKIE, type ServerDeps } from '../context.js';

/**
 * Login (public, rate-limited), logout, the current session (user, CSRF token, exposure meter with the user's
 * effective protection), and the user's own protection preferences (bounded by the admin's exposure policy).
 */
export function registerAuthRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.post<{ Body: { name: string; password: string } }>('/api/auth/login', {
    config: { public: true },
    schema: {
      body: {
        type: 'object', required: ['name', 'password'], additionalProperties: false,
        properties: { name: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 1024 } },
      },
    },
  }, async (req, reply) => {
    const { name, password } = req.body;
    const wait = deps.throttle.retryAfter(req.ip, name);
    if (wait > 0) throw new TooManyRequestsError(`too many failed logins: try again in ${wait} s`, wait);
    try {
      const r = await deps.auth.login(name, password, req.ip);
      deps.throttle.succeed(req.ip, name);
      const maxAge = Math.floor(SESSION_MAX_MS / 1000);
      reply.setCookie(SESSION_COOKIE, r.token, { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path: '/', maxAge });
      // Double-submit copy for the UI to read; the server compares the header with the session's own token.
      reply.setCookie(CSRF_COOKIE, r.csrfToken, { httpOnly: false, sameSite: 'strict', secure: deps.secureCookies, path: '/', maxAge });
      return { user: r.user, csrfToken: r.csrfToken, expiresAt: r.expiresAt };
    } catch (err) {
      if (err instanceof UnauthenticatedError) deps.throttle.fail(req.ip, name);
      throw err;
    }
  });

  app.post('/api/auth/logout', async (req, reply) => {
    await deps.auth.logout(req.auth!, req.ip);
    reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/auth/session', async (req) => ({ user: req.auth!.user, csrfToken: req.auth!.csrfToken, exposure: await deps.review.exposure(req.auth!.user) }));

  app.get('/api/me/exposure', async (req) => deps.review.exposure(req.auth!.user));

  app.get('/api/me/preferences', async (req) => deps.review.preferences(req.auth!.user));

  const int = (max: number) => ({ type: ['integer', 'null'], minimum: 0, maximum: max });
  app.put<{ Body: ExposurePreferencePatch }>('/api/me/preferences', {
    schema: {
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { revealSeconds: int(300), colourOnReveal: { type: ['boolean', 'null'] }, breakMinutes: int(1440), softSeconds: int(86400), hardSeconds: int(86400) },
      },
    },
  }, async (req) => deps.review.setPreferences(req.auth!.user, req.body, req.ip));
}
