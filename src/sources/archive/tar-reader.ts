import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { inputStream } from './input-stream.js';
import { ArchiveError, type ArchiveInput, type ArchiveMember } from './types.js';

const TYPES: Record<string, ArchiveMember['type']> = { file: 'file', 'contiguous-file': 'file', directory: 'directory', symlink: 'symlink', link: 'hardlink' };

/** Members of a tar stream (tar-stream: a forward-only parser, nothing buffered beyond one header). */
export async function* readTarStream(source: Readable, what = 'tar'): AsyncGenerator<ArchiveMember> {
  const extract = tarStream.extract();
  source.on('error', (err) => extract.destroy(err));
  source.pipe(extract);
  let count = 0;
  try {
    for await (const entry of extract) {
      count++;
      const h = entry.header;
      const type = TYPES[h.type ?? 'file'] ?? 'other';
      let opened = false;
      yield {
        name: h.name,
        type,
        declaredSize: h.size ?? null,
        mtime: h.mtime ?? null,
        encrypted: false,
        ...(h.linkname ? { linkTarget: h.linkname } : {}),
        open: async () => {
          opened = true;
          return entry as unknown as Readable;
        },
      };
      if (!opened) entry.resume();
      // wait until the consumer has drained this entry before asking for the next header
      if (!(entry as unknown as Readable).readableEnded) {
        await new Promise<void>((resolve) => {
          const s = entry as unknown as Readable;
          if (s.readableEnded || s.destroyed) return resolve();
          s.once('end', () => resolve());
          s.once('close', () => resolve());
          s.once('error', () => resolve());
        });
      }
    }
  } catch (err) {
    if (err instanceof ArchiveError) throw err; // already classified (e.g. bsdtar: encrypted)
    throw new ArchiveError(`corrupt ${what}${count ? ` after ${count} members` : ''}: ${(err as Error).message}`, 'corrupt');
  } finally {
    source.destroy();
  }
}

export function readTar(input: ArchiveInput): AsyncGenerator<ArchiveMember> {
  return readTarStream(inputStream(input));
}
