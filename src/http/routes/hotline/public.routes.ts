import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../../services/errors.js';
import { LANGUAGES, type Language } from '../../../services/hotline/hotline-types.js';
import { IntakeError, REPORT_LIMITS, type ReportInput } from '../../../services/hotline/intake.service.js';
import type { HotlineDeps } from '../../hotline-context.js';
import { renderReportForm, renderReportReceived, renderReportStatus } from '../../hotline/public-report-page.js';

/** A public report is a few web addresses and a few lines of text: 64 KiB is plenty, and no files are accepted. */
const PUBLIC_BODY_LIMIT = 64 * 1024;

type FormBody = { urls?: string; description?: string; contentType?: string; whereFound?: string; contact?: string; lang?: string; website?: string; _csrf?: string };

const pickLang = (q: unknown, accept: string | undefined): Language => {
  if (typeof q === 'string' && (LANGUAGES as readonly string[]).includes(q)) return q as Language;
  for (const part of (accept ?? '').split(',')) {
    const l = part.trim().slice(0, 2).toLowerCase();
    if ((LANGUAGES as readonly string[]).includes(l)) return l as Language;
  }
  return 'en';
};

const html = (reply: FastifyReply, code: number, body: string) =>
  reply.code(code).type('text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .header('referrer-policy', 'no-referrer').header('x-content-type-options', 'nosniff').send(body);

/**
 * The public side of the desk, no login: the report page (server-rendered, works without JavaScript, NL/FR/EN/DE),
 * its status page, and the same as a JSON API. Rate-limited per address; no file uploads exist anywhere.
 */
export function registerPublicReportRoutes(app: FastifyInstance, h: HotlineDeps): void {
  const statusUrl = (number: string, token: string, lang: Language) =>
    `${h.publicBaseUrl ?? ''}/report/status?number=${encodeURIComponent(number)}&token=${encodeURIComponent(token)}&lang=${lang}`;

  app.get<{ Querystring: { lang?: string } }>('/report', { config: { public: true } }, async (req, reply) => {
    const lang = pickLang(req.query.lang, req.headers['accept-language']);
    return html(reply, 200, renderReportForm({ lang, action: '/report', maxUrls: REPORT_LIMITS.maxUrls, hotlineName: h.hotlineName, values: { lang } }));
  });

  app.post<{ Body: FormBody }>('/report', { config: { public: true }, bodyLimit: PUBLIC_BODY_LIMIT }, async (req, reply) => {
    const b = (req.body ?? {}) as FormBody;
    const lang = pickLang(b.lang, req.headers['accept-language']);
    // The honeypot: people never see the field, scripts fill it in. Answer as if taken, store nothing.
    if (b.website) return html(reply, 200, renderReportReceived({ lang, reportNumber: 'WR-0000-000000', statusToken: '-', statusUrl: '/report', hotlineName: h.hotlineName }));
    h.throttle.take(req.ip);
    try {
      const r = await h.intake.submit(formInput(b, lang), 'webform');
      return html(reply, 201, renderReportReceived({ lang, reportNumber: r.number, statusToken: r.statusToken, statusUrl: statusUrl(r.number, r.statusToken, lang), hotlineName: h.hotlineName }));
    } catch (err) {
      if (!(err instanceof IntakeError)) throw err;
      return html(reply, 400, renderReportForm({
        lang, action: '/report', maxUrls: REPORT_LIMITS.maxUrls, hotlineName: h.hotlineName,
        values: { urls: b.urls ?? '', description: b.description ?? '', contentType: (b.contentType ?? '') as never, whereFound: b.whereFound ?? '', contact: b.contact ?? '', lang },
        errors: err.problems.map((p) => ({ field: p.field === 'language' ? 'form' : p.field, message: p.message })),
      }));
    }
  });

  app.get<{ Querystring: { number?: string; token?: string; lang?: string } }>('/report/status', { config: { public: true } }, async (req, reply) => {
    const lang = pickLang(req.query.lang, req.headers['accept-language']);
    try {
      const s = await h.intake.status(req.query.number ?? '', req.query.token ?? '');
      return html(reply, 200, renderReportStatus({ lang, reportNumber: s.number, urls: s.urls, hotlineName: h.hotlineName }));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      return html(reply, 404, renderReportForm({ lang, action: '/report', maxUrls: REPORT_LIMITS.maxUrls, hotlineName: h.hotlineName, values: { lang }, errors: [{ field: 'form', message: err.message }] }));
    }
  });

  app.post<{ Body: { urls: string[]; description?: string; contentType?: string; whereFound?: string; contact?: string; language?: string } }>('/api/hotline/public/reports', {
    config: { public: true }, bodyLimit: PUBLIC_BODY_LIMIT,
    schema: {
      body: {
        type: 'object', required: ['urls'], additionalProperties: false,
        properties: {
          urls: { type: 'array', minItems: 1, maxItems: REPORT_LIMITS.maxUrls, items: { type: 'string', maxLength: 4096 } },
          description: { type: 'string', maxLength: REPORT_LIMITS.maxDescription }, contentType: { type: 'string', maxLength: 10 },
          whereFound: { type: 'string', maxLength: REPORT_LIMITS.maxWhereFound }, contact: { type: 'string', maxLength: REPORT_LIMITS.maxContact },
          language: { type: 'string', maxLength: 2 },
        },
      },
    },
  }, async (req, reply) => {
    h.throttle.take(req.ip);
    try {
      const r = await h.intake.submit(req.body, 'api');
      reply.code(201);
      return { number: r.number, statusToken: r.statusToken, statusUrl: statusUrl(r.number, r.statusToken, (req.body.language ?? 'en') as Language), urls: r.urls.length };
    } catch (err) {
      if (err instanceof IntakeError) return reply.code(400).send({ error: err.message, problems: err.problems });
      throw err;
    }
  });

  app.get<{ Params: { number: string }; Querystring: { token: string } }>('/api/hotline/public/reports/:number', {
    config: { public: true },
    schema: {
      params: { type: 'object', required: ['number'], properties: { number: { type: 'string', maxLength: 40 } } },
      querystring: { type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', maxLength: 100 } } },
    },
  }, async (req: FastifyRequest<{ Params: { number: string }; Querystring: { token: string } }>) => h.intake.status(req.params.number, req.query.token));
}

function formInput(b: FormBody, lang: Language): ReportInput {
  return { urls: b.urls ?? '', description: b.description ?? null, contentType: b.contentType || null, whereFound: b.whereFound ?? null, contact: b.contact ?? null, language: lang };
}
