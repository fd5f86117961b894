import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderCourtReport } from '../../formats/court-report.js';
import { ForbiddenError } from '../../services/auth.errors.js';
import { can } from '../../services/auth.roles.js';
import { COURT_REPORT_FORMATS, parseIncludeList } from '../../services/court-report.service.js';
import type { CaseRow } from '../../db/schema.js';
import { PROGRAM, VERSION } from '../../cli/version.js';
import { idParam, type ServerDeps } from '../context.js';
import { readThumbnail } from '../media-files.js';

type Query = { evidence?: string; include?: string };
type CaseReq = FastifyRequest<{ Params: { caseId: string }; Querystring: Query }>;

const schema = {
  params: { type: 'object', required: ['caseId'], properties: { caseId: idParam } },
  querystring: { type: 'object', additionalProperties: false, properties: { evidence: idParam, include: { type: 'string', maxLength: 16384 } } },
} as const;

const attachment = (reply: FastifyReply, contentType: string, filename: string) =>
  reply.type(contentType).header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store');

/**
 * Downloads of a case: the court report (HTML, PDF; optionally one evidence item) and the VICS 2.0 export. For case
 * members whose role has the `export` permission (an outsider gets 404, a member without it 403); every download is
 * an audit entry (no HEAD routes: a HEAD would be audited as a download). Content types are never octet-stream:
 * nothing here is image bytes by default. `?include=ID,ID` on report.html/pdf adds the clear thumbnails of those items
 * (files of the case; at most 200) inside the document, for a user who may also see media (view-media), each audited
 * before rendering (see court-report.service.ts). Because the server's media guard only sees the HTML/PDF content
 * type, the view-media check for `include` is made here, explicitly; without `include` the report has no images.
 */
export function registerCaseReportRoutes(app: FastifyInstance, deps: ServerDeps, reports: NonNullable<ServerDeps['courtReports']>): void {
  const exportable = async (req: CaseReq): Promise<CaseRow> => {
    const user = req.auth!.user;
    const c = await deps.review.caseFor(user, req.params.caseId);
    if (!can(user.role, 'export')) throw new ForbiddenError(`the ${user.role} role cannot export case data`);
    return c;
  };
  const actor = (req: CaseReq) => ({ id: req.auth!.user.id, name: req.auth!.user.name, ip: req.ip });

  for (const format of COURT_REPORT_FORMATS) {
    app.get<{ Params: { caseId: string }; Querystring: Query }>(`/api/cases/:caseId/report.${format}`, { schema, exposeHeadRoute: false }, async (req, reply) => {
      const c = await exportable(req);
      const fileIds = parseIncludeList(req.query.include);
      const role = req.auth!.user.role;
      if (fileIds.length > 0 && !can(role, 'view-media')) throw new ForbiddenError(`the ${role} role never receives images: a court report with images needs a role that may view media`);
      const include = fileIds.length > 0 ? { fileIds, read: (rel: string) => readThumbnail(deps.workspaceDir, rel) } : undefined;
      const report = await reports.service.build(actor(req), c, { format, evidenceId: req.query.evidence, generator: { name: PROGRAM, version: VERSION }, ip: req.ip, include });
      const out = await renderCourtReport(report, reports.service.lists(report), format, reports.pdf);
      return attachment(reply, out.contentType, out.filename).send(out.body);
    });
  }

  app.get<{ Params: { caseId: string }; Querystring: { evidence?: string } }>('/api/cases/:caseId/export.vics', {
    schema: { params: schema.params, querystring: { type: 'object', additionalProperties: false, properties: {} } },
    exposeHeadRoute: false,
  }, async (req, reply) => {
    const c = await exportable(req);
    await deps.audit.record(actor(req), 'export', { caseId: c.id, detail: { kind: 'vics', profile: 'US' } });
    const body = new PassThrough();
    const sink = { write: (text: string) => new Promise<void>((resolve) => (body.write(text) ? resolve() : body.once('drain', resolve))) };
    const run = { program: PROGRAM, version: VERSION, commandLine: `GET ${req.url}`, startTime: new Date().toISOString() };
    reports.exporter.export(c.name, 'vics', sink, run, { vicsProfile: 'US', examiner: req.auth!.user.name }).then(
      () => body.end(),
      (err: Error) => body.destroy(err),
    );
    return attachment(reply, 'application/json; charset=utf-8', `${c.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.vics.json`).send(body);
  });
}
