import { stat } from 'node:fs/promises';
import { singleFileEntry, walkFolder, type WalkEntry } from './folder-walker.js';

/** A source is a folder (walked) or a single file (itself the only top-level entry; archives open from there). */
export async function inspectSource(abs: string): Promise<{ kind: 'folder' | 'file'; size: number | null }> {
  const st = await stat(abs);
  if (st.isDirectory()) return { kind: 'folder', size: null };
  if (st.isFile()) return { kind: 'file', size: st.size };
  throw new Error('not a folder or a regular file (block devices: acquire an image first)');
}

export async function* walkSource(abs: string, kind: 'folder' | 'file'): AsyncGenerator<WalkEntry> {
  if (kind === 'folder') yield* walkFolder(abs);
  else yield await singleFileEntry(abs);
}
