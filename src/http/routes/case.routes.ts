import type { FastifyInstance } from 'fastify';
import { GPS_POINTS_MAX, type GridQuery } from '../../services/review.service.js';
import { idParam, type ServerDeps } from '../context.js';
import { registerCaseReportRoutes } from './case-report.routes.js';

const caseParams = { type: 'object', required: ['caseId'], properties: { caseId: idParam } } as const;

const gridQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cursor: { type: 'string', maxLength: 200 },
    limit: { type: 'integer', minimum: 1, maximum: 200 },
    unknown: { type: 'boolean' },
    matched: { type: 'boolean' },
    status: { type: 'string', maxLength: 100 },
    category: { type: 'string', maxLength: 32 },
    set: idParam,
    hasGps: { type: 'boolean' },
    make: { type: 'string', maxLength: 200 },
    model: { type: 'string', maxLength: 200 },
    cluster: { type: 'string', maxLength: 100 },
    evidence: idParam,
    mime: { type: 'string', maxLength: 100 },
    hasError: { type: 'boolean' },
    includeKnownBad: { type: 'boolean' },
    includeIgnorable: { type: 'boolean' },
  },
} as const;

/** Cases the user may see, one case's counts and evidence, the review grid, and categorisation. */
export function registerCaseRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/api/cases', async (req) => ({ cases: await deps.review.listCases(req.auth!.user) }));

  app.get<{ Params: { caseId: string } }>('/api/cases/:caseId', { schema: { params: caseParams } }, async (req) => deps.review.caseDetail(req.auth!.user, req.params.caseId));

  if (deps.labStatus) {
    const status = deps.labStatus;
    // Queues and workers are shared by every case; progress and failures are this case's only.
    app.get<{ Params: { caseId: string } }>('/api/cases/:caseId/processing', { schema: { params: caseParams } }, async (req) => {
      await deps.review.caseFor(req.auth!.user, req.params.caseId);
      return status.status({ caseId: req.params.caseId, failures: 50 });
    });
  }

  if (deps.courtReports) registerCaseReportRoutes(app, deps, deps.courtReports);

  app.get<{ Params: { caseId: string } }>('/api/cases/:caseId/evidence', { schema: { params: caseParams } }, async (req) => ({
    evidence: await deps.review.evidence(req.auth!.user, req.params.caseId),
  }));

  app.get<{ Params: { caseId: string }; Querystring: GridQuery }>('/api/cases/:caseId/items', { schema: { params: caseParams, querystring: gridQuery } }, async (req) =>
    deps.review.grid(req.auth!.user, req.params.caseId, req.query, req.ip),
  );

  // Metadata only (ids and coordinates, never thumbnails): the item detail's map of the case.
  app.get<{ Params: { caseId: string }; Querystring: { limit?: number } }>('/api/cases/:caseId/gps-points', {
    schema: { params: caseParams, querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: GPS_POINTS_MAX } } } },
  }, async (req) => deps.review.gpsPoints(req.auth!.user, req.params.caseId, req.query.limit));

  // The grid's "Hash set" filter: names, roles and sizes of the workspace's sets, for every logged-in user.
  app.get('/api/hash-sets', async () => deps.review.hashSets());

  app.post<{ Params: { caseId: string }; Body: { itemIds?: string[]; clusterId?: string; category: string | null } }>('/api/cases/:caseId/categorisations', {
    schema: {
      params: caseParams,
      body: {
        type: 'object', required: ['category'], additionalProperties: false,
        properties: {
          itemIds: { type: 'array', items: idParam, minItems: 1, maxItems: 5000 },
          clusterId: { type: 'string', minLength: 1, maxLength: 100 },
          category: { type: ['string', 'null'], maxLength: 8 },
        },
      },
    },
  }, async (req) => {
    await deps.review.caseFor(req.auth!.user, req.params.caseId);
    return deps.categorisation.categorise(req.auth!.user, req.params.caseId, { itemIds: req.body.itemIds, clusterId: req.body.clusterId }, req.body.category, req.ip);
  });

  app.post<{ Params: { caseId: string; actionId: string } }>('/api/cases/:caseId/categorisations/:actionId/undo', {
    schema: { params: { type: 'object', required: ['caseId', 'actionId'], properties: { caseId: idParam, actionId: { anyOf: [idParam, { const: 'last' }] } } } },
  }, async (req) => {
    await deps.review.caseFor(req.auth!.user, req.params.caseId);
    return deps.categorisation.undo(req.auth!.user, req.params.caseId, req.params.actionId, req.ip);
  });
}
