/**
 * Reads review thumbnails from the workspace for the media routes. Paths come from the database, but are still
 * confined to <workspace>/thumbnails (a tampered row must not turn into a file-read primitive).
 */
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { NotFoundError } from '../services/errors.js';

export async function readThumbnail(workspaceDir: string, relPath: string): Promise<Buffer> {
  const root = resolve(workspaceDir, 'thumbnails') + sep;
  const abs = resolve(workspaceDir, relPath);
  if (!abs.startsWith(root)) throw new NotFoundError('thumbnail not available');
  try {
    return await readFile(abs);
  } catch {
    throw new NotFoundError('thumbnail file missing from the workspace (run the scan again to regenerate it)');
  }
}
