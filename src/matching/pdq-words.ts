/**
 * Packed 256-bit PDQ codes and the pieces of multi-index hashing (MIH) shared by the PDQ index and the clustering.
 * Pure functions over typed arrays; no I/O, no per-hash objects.
 *
 * Packing: a hash is 8 × uint32 words, word 0 = the first 8 hex characters (the most significant bits of the
 * big-endian 256-bit integer that src/hashing/pdq.ts prints). Bit position 0 is the MSB of word 0, position 255 the
 * LSB of word 7. Collections are one flat Uint32Array of N × 8 words (hash i at words 8i .. 8i+7).
 *
 * Popcount is SWAR on 32-bit words (JS has no popcount intrinsic; `Math.clz32` tricks are slower). The distance
 * helpers take a `limit` for early exit: after the first four words, a partial distance already > limit stops
 * (for unrelated codes the first 128 bits alone are ~64 apart, so half the work is skipped on non-matches).
 *
 * MIH (Norouzi, Punjani & Fleet, TPAMI 2014; shared/notes/matching-perf.md §1): the 256 bits are split into m
 * disjoint, contiguous substrings ("tables"). Pigeonhole with the refinement of Norouzi §4: write r = s·m + a
 * (0 ≤ a < m). If d(u, v) ≤ r then some table among the first a + 1 differs by ≤ s bits, or some later table
 * differs by ≤ s − 1 bits (otherwise d ≥ (a+1)(s+1) + (m−a−1)s = r + 1). So probing flips ≤ s in tables 0..a and
 * ≤ s − 1 in the others is exact; `pigeonholeFlips` computes those per-table radii (−1 = table not needed).
 * Longer substrings come first, so they are the ones probed with the larger radius (fewer candidates per probe).
 */

/** Words per packed PDQ hash. */
export const PDQ_WORDS = 8;
/** Bits per PDQ hash. */
export const PDQ_BITS = 256;
/** PDQ match threshold (src/hashing/pdq.ts PDQ_MATCH_DISTANCE) and the largest radius the MIH code serves exactly. */
export const PDQ_MIH_MAX_RADIUS = 31;
/** Longest substring we index: an offsets array of 2^24 + 1 uint32 is 64 MiB per table. */
export const MAX_SUBSTRING_BITS = 24;
/** Most substrings we allow (8-bit substrings make MIH behave like a linear scan, Meta README-MIH). */
export const MAX_TABLES = 32;

const HEX64 = /^[0-9a-fA-F]{64}$/;

/** Parse a 64-hex PDQ hash into 8 words at `out[off..off+8)`. Throws RangeError on a malformed hash. */
export function packHexInto(hex: string, out: Uint32Array, off: number): void {
  if (hex.length !== 64 || !HEX64.test(hex)) throw new RangeError(`pdq: hash must be 64 hex characters, got "${hex}"`);
  for (let j = 0; j < 8; j++) out[off + j] = parseInt(hex.slice(8 * j, 8 * j + 8), 16) >>> 0;
}

/** Copy a 32-byte big-endian PDQ hash (or 8 words) into `out[off..off+8)`. */
export function packBytesInto(bytes: Uint8Array, out: Uint32Array, off: number): void {
  if (bytes.length !== 32) throw new RangeError(`pdq: binary hash must be 32 bytes, got ${bytes.length}`);
  for (let j = 0; j < 8; j++) {
    const b = 4 * j;
    out[off + j] = ((bytes[b]! << 24) | (bytes[b + 1]! << 16) | (bytes[b + 2]! << 8) | bytes[b + 3]!) >>> 0;
  }
}

/** A PDQ hash as the callers hold it: 64 hex characters, 32 bytes, or 8 packed words. */
export type PdqHashInput = string | Uint8Array | Uint32Array;

/** Pack any accepted hash form into `out[off..off+8)`. */
export function packInto(hash: PdqHashInput, out: Uint32Array, off: number): void {
  if (typeof hash === 'string') packHexInto(hash, out, off);
  else if (hash instanceof Uint32Array) {
    if (hash.length !== 8) throw new RangeError(`pdq: packed hash must be 8 words, got ${hash.length}`);
    out.set(hash, off);
  } else packBytesInto(hash, out, off);
}

/** Pack one hash into a fresh 8-word array. */
export function packPdq(hash: PdqHashInput): Uint32Array {
  const out = new Uint32Array(8);
  packInto(hash, out, 0);
  return out;
}

/** Pack many hex hashes into one N × 8 word array. */
export function packPdqHexList(hashes: readonly string[]): Uint32Array {
  const out = new Uint32Array(hashes.length * 8);
  for (let i = 0; i < hashes.length; i++) packHexInto(hashes[i]!, out, 8 * i);
  return out;
}

/** The 64-hex form of the hash at `words[off..off+8)`. */
export function unpackHex(words: Uint32Array, off = 0): string {
  let s = '';
  for (let j = 0; j < 8; j++) s += words[off + j]!.toString(16).padStart(8, '0');
  return s;
}

/** Population count of a 32-bit value (SWAR). */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Hamming distance between hash `a` at `aw[ao..ao+8)` and hash `b` at `bw[bo..bo+8)`, exact when ≤ limit.
 * Returns a value > limit (not necessarily the true distance) as soon as the first half already exceeds `limit`.
 */
export function distanceWithin(aw: Uint32Array, ao: number, bw: Uint32Array, bo: number, limit: number): number {
  // Bytes are summed per word up to the 0x0f0f0f0f step, then folded once per half: 4 words × ≤ 8 per byte lane
  // stays below 256, so the lanes never overflow.
  let x0 = (aw[ao]! ^ bw[bo]!) >>> 0;
  let x1 = (aw[ao + 1]! ^ bw[bo + 1]!) >>> 0;
  let x2 = (aw[ao + 2]! ^ bw[bo + 2]!) >>> 0;
  let x3 = (aw[ao + 3]! ^ bw[bo + 3]!) >>> 0;
  let d = popcount4(x0, x1, x2, x3);
  if (d > limit) return d;
  x0 = (aw[ao + 4]! ^ bw[bo + 4]!) >>> 0;
  x1 = (aw[ao + 5]! ^ bw[bo + 5]!) >>> 0;
  x2 = (aw[ao + 6]! ^ bw[bo + 6]!) >>> 0;
  x3 = (aw[ao + 7]! ^ bw[bo + 7]!) >>> 0;
  d += popcount4(x0, x1, x2, x3);
  return d;
}

/** Exact Hamming distance (0..256) between two packed hashes. */
export function distance(aw: Uint32Array, ao: number, bw: Uint32Array, bo: number): number {
  return distanceWithin(aw, ao, bw, bo, PDQ_BITS);
}

function popcount4(a: number, b: number, c: number, d: number): number {
  a -= (a >>> 1) & 0x55555555;
  b -= (b >>> 1) & 0x55555555;
  c -= (c >>> 1) & 0x55555555;
  d -= (d >>> 1) & 0x55555555;
  a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
  b = (b & 0x33333333) + ((b >>> 2) & 0x33333333);
  c = (c & 0x33333333) + ((c >>> 2) & 0x33333333);
  d = (d & 0x33333333) + ((d >>> 2) & 0x33333333);
  const s = ((a + (a >>> 4)) & 0x0f0f0f0f) + ((b + (b >>> 4)) & 0x0f0f0f0f) + ((c + (c >>> 4)) & 0x0f0f0f0f) + ((d + (d >>> 4)) & 0x0f0f0f0f);
  return Math.imul(s, 0x01010101) >>> 24;
}

/** Substring layout: `bits[t]` bits starting at bit `start[t]` (bit 0 = MSB of word 0). */
export interface SubstringLayout {
  readonly tables: number;
  readonly bits: readonly number[];
  readonly start: readonly number[];
}

/**
 * Split 256 bits into `tables` contiguous substrings as evenly as possible, longer ones first.
 * `tables` must be in [ceil(256 / MAX_SUBSTRING_BITS), MAX_TABLES] = [11, 32].
 */
export function substringLayout(tables: number): SubstringLayout {
  const min = Math.ceil(PDQ_BITS / MAX_SUBSTRING_BITS);
  if (!Number.isInteger(tables) || tables < min || tables > MAX_TABLES) {
    throw new RangeError(`pdq MIH: tables must be an integer in [${min}, ${MAX_TABLES}], got ${tables}`);
  }
  const base = Math.floor(PDQ_BITS / tables);
  const extra = PDQ_BITS - base * tables;
  const bits: number[] = [];
  const start: number[] = [];
  let pos = 0;
  for (let t = 0; t < tables; t++) {
    const b = base + (t < extra ? 1 : 0);
    bits.push(b);
    start.push(pos);
    pos += b;
  }
  return { tables, bits, start };
}

/** The substring key of table (start, bits) of the hash at `words[off..off+8)`; bits ≤ 24, so ≤ 2 words. */
export function substringKey(words: Uint32Array, off: number, start: number, bits: number): number {
  const w = off + (start >>> 5);
  const b = start & 31;
  const head = (words[w]! << b) >>> (32 - bits);
  if (b + bits <= 32) return head;
  return (head | (words[w + 1]! >>> (64 - b - bits))) >>> 0;
}

/**
 * Per-table flip radius for an exact search at `radius` (see header): flips[t] = s for t ≤ a, s − 1 after;
 * −1 means the table need not be probed.
 */
export function pigeonholeFlips(tables: number, radius: number): number[] {
  const s = Math.floor(radius / tables);
  const a = radius - s * tables;
  const flips: number[] = [];
  for (let t = 0; t < tables; t++) flips.push(t <= a ? s : s - 1);
  return flips;
}

/**
 * Default number of MIH tables for n hashes: Norouzi's m ≈ b / log2 n, clamped to [11, 32].
 * (Measured in bench/matching-bench.ts; see the header of pdq-index.ts.)
 */
export function defaultTables(n: number): number {
  const m = Math.round(PDQ_BITS / Math.log2(Math.max(n, 2)));
  return Math.min(MAX_TABLES, Math.max(Math.ceil(PDQ_BITS / MAX_SUBSTRING_BITS), m));
}
