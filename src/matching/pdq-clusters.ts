/**
 * Near-duplicate clustering of a seizure's PDQ hashes: connected components ("single linkage") of the graph whose
 * edges join hashes within Hamming distance r (default 31, the PDQ match threshold). Exact for r ≤ 31: every pair
 * within r is found (tested against brute force). Design from shared/notes/matching-perf.md §1.6-1.7(b):
 *
 *  1. Excluded hashes (e.g. quality < 50) are left out entirely.
 *  2. Identical hashes are collapsed first with an open-addressing hash table (so 10 000 copies of one picture
 *     cost 10 000 table probes, not 50 M comparisons); the join runs on the U distinct hashes.
 *  3. Bucket self-join on multi-index substrings (pdq-words.ts): for each table t, the distinct hashes are
 *     counting-sorted by their substring key and copied in that order (so the comparisons read memory
 *     sequentially); pairs are compared only inside a bucket and between a bucket and its neighbour buckets
 *     within the table's flip radius. Each unordered bucket pair is visited once: a neighbour is taken only when
 *     its key is larger, i.e. when the highest flipped bit is 0 in the bucket's own key.
 *     By the pigeonhole rule every pair within r meets in at least one table. An edge is counted in the first
 *     table that can see it (a substring check done only for matching pairs), so `edges` is the exact number of
 *     distinct pairs within r; the union itself is idempotent anyway.
 *  4. Union-find over distinct hashes with path halving; the root is always the smaller position, so a
 *     component's root is its smallest member, which makes the cluster id deterministic.
 *
 * Output: `clusterOf[i]` = the smallest input index of i's cluster when the cluster has at least 2 members
 * (identical copies count as members), CLUSTER_SINGLETON (−1) for a hash with no neighbour, CLUSTER_EXCLUDED (−2)
 * for an excluded input. So members of one cluster share one id, which is itself a member's index.
 *
 * Table count (`clusterTablesFor`): a cost model over m = 11..32 — comparisons ≈ u²/2 · V/2^L per table (V keys
 * within the flip radius) against neighbour-bucket probes ≈ non-empty buckets · (V − 1)/2, with per-operation
 * costs measured on this machine. Short dense tables (16 × 16 bits) make probes cheap but compare a lot; long
 * sparse ones (11 × 23/24 bits) compare little but probe a lot; the model picks 16 tables at 200 k, 14 at 1 M and
 * 11 at 10 M, which matches the measured optimum at 200 k and 1 M (within noise among 13-16 there).
 * Big buckets from low-information pictures cost quadratic time within the bucket — exclude low-quality hashes
 * first. Single-threaded; the tables are independent, so a worker-thread split per table is the next step.
 *
 * Why our own code: nothing on npm clusters binary codes exactly; faiss's range search would be N queries.
 */
import {
  MAX_SUBSTRING_BITS,
  MAX_TABLES,
  PDQ_BITS,
  PDQ_MIH_MAX_RADIUS,
  PDQ_WORDS,
  distanceWithin,
  pigeonholeFlips,
  popcount32,
  substringKey,
  substringLayout,
} from './pdq-words.js';

export const CLUSTER_SINGLETON = -1;
export const CLUSTER_EXCLUDED = -2;
// Cost model for choosing the table count (ns per operation, measured on the 2-core EPYC dev box in
// bench/matching-bench.ts: one 256-bit compare in scanRange, one neighbour-bucket probe, one empty-bucket step).
const NS_PER_COMPARE = 8;
const NS_PER_PROBE = 27;
const NS_PER_BUCKET = 2;

export interface PdqClusterOptions {
  /** Distance threshold, 0..31 (default 31). */
  radius?: number;
  /** One byte per input; non-zero = leave this hash out (e.g. quality < 50). */
  excluded?: Uint8Array;
  /** MIH tables for the self-join, 11..32 (default: `clusterTablesFor(distinct hashes, radius)`). */
  tables?: number;
}

export interface PdqClusterResult {
  /** Per input: cluster id (smallest member index), CLUSTER_SINGLETON or CLUSTER_EXCLUDED. */
  clusterOf: Int32Array;
  /** Clusters with at least 2 members. */
  clusters: number;
  /** Inputs in those clusters. */
  clusteredItems: number;
  /** Non-excluded inputs with no other member (no identical copy, nothing within radius). */
  singletons: number;
  excludedItems: number;
  /** Distinct hashes among the non-excluded inputs. */
  uniqueHashes: number;
  /** Non-excluded inputs whose exact hash occurred at a smaller index. */
  duplicateItems: number;
  /** Distinct pairs of distinct hashes within radius. */
  edges: number;
  /** Distance computations performed by the join. */
  comparisons: number;
}

/**
 * Cluster N packed PDQ hashes (`codes` = N × 8 uint32 words, see pdq-words.ts).
 */
export function clusterPdq(codes: Uint32Array, options: PdqClusterOptions = {}): PdqClusterResult {
  if (codes.length % PDQ_WORDS !== 0) throw new RangeError(`pdq clusters: codes length ${codes.length} is not a multiple of 8`);
  const n = codes.length / PDQ_WORDS;
  const radius = options.radius ?? PDQ_MIH_MAX_RADIUS;
  if (!Number.isInteger(radius) || radius < 0 || radius > PDQ_MIH_MAX_RADIUS) {
    throw new RangeError(`pdq clusters: radius must be an integer in [0, ${PDQ_MIH_MAX_RADIUS}], got ${radius}`);
  }
  const excluded = options.excluded;
  if (excluded !== undefined && excluded.length !== n) {
    throw new RangeError(`pdq clusters: excluded mask has ${excluded.length} entries for ${n} hashes`);
  }
  if (options.tables !== undefined) substringLayout(options.tables); // validate before the work starts

  // 1-2. Collapse identical hashes: posOf[i] = position of i's distinct hash (−1 if excluded).
  const { posOf, firstIndex, unique } = collapseIdentical(codes, n, excluded);
  const u = unique.length / PDQ_WORDS;
  const layout = substringLayout(options.tables ?? clusterTablesFor(u, radius));

  // 3-4. Self-join per table, union-find over distinct positions.
  const parent = new Int32Array(u);
  for (let i = 0; i < u; i++) parent[i] = i;
  const flips = pigeonholeFlips(layout.tables, radius);
  let comparisons = 0;
  let edges = 0;
  const order = new Uint32Array(u);
  const sorted = new Uint32Array(u * PDQ_WORDS);
  for (let t = 0; t < layout.tables; t++) {
    const f = flips[t]!;
    if (f < 0) continue;
    const bits = layout.bits[t]!;
    const start = layout.start[t]!;
    const offsets = new Uint32Array(2 ** bits + 1);
    sortByKey(unique, u, start, bits, offsets, order, sorted);
    const r = joinTable(sorted, order, offsets, bits, f, radius, t, unique, layout.start, layout.bits, flips, parent);
    comparisons += r.comparisons;
    edges += r.edges;
  }

  // Output.
  const root = new Int32Array(u);
  const size = new Int32Array(u);
  for (let p = 0; p < u; p++) root[p] = find(parent, p);
  for (let i = 0; i < n; i++) if (posOf[i]! >= 0) size[root[posOf[i]!]!]!++;
  const clusterOf = new Int32Array(n);
  let clusters = 0;
  let clusteredItems = 0;
  let singletons = 0;
  let excludedItems = 0;
  for (let p = 0; p < u; p++) if (root[p] === p && size[p]! >= 2) clusters++;
  for (let i = 0; i < n; i++) {
    const p = posOf[i]!;
    if (p < 0) {
      clusterOf[i] = CLUSTER_EXCLUDED;
      excludedItems++;
      continue;
    }
    const r = root[p]!;
    if (size[r]! >= 2) {
      clusterOf[i] = firstIndex[r]!;
      clusteredItems++;
    } else {
      clusterOf[i] = CLUSTER_SINGLETON;
      singletons++;
    }
  }
  return {
    clusterOf, clusters, clusteredItems, singletons, excludedItems,
    uniqueHashes: u, duplicateItems: n - excludedItems - u, edges, comparisons,
  };
}

/**
 * Table count for a self-join of u distinct hashes at `radius`, minimising a cost model for uniform hashes:
 * per table with flip radius f and L bits (B = 2^L buckets, V = Σ_{i≤f} C(L, i) keys within f flips),
 * comparisons ≈ u²/2 · V/B, neighbour probes ≈ nonEmptyBuckets · (V − 1)/2, plus a pass over the B buckets.
 * Small sets favour many short tables (cheap probes, few comparisons anyway); large sets fewer, longer tables.
 */
export function clusterTablesFor(u: number, radius = PDQ_MIH_MAX_RADIUS): number {
  let best = MAX_TABLES;
  let bestCost = Infinity;
  for (let m = Math.ceil(PDQ_BITS / MAX_SUBSTRING_BITS); m <= MAX_TABLES; m++) {
    const layout = substringLayout(m);
    const flips = pigeonholeFlips(m, radius);
    let cost = 0;
    for (let t = 0; t < m; t++) {
      const f = flips[t]!;
      if (f < 0) continue;
      const L = layout.bits[t]!;
      const B = 2 ** L;
      const V = 1 + (f >= 1 ? L : 0) + (f >= 2 ? (L * (L - 1)) / 2 : 0);
      const nonEmpty = B * -Math.expm1(-u / B);
      cost += NS_PER_COMPARE * ((u * u) / 2) * (V / B) + NS_PER_PROBE * nonEmpty * ((V - 1) / 2) + NS_PER_BUCKET * B;
    }
    if (cost < bestCost) {
      bestCost = cost;
      best = m;
    }
  }
  return best;
}

/** Members of each cluster, keyed by cluster id (the smallest member index), members ascending. */
export function clusterMembers(clusterOf: Int32Array): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < clusterOf.length; i++) {
    const c = clusterOf[i]!;
    if (c < 0) continue;
    const list = out.get(c);
    if (list === undefined) out.set(c, [i]);
    else list.push(i);
  }
  return out;
}

interface Collapsed {
  /** Per input: position of its distinct hash, −1 if excluded. */
  posOf: Int32Array;
  /** Per distinct position: the smallest input index with that hash (positions ascend with it). */
  firstIndex: Uint32Array;
  /** Distinct hashes, packed, in order of first occurrence. */
  unique: Uint32Array;
}

/** Open addressing (linear probing) on a 32-bit mix of the 8 words; the table stores distinct positions. */
function collapseIdentical(codes: Uint32Array, n: number, excluded: Uint8Array | undefined): Collapsed {
  let cap = 16;
  while (cap < 2 * n) cap *= 2;
  const mask = cap - 1;
  const slots = new Int32Array(cap).fill(-1);
  const posOf = new Int32Array(n);
  const first = new Uint32Array(n);
  let u = 0;
  for (let i = 0, o = 0; i < n; i++, o += PDQ_WORDS) {
    if (excluded !== undefined && excluded[i] !== 0) {
      posOf[i] = -1;
      continue;
    }
    let h = 0x9e3779b9;
    for (let j = 0; j < PDQ_WORDS; j++) h = Math.imul(h ^ codes[o + j]!, 0x85ebca6b) ^ (h >>> 15);
    h ^= h >>> 13;
    let s = h & mask;
    for (;;) {
      const p = slots[s]!;
      if (p < 0) {
        slots[s] = u;
        posOf[i] = u;
        first[u++] = i;
        break;
      }
      const fo = first[p]! * PDQ_WORDS;
      let same = true;
      for (let j = 0; j < PDQ_WORDS; j++) {
        if (codes[fo + j] !== codes[o + j]) {
          same = false;
          break;
        }
      }
      if (same) {
        posOf[i] = p;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  const firstIndex = first.slice(0, u);
  const unique = new Uint32Array(u * PDQ_WORDS);
  for (let p = 0; p < u; p++) {
    const src = firstIndex[p]! * PDQ_WORDS;
    for (let j = 0; j < PDQ_WORDS; j++) unique[p * PDQ_WORDS + j] = codes[src + j]!;
  }
  return { posOf, firstIndex, unique };
}

/** Counting sort of the u distinct hashes by substring key: offsets (CSR), order[i] = position, sorted codes. */
function sortByKey(unique: Uint32Array, u: number, start: number, bits: number, offsets: Uint32Array, order: Uint32Array, sorted: Uint32Array): void {
  const buckets = offsets.length - 1;
  for (let p = 0, o = 0; p < u; p++, o += PDQ_WORDS) offsets[substringKey(unique, o, start, bits)]!++;
  let sum = 0;
  for (let k = 0; k < buckets; k++) {
    sum += offsets[k]!;
    offsets[k] = sum;
  }
  for (let p = u - 1, o = (u - 1) * PDQ_WORDS; p >= 0; p--, o -= PDQ_WORDS) {
    const at = --offsets[substringKey(unique, o, start, bits)]!;
    order[at] = p;
    const d = at * PDQ_WORDS;
    for (let j = 0; j < PDQ_WORDS; j++) sorted[d + j] = unique[o + j]!;
  }
  offsets[buckets] = u;
}

/**
 * Compare sorted hash a with sorted hashes [b0, b1); call hit(a, b) for each within radius. The hot loop of the
 * clustering: a's words stay in locals, 3 words decide almost every non-match (96 bits of unrelated hashes
 * are ≤ 31 apart with probability 3·10⁻⁴), the rest only when needed.
 */
function scanRange(sorted: Uint32Array, a: number, b0: number, b1: number, radius: number, hit: (a: number, b: number) => void): void {
  const ao = a * PDQ_WORDS;
  const w0 = sorted[ao]!;
  const w1 = sorted[ao + 1]!;
  const w2 = sorted[ao + 2]!;
  for (let b = b0, bo = b0 * PDQ_WORDS; b < b1; b++, bo += PDQ_WORDS) {
    if (popcount3(w0 ^ sorted[bo]!, w1 ^ sorted[bo + 1]!, w2 ^ sorted[bo + 2]!) > radius) continue;
    if (distanceWithin(sorted, ao, sorted, bo, radius) <= radius) hit(a, b);
  }
}

function popcount3(a: number, b: number, c: number): number {
  a -= (a >>> 1) & 0x55555555;
  b -= (b >>> 1) & 0x55555555;
  c -= (c >>> 1) & 0x55555555;
  a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
  b = (b & 0x33333333) + ((b >>> 2) & 0x33333333);
  c = (c & 0x33333333) + ((c >>> 2) & 0x33333333);
  const s = ((a + (a >>> 4)) & 0x0f0f0f0f) + ((b + (b >>> 4)) & 0x0f0f0f0f) + ((c + (c >>> 4)) & 0x0f0f0f0f);
  return Math.imul(s, 0x01010101) >>> 24;
}

/** Path-halving find. */
function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    const g = parent[parent[x]!]!;
    parent[x] = g;
    x = g;
  }
  return x;
}

/** Union keeping the smaller root (so roots are component minima). */
function union(parent: Int32Array, a: number, b: number): void {
  let ra = find(parent, a);
  let rb = find(parent, b);
  if (ra === rb) return;
  if (rb < ra) {
    const x = ra;
    ra = rb;
    rb = x;
  }
  parent[rb] = ra;
}

/**
 * One table of the self-join. `sorted`/`order` list the distinct hashes grouped by this table's key.
 * Returns comparisons made and edges first seen in this table.
 */
function joinTable(
  sorted: Uint32Array, order: Uint32Array, offsets: Uint32Array, bits: number, flips: number, radius: number, t: number,
  unique: Uint32Array, starts: readonly number[], allBits: readonly number[], allFlips: readonly number[], parent: Int32Array,
): { comparisons: number; edges: number } {
  const buckets = offsets.length - 1;
  let comparisons = 0;
  let edges = 0;

  // A matching pair (sorted positions a, b): count it if no earlier table sees it, and union.
  const hit = (a: number, b: number): void => {
    const pa = order[a]!;
    const pb = order[b]!;
    let first = true;
    for (let v = 0; v < t; v++) {
      const fv = allFlips[v]!;
      if (fv < 0) continue;
      const ka = substringKey(unique, pa * PDQ_WORDS, starts[v]!, allBits[v]!);
      const kb = substringKey(unique, pb * PDQ_WORDS, starts[v]!, allBits[v]!);
      if (popcount32((ka ^ kb) >>> 0) <= fv) {
        first = false;
        break;
      }
    }
    if (first) edges++;
    union(parent, pa, pb);
  };

  for (let k = 0; k < buckets; k++) {
    const lo = offsets[k]!;
    const hi = offsets[k + 1]!;
    if (lo === hi) continue;
    // Inside the bucket.
    const m = hi - lo;
    if (m > 1) {
      comparisons += (m * (m - 1)) / 2;
      for (let a = lo; a < hi - 1; a++) scanRange(sorted, a, a + 1, hi, radius, hit);
    }
    if (flips < 1) continue;
    // Larger neighbours: the highest flipped bit i is 0 in k. (flips ≤ 2: m ≥ 11 tables and r ≤ 31.)
    for (let i = 0; i < bits; i++) {
      if ((k >>> i) & 1) continue;
      const k1 = k | (1 << i);
      const lo1 = offsets[k1]!;
      const hi1 = offsets[k1 + 1]!;
      if (lo1 !== hi1) {
        comparisons += m * (hi1 - lo1);
        for (let a = lo; a < hi; a++) scanRange(sorted, a, lo1, hi1, radius, hit);
      }
      if (flips < 2) continue;
      for (let j = 0; j < i; j++) {
        const k2 = k1 ^ (1 << j);
        const lo2 = offsets[k2]!;
        const hi2 = offsets[k2 + 1]!;
        if (lo2 !== hi2) {
          comparisons += m * (hi2 - lo2);
          for (let a = lo; a < hi; a++) scanRange(sorted, a, lo2, hi2, radius, hit);
        }
      }
    }
  }
  return { comparisons, edges };
}
