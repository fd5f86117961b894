import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ArchiveInput } from './types.js';

export function inputStream(input: ArchiveInput): Readable {
  return input.kind === 'path' ? createReadStream(input.path, { highWaterMark: 1 << 20 }) : Readable.from([input.buffer]);
}
