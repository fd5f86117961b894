import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../services/auth.errors.js';
import { can, ROLES, type Permission } from '../../services/auth.roles.js';
import type { ExposurePolicy } from '../../services/review.service.js';
import { idParam, type ServerDeps } from '../context.js';

function require(req: FastifyRequest, p: Permission): void {
  if (!can(req.auth!.user.role, p)) throw new ForbiddenError('administrators only');
}

const actor = (req: FastifyRequest) => ({ id: req.auth!.user.id, name: req.auth!.user.name, ip: req.ip });

/** Users, case membership, exposure limits and the audit log: administrators only. */
export function registerAdminRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/api/users', async (req) => {
    require(req, 'manage-users');
    return { users: await deps.users.list() };
  });

  app.post<{ Body: { name: string; role: string; password: string } }>('/api/users', {
    schema: {
      body: {
        type: 'object', required: ['name', 'role', 'password'], additionalProperties: false,
        properties: { name: { type: 'string', maxLength: 64 }, role: { type: 'string', enum: [...ROLES] }, password: { type: 'string', maxLength: 1024 } },
      },
    },
  }, async (req, reply) => {
    require(req, 'manage-users');
    reply.code(201);
    return deps.users.add(req.body.name, req.body.role, req.body.password, actor(req));
  });

  app.patch<{ Params: { userId: string }; Body: { role?: string; disabled?: boolean; password?: string } }>('/api/users/:userId', {
    schema: {
      params: { type: 'object', required: ['userId'], properties: { userId: idParam } },
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { role: { type: 'string', enum: [...ROLES] }, disabled: { type: 'boolean' }, password: { type: 'string', maxLength: 1024 } },
      },
    },
  }, async (req) => {
    require(req, 'manage-users');
    return deps.users.update(req.params.userId, req.body, actor(req));
  });

  app.post<{ Params: { caseId: string }; Body: { user: string } }>('/api/cases/:caseId/members', {
    schema: {
      params: { type: 'object', required: ['caseId'], properties: { caseId: idParam } },
      body: { type: 'object', required: ['user'], additionalProperties: false, properties: { user: { type: 'string', maxLength: 64 } } },
    },
  }, async (req, reply) => {
    require(req, 'manage-users');
    await deps.users.addMember(req.params.caseId, req.body.user, actor(req));
    reply.code(201);
    return { ok: true };
  });

  app.delete<{ Params: { caseId: string; userId: string } }>('/api/cases/:caseId/members/:userId', {
    schema: { params: { type: 'object', required: ['caseId', 'userId'], properties: { caseId: idParam, userId: idParam } } },
  }, async (req) => {
    require(req, 'manage-users');
    await deps.users.removeMember(req.params.caseId, req.params.userId, actor(req));
    return { ok: true };
  });

  app.get('/api/admin/exposure-policy', async (req) => {
    require(req, 'manage-users');
    return deps.review.policy();
  });

  app.put<{ Body: Partial<ExposurePolicy> }>('/api/admin/exposure-policy', {
    schema: {
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          softSeconds: { type: 'integer', minimum: 0 }, hardSeconds: { type: 'integer', minimum: 0 },
          softReveals: { type: ['integer', 'null'], minimum: 0 }, hardReveals: { type: ['integer', 'null'], minimum: 0 },
          maxRevealSeconds: { type: 'integer', minimum: 1 },
          // Bounds of the users' own protection preferences (checked for consistency in ReviewService.setPolicy).
          revealSeconds: { type: 'integer', minimum: 1 }, revealSecondsMin: { type: 'integer', minimum: 1 }, revealSecondsMax: { type: 'integer', minimum: 1 },
          allowColour: { type: 'boolean' },
          breakMinutes: { type: 'integer', minimum: 1 }, breakMinutesMin: { type: 'integer', minimum: 1 }, breakMinutesMax: { type: 'integer', minimum: 1 },
        },
      },
    },
  }, async (req) => deps.review.setPolicy(req.auth!.user, req.body, req.ip));

  app.get<{ Querystring: { caseId?: string; action?: string; before?: number; limit?: number } }>('/api/audit', {
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { caseId: idParam, action: { type: 'string', maxLength: 40 }, before: { type: 'integer', minimum: 1 }, limit: { type: 'integer', minimum: 1, maximum: 500 } },
      },
    },
  }, async (req) => {
    require(req, 'audit-read');
    const entries = await deps.audit.recent({ caseId: req.query.caseId, action: req.query.action }, req.query.before ?? null, req.query.limit ?? 100);
    return { entries: entries.map((e) => ({ ...e, detail: JSON.parse(e.detail) as unknown })) };
  });

  app.get('/api/audit/verify', async (req) => {
    require(req, 'audit-read');
    return deps.audit.verify();
  });
}
