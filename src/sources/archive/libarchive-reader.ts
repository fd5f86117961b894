import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTarStream } from './tar-reader.js';
import { spawnFilter } from './single-stream-readers.js';
import type { ArchiveInput, ArchiveMember } from './types.js';

/**
 * 7z, RAR (4 and 5), ISO 9660, cpio, cab, lha, xar through libarchive (Debian `libarchive-tools`): `bsdtar`
 * re-emits any archive it can read as a tar stream on stdout (`@FILE`), which we parse with tar-stream. Nothing
 * is extracted. Some formats (7z) need to seek, so a nested archive held in memory is handed to bsdtar as a
 * randomly named file in the workspace's private scratch folder, removed as soon as it has been read.
 */
export async function* readWithLibarchive(input: ArchiveInput, format: string, scratchDir: string): AsyncGenerator<ArchiveMember> {
  let path: string;
  let temp: string | null = null;
  if (input.kind === 'path') path = input.path;
  else {
    temp = join(scratchDir, `archive-${randomBytes(12).toString('hex')}`);
    await writeFile(temp, input.buffer, { mode: 0o600 });
    path = temp;
  }
  try {
    const tar = spawnFilter('bsdtar', ['-c', '-f', '-', '--format', 'pax', `@${path}`], { kind: 'buffer', buffer: Buffer.alloc(0) }, `${format} (bsdtar)`);
    yield* readTarStream(tar, format);
  } finally {
    if (temp) await rm(temp, { force: true });
  }
}
