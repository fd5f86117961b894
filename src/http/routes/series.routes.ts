import type { FastifyInstance } from 'fastify';
import type { SeriesService } from '../../services/series.service.js';
import { CLUE_KINDS, MAX_ATTACH, SERIES_STATUSES } from '../../services/series.service.js';
import { idParam } from '../context.js';

const seriesParams = { type: 'object', required: ['seriesId'], properties: { seriesId: idParam } } as const;
type SeriesParams = { Params: { seriesId: string } };
const name = { type: 'string', minLength: 1, maxLength: 200 } as const;
const description = { type: ['string', 'null'], maxLength: 10000 } as const;
const note = { type: ['string', 'null'], maxLength: 2000 } as const;

/**
 * Series and victims (issue 6). Session, CSRF and role checks come from the server's root hooks and the service;
 * no route here returns image bytes (series thumbnails are the item routes', behind the media guard).
 *   GET    /api/series[?caseId&itemId]            list (or the series holding that item's hash)
 *   POST   /api/series                            create { name, description? }
 *   GET    /api/series/:id                        detail: items, clues, identified facts
 *   PATCH  /api/series/:id                        { name?, description?, status? }
 *   POST   /api/series/:id/items                  attach { caseId, itemIds } | { caseId, clusterId }
 *   DELETE /api/series/:id/items/:algorithm/:hash detach one hash
 *   POST   /api/series/:id/clues                  { kind, text };  DELETE /api/series/:id/clues/:clueId
 *   PUT    /api/series/:id/victim | /offender     { identified, note? }
 *   GET    /api/series/:id/occurrences            exact and near-duplicate occurrences in the workspace
 */
export function registerSeriesRoutes(app: FastifyInstance, series: SeriesService): void {
  app.get<{ Querystring: { caseId?: string; itemId?: string } }>('/api/series', {
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { caseId: idParam, itemId: idParam }, dependencies: { caseId: ['itemId'], itemId: ['caseId'] } } },
  }, async (req) => {
    const { caseId, itemId } = req.query;
    return { series: await series.list(req.auth!.user, caseId && itemId ? { caseId, itemId } : undefined) };
  });

  app.post<{ Body: { name: string; description?: string | null } }>('/api/series', {
    schema: { body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name, description } } },
  }, async (req, reply) => reply.code(201).send(await series.create({ user: req.auth!.user, ip: req.ip }, req.body)));

  app.get<SeriesParams>('/api/series/:seriesId', { schema: { params: seriesParams } }, async (req) => series.detail(req.auth!.user, req.params.seriesId));

  app.patch<SeriesParams & { Body: { name?: string; description?: string | null; status?: string } }>('/api/series/:seriesId', {
    schema: { params: seriesParams, body: { type: 'object', minProperties: 1, additionalProperties: false, properties: { name, description, status: { type: 'string', enum: [...SERIES_STATUSES] } } } },
  }, async (req) => series.change({ user: req.auth!.user, ip: req.ip }, req.params.seriesId, req.body));

  app.post<SeriesParams & { Body: { caseId: string; itemIds?: string[]; clusterId?: string } }>('/api/series/:seriesId/items', {
    schema: {
      params: seriesParams,
      body: {
        type: 'object', required: ['caseId'], additionalProperties: false,
        properties: { caseId: idParam, itemIds: { type: 'array', minItems: 1, maxItems: MAX_ATTACH, items: idParam }, clusterId: { type: 'string', minLength: 1, maxLength: 100 } },
      },
    },
  }, async (req) => {
    const { caseId, itemIds, clusterId } = req.body;
    return series.attach({ user: req.auth!.user, ip: req.ip }, req.params.seriesId, caseId, { ...(itemIds ? { itemIds } : {}), ...(clusterId !== undefined ? { clusterId } : {}) });
  });

  app.delete<{ Params: { seriesId: string; algorithm: string; hash: string } }>('/api/series/:seriesId/items/:algorithm/:hash', {
    schema: {
      params: {
        type: 'object', required: ['seriesId', 'algorithm', 'hash'],
        properties: { seriesId: idParam, algorithm: { type: 'string', enum: ['sha256', 'md5'] }, hash: { type: 'string', pattern: '^[0-9a-fA-F]{32}([0-9a-fA-F]{32})?$' } },
      },
    },
  }, async (req) => series.detach({ user: req.auth!.user, ip: req.ip }, req.params.seriesId, req.params.algorithm, req.params.hash));

  app.post<SeriesParams & { Body: { kind: string; text: string } }>('/api/series/:seriesId/clues', {
    schema: { params: seriesParams, body: { type: 'object', required: ['kind', 'text'], additionalProperties: false, properties: { kind: { type: 'string', enum: [...CLUE_KINDS] }, text: { type: 'string', minLength: 1, maxLength: 2000 } } } },
  }, async (req, reply) => reply.code(201).send(await series.addClue({ user: req.auth!.user, ip: req.ip }, req.params.seriesId, req.body.kind, req.body.text)));

  app.delete<{ Params: { seriesId: string; clueId: string } }>('/api/series/:seriesId/clues/:clueId', {
    schema: { params: { type: 'object', required: ['seriesId', 'clueId'], properties: { seriesId: idParam, clueId: idParam } } },
  }, async (req) => series.removeClue({ user: req.auth!.user, ip: req.ip }, req.params.seriesId, req.params.clueId));

  for (const fact of ['victim', 'offender'] as const) {
    app.put<SeriesParams & { Body: { identified: boolean; note?: string | null } }>(`/api/series/:seriesId/${fact}`, {
      schema: { params: seriesParams, body: { type: 'object', required: ['identified'], additionalProperties: false, properties: { identified: { type: 'boolean' }, note } } },
    }, async (req) => series.setIdentified({ user: req.auth!.user, ip: req.ip }, req.params.seriesId, fact, req.body.identified, req.body.note));
  }

  app.get<SeriesParams>('/api/series/:seriesId/occurrences', { schema: { params: seriesParams } }, async (req) => series.occurrences(req.auth!.user, req.params.seriesId));
}
