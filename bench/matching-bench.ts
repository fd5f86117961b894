/**
 * Matching benchmark: the exact-hash index, the PDQ multi-index and PDQ clustering (src/matching/) on synthetic
 * data, each against a baseline measured in the same run.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/matching-bench.js [--quick] [--exact-100m] [--cluster-10m]
 *
 * Sizes        default (≈ 5 min)                                  --quick (< 1 min)
 *   exact MD5    10 M and 50 M digests (+ 100 M with --exact-100m)   1 M and 4 M
 *   PDQ index    1 M and 10 M hashes                                 100 k and 1 M
 *   clustering   1 M hashes (+ 10 M with --cluster-10m: ~6-8 min)    200 k
 *
 * Data: digests and PDQ hashes are uniform random (crypto.randomFillSync); lookups are 2 M digests per mix —
 * all present, all absent, 10 % present (a seizure checked against a known list), and that last mix sorted
 * (a seizure's digests read in order; the sort is not timed). PDQ queries are half near
 * an indexed hash (5-31 bits away) and half random. The clustering input mixes random hashes with groups of
 * near-duplicates (a base hash with 0-24 bits flipped per member), exact copies and 5 % excluded inputs.
 *
 * Baselines (same data, same run):
 *   exact — binary search over the sorted, packed 16-byte digests (nsrlsvr's std::binary_search design);
 *   PDQ   — linear scan with the same early-exit SWAR popcount (pdq-linear-scan.ts), on a subset of the queries
 *           (results are compared with the index's and the run fails on any difference);
 *   clustering — all-pairs brute force, extrapolated from the time of a 3 000 × 3 000 block (N²/2 pairs).
 * Rates are per CPU-second of this process (process.cpuUsage: user + system), the median of 3 repetitions: the
 * machine is shared, and CPU time is less disturbed by other processes than wall time (both are printed where
 * it matters). Load averages are printed at the start and the end. Memory = bytes of the index image.
 */
import { randomFillSync } from 'node:crypto';
import { loadavg } from 'node:os';
import { ExactHashIndexBuilder, type ExactHashIndex } from '../src/matching/exact-hash-index.js';
import { PdqIndexBuilder, type PdqIndex } from '../src/matching/pdq-index.js';
import { linearScan } from '../src/matching/pdq-linear-scan.js';
import { clusterPdq } from '../src/matching/pdq-clusters.js';
import { PDQ_WORDS, distanceWithin } from '../src/matching/pdq-words.js';
import { prng } from '../test/helpers/prng.js';

const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--quick', '--exact-100m', '--cluster-10m'].includes(a)) {
    console.error(`unknown option ${a}\nusage: node dist/bench/matching-bench.js [--quick] [--exact-100m] [--cluster-10m]`);
    process.exit(2);
  }
}
const QUICK = args.has('--quick');
const EXACT_SIZES = QUICK ? [1_000_000, 4_000_000] : [10_000_000, 50_000_000, ...(args.has('--exact-100m') ? [100_000_000] : [])];
const EXACT_QUERIES = QUICK ? 500_000 : 2_000_000;
const PDQ_SIZES = QUICK ? [100_000, 1_000_000] : [1_000_000, 10_000_000];
const PDQ_QUERIES = QUICK ? 400 : 2000;
const PDQ_LINEAR_QUERIES = QUICK ? 10 : 20;
const CLUSTER_SIZES = QUICK ? [200_000] : args.has('--cluster-10m') ? [1_000_000, 10_000_000] : [1_000_000];
const REPS = 3;

// ---------------------------------------------------------------------------------------------------------------
// Helpers

interface Timing {
  wall: number;
  cpu: number;
}

function timed<T>(fn: () => T): { value: T } & Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median over REPS runs of ops / CPU-second and ops / wall-second. */
function rate(ops: number, fn: () => void): { cpu: number; wall: number } {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t = timed(fn);
    cpu.push(ops / t.cpu);
    wall.push(ops / t.wall);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

function fillRandom(a: Uint8Array | Uint32Array): void {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (let o = 0; o < bytes.length; o += 1 << 30) randomFillSync(bytes, o, Math.min(1 << 30, bytes.length - o));
}


const M = (n: number): string => (n >= 1e6 ? `${+(n / 1e6).toFixed(1)} M` : `${+(n / 1e3).toFixed(0)} k`);
const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

const log = (msg: string): void => console.error(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ---------------------------------------------------------------------------------------------------------------
// Exact MD5

/** nsrlsvr-style baseline: binary search over sorted packed 16-byte digests. */
function binarySearchPacked(sorted: Uint8Array, n: number, key: Uint8Array, off: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = mid * 16;
    let c = 0;
    for (let j = 0; j < 16; j++) {
      c = sorted[m + j]! - key[off + j]!;
      if (c !== 0) break;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= n) return -1;
  for (let j = 0; j < 16; j++) if (sorted[lo * 16 + j] !== key[off + j]) return -1;
  return lo;
}

function benchExact(): string[][] {
  const rows: string[][] = [];
  for (const n of EXACT_SIZES) {
    log(`exact: generating ${M(n)} MD5 digests`);
    const keys = new Uint8Array(n * 16);
    fillRandom(keys);
    const build = timed(() => {
      const b = new ExactHashIndexBuilder(16);
      for (let i = 0; i < n; i++) b.addFrom(keys, i * 16, i);
      return b.build();
    });
    const idx: ExactHashIndex = build.value;
    log(`exact: built in ${f1(build.wall)} s, ${f2(idx.bytesPerEntry)} B/entry`);

    const q = EXACT_QUERIES;
    const rnd = prng(n);
    const hits = new Uint8Array(q * 16);
    for (let i = 0; i < q; i++) {
      const j = rnd() % n;
      hits.set(keys.subarray(j * 16, j * 16 + 16), i * 16);
    }
    const misses = new Uint8Array(q * 16);
    fillRandom(misses);
    const mixed = new Uint8Array(q * 16);
    for (let i = 0; i < q; i++) mixed.set((i % 10 === 0 ? hits : misses).subarray(i * 16, i * 16 + 16), i * 16);
    // The same mix sorted (a seizure's digests already in order, e.g. read from a sorted table; the sort itself
    // is not timed): consecutive lookups then touch neighbouring directory entries and records.
    const qb = new ExactHashIndexBuilder(16);
    for (let i = 0; i < q; i++) qb.addFrom(mixed, i * 16, i);
    const sortedMix = qb.build().copySortedKeys(new Uint8Array(q * 16));
    const expected = { hit: q, miss: 0, mix: Math.ceil(q / 10), sortedMix: Math.ceil(q / 10) };
    const sets = { hit: hits, miss: misses, mix: mixed, sortedMix } as const;

    const out = new Int32Array(q);
    const sorted = idx.copySortedKeys(new Uint8Array(n * 16));
    for (const [name, set] of Object.entries(sets) as [keyof typeof sets, Uint8Array][]) {
      // Correctness first (the run fails on a wrong count).
      let single = 0;
      for (let i = 0; i < q; i++) if (idx.find(set, i * 16) >= 0) single++;
      const many = idx.findMany(set, out);
      let base = 0;
      for (let i = 0; i < q; i++) if (binarySearchPacked(sorted, n, set, i * 16) >= 0) base++;
      if (single !== expected[name] || many !== expected[name] || base !== expected[name]) {
        throw new Error(`exact ${name}: found ${single}/${many}/${base}, expected ${expected[name]}`);
      }
      log(`exact: timing ${name} lookups`);
      const rFind = rate(q, () => {
        for (let i = 0; i < q; i++) idx.find(set, i * 16);
      });
      const rMany = rate(q, () => idx.findMany(set, out));
      const rBase = rate(q, () => {
        for (let i = 0; i < q; i++) binarySearchPacked(sorted, n, set, i * 16);
      });
      rows.push([
        M(n), { hit: 'all hits', miss: 'all misses', mix: '10 % hits', sortedMix: '10 % hits, sorted' }[name],
        f2(rFind.cpu / 1e6), f2(rMany.cpu / 1e6), f2(rBase.cpu / 1e6), `${f1(rMany.cpu / rBase.cpu)}×`,
        f2(rMany.wall / 1e6), f2(idx.bytesPerEntry), mb(idx.byteLength), f1(build.wall), String(idx.prefixBits),
      ]);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// PDQ index

function flipRandomBits(c: Uint32Array, off: number, k: number, rnd: () => number): void {
  const seen = new Set<number>();
  while (seen.size < k) seen.add(rnd() & 255);
  for (const b of seen) c[off + (b >>> 5)] = (c[off + (b >>> 5)]! ^ (1 << (b & 31))) >>> 0;
}

function benchPdq(): string[][] {
  const rows: string[][] = [];
  for (const n of PDQ_SIZES) {
    log(`pdq: generating ${M(n)} hashes`);
    const codes = new Uint32Array(n * PDQ_WORDS);
    fillRandom(codes);
    const rnd = prng(n + 1);
    const queries: Uint32Array[] = [];
    for (let i = 0; i < PDQ_QUERIES; i++) {
      const q = new Uint32Array(PDQ_WORDS);
      if (i % 2 === 0) {
        const j = rnd() % n;
        q.set(codes.subarray(j * PDQ_WORDS, (j + 1) * PDQ_WORDS));
        flipRandomBits(q, 0, 5 + (rnd() % 27), rnd);
      } else fillRandom(q);
      queries.push(q);
    }
    // Linear baseline on a subset, also the reference results.
    const lin = queries.slice(0, PDQ_LINEAR_QUERIES);
    let reference: string[] = [];
    const linRate = rate(lin.length, () => {
      reference = lin.map((q) => linearScan(codes, q, 31).map((h) => `${h.index}:${h.distance}`).join(','));
    });

    for (const tables of [undefined, 16]) {
      const build = timed(() => {
        const b = new PdqIndexBuilder(tables === undefined ? {} : { tables });
        for (let i = 0; i < n; i++) b.addPacked(codes, i * PDQ_WORDS, i);
        return b.build();
      });
      let idx: PdqIndex | null = build.value;
      log(`pdq: ${M(n)} × ${idx.tables} tables built in ${f1(build.wall)} s`);
      lin.forEach((q, i) => {
        const got = idx!.query(q, 31).map((m) => `${m.index}:${m.distance}`).sort().join(',');
        const want = reference[i]!.split(',').filter(Boolean).sort().join(',');
        if (got !== want) throw new Error(`pdq: index and linear scan differ on query ${i}`);
      });
      let probes = 0;
      let cands = 0;
      let found = 0;
      for (const q of queries) {
        found += idx.query(q, 31).length;
        probes += idx.lastStats.probes;
        cands += idx.lastStats.candidates;
      }
      const r = rate(queries.length, () => {
        for (const q of queries) idx!.query(q, 31);
      });
      rows.push([
        M(n), String(idx.tables), f2(1000 / r.cpu), f2(1000 / r.wall), f1(1000 / linRate.cpu), `${f1(r.cpu / linRate.cpu)}×`,
        String(Math.round(r.cpu)), String(Math.round(probes / queries.length)), String(Math.round(cands / queries.length)),
        String(found), mb(idx.byteLength), f1(build.wall),
      ]);
      idx = null; // let the next build reuse the memory
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Clustering

/** Random hashes mixed with near-duplicate groups and exact copies; 5 % excluded. */
function clusterInput(n: number, seed: number): { codes: Uint32Array; excluded: Uint8Array } {
  const rnd = prng(seed);
  const codes = new Uint32Array(n * PDQ_WORDS);
  fillRandom(codes);
  let i = 0;
  while (i < n) {
    const kind = rnd() % 10;
    if (kind < 5) {
      i++; // keep the random hash
    } else if (kind < 9) {
      const g = 2 + (rnd() % 11);
      const base = i * PDQ_WORDS;
      for (let m = 1; m < g && i + m < n; m++) {
        const o = (i + m) * PDQ_WORDS;
        codes.copyWithin(o, base, base + PDQ_WORDS);
        flipRandomBits(codes, o, rnd() % 25, rnd);
      }
      i += g;
    } else if (i > 0) {
      const j = rnd() % i;
      codes.copyWithin(i * PDQ_WORDS, j * PDQ_WORDS, (j + 1) * PDQ_WORDS);
      i++;
    } else i++;
  }
  const excluded = new Uint8Array(n);
  for (let k = 0; k < n; k++) if (rnd() % 20 === 0) excluded[k] = 1;
  return { codes, excluded };
}

function benchClusters(): string[][] {
  // Brute-force rate: a 3 000 × 3 000 block of distances with the same kernel.
  const block = new Uint32Array(3000 * PDQ_WORDS);
  fillRandom(block);
  let sink = 0;
  const bf = timed(() => {
    for (let a = 0; a < 3000; a++) {
      for (let b = a + 1; b < 3000; b++) sink += distanceWithin(block, a * PDQ_WORDS, block, b * PDQ_WORDS, 31) <= 31 ? 1 : 0;
    }
  });
  const pairRate = ((3000 * 2999) / 2) / bf.cpu;
  if (sink < 0) console.log(sink);
  const rows: string[][] = [];
  for (const n of CLUSTER_SIZES) {
    log(`clusters: generating ${M(n)} hashes`);
    const { codes, excluded } = clusterInput(n, n + 3);
    log(`clusters: clustering ${M(n)}`);
    const t = timed(() => clusterPdq(codes, { excluded }));
    const r = t.value;
    const brute = ((n * (n - 1)) / 2) / pairRate;
    rows.push([
      M(n), f1(t.wall), f1(t.cpu), `${(brute / 3600).toFixed(1)} h`, `${Math.round(brute / t.cpu)}×`,
      (r.comparisons / 1e9).toFixed(2), String(r.edges), String(r.clusters), String(r.clusteredItems),
      String(r.singletons), String(r.duplicateItems), String(r.excludedItems),
    ]);
    log(`clusters: ${M(n)} in ${f1(t.wall)} s`);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------

const started = performance.now();
console.log(`matching-bench ${QUICK ? '--quick ' : ''}on Node ${process.version}, load average at start: ${load()}`);
const exactRows = benchExact();
printTable(
  `Exact MD5 index (${M(EXACT_QUERIES)} lookups per mix; M lookups per CPU-second, median of ${REPS})`,
  ['entries', 'mix', 'find', 'findMany', 'bsearch', 'many/bs', 'many wall', 'B/entry', 'memory', 'build s', 'p'],
  exactRows,
);
const pdqRows = benchPdq();
printTable(
  `PDQ index, radius 31 (${PDQ_QUERIES} queries, ${PDQ_LINEAR_QUERIES} for the linear scan; ms per query on CPU time)`,
  ['hashes', 'tables', 'ms/q', 'ms/q wall', 'linear ms/q', 'speed-up', 'q/s', 'probes/q', 'cands/q', 'matches', 'memory', 'build s'],
  pdqRows,
);
const clusterRows = benchClusters();
printTable(
  'PDQ clustering, radius 31 (brute force extrapolated from a 3 000 × 3 000 block)',
  ['hashes', 'wall s', 'cpu s', 'brute force', 'speed-up', 'G compares', 'edges', 'clusters', 'clustered', 'singletons', 'copies', 'excluded'],
  clusterRows,
);
console.log(`\ntotal ${f1((performance.now() - started) / 1000)} s; peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}; load average at end: ${load()}`);
