import type { FastifyInstance } from 'fastify';
import { idParam, type ServerDeps } from '../context.js';
import { readThumbnail } from '../media-files.js';

const itemParams = { type: 'object', required: ['caseId', 'itemId'], properties: { caseId: idParam, itemId: idParam } } as const;
type ItemParams = { Params: { caseId: string; itemId: string } };

/**
 * One item: detail (metadata, EXIF, GPS, matches, cluster, audit history), the SAFE thumbnail, a reveal of the
 * clear thumbnail, notes and tags. The two media routes are marked `media` for the guard; image responses are
 * never cached (Cache-Control: no-store) so a clear picture does not linger in a browser cache. A reveal lasts the
 * user's effective revealSeconds (policy ∩ their preference): a request for longer is clamped to it, and the
 * seconds granted come back in X-Winnow-Reveal-Seconds for the UI's re-blur timer.
 */
export function registerItemRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get<ItemParams>('/api/cases/:caseId/items/:itemId', { schema: { params: itemParams } }, async (req) => deps.review.item(req.auth!.user, req.params.caseId, req.params.itemId));

  app.get<ItemParams>('/api/cases/:caseId/items/:itemId/thumbnail', { config: { media: true }, schema: { params: itemParams } }, async (req, reply) => {
    const rel = await deps.review.safeThumbnail(req.auth!.user, req.params.caseId, req.params.itemId);
    const bytes = await readThumbnail(deps.workspaceDir, rel);
    return reply.header('cache-control', 'no-store').type('image/webp').send(bytes);
  });

  app.post<ItemParams & { Body: { seconds?: number } | undefined }>('/api/cases/:caseId/items/:itemId/reveal', {
    config: { media: true },
    schema: { params: itemParams, body: { type: ['object', 'null'], additionalProperties: false, properties: { seconds: { type: 'integer', minimum: 1, maximum: 300 } } } },
  }, async (req, reply) => {
    const r = await deps.review.reveal(req.auth!.user, req.params.caseId, req.params.itemId, req.body?.seconds, req.ip);
    const bytes = await readThumbnail(deps.workspaceDir, r.path);
    reply.header('cache-control', 'no-store').header('x-winnow-reveal-seconds', String(r.seconds))
      .header('x-winnow-exposure-seconds', String(r.meter.revealedSeconds)).header('x-winnow-exposure-reveals', String(r.meter.reveals));
    if (r.meter.softExceeded) reply.header('x-winnow-exposure-warning', 'soft-cap: you have passed today\'s recommended exposure; please take a break');
    return reply.type('image/webp').send(bytes);
  });

  app.post<ItemParams & { Body: { text: string } }>('/api/cases/:caseId/items/:itemId/notes', {
    schema: { params: itemParams, body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1, maxLength: 10000 } } } },
  }, async (req) => deps.review.addNote(req.auth!.user, req.params.caseId, req.params.itemId, req.body.text, req.ip));

  app.put<ItemParams & { Body: { tags: string[] } }>('/api/cases/:caseId/items/:itemId/tags', {
    schema: { params: itemParams, body: { type: 'object', required: ['tags'], additionalProperties: false, properties: { tags: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 64 } } } } },
  }, async (req) => ({ tags: await deps.review.setTags(req.auth!.user, req.params.caseId, req.params.itemId, req.body.tags, req.ip) }));
}
