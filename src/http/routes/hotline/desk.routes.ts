import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditService } from '../../../services/audit.service.js';
import { ForbiddenError } from '../../../services/auth.errors.js';
import { can, type Permission } from '../../../services/auth.roles.js';
import { UserError } from '../../../services/errors.js';
import { AGE_GROUPS, CLASSIFICATIONS, CLOSURE_REASONS, CONTENT_TYPES, DECIDED_BY, type DeskActor } from '../../../services/hotline/hotline-types.js';
import type { HotlineSettings } from '../../../services/hotline/hotline-settings.js';
import { idParam } from '../../context.js';
import type { HotlineDeps } from '../../hotline-context.js';

export function deskActor(req: FastifyRequest): DeskActor {
  return { id: req.auth!.user.id, name: req.auth!.user.name, role: req.auth!.user.role, ip: req.ip };
}

export function requireAny(req: FastifyRequest, ...ps: Permission[]): void {
  if (!ps.some((p) => can(req.auth!.user.role, p))) throw new ForbiddenError(`the ${req.auth!.user.role} role may not do this on the hotline desk`);
}

const urlParams = { type: 'object', required: ['urlId'], properties: { urlId: idParam } } as const;
const hashItem = { type: 'object', required: ['algorithm', 'hash'], additionalProperties: false, properties: { algorithm: { type: 'string', maxLength: 10 }, hash: { type: 'string', maxLength: 128 } } } as const;

/** The desk's work: list, one URL's file, assessment, trace, police decisions, closure, checks, contacts. */
export function registerDeskRoutes(app: FastifyInstance, h: HotlineDeps, audit: AuditService): void {
  app.get<{ Querystring: { status?: string; open?: boolean; host?: string; limit?: number; offset?: number } }>('/api/hotline/urls', {
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { status: { type: 'string', maxLength: 20 }, open: { type: 'boolean' }, host: { type: 'string', maxLength: 255 }, limit: { type: 'integer', minimum: 1, maximum: 1000 }, offset: { type: 'integer', minimum: 0 } },
      },
    },
  }, async (req) => {
    requireAny(req, 'hotline-read');
    return { urls: await h.view.list(req.query) };
  });

  app.get<{ Params: { urlId: string } }>('/api/hotline/urls/:urlId', { schema: { params: urlParams } }, async (req) => {
    requireAny(req, 'hotline-read');
    return h.view.detail(req.params.urlId);
  });

  app.post<{ Body: { urls: string[]; description?: string; contentType?: string; whereFound?: string; language?: string } }>('/api/hotline/reports', {
    schema: {
      body: {
        type: 'object', required: ['urls'], additionalProperties: false,
        properties: {
          urls: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'string', maxLength: 4096 } }, description: { type: 'string', maxLength: 10_000 },
          contentType: { type: 'string', enum: [...CONTENT_TYPES] }, whereFound: { type: 'string', maxLength: 1000 }, language: { type: 'string', maxLength: 2 },
        },
      },
    },
  }, async (req, reply) => {
    requireAny(req, 'hotline-work');
    const r = await h.intake.submit(req.body, 'analyst', deskActor(req), { maxUrls: 500 });
    reply.code(201);
    return { reportId: r.reportId, number: r.number, urls: r.urls };
  });

  app.post<{ Params: { urlId: string }; Body: { classification: string; decidedBy?: string; viewedContent?: boolean; ageGroup?: string; contentKind?: string; note?: string; dedicatedDomain?: boolean; hashes?: { algorithm: string; hash: string }[] } }>('/api/hotline/urls/:urlId/assessments', {
    schema: {
      params: urlParams,
      body: {
        type: 'object', required: ['classification'], additionalProperties: false,
        properties: {
          classification: { type: 'string', enum: [...CLASSIFICATIONS] }, decidedBy: { type: 'string', enum: [...DECIDED_BY] }, viewedContent: { type: 'boolean' },
          ageGroup: { type: 'string', enum: [...AGE_GROUPS] }, contentKind: { type: 'string', maxLength: 100 }, note: { type: 'string', maxLength: 4000 },
          dedicatedDomain: { type: 'boolean' }, hashes: { type: 'array', maxItems: 1000, items: hashItem },
        },
      },
    },
  }, async (req, reply) => {
    requireAny(req, 'hotline-work', 'hotline-police');
    reply.code(201);
    return h.assessment.assess(req.params.urlId, req.body, deskActor(req));
  });

  app.post<{ Params: { urlId: string } }>('/api/hotline/urls/:urlId/trace', { schema: { params: urlParams } }, async (req) => {
    requireAny(req, 'hotline-work');
    return h.trace.trace(req.params.urlId, deskActor(req));
  });

  app.put<{ Params: { urlId: string }; Body: { contactId: string | null } }>('/api/hotline/urls/:urlId/notice-contact', {
    schema: { params: urlParams, body: { type: 'object', required: ['contactId'], additionalProperties: false, properties: { contactId: { anyOf: [idParam, { type: 'null' }] } } } },
  }, async (req) => {
    requireAny(req, 'hotline-work');
    return h.assessment.setNoticeContact(req.params.urlId, req.body.contactId, deskActor(req));
  });

  app.post<{ Params: { urlId: string }; Body: { reason: string; movedTo?: string } }>('/api/hotline/urls/:urlId/close', {
    schema: {
      params: urlParams,
      body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', enum: [...CLOSURE_REASONS] }, movedTo: { type: 'string', maxLength: 4096 } } },
    },
  }, async (req) => {
    requireAny(req, 'hotline-work');
    return h.assessment.close(req.params.urlId, req.body.reason, deskActor(req), req.body.movedTo);
  });

  app.post<{ Params: { urlId: string } }>('/api/hotline/urls/:urlId/check', { schema: { params: urlParams } }, async (req) => {
    requireAny(req, 'hotline-work');
    return h.checks.checkOne(req.params.urlId);
  });

  app.post<{ Params: { urlId: string }; Body: { reason: string } }>('/api/hotline/urls/:urlId/hold', {
    schema: { params: urlParams, body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 } } } },
  }, async (req) => {
    requireAny(req, 'hotline-police');
    return h.assessment.hold(req.params.urlId, req.body.reason, deskActor(req));
  });

  app.delete<{ Params: { urlId: string } }>('/api/hotline/urls/:urlId/hold', { schema: { params: urlParams } }, async (req) => {
    requireAny(req, 'hotline-police');
    return h.assessment.release(req.params.urlId, deskActor(req));
  });

  app.post<{ Params: { urlId: string } }>('/api/hotline/urls/:urlId/clearance', { schema: { params: urlParams } }, async (req) => {
    requireAny(req, 'hotline-police');
    await h.forward.clear(req.params.urlId, deskActor(req));
    return { ok: true };
  });

  app.post<{ Body: { urlIds: string[] } }>('/api/hotline/forwards', {
    schema: { body: { type: 'object', required: ['urlIds'], additionalProperties: false, properties: { urlIds: { type: 'array', minItems: 1, maxItems: 1000, items: idParam } } } },
  }, async (req, reply) => {
    requireAny(req, 'hotline-work');
    reply.code(201);
    return { packages: await h.forward.forward(req.body.urlIds, deskActor(req)) };
  });

  app.post<{ Body: { force?: boolean } }>('/api/hotline/notices/run', {
    schema: { body: { type: 'object', additionalProperties: false, properties: { force: { type: 'boolean' } } } },
  }, async (req) => {
    requireAny(req, 'hotline-work');
    if (!h.notices) throw new UserError('no mail server is configured: set WINNOW_SMTP_URL (see docs/hotline.md)');
    return h.notices.run({ force: req.body?.force === true });
  });

  app.get<{ Querystring: { limit?: number } }>('/api/hotline/notices', {
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } } },
  }, async (req) => {
    requireAny(req, 'hotline-read');
    return { notices: await h.view.notices(req.query.limit) };
  });

  app.post<{ Body: { all?: boolean } }>('/api/hotline/checks/run', {
    schema: { body: { type: 'object', additionalProperties: false, properties: { all: { type: 'boolean' } } } },
  }, async (req) => {
    requireAny(req, 'hotline-work');
    return { checks: await h.checks.runDue({ all: req.body?.all === true }) };
  });

  app.get('/api/hotline/contacts', async (req) => {
    requireAny(req, 'hotline-read');
    return { contacts: await h.trace.contacts() };
  });

  app.post<{ Body: { org: string; email: string; scope?: string; asn?: number; country?: string; language?: string; approved?: boolean } }>('/api/hotline/contacts', {
    schema: {
      body: {
        type: 'object', required: ['org', 'email'], additionalProperties: false,
        properties: {
          org: { type: 'string', minLength: 1, maxLength: 200 }, email: { type: 'string', maxLength: 254 }, scope: { type: 'string', maxLength: 20 },
          asn: { type: 'integer', minimum: 0, maximum: 4294967295 }, country: { type: 'string', maxLength: 2 }, language: { type: 'string', maxLength: 2 }, approved: { type: 'boolean' },
        },
      },
    },
  }, async (req, reply) => {
    requireAny(req, 'hotline-work');
    reply.code(201);
    return h.trace.saveContact(req.body, deskActor(req));
  });

  app.patch<{ Params: { contactId: string }; Body: { approved: boolean } }>('/api/hotline/contacts/:contactId', {
    schema: {
      params: { type: 'object', required: ['contactId'], properties: { contactId: idParam } },
      body: { type: 'object', required: ['approved'], additionalProperties: false, properties: { approved: { type: 'boolean' } } },
    },
  }, async (req) => {
    requireAny(req, 'hotline-work');
    return h.trace.approveContact(req.params.contactId, req.body.approved, deskActor(req));
  });

  app.get('/api/hotline/settings', async (req) => {
    requireAny(req, 'hotline-read');
    return h.settings.get();
  });

  app.patch<{ Body: Record<string, unknown> }>('/api/hotline/settings', {
    schema: { body: { type: 'object', minProperties: 1, maxProperties: 20 } },
  }, async (req) => {
    requireAny(req, 'hotline-admin');
    const before = await h.settings.get();
    const after = await h.settings.update(req.body as Partial<HotlineSettings>, req.auth!.user.name) // shape checked key by key by the service;
    const changed = Object.keys(req.body).filter((k) => JSON.stringify((before as unknown as Record<string, unknown>)[k]) !== JSON.stringify((after as unknown as Record<string, unknown>)[k]));
    await audit.record(deskActor(req), 'hotline-settings', { detail: { changed, noView: after.noView, hashOnlyFetch: after.hashOnlyFetch } });
    return after;
  });
}
