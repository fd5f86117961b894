/**
 * vPDQ video matching (Meta, facebook/ThreatExchange `vpdq/`; the rule HMA applies through python-threatexchange's
 * vpdq extension). Pure math, no I/O: frame hashes come from src/adapters/video-frames.ts.
 *
 * A vPDQ "hash" is not one value but the list of PDQ hashes of a video's frames sampled at 1 frame per second.
 * Two videos are compared frame set against frame set, which (unlike TMK+PDQF's one fixed-length vector) also finds
 * a clip cut out of a longer video (shared/notes/pdq-hma.md §5).
 *
 * The rule (defaults = python-threatexchange `extensions/vpdq/vpdq_util.py` L14-18, quoted in notes §1.9):
 *  1. Quality filter: only frames with quality >= 50 take part (a flat/black frame hashes to noise-like bits that
 *     would "match" every other flat frame).
 *  2. Each side is reduced to its UNIQUE hashes (first occurrence kept). HMA's `prepare_vpdq_feature` =
 *     quality filter then dedupe over the whole list, not only consecutive repeats; the percentages are over these
 *     unique usable hashes. (The notes give the thresholds only; unique-hash counting, the `>=` comparisons and
 *     the brute-force loop below follow the vpdq/pytx source as we know it — re-check against upstream if exact
 *     percentage parity with HMA ever matters.) Our hasher already drops consecutive repeats; that never changes
 *     the set of unique hashes, so the result is the same as feeding HMA the undeduplicated list.
 *  3. A query hash "is matched" when at least one target hash is within Hamming distance <= 31, and vice versa.
 *  4. queryMatchPercent = matched unique query hashes × 100 / unique usable query hashes; targetMatchPercent the
 *     same from the target's side. HMA declares a match when queryMatchPercent >= 80 (its "compared"/index
 *     threshold defaults to 0, i.e. a short query clip inside a long target video still matches).
 * Our choices where HMA is silent: an empty side (no usable frame) gives 0 % and no match (HMA would divide by
 * zero); the >= comparisons are made on integer counts (matched × 100 >= threshold × total) so the boundary is
 * exact (4 of 5 frames = 80 % matches) without floating-point doubt.
 *
 * Implementation: hashes are parsed once into 8 × uint32 words and compared with a SWAR popcount; the search is
 * the same O(n·m) brute force as HMA's `match_VPDQ_hash_brute` (an hour of video against an hour is 13 M word-XOR
 * passes, well under a second). A bank of many videos needs an index (src/matching), not this function.
 */

/** One hashed frame of the 1-fps sequence. */
export interface VideoFrameHash {
  /** Index in the 1-fps sequence (frame k shows the video at `timestampSec` = k seconds from the first frame). */
  frameIndex: number;
  timestampSec: number;
  /** 64 lowercase hex chars (PDQ, src/hashing/pdq.ts). */
  hash: string;
  /** PDQ quality 0..100. */
  quality: number;
}

/** HMA/vpdq defaults (python-threatexchange `vpdq_util.py`). */
export const VPDQ_QUALITY_THRESHOLD = 50;
export const VPDQ_DISTANCE_THRESHOLD = 31;
export const VPDQ_QUERY_MATCH_THRESHOLD_PERCENT = 80;
export const VPDQ_TARGET_MATCH_THRESHOLD_PERCENT = 0;

export interface VpdqCompareOptions {
  /** Frames with quality below this are ignored (default 50). */
  qualityThreshold?: number;
  /** Two frame hashes match when their Hamming distance is <= this (default 31). */
  distanceThreshold?: number;
  /** Match when queryMatchPercent >= this (default 80). */
  queryMatchThresholdPercent?: number;
  /** ...and targetMatchPercent >= this (default 0, as HMA). */
  targetMatchThresholdPercent?: number;
}

export interface VpdqCompareResult {
  /** Unique usable query hashes with a target hash within the distance, in percent (0..100). */
  queryMatchPercent: number;
  /** Unique usable target hashes with a query hash within the distance, in percent (0..100). */
  targetMatchPercent: number;
  isMatch: boolean;
  /** Unique usable (quality-filtered) hashes on each side, and how many of them matched. */
  queryFrames: number;
  targetFrames: number;
  queryMatched: number;
  targetMatched: number;
}

const HEX64 = /^[0-9a-f]{64}$/i;

/** Consecutive frames with the same hash collapse to the first one (its index and timestamp are kept). */
export function vpdqDedupeConsecutive(frames: readonly VideoFrameHash[]): VideoFrameHash[] {
  const out: VideoFrameHash[] = [];
  let last: string | null = null;
  for (const f of frames) {
    const h = f.hash.toLowerCase();
    if (h === last) continue;
    out.push(f);
    last = h;
  }
  return out;
}

/** HMA's `prepare_vpdq_feature`: drop frames below the quality threshold, then keep the first of each hash. */
export function vpdqPrepare(frames: readonly VideoFrameHash[], qualityThreshold = VPDQ_QUALITY_THRESHOLD): VideoFrameHash[] {
  const seen = new Set<string>();
  const out: VideoFrameHash[] = [];
  for (const f of frames) {
    if (!(f.quality >= qualityThreshold)) continue;
    const h = f.hash.toLowerCase();
    if (seen.has(h)) continue;
    seen.add(h);
    out.push(f);
  }
  return out;
}

/** Parse hashes into one array of 8 big-endian uint32 words each. */
function toWords(frames: readonly VideoFrameHash[]): Uint32Array {
  const words = new Uint32Array(frames.length * 8);
  frames.forEach((f, i) => {
    if (!HEX64.test(f.hash)) throw new RangeError(`vpdq: frame ${f.frameIndex} hash is not 64 hex characters`);
    for (let w = 0; w < 8; w++) words[i * 8 + w] = parseInt(f.hash.slice(w * 8, w * 8 + 8), 16);
  });
  return words;
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** For each hash of `a`: is some hash of `b` within `maxDistance`? Returns how many are. */
function countMatched(a: Uint32Array, b: Uint32Array, maxDistance: number): number {
  const na = a.length / 8;
  const nb = b.length / 8;
  let matched = 0;
  for (let i = 0; i < na; i++) {
    const ai = i * 8;
    for (let j = 0; j < nb; j++) {
      const bj = j * 8;
      let d = 0;
      for (let w = 0; w < 8 && d <= maxDistance; w++) d += popcount32((a[ai + w]! ^ b[bj + w]!) >>> 0);
      if (d <= maxDistance) {
        matched++;
        break;
      }
    }
  }
  return matched;
}

function percent(matched: number, total: number): number {
  return total === 0 ? 0 : (matched * 100) / total;
}

function atLeast(matched: number, total: number, thresholdPercent: number): boolean {
  if (thresholdPercent <= 0) return true;
  return total > 0 && matched * 100 >= thresholdPercent * total;
}

/** Compare two videos' frame hashes with HMA's vPDQ rule (see the header). */
export function vpdqCompare(
  query: readonly VideoFrameHash[],
  target: readonly VideoFrameHash[],
  options: VpdqCompareOptions = {},
): VpdqCompareResult {
  const quality = options.qualityThreshold ?? VPDQ_QUALITY_THRESHOLD;
  const distance = options.distanceThreshold ?? VPDQ_DISTANCE_THRESHOLD;
  const queryThreshold = options.queryMatchThresholdPercent ?? VPDQ_QUERY_MATCH_THRESHOLD_PERCENT;
  const targetThreshold = options.targetMatchThresholdPercent ?? VPDQ_TARGET_MATCH_THRESHOLD_PERCENT;
  const q = vpdqPrepare(query, quality);
  const t = vpdqPrepare(target, quality);
  const qw = toWords(q);
  const tw = toWords(t);
  const queryMatched = countMatched(qw, tw, distance);
  const targetMatched = countMatched(tw, qw, distance);
  const isMatch = q.length > 0 && t.length > 0
    && atLeast(queryMatched, q.length, queryThreshold)
    && atLeast(targetMatched, t.length, targetThreshold);
  return {
    queryMatchPercent: percent(queryMatched, q.length),
    targetMatchPercent: percent(targetMatched, t.length),
    isMatch,
    queryFrames: q.length,
    targetFrames: t.length,
    queryMatched,
    targetMatched,
  };
}
