import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { detectHashSetFormat, readHashSet } from '../hashsets/index.js';
import { HASH_SET_FORMATS, HashSetError, type HashSetFormat } from '../hashsets/hash-set-record.js';
import { UserError } from '../services/errors.js';
import type { DetectedFormat, HashListRecord, HashListSource, MalformedLine } from '../services/hash-set.service.js';

/** A reader error (unknown format, truncated JSON, unreadable file) is the user's to act on: a clear message. */
function asUserError(err: unknown): never {
  if (err instanceof HashSetError) throw new UserError(err.message);
  throw err;
}

/** Hash lists on the file system, read by the streaming format readers in src/hashsets. */
export const fileHashListSource: HashListSource = {
  async detect(path: string, forced?: string): Promise<DetectedFormat> {
    if (forced !== undefined && !(HASH_SET_FORMATS as readonly string[]).includes(forced)) {
      throw new UserError(`unknown hash-list format "${forced}" (one of: ${HASH_SET_FORMATS.join(', ')})`);
    }
    let detected: Awaited<ReturnType<typeof detectHashSetFormat>> | null = null;
    try {
      detected = await detectHashSetFormat(path);
    } catch (err) {
      if (forced === undefined) asUserError(err);
    }
    if (forced !== undefined) return { format: forced, ...(detected?.format === forced ? { version: detected.version, profile: detected.profile } : {}) };
    return { format: detected!.format, version: detected!.version, profile: detected!.profile, alternatives: detected!.alternatives };
  },

  async *read(path: string, format: DetectedFormat, onMalformed: (m: MalformedLine) => void): AsyncIterable<HashListRecord> {
    try {
      yield* readHashSet(path, format.format as HashSetFormat, onMalformed);
    } catch (err) {
      asUserError(err);
    }
  },

  async fingerprint(path: string): Promise<string> {
    const h = createHash('sha256');
    await pipeline(createReadStream(path), h);
    return h.digest('hex');
  },
};
