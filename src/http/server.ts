/**
 * The review server (issue 6), shared by the hotline desk (issue 7). Fastify, with three root hooks that every
 * route passes through, so no route can forget them:
 *  1. session (onRequest): every request needs a valid session cookie unless its route is marked `public`
 *     (login, health) — unknown URLs included, so an anonymous caller learns nothing (401, not 404);
 *  2. CSRF (onRequest): state-changing methods must carry the session's CSRF token in X-CSRF-Token;
 *  3. media guard (preHandler + onSend): routes marked `media` are refused (403) to roles without view-media, and
 *     as a second net any image/video/octet-stream response to such a role is replaced by a 403.
 * Errors become JSON `{ error }` with a 4xx status; anything unexpected is logged and answered with a bare 500
 * (no stack trace leaves the server). `routes` lists every registered route, for the route-coverage test.
 */
import cookie from '@fastify/cookie';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ConflictError, ForbiddenError, TooManyRequestsError, UnauthenticatedError } from '../services/auth.errors.js';
import { can } from '../services/auth.roles.js';
import { AuthService } from '../services/auth.service.js';
import { NotFoundError, UserError } from '../services/errors.js';
import { CSRF_HEADER, SESSION_COOKIE, type ServerDeps } from './context.js';
import { registerAdminRoutes } from './routes/admin.routes.js';
import { registerAuthRoutes } from './routes/auth.routes.js';
import { registerCaseRoutes } from './routes/case.routes.js';
import { registerItemRoutes } from './routes/item.routes.js';
import { registerSeriesRoutes } from './routes/series.routes.js';
import { registerHotlineRoutes } from './routes/hotline/index.js';
import { registerStaticUi } from './static.js';

export interface RegisteredRoute {
  method: string;
  url: string;
  public: boolean;
  media: boolean;
}

export interface ReviewServer {
  app: FastifyInstance;
  routes: RegisteredRoute[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * `trustProxy`: addresses (or CIDRs) of reverse proxies whose X-Forwarded-For is believed, so that login and public
 * report rate limits count the real client and not the proxy; none by default.
 */
export async function buildServer(deps: ServerDeps, opts: { logger?: boolean; trustProxy?: string[] } = {}): Promise<ReviewServer> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1 << 20,
    // Unknown query or body fields are errors, not silently dropped; query strings are coerced to their types.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
    trustProxy: opts.trustProxy?.length ? opts.trustProxy : false,
  });
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of Array.isArray(r.method) ? r.method : [r.method]) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: r.url, public: r.config?.public === true, media: r.config?.media === true });
    }
  });
  // Browsers may send text/plain cross-site without a preflight; JSON only.
  app.removeContentTypeParser('text/plain');
  await app.register(cookie);
  app.decorateRequest('auth', null);
  registerStaticUi(app);

  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config?.public === true) return;
    req.auth = await deps.auth.authenticate(req.cookies[SESSION_COOKIE]);
    if (!SAFE_METHODS.has(req.method)) {
      const given = req.headers[CSRF_HEADER];
      if (!AuthService.csrfMatches(req.auth.csrfToken, typeof given === 'string' ? given : undefined)) {
        throw new ForbiddenError(`missing or wrong CSRF token: send the session's token in the ${CSRF_HEADER} header`);
      }
    }
  });

  // The media guard: the one place where image bytes are refused to roles that must never see them.
  app.addHook('preHandler', async (req) => {
    if (req.routeOptions.config?.media === true && (!req.auth || !can(req.auth.user.role, 'view-media'))) {
      throw new ForbiddenError(`the ${req.auth?.user.role ?? 'anonymous'} role never receives images`);
    }
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (req.auth && !can(req.auth.user.role, 'view-media') && /^(image|video|audio)\/|^application\/octet-stream/i.test(type)) {
      reply.code(403).header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify({ error: 'this role never receives images' });
    }
    return payload;
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const send = (code: number, message: string) => reply.code(code).type('application/json; charset=utf-8').send({ error: message });
    if (err.validation) return send(400, `invalid request: ${err.message}`);
    if (err instanceof UnauthenticatedError) return send(401, err.message);
    if (err instanceof ForbiddenError) return send(403, err.message);
    if (err instanceof NotFoundError) return send(404, err.message);
    if (err instanceof ConflictError) return send(409, err.message);
    if (err instanceof TooManyRequestsError) {
      reply.header('retry-after', String(err.retryAfterSec));
      return send(429, err.message);
    }
    if (err instanceof UserError) return send(400, err.message);
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) return send(err.statusCode, err.message);
    req.log.error(err);
    return send(500, 'internal error (see the server log)');
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'no such route' }));

  app.get('/api/health', { config: { public: true } }, async () => ({ ok: true }));
  registerAuthRoutes(app, deps);
  registerCaseRoutes(app, deps);
  registerItemRoutes(app, deps);
  registerAdminRoutes(app, deps);
  if (deps.series) registerSeriesRoutes(app, deps.series);
  if (deps.hotline) registerHotlineRoutes(app, deps, deps.hotline);
  await app.ready();
  return { app, routes };
}
