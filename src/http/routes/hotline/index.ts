import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../../context.js';
import type { HotlineDeps } from '../../hotline-context.js';
import { registerDeskRoutes } from './desk.routes.js';
import { registerExportRoutes } from './export.routes.js';
import { registerPublicReportRoutes } from './public.routes.js';

/**
 * Every hotline route (issue 7) is registered here: the public report page and API (no login), and the desk's API
 * behind the same session, CSRF and media hooks as the review server.
 */
export function registerHotlineRoutes(app: FastifyInstance, deps: ServerDeps, hotline: HotlineDeps): void {
  // The public form posts application/x-www-form-urlencoded (it works without JavaScript). Desk routes still need
  // the CSRF header, which a cross-site form cannot send.
  void app.register(formbody, { bodyLimit: 64 * 1024 });
  registerPublicReportRoutes(app, hotline);
  registerDeskRoutes(app, hotline, deps.audit);
  registerExportRoutes(app, hotline);
}
