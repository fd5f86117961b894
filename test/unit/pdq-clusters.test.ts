/**
 * clusterPdq (src/matching/pdq-clusters.ts) against a brute-force all-pairs union-find on seeded synthetic
 * hashes: random hashes mixed with planted near-duplicate groups (a base hash with a few bits flipped per member),
 * exact copies, chains that are only connected transitively, and excluded (low-quality) inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CLUSTER_EXCLUDED, CLUSTER_SINGLETON, clusterMembers, clusterPdq, clusterTablesFor, type PdqClusterResult,
} from '../../src/matching/pdq-clusters.js';
import { PDQ_WORDS, distance } from '../../src/matching/pdq-words.js';
import { prng } from '../helpers/prng.js';


interface Synthetic {
  codes: Uint32Array;
  excluded: Uint8Array;
}

/**
 * n hashes: ~40 % random singletons; groups of 2-12 near-duplicates of a base hash (0-24 bits flipped each, so
 * some members are within 31 of each other only through others); exact copies of earlier hashes; every 13th
 * input excluded when `exclude` is set.
 */
function synthetic(seed: number, n: number, exclude: boolean): Synthetic {
  const rnd = prng(seed);
  const codes = new Uint32Array(n * PDQ_WORDS);
  let i = 0;
  const put = (c: Uint32Array): void => {
    codes.set(c, i * PDQ_WORDS);
    i++;
  };
  const random = (): Uint32Array => Uint32Array.from({ length: PDQ_WORDS }, () => rnd());
  const flip = (c: Uint32Array, k: number): Uint32Array => {
    const out = Uint32Array.from(c);
    for (let x = 0; x < k; x++) {
      const b = rnd() & 255;
      out[b >>> 5] = (out[b >>> 5]! ^ (1 << (b & 31))) >>> 0;
    }
    return out;
  };
  while (i < n) {
    const kind = rnd() % 10;
    if (kind < 4) put(random());
    else if (kind < 8) {
      const base = random();
      const g = 2 + (rnd() % 11);
      for (let m = 0; m < g && i < n; m++) put(flip(base, rnd() % 25));
    } else if (kind < 9 && i > 0) {
      put(exactCopy(codes, rnd() % i));
    } else {
      // A chain: each link 20 bits from the previous, so the ends are ~40 apart but connected.
      let c = random();
      for (let m = 0; m < 4 && i < n; m++) {
        put(c);
        c = flip(c, 20);
      }
    }
  }
  const excluded = new Uint8Array(n);
  if (exclude) for (let k = 0; k < n; k += 13) excluded[k] = 1;
  return { codes, excluded };
}

function exactCopy(codes: Uint32Array, j: number): Uint32Array {
  return codes.slice(j * PDQ_WORDS, (j + 1) * PDQ_WORDS);
}

/** Brute force: union every pair within radius (identical pairs included), the same output conventions. */
function bruteForce(codes: Uint32Array, radius: number, excluded?: Uint8Array): { clusterOf: Int32Array; edges: number } {
  const n = codes.length / PDQ_WORDS;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  const live = (i: number): boolean => !excluded || excluded[i] === 0;
  const distinct = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (!live(i)) continue;
    const k = codes.subarray(i * PDQ_WORDS, (i + 1) * PDQ_WORDS).join(',');
    if (!distinct.has(k)) distinct.set(k, i);
  }
  const firsts = new Set(distinct.values());
  let edges = 0;
  for (let a = 0; a < n; a++) {
    if (!live(a)) continue;
    for (let b = a + 1; b < n; b++) {
      if (!live(b)) continue;
      if (distance(codes, a * PDQ_WORDS, codes, b * PDQ_WORDS) > radius) continue;
      if (firsts.has(a) && firsts.has(b)) edges++;
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }
  const size = new Int32Array(n);
  for (let i = 0; i < n; i++) if (live(i)) size[find(i)]!++;
  const clusterOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!live(i)) clusterOf[i] = CLUSTER_EXCLUDED;
    else clusterOf[i] = size[find(i)]! >= 2 ? find(i) : CLUSTER_SINGLETON;
  }
  return { clusterOf, edges };
}

function checkCounts(r: PdqClusterResult, n: number): void {
  assert.equal(r.clusteredItems + r.singletons + r.excludedItems, n);
  assert.equal(r.uniqueHashes + r.duplicateItems + r.excludedItems, n);
  assert.equal(clusterMembers(r.clusterOf).size, r.clusters);
  for (const [id, members] of clusterMembers(r.clusterOf)) {
    assert.equal(members[0], id, 'the cluster id is its smallest member');
    assert.ok(members.length >= 2);
  }
}

test('3 000 hashes with planted groups, copies, chains and exclusions: identical to brute-force union-find', () => {
  const n = 3000;
  const { codes, excluded } = synthetic(1, n, true);
  const configs: Record<number, (number | undefined)[]> = { 31: [undefined, 11, 16, 32], 20: [undefined, 13], 8: [11, 24], 0: [undefined, 16] };
  for (const [radius, tableCounts] of Object.entries(configs).map(([r, t]) => [Number(r), t] as const)) {
    const want = bruteForce(codes, radius, excluded);
    for (const tables of tableCounts) {
      const got = clusterPdq(codes, { radius, excluded, tables });
      assert.deepEqual(got.clusterOf, want.clusterOf, `radius ${radius}, tables ${tables ?? 'default'}`);
      assert.equal(got.edges, want.edges, `edges at radius ${radius}, tables ${tables ?? 'default'}`);
      checkCounts(got, n);
      assert.equal(got.excludedItems, Math.ceil(n / 13));
    }
  }
  // The fixture really has what it claims.
  const r = clusterPdq(codes, { excluded });
  assert.ok(r.duplicateItems > 50, `${r.duplicateItems} exact copies`);
  assert.ok(r.clusters > 100 && r.singletons > 200, `${r.clusters} clusters, ${r.singletons} singletons`);
});

test('without exclusions, and a second seed at the default radius', () => {
  for (const seed of [2, 3]) {
    const { codes } = synthetic(seed, 2500, false);
    const want = bruteForce(codes, 31);
    const got = clusterPdq(codes);
    assert.deepEqual(got.clusterOf, want.clusterOf);
    assert.equal(got.edges, want.edges);
    assert.equal(got.excludedItems, 0);
    checkCounts(got, 2500);
  }
});

test('chains are clustered transitively; identical copies alone form a cluster; exclusion cuts a chain', () => {
  const rnd = prng(9);
  const a = Uint32Array.from({ length: 8 }, () => rnd());
  const b = Uint32Array.from(a);
  for (let bit = 0; bit < 30; bit++) b[bit >>> 5] = (b[bit >>> 5]! ^ (1 << (bit & 31))) >>> 0; // d(a,b) = 30
  const c = Uint32Array.from(b);
  for (let bit = 30; bit < 60; bit++) c[bit >>> 5] = (c[bit >>> 5]! ^ (1 << (bit & 31))) >>> 0; // d(b,c) = 30, d(a,c) = 60
  const lone = Uint32Array.from({ length: 8 }, () => rnd());
  const codes = new Uint32Array(8 * 6);
  [lone, a, c, b, lone, Uint32Array.from({ length: 8 }, () => rnd())].forEach((h, i) => codes.set(h, i * 8));
  const r = clusterPdq(codes);
  assert.deepEqual([...r.clusterOf], [0, 1, 1, 1, 0, CLUSTER_SINGLETON]);
  assert.equal(r.clusters, 2);
  assert.equal(r.edges, 2);
  assert.equal(r.duplicateItems, 1);
  // Excluding the middle link splits the chain: a and c are 60 apart.
  const cut = clusterPdq(codes, { excluded: Uint8Array.from([0, 0, 0, 1, 0, 0]) });
  assert.deepEqual([...cut.clusterOf], [0, CLUSTER_SINGLETON, CLUSTER_SINGLETON, CLUSTER_EXCLUDED, 0, CLUSTER_SINGLETON]);
  // radius 29: b is 30 from both ends.
  assert.deepEqual([...clusterPdq(codes, { radius: 29 }).clusterOf], [0, -1, -1, -1, 0, -1]);
});

test('validation and the table-count model', () => {
  const codes = new Uint32Array(16);
  assert.throws(() => clusterPdq(codes, { radius: 32 }), /radius/);
  assert.throws(() => clusterPdq(codes, { radius: -1 }), /radius/);
  assert.throws(() => clusterPdq(new Uint32Array(9)), /multiple of 8/);
  assert.throws(() => clusterPdq(codes, { excluded: new Uint8Array(3) }), /excluded/);
  assert.throws(() => clusterPdq(codes, { tables: 8 }), /tables/);
  const empty = clusterPdq(new Uint32Array(0));
  assert.equal(empty.clusterOf.length, 0);
  assert.equal(empty.clusters, 0);
  // Fewer, longer tables as the set grows (Norouzi's m ≈ b / log2 n trend).
  const m = [1e3, 1e5, 1e6, 1e7].map((u) => clusterTablesFor(u));
  for (let i = 1; i < m.length; i++) assert.ok(m[i]! <= m[i - 1]!, `tables ${m}`);
  assert.equal(clusterTablesFor(1e7), 11);
});
