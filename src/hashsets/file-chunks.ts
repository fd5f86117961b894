/**
 * Read a file as a sequence of chunks through ONE reused buffer.
 *
 * Why not `createReadStream`: it allocates a fresh buffer per chunk, and that garbage is only reclaimed when V8
 * decides to collect, so reading a multi-GB file can hold tens of MB of dead chunks at a time. Every reader here
 * copies what it keeps out of a chunk (decoded text, partial-line copies) before asking for the next one, so a
 * single buffer is enough and memory stays flat: one chunk, whatever the file size.
 *
 * The yielded Buffer is only valid until the next iteration step.
 */
import { open } from 'node:fs/promises';

export const CHUNK_BYTES = 64 * 1024;

export async function* readChunks(path: string, chunkBytes = CHUNK_BYTES): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}
