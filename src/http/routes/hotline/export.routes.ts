import type { FastifyInstance, FastifyReply } from 'fastify';
import { BLOCKING_KINDS, renderBlocking } from '../../hotline/blocking-render.js';
import { renderPackage, type RenderedFile } from '../../hotline/package-render.js';
import { statisticsCsv } from '../../hotline/stats-render.js';
import { idParam } from '../../context.js';
import type { HotlineDeps } from '../../hotline-context.js';
import { deskActor, requireAny } from './desk.routes.js';

const send = (reply: FastifyReply, f: RenderedFile) =>
  reply.type(f.contentType).header('content-disposition', `attachment; filename="${f.filename}"`).header('cache-control', 'no-store').send(f.body);

/** Downloads (packages, statistics, blocking lists), partner imports and retention. */
export function registerExportRoutes(app: FastifyInstance, h: HotlineDeps): void {
  app.get('/api/hotline/packages', async (req) => {
    requireAny(req, 'hotline-read');
    return { packages: await h.forward.packages() };
  });

  app.get<{ Params: { packageId: string; format: string } }>('/api/hotline/packages/:packageId/:format', {
    schema: { params: { type: 'object', required: ['packageId', 'format'], properties: { packageId: idParam, format: { type: 'string', enum: ['json', 'pdf'] } } } },
  }, async (req, reply) => {
    requireAny(req, 'hotline-read');
    return send(reply, await renderPackage(await h.forward.packageData(req.params.packageId, deskActor(req), req.params.format), req.params.format));
  });

  const statsQuery = {
    type: 'object', additionalProperties: false,
    properties: { from: { type: 'string', maxLength: 30 }, to: { type: 'string', maxLength: 30 }, period: { type: 'string', enum: ['month', 'week', 'day'] } },
  } as const;
  app.get<{ Querystring: { from?: string; to?: string; period?: string } }>('/api/hotline/stats', { schema: { querystring: statsQuery } }, async (req) => {
    requireAny(req, 'hotline-read');
    return h.reporting.statistics(req.query);
  });

  app.get<{ Querystring: { from?: string; to?: string; period?: string } }>('/api/hotline/stats.csv', { schema: { querystring: statsQuery } }, async (req, reply) => {
    requireAny(req, 'hotline-read');
    const s = await h.reporting.statistics(req.query);
    return send(reply, { body: statisticsCsv(s), contentType: 'text/csv; charset=utf-8', filename: `winnow-hotline-stats-${new Date().toISOString().slice(0, 10)}.csv` });
  });

  app.get<{ Params: { kind: string } }>('/api/hotline/blocking/:kind', {
    schema: { params: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', enum: [...BLOCKING_KINDS] } } } },
  }, async (req, reply) => {
    requireAny(req, 'hotline-export');
    return send(reply, await renderBlocking(h, req.params.kind, deskActor(req)));
  });

  app.post<{ Body: { format: 'iccam-json' | 'csv'; partner: string; content: string } }>('/api/hotline/partner-imports', {
    bodyLimit: 21 * 1024 * 1024,
    schema: {
      body: {
        type: 'object', required: ['format', 'partner', 'content'], additionalProperties: false,
        properties: { format: { type: 'string', enum: ['iccam-json', 'csv'] }, partner: { type: 'string', minLength: 1, maxLength: 80 }, content: { type: 'string' } },
      },
    },
  }, async (req, reply) => {
    requireAny(req, 'hotline-work');
    reply.code(201);
    return h.partners.importText(req.body.content, req.body.format, req.body.partner, deskActor(req));
  });

  app.post('/api/hotline/retention/run', async (req) => {
    requireAny(req, 'hotline-admin');
    return h.reporting.applyRetention(deskActor(req));
  });
}
