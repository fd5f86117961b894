import { readTarStream } from './tar-reader.js';
import { spawnFilter } from './single-stream-readers.js';
import type { ArchiveInput, ArchiveMember } from './types.js';

/**
 * 7z, RAR (4 and 5), ISO 9660, cpio, cab, lha, xar through libarchive (Debian `libarchive-tools`): `bsdtar`
 * re-emits any archive it can read as a tar stream on stdout (`@-` reads the archive from stdin), which we parse
 * with tar-stream. One forward pass; nothing is written to disk.
 */
export function readWithLibarchive(input: ArchiveInput, format: string): AsyncGenerator<ArchiveMember> {
  const tar = spawnFilter('bsdtar', ['-c', '-f', '-', '--format', 'pax', '@-'], input, `${format} (bsdtar)`);
  return readTarStream(tar, format);
}
