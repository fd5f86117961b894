/**
 * Brute-force PDQ range search: the exact baseline the multi-index (pdq-index.ts) is tested and benchmarked
 * against, and its fallback for radii above 31. One pass over the packed codes with the early-exit SWAR distance
 * of pdq-words.ts; no index, no extra memory.
 */
import { PDQ_WORDS, distanceWithin, packPdq, type PdqHashInput } from './pdq-words.js';

export interface LinearScanHit {
  /** Position of the hash in the scanned array (hash i = words 8i .. 8i+7). */
  index: number;
  distance: number;
}

/**
 * Every hash in `codes` (N × 8 packed words) within `radius` of `query`, in index order.
 * `count` limits the scan to the first `count` hashes (default: all).
 */
export function linearScan(codes: Uint32Array, query: PdqHashInput, radius: number, count = Math.floor(codes.length / PDQ_WORDS)): LinearScanHit[] {
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`pdq: radius must be a non-negative integer, got ${radius}`);
  if (count * PDQ_WORDS > codes.length) throw new RangeError(`pdq: ${count} hashes need ${count * PDQ_WORDS} words, have ${codes.length}`);
  const q = query instanceof Uint32Array && query.length === PDQ_WORDS ? query : packPdq(query);
  const out: LinearScanHit[] = [];
  for (let i = 0, o = 0; i < count; i++, o += PDQ_WORDS) {
    const d = distanceWithin(q, 0, codes, o, radius);
    if (d <= radius) out.push({ index: i, distance: d });
  }
  return out;
}
