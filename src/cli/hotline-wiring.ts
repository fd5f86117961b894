import type { HotlineDeps } from '../http/hotline-context.js';
import type { Workspace } from './workspace.js';

/**
 * The hotline desk's composition root (issue 7): repositories, adapters and services for one workspace. Shared by
 * `winnow serve` and the `winnow hotline` commands.
 */
export function hotlineDeps(ws: Workspace, opts: { publicBaseUrl?: string } = {}): HotlineDeps {
  void ws;
  return { ...(opts.publicBaseUrl ? { publicBaseUrl: opts.publicBaseUrl } : {}) };
}
