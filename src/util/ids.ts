import { createHash, randomBytes } from 'node:crypto';

function formatUuid(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** UUIDv7: time-ordered, so B-tree inserts stay local. For cases and evidence items. */
export function newId(now = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return formatUuid(b);
}

let lastMs = 0;
let counter = 0;

/**
 * UUIDv7 that sorts in creation order within this process even inside one millisecond (RFC 9562 §6.2 method 1: a
 * 12-bit counter in rand_a, the clock held when it runs backwards). For timelines ordered by (time, id).
 */
export function sequentialId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter > 0xfff) {
    lastMs++;
    counter = 0;
  }
  const b = randomBytes(16);
  b.writeUIntBE(lastMs, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return formatUuid(b);
}

/**
 * A file's id is derived from (evidence id, path inside the evidence): processing the same file twice — after a
 * crash, on another worker — yields the same id, so every write is an idempotent upsert (UUIDv8 layout).
 */
export function fileId(evidenceId: string, path: string): string {
  const b = createHash('sha256').update(evidenceId).update('\0').update(path).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return formatUuid(b);
}
