/**
 * Serves the built review UI (web/, built by `npm run build` into dist/web) from the review server.
 *
 * Design decisions:
 * - An onRequest hook, registered BEFORE the session hook, not a route: the UI's files are public (the login page
 *   must load without a session) but they are not API routes, so the route table — which a test enumerates to prove
 *   that only login and health are public — stays exactly the API. The hook answers only GET/HEAD requests whose
 *   path is outside /api; everything under /api falls through to the session hook unchanged (401 without a session,
 *   unknown /api URLs included).
 * - Our own ~60 lines instead of @fastify/static: the UI is a handful of files known at build time; we need only
 *   a content type per extension, confinement to the web root, and the SPA fallback (any other path → index.html,
 *   so a reload of /cases/… works). Files are read per request (no cache in memory): a rebuild is picked up at once.
 * - Security headers on every UI response: a strict Content-Security-Policy (scripts only from this origin, images
 *   only from this origin or blob: — the revealed thumbnail is a blob: URL —, no framing), nosniff, no referrer.
 *   Vite's hashed assets may be cached for good; index.html never is.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** dist/web beside dist/src (this file compiles to dist/src/http/static.js). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

async function fileAt(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const abs = resolve(root, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  if (!abs.startsWith(root)) return null;
  try {
    return (await stat(abs)).isFile() ? abs : null;
  } catch {
    return null;
  }
}

/** Answer GET/HEAD for non-/api paths with the built UI (SPA fallback to index.html). */
export function registerStaticUi(app: FastifyInstance, webRoot: string = DEFAULT_WEB_ROOT): void {
  const root = resolve(webRoot) + sep;
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return;
    const path = req.url.split('?')[0] ?? '/';
    if (path === '/api' || path.startsWith('/api/')) return;
    // The hotline's public report pages are server-rendered routes (they work without JavaScript).
    if (path === '/report' || path.startsWith('/report/')) return;
    const direct = path !== '/' ? await fileAt(root, path) : null;
    // A missing build asset is a 404, not the SPA page (a stale index.html would otherwise load HTML as script).
    const file = direct ?? (path.startsWith('/assets/') ? null : await fileAt(root, '/index.html'));
    reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    if (!file) {
      const msg = path.startsWith('/assets/') ? 'no such file\n' : 'The review UI is not built: run  npm run build  (the API is under /api).\n';
      return reply.code(404).type('text/plain; charset=utf-8').send(msg);
    }
    const isAsset = path.startsWith('/assets/');
    reply.header('cache-control', isAsset ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.type(TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream').send(await readFile(file));
  });
}
