/**
 * PdqIndex (src/matching/pdq-index.ts) against brute force: seeded random hashes plus hashes planted at chosen
 * distances from the queries — including the adversarial split where every substring but one is just over its
 * flip budget — for every radius 0..31, several table counts, the 8 dihedral hashes of a generated picture,
 * the linear fallback above 31, duplicates, file and shared-memory round trips.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PdqIndex, PdqIndexBuilder, type PdqMatch } from '../../src/matching/pdq-index.js';
import { linearScan } from '../../src/matching/pdq-linear-scan.js';
import {
  PDQ_WORDS, defaultTables, distance, packPdq, pigeonholeFlips, substringLayout, unpackHex, type SubstringLayout,
} from '../../src/matching/pdq-words.js';
import { hammingDistance, pdqDihedralFromRgb, PDQ_DIHEDRAL_NAMES } from '../../src/hashing/pdq.js';
import { tempDir } from '../helpers/env.js';
import { prng } from '../helpers/prng.js';


function randomCode(rnd: () => number): Uint32Array {
  const c = new Uint32Array(PDQ_WORDS);
  for (let j = 0; j < PDQ_WORDS; j++) c[j] = rnd();
  return c;
}

function flipBit(c: Uint32Array, bit: number): void {
  c[bit >>> 5] = (c[bit >>> 5]! ^ (1 << (31 - (bit & 31)))) >>> 0;
}

/** A copy of `c` with `d` distinct random bits flipped (distance exactly d). */
function atDistance(rnd: () => number, c: Uint32Array, d: number): Uint32Array {
  const out = Uint32Array.from(c);
  const bits = new Set<number>();
  while (bits.size < d) bits.add(rnd() & 255);
  for (const b of bits) flipBit(out, b);
  return out;
}

/**
 * A copy of `c` at distance exactly `d` with the flips spread adversarially over the MIH substrings: each table
 * gets one flip more than its budget at `radius` (so it cannot see the pair), in table order, until d is used up;
 * for d = radius exactly one table (the last reachable one) stays within budget.
 */
function adversarial(rnd: () => number, c: Uint32Array, d: number, layout: SubstringLayout, radius: number): Uint32Array {
  const flips = pigeonholeFlips(layout.tables, radius);
  const perTable = flips.map((f) => f + 1);
  let left = d;
  const take = perTable.map((n) => {
    const k = Math.min(n, left);
    left -= k;
    return k;
  });
  // Anything left over goes to the first tables.
  for (let t = 0; left > 0; t = (t + 1) % layout.tables) {
    if (take[t]! < layout.bits[t]!) {
      take[t]!++;
      left--;
    }
  }
  const out = Uint32Array.from(c);
  take.forEach((k, t) => {
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(layout.start[t]! + (rnd() % layout.bits[t]!));
    for (const b of chosen) flipBit(out, b);
  });
  assert.equal(distance(out, 0, c, 0), d);
  return out;
}

const key = (m: { index: number; distance: number }): string => `${m.index}:${m.distance}`;

function bruteForce(codes: Uint32Array, q: Uint32Array, radius: number): string[] {
  return linearScan(codes, q, radius).map(key).sort();
}

interface Corpus {
  codes: Uint32Array;
  queries: Uint32Array[];
}

/** n random hashes plus, for each query, planted hashes at distances 0..40 (adversarial and random splits). */
function corpus(seed: number, n: number, nq: number, layout: SubstringLayout): Corpus {
  const rnd = prng(seed);
  const list: Uint32Array[] = [];
  for (let i = 0; i < n; i++) list.push(randomCode(rnd));
  const queries: Uint32Array[] = [];
  for (let qi = 0; qi < nq; qi++) {
    const q = randomCode(rnd);
    queries.push(q);
    for (let d = 0; d <= 40; d++) {
      list.push(atDistance(rnd, q, d));
      if (d >= 20 && d <= 33) {
        for (const r of [d - 1, d, 31]) if (r >= 0 && r <= 31) list.push(adversarial(rnd, q, d, layout, r));
      }
    }
  }
  // Shuffle so planted hashes are spread over the index.
  for (let i = list.length - 1; i > 0; i--) {
    const j = rnd() % (i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  const codes = new Uint32Array(list.length * PDQ_WORDS);
  list.forEach((c, i) => codes.set(c, i * PDQ_WORDS));
  return { codes, queries };
}

function buildIndex(codes: Uint32Array, tables?: number): PdqIndex {
  const b = new PdqIndexBuilder(tables === undefined ? {} : { tables });
  for (let i = 0; i < codes.length / PDQ_WORDS; i++) b.addPacked(codes, i * PDQ_WORDS, i * 3 + 1);
  return b.build();
}

test('distance 30 and 31 are found and 32 is not at radius 31, for adversarial splits over the tables', () => {
  for (const tables of [11, 13, 16, 32]) {
    const layout = substringLayout(tables);
    const rnd = prng(tables);
    const base = Array.from({ length: 20 }, () => randomCode(rnd));
    const b = new PdqIndexBuilder({ tables });
    const planted: { q: number; d: number; index: number }[] = [];
    for (let i = 0; i < 3000; i++) b.add(randomCode(rnd), 0);
    base.forEach((q, qi) => {
      for (const d of [30, 31, 32]) {
        planted.push({ q: qi, d, index: b.size });
        b.add(adversarial(rnd, q, d, layout, 31), 1000 + d);
        planted.push({ q: qi, d, index: b.size });
        b.add(atDistance(rnd, q, d), 2000 + d);
      }
    });
    const idx = b.build();
    assert.equal(idx.tables, tables);
    base.forEach((q, qi) => {
      const got = idx.query(q, 31);
      const mine = planted.filter((p) => p.q === qi);
      for (const p of mine) {
        const hit = got.find((m) => m.index === p.index);
        if (p.d <= 31) assert.ok(hit && hit.distance === p.d, `tables ${tables}: planted at ${p.d} must be found`);
        else assert.equal(hit, undefined, `tables ${tables}: planted at 32 must not be found`);
      }
      assert.deepEqual(got.map(key).sort(), bruteForce(idx.packedCodes(), q, 31));
    });
  }
});

test('every radius 0..31 equals brute force on ~20 k random + planted hashes', () => {
  const layout = substringLayout(defaultTables(20_000));
  const { codes, queries } = corpus(7, 19_000, 24, layout);
  const idx = buildIndex(codes);
  assert.equal(idx.tables, layout.tables);
  assert.ok(idx.size > 20_000);
  let nonEmpty = 0;
  for (let radius = 0; radius <= 31; radius++) {
    for (const q of queries) {
      const got = idx.query(q, radius);
      const want = bruteForce(codes, q, radius);
      assert.deepEqual(got.map(key).sort(), want, `radius ${radius}`);
      if (want.length > 0) nonEmpty++;
      for (const m of got) assert.equal(m.payload, m.index * 3 + 1);
      // Sorted by distance, then index.
      for (let i = 1; i < got.length; i++) {
        const a = got[i - 1]!;
        const b = got[i]!;
        assert.ok(a.distance < b.distance || (a.distance === b.distance && a.index < b.index));
      }
    }
  }
  assert.equal(nonEmpty, 32 * queries.length, 'every query has planted hashes at every radius');
});

test('other table counts are exact too (11, 12, 16, 24, 32 tables; radius 0, 15, 31)', () => {
  for (const tables of [11, 12, 16, 24, 32]) {
    const { codes, queries } = corpus(100 + tables, 4000, 4, substringLayout(tables));
    const idx = buildIndex(codes, tables);
    for (const radius of [0, 15, 31]) {
      for (const q of queries) assert.deepEqual(idx.query(q, radius).map(key).sort(), bruteForce(codes, q, radius), `tables ${tables} radius ${radius}`);
    }
  }
});

/** A benign generated picture: colour gradients, a disc and bars (RGB, 96×64). */
function generatedPicture(): { pixels: Uint8Array; width: number; height: number } {
  const width = 96;
  const height = 64;
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const inDisc = (x - 30) ** 2 + (y - 24) ** 2 < 15 ** 2;
      const bar = x > 60 && x < 80 && y % 16 < 8;
      pixels[o] = inDisc ? 230 : (x * 255) / width;
      pixels[o + 1] = bar ? 20 : (y * 255) / height;
      pixels[o + 2] = inDisc ? 40 : 128 + ((x + y) % 32) * 3;
    }
  }
  return { pixels, width, height };
}

test('the 8 dihedral hashes of a generated picture: queryDihedral equals brute force merged over the variants', () => {
  const { pixels, width, height } = generatedPicture();
  const dih = pdqDihedralFromRgb(pixels, width, height, 3);
  const variants = PDQ_DIHEDRAL_NAMES.map((name) => dih[name]);
  assert.equal(new Set(variants).size, 8, 'the 8 dihedral hashes differ');
  const rnd = prng(8);
  const b = new PdqIndexBuilder();
  for (let i = 0; i < 15_000; i++) b.add(randomCode(rnd), i);
  // Near each variant: copies at distances 0, 12, 25, 31, 32, 40 (the first as hex, the rest packed).
  variants.forEach((hex, v) => {
    const c = packPdq(hex);
    b.add(hex, 100_000 + v * 10);
    for (const [k, d] of [12, 25, 31, 32, 40].entries()) b.add(atDistance(rnd, c, d), 100_000 + v * 10 + k + 1);
  });
  const idx = b.build();
  const codes = idx.packedCodes();
  for (const radius of [0, 12, 31]) {
    const got = idx.queryDihedral(variants, radius);
    // Brute force: best distance per entry over the 8 variants, first variant reaching it.
    const best = new Map<number, { distance: number; variant: number }>();
    variants.forEach((hex, v) => {
      for (const h of linearScan(codes, hex, radius)) {
        const prev = best.get(h.index);
        if (!prev || h.distance < prev.distance) best.set(h.index, { distance: h.distance, variant: v });
      }
    });
    assert.equal(got.length, best.size, `radius ${radius}`);
    for (const m of got) {
      assert.deepEqual({ distance: m.distance, variant: m.variant }, best.get(m.index));
      assert.equal(m.payload, idx.payloadAt(m.index));
      assert.equal(hammingDistance(idx.hashAt(m.index), variants[m.variant]!), m.distance);
    }
    // Each single variant on its own also equals brute force.
    for (const hex of variants) assert.deepEqual(idx.query(hex, radius).map(key).sort(), bruteForce(codes, packPdq(hex), radius));
    assert.ok(got.length >= (radius === 0 ? 8 : 16), `radius ${radius}: ${got.length} matches`);
  }
});

test('radius above 31 falls back to an exact linear scan', () => {
  const { codes, queries } = corpus(31, 3000, 3, substringLayout(defaultTables(3000)));
  const idx = buildIndex(codes);
  for (const q of queries) {
    for (const radius of [32, 40, 64]) {
      const got = idx.query(q, radius);
      assert.equal(idx.lastStats.linear, true);
      assert.deepEqual(got.map(key).sort(), bruteForce(codes, q, radius));
      assert.deepEqual(got, idx.linearQuery(q, radius));
    }
    idx.query(q, 31);
    assert.equal(idx.lastStats.linear, false);
    assert.ok(idx.lastStats.probes > 0);
  }
  assert.throws(() => idx.query(queries[0]!, -1), /radius/);
  assert.throws(() => idx.query(queries[0]!, 1.5), /radius/);
});

test('duplicates, input forms (hex, bytes, words), accessors, validation', () => {
  const rnd = prng(5);
  const c = randomCode(rnd);
  const hex = unpackHex(c);
  const bytes = Buffer.from(hex, 'hex');
  const b = new PdqIndexBuilder();
  b.add(hex, 1);
  b.add(bytes, 2);
  b.add(c, 3);
  b.add(hex.toUpperCase(), 0xffffffff);
  for (let i = 0; i < 100; i++) b.add(randomCode(rnd), 10 + i);
  const idx = b.build();
  const want = [1, 2, 3, 0xffffffff];
  for (const q of [hex, bytes, c]) {
    const got: PdqMatch[] = idx.query(q, 0);
    assert.deepEqual(got.map((m) => m.payload), want);
    assert.deepEqual(got.map((m) => m.index), [0, 1, 2, 3]);
  }
  assert.equal(idx.hashAt(1), hex);
  assert.throws(() => b.add('xyz', 1), /64 hex/);
  assert.throws(() => b.add(hex, -1), /uint32/);
  assert.throws(() => b.add(new Uint8Array(31), 1), /32 bytes/);
  assert.throws(() => new PdqIndexBuilder({ tables: 10 }), /tables/);
  assert.throws(() => new PdqIndexBuilder({ tables: 33 }), /tables/);
  const empty = new PdqIndexBuilder().build();
  assert.deepEqual(empty.query(hex), []);
});

test('file round trip and shared memory (in a worker thread) give identical answers', async () => {
  const { codes, queries } = corpus(77, 6000, 6, substringLayout(defaultTables(6000)));
  const idx = buildIndex(codes);
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'pdq.idx');
    await idx.writeFile(path);
    const back = await PdqIndex.readFile(path);
    assert.equal(back.byteLength, idx.byteLength);
    assert.deepEqual(new Uint8Array(back.toShared()), new Uint8Array(idx.toShared()));
    const sync = PdqIndex.readFileSync(path);
    for (const q of queries) {
      assert.deepEqual(back.query(q), idx.query(q));
      assert.deepEqual(sync.query(q, 20), idx.query(q, 20));
    }
  } finally {
    cleanup();
  }
  const shared = idx.toShared();
  assert.ok(shared instanceof SharedArrayBuffer);
  const moduleUrl = new URL('../../src/matching/pdq-index.js', import.meta.url).href;
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    import(workerData.moduleUrl).then(({ PdqIndex }) => {
      const idx = PdqIndex.fromShared(workerData.index);
      parentPort.postMessage(workerData.queries.map((q) => idx.query(q, 31)));
    });`;
  const hexQueries = queries.map((q) => unpackHex(q));
  const worker = new Worker(code, { eval: true, workerData: { moduleUrl, index: shared, queries: hexQueries } });
  const answers = await new Promise<PdqMatch[][]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.deepEqual(answers, hexQueries.map((q) => idx.query(q, 31)));
  assert.ok(answers.every((a) => a.length > 0));
});
