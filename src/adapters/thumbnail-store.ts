import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProcessedEntry } from '../domain/entry.js';
import { thumbnailRelPaths } from '../domain/thumbnail-paths.js';
import { fileId } from '../util/ids.js';

/**
 * Writes review thumbnails into the workspace (never next to the evidence). Each file is written to a temporary
 * name and renamed, so a crash never leaves a half-written picture behind a database row; rewriting is harmless.
 * Synchronous on purpose: thumbnails are ~5–20 KB and written from the single result-writer chain.
 */
export class ThumbnailStore {
  constructor(private readonly workspaceDir: string) {}

  save(evidenceId: string, entries: readonly ProcessedEntry[]): void {
    for (const e of entries) {
      if (!e.thumbnail) continue;
      const rel = thumbnailRelPaths(fileId(evidenceId, e.path));
      for (const [variant, bytes] of [['safe', e.thumbnail.safe], ['clear', e.thumbnail.clear]] as const) {
        const abs = join(this.workspaceDir, rel[variant]);
        mkdirSync(dirname(abs), { recursive: true, mode: 0o700 });
        const tmp = `${abs}.${process.pid}.tmp`;
        writeFileSync(tmp, bytes, { mode: 0o600 });
        renameSync(tmp, abs);
      }
    }
  }

  /** Absolute path of a stored variant (for servers and exports). */
  path(relPath: string): string {
    return join(this.workspaceDir, relPath);
  }
}
