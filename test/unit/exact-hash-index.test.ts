/**
 * ExactHashIndex (src/matching/exact-hash-index.ts) against a Map reference on seeded random digests: all three
 * widths, duplicates, misses, one-byte-off neighbours, odd directory sizes, skewed buckets, file and
 * worker-thread (SharedArrayBuffer) round trips.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ExactHashIndex, ExactHashIndexBuilder, defaultPrefixBits, keyBytesFor } from '../../src/matching/exact-hash-index.js';
import { tempDir } from '../helpers/env.js';
import { prng } from '../helpers/prng.js';


function randomKey(rnd: () => number, width: number): Uint8Array {
  const k = new Uint8Array(width);
  for (let i = 0; i < width; i++) k[i] = rnd() & 0xff;
  return k;
}

const hex = (k: Uint8Array): string => Buffer.from(k).toString('hex');

interface Fixture {
  index: ExactHashIndex;
  /** hex -> payloads in insertion order */
  ref: Map<string, number[]>;
  keys: Uint8Array[];
}

function buildFixture(width: number, n: number, seed: number, prefixBits?: number, keyOf?: (i: number) => Uint8Array): Fixture {
  const rnd = prng(seed);
  const b = new ExactHashIndexBuilder(width, prefixBits === undefined ? {} : { prefixBits });
  const ref = new Map<string, number[]>();
  const keys: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    // Every 17th entry repeats an earlier digest (duplicates with their own payloads).
    const key = keyOf ? keyOf(i) : i % 17 === 16 && keys.length > 0 ? keys[rnd() % keys.length]! : randomKey(rnd, width);
    const payload = rnd() >>> 1; // < 2^31 so the worker test can return payloads in an Int32Array
    b.add(key, payload);
    keys.push(key);
    const h = hex(key);
    const list = ref.get(h);
    if (list) list.push(payload);
    else ref.set(h, [payload]);
  }
  assert.equal(b.size, n);
  const index = b.build();
  assert.equal(b.size, 0, 'builder is emptied by build()');
  return { index, ref, keys };
}

function checkAgainstReference(f: Fixture, width: number, seed: number): void {
  const { index, ref, keys } = f;
  assert.equal(index.size, keys.length);
  assert.equal(index.keyBytes, width);
  // Every present digest: all payloads, in insertion order; find/findMany agree.
  for (const [h, payloads] of ref) {
    const key = Buffer.from(h, 'hex');
    assert.deepEqual(index.lookup(key), payloads, h);
    assert.equal(index.lookupFirst(key), payloads[0]);
    assert.equal(index.count(key), payloads.length);
    assert.ok(index.has(key));
  }
  // Misses: random digests, and every present digest with one byte changed (each position, incl. the prefix
  // bytes folded into the directory and the last byte).
  const rnd = prng(seed ^ 0x5bd1e995);
  const probes: Uint8Array[] = [];
  for (let i = 0; i < 2000; i++) probes.push(randomKey(rnd, width));
  for (let i = 0; i < 3000; i++) {
    const k = Uint8Array.from(keys[rnd() % keys.length]!);
    const pos = i < width * 4 ? i % width : rnd() % width;
    k[pos] = (k[pos]! + 1 + (rnd() % 255)) & 0xff;
    probes.push(k);
  }
  let misses = 0;
  for (const k of probes) {
    const expected = ref.get(hex(k)) ?? [];
    if (expected.length === 0) misses++;
    assert.deepEqual(index.lookup(k), expected);
    assert.equal(index.has(k), expected.length > 0);
    assert.equal(index.find(k) >= 0, expected.length > 0);
  }
  assert.ok(misses > 4900, `neighbours and random keys are misses (${misses})`);

  // Batch lookups agree with single lookups (hits and misses mixed, in one packed buffer).
  const all = [...keys.slice(0, 3000), ...probes];
  const packed = new Uint8Array(all.length * width);
  all.forEach((k, i) => packed.set(k, i * width));
  const out = new Int32Array(all.length);
  const found = index.findMany(packed, out);
  let expectFound = 0;
  all.forEach((k, i) => {
    assert.equal(out[i], index.find(k), `findMany[${i}]`);
    if (out[i]! >= 0) expectFound++;
  });
  assert.equal(found, expectFound);
  // find via offset into a packed buffer.
  assert.equal(index.find(packed, 5 * width), index.find(all[5]!));

  // Sorted iteration reproduces the reference: keys ascending, duplicates in insertion order.
  const sortedRef = [...ref.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([h, ps]) => ps.map((p) => `${h}:${p}`));
  const listed: string[] = [];
  for (let i = 0; i < index.size; i++) listed.push(`${hex(index.keyAt(i))}:${index.payloadAt(i)}`);
  assert.deepEqual(listed, sortedRef);
  const dump = index.copySortedKeys(new Uint8Array(index.size * width));
  for (let i = 0; i < index.size; i += 7) assert.equal(`${hex(dump.subarray(i * width, (i + 1) * width))}:${index.payloadAt(i)}`, sortedRef[i]);
  const part = index.copySortedKeys(new Uint8Array(50 * width), 1000, 50);
  assert.deepEqual(part, dump.subarray(1000 * width, 1050 * width));
}

for (const [name, width] of [['MD5', 16], ['SHA-1', 20], ['SHA-256', 32]] as const) {
  test(`${name}: lookups match a Map reference (hits, duplicates, misses, one-byte-off neighbours)`, () => {
    const f = buildFixture(width, 30_000, width * 1000 + 1);
    checkAgainstReference(f, width, width);
  });
}

test('directory sizes: not a multiple of 8 bits, the minimum, and the default rule', () => {
  for (const p of [8, 13, 17, 24]) {
    const f = buildFixture(16, 5000, 77 + p, p);
    assert.equal(f.index.prefixBits, p);
    checkAgainstReference(f, 16, p);
  }
  assert.equal(defaultPrefixBits(0), 8);
  assert.equal(defaultPrefixBits(50_000_000), 24);
  assert.equal(buildFixture(20, 1000, 5).index.prefixBits, defaultPrefixBits(1000));
});

test('skewed digests (one huge bucket, long duplicate runs) fall back to binary search correctly', () => {
  const rnd = prng(99);
  // All keys share their first 3 bytes: one bucket holds everything; a third of them are the same digest.
  const same = randomKey(rnd, 16);
  same[0] = 0xab; same[1] = 0xcd; same[2] = 0xef;
  const f = buildFixture(16, 6000, 3, undefined, (i) => {
    if (i % 3 === 0) return same;
    const k = randomKey(rnd, 16);
    k[0] = 0xab; k[1] = 0xcd; k[2] = 0xef;
    return k;
  });
  checkAgainstReference(f, 16, 3);
  assert.equal(f.index.count(same), 2000);
});

test('hex lookups, empty index, input validation', () => {
  const b = new ExactHashIndexBuilder(keyBytesFor('sha1'));
  b.addHex('DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 7);
  b.addHex('da39a3ee5e6b4b0d3255bfef95601890afd80709', 0xffffffff);
  const idx = b.build();
  assert.deepEqual(idx.lookupHex('da39a3ee5e6b4b0d3255bfef95601890afd80709'), [7, 0xffffffff]);
  assert.ok(idx.hasHex(' DA39A3EE5E6B4B0D3255BFEF95601890AFD80709 '));
  assert.ok(!idx.hasHex('da39a3ee5e6b4b0d3255bfef95601890afd80708'));
  assert.throws(() => idx.lookupHex('da39'), /40 hex characters/);
  assert.throws(() => idx.find(new Uint8Array(16)), /20 bytes/);
  assert.throws(() => b.add(new Uint8Array(19), 1), /20 bytes/);
  assert.throws(() => b.add(new Uint8Array(20), -1), /uint32/);
  assert.throws(() => b.add(new Uint8Array(20), 2 ** 32), /uint32/);
  assert.throws(() => new ExactHashIndexBuilder(3), /key width/);
  assert.throws(() => new ExactHashIndexBuilder(16, { prefixBits: 25 }), /prefixBits/);

  const empty = new ExactHashIndexBuilder(16).build();
  assert.equal(empty.size, 0);
  assert.deepEqual(empty.lookup(new Uint8Array(16)), []);
  assert.equal(empty.findMany(new Uint8Array(32), new Int32Array(2)), 0);
});

test('MD5 at 2^20 entries stays within 20 bytes per entry (directory included)', () => {
  const rnd = prng(2024);
  const n = 1 << 20;
  const packed = new Uint8Array(n * 16);
  for (let i = 0; i < packed.length; i += 4) {
    const v = rnd();
    packed[i] = v; packed[i + 1] = v >>> 8; packed[i + 2] = v >>> 16; packed[i + 3] = v >>> 24;
  }
  const b = new ExactHashIndexBuilder(16);
  for (let i = 0; i < n; i++) b.addFrom(packed, i * 16, i);
  const idx = b.build();
  assert.ok(idx.bytesPerEntry <= 20, `bytes per entry ${idx.bytesPerEntry}`);
  const out = new Int32Array(n);
  assert.equal(idx.findMany(packed, out), n);
  for (let i = 0; i < n; i += 997) assert.equal(idx.payloadAt(out[i]!), i);
});

test('file round trip: writeFile/readFile give an identical index; damaged files are refused', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const f = buildFixture(20, 8000, 11);
    const path = join(dir, 'sha1.idx');
    await f.index.writeFile(path);
    const back = await ExactHashIndex.readFile(path);
    assert.ok(back.toShared() instanceof SharedArrayBuffer);
    assert.equal(back.byteLength, f.index.byteLength);
    assert.deepEqual(new Uint8Array(back.toShared()), new Uint8Array(f.index.toShared()));
    checkAgainstReference({ ...f, index: back }, 20, 11);
    const sync = ExactHashIndex.readFileSync(path);
    assert.equal(sync.size, f.index.size);

    const bytes = readFileSync(path);
    writeFileSync(join(dir, 'short.idx'), bytes.subarray(0, bytes.length - 100));
    await assert.rejects(ExactHashIndex.readFile(join(dir, 'short.idx')), /truncated/);
    const bad = Buffer.from(bytes);
    bad[0] = 0x58;
    writeFileSync(join(dir, 'magic.idx'), bad);
    assert.throws(() => ExactHashIndex.readFileSync(join(dir, 'magic.idx')), /not a WNWEXHIX index/);
    const ver = Buffer.from(bytes);
    ver.writeUInt32LE(99, 8);
    writeFileSync(join(dir, 'ver.idx'), ver);
    assert.throws(() => ExactHashIndex.readFileSync(join(dir, 'ver.idx')), /version 99/);
  } finally {
    cleanup();
  }
});

test('shared memory: a worker thread opens the index with fromShared (no copy) and gets the same answers', async () => {
  const f = buildFixture(16, 20_000, 21);
  const shared = f.index.toShared();
  assert.ok(shared instanceof SharedArrayBuffer);
  const rnd = prng(4242);
  const q = 4000;
  const queries = new Uint8Array(new SharedArrayBuffer(q * 16));
  for (let i = 0; i < q; i++) queries.set(i % 2 === 0 ? f.keys[rnd() % f.keys.length]! : randomKey(rnd, 16), i * 16);
  const results = new Int32Array(new SharedArrayBuffer(q * 4));
  const moduleUrl = new URL('../../src/matching/exact-hash-index.js', import.meta.url).href;
  // An eval'd worker is CommonJS: the ESM module is loaded with a dynamic import.
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    import(workerData.moduleUrl).then(({ ExactHashIndex }) => {
      const idx = ExactHashIndex.fromShared(workerData.index);
      const keys = new Uint8Array(workerData.queries);
      const out = new Int32Array(workerData.results);
      for (let i = 0; i < out.length; i++) out[i] = idx.lookupFirst(keys, i * 16);
      parentPort.postMessage({ size: idx.size, shared: workerData.index instanceof SharedArrayBuffer });
    });`;
  const worker = new Worker(code, {
    eval: true,
    workerData: { moduleUrl, index: shared, queries: queries.buffer, results: results.buffer },
  });
  const reply = await new Promise<{ size: number; shared: boolean }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.deepEqual(reply, { size: f.index.size, shared: true });
  let hits = 0;
  for (let i = 0; i < q; i++) {
    assert.equal(results[i], f.index.lookupFirst(queries, i * 16), `query ${i}`);
    if (results[i]! >= 0) hits++;
  }
  assert.ok(hits >= q / 2, `${hits} hits`);
});
