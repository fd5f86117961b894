/**
 * Whole-file I/O for the matching indexes: an index is one contiguous little-endian image (a 64-byte header then
 * its typed arrays), so saving is writing that image and loading is reading the file straight into a
 * SharedArrayBuffer: no per-entry parsing, and the result can be handed to worker threads without a copy.
 *
 * This is the only module in src/matching that touches the file system (the indexes themselves are pure data
 * structures); it is kept here rather than in src/adapters because it knows nothing but "bytes in, bytes out" and
 * the index classes expose it as writeFile/readFile for convenience.
 *
 * Writes and reads go in ≤ 1 GiB slices: a single fs read/write is capped below 2 GiB, and a 50 M-entry SHA-256
 * index is larger than that. Writes go to `path + '.tmp'` first and are renamed into place, so a crash never
 * leaves a truncated index under the final name.
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';

const SLICE = 1 << 30;

/** Write `bytes` to `path` atomically (temp file + rename). */
export function writeBytesFileSync(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    for (let off = 0; off < bytes.length;) {
      off += writeSync(fd, bytes, off, Math.min(SLICE, bytes.length - off));
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Async form of writeBytesFileSync. */
export async function writeBytesFile(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    for (let off = 0; off < bytes.length;) {
      const { bytesWritten } = await fh.write(bytes, off, Math.min(SLICE, bytes.length - off));
      off += bytesWritten;
    }
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** Read a whole file into a new SharedArrayBuffer of exactly its size. */
export function readSharedFileSync(path: string): SharedArrayBuffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = new SharedArrayBuffer(size);
    const view = new Uint8Array(buf);
    for (let off = 0; off < size;) {
      const n = readSync(fd, view, off, Math.min(SLICE, size - off), off);
      if (n === 0) throw new Error(`${path}: file shrank while reading (${off} of ${size} bytes)`);
      off += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** Async form of readSharedFileSync. */
export async function readSharedFile(path: string): Promise<SharedArrayBuffer> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = new SharedArrayBuffer(size);
    const view = new Uint8Array(buf);
    for (let off = 0; off < size;) {
      const { bytesRead } = await fh.read(view, off, Math.min(SLICE, size - off), off);
      if (bytesRead === 0) throw new Error(`${path}: file shrank while reading (${off} of ${size} bytes)`);
      off += bytesRead;
    }
    return buf;
  } finally {
    await fh.close();
  }
}
