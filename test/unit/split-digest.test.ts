import assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import type { Digests, ProcessedEntry } from '../../src/domain/entry.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../../src/domain/scan-limits.js';
import { WorkerPool } from '../../src/pipeline/worker-pool.js';
import { tempDir } from '../helpers/env.js';

const tmp = tempDir('winnow-split-');
const scratchDir = join(tmp.dir, 'scratch');
const BIG = 100_000_000 + 12_345; // not a multiple of any chunk size: the last chunk is partial
let bigPath = '';
let bigDigests: Digests;

/** Write `size` random bytes and return their digests, computed here with node:crypto independently of Winnow. */
function randomFile(path: string, size: number): Digests {
  const hashes = { md5: createHash('md5'), sha1: createHash('sha1'), sha256: createHash('sha256') };
  const buf = Buffer.allocUnsafe(4 << 20);
  const fd = openSync(path, 'w');
  for (let done = 0; done < size; ) {
    const n = Math.min(buf.length, size - done);
    const chunk = randomFillSync(buf, 0, n).subarray(0, n);
    writeSync(fd, chunk);
    for (const h of Object.values(hashes)) h.update(chunk);
    done += n;
  }
  closeSync(fd);
  return { md5: hashes.md5.digest('hex'), sha1: hashes.sha1.digest('hex'), sha256: hashes.sha256.digest('hex') };
}

function job(path: string, size = statSync(path).size) {
  return { absPath: path, relPath: path.slice(tmp.dir.length + 1), depth: 0, size, times: { mtime: null, atime: null, ctime: null, birthtime: null } };
}

function newPool(size: number): WorkerPool {
  return new WorkerPool(size, { limits: DEFAULT_ARCHIVE_LIMITS, scratchDir });
}

const noMembers = (_: ProcessedEntry[]) => undefined;

/** The pool's worker threads, for the crash tests (private state, looked at from the test only). */
function slots(pool: WorkerPool): { worker: Worker; splitting: boolean; helping: number | null }[] {
  return (pool as unknown as { slots: { worker: Worker; splitting: boolean; helping: number | null }[] }).slots;
}

before(() => {
  mkdirSync(scratchDir, { recursive: true });
  bigPath = join(tmp.dir, 'big.bin');
  bigDigests = randomFile(bigPath, BIG);
});
after(() => tmp.cleanup());

test('a large file is hashed by two workers (MD5 on one, SHA-1 + SHA-256 on the other) with correct digests', async () => {
  const pool = newPool(2);
  try {
    const e = await pool.submit(job(bigPath), noMembers);
    assert.equal(e.error, null);
    assert.equal(e.size, BIG);
    assert.deepEqual(e.digests, bigDigests);
    assert.equal(e.stages.digest, 'done');
    assert.equal(pool.splitFiles, 1);
  } finally {
    await pool.close();
  }
});

test('mixed with small files: every digest is right, the large file still gets split', async () => {
  const pool = newPool(2);
  try {
    const small = Array.from({ length: 30 }, (_, i) => {
      const p = join(tmp.dir, `s${i}.bin`);
      return { path: p, digests: randomFile(p, 1 + i * 37_000) };
    });
    const results = await Promise.all([
      ...small.slice(0, 10).map((s) => pool.submit(job(s.path), noMembers)),
      pool.submit(job(bigPath), noMembers),
      ...small.slice(10).map((s) => pool.submit(job(s.path), noMembers)),
    ]);
    const expected = [...small.slice(0, 10).map((s) => s.digests), bigDigests, ...small.slice(10).map((s) => s.digests)];
    assert.deepEqual(results.map((r) => r.digests), expected);
    assert.equal(pool.splitFiles, 1);
  } finally {
    await pool.close();
  }
});

test('one worker: the large file is hashed on its own thread, same digests', async () => {
  const pool = newPool(1);
  try {
    const e = await pool.submit(job(bigPath), noMembers);
    assert.deepEqual(e.digests, bigDigests);
    assert.equal(pool.splitFiles, 0);
  } finally {
    await pool.close();
  }
});

test('a large file that vanished releases its helper; the next large file is split again', async () => {
  const pool = newPool(2);
  try {
    const gone = await pool.submit(job(join(tmp.dir, 'vanished.bin'), BIG), noMembers);
    assert.equal(gone.errorCode, 'ENOENT');
    assert.equal(gone.digests, null);
    const e = await pool.submit(job(bigPath), noMembers);
    assert.deepEqual(e.digests, bigDigests);
    assert.equal(pool.splitFiles, 2);
  } finally {
    await pool.close();
  }
});

test('the helper worker crashing fails that file (ECRASH), is replaced, and the pool goes on', async () => {
  const pool = newPool(2);
  try {
    const pending = pool.submit(job(bigPath), noMembers);
    const helper = slots(pool).find((s) => s.helping !== null);
    assert.ok(helper, 'a helper was assigned');
    await helper.worker.terminate();
    const e = await pending;
    assert.equal(e.errorCode, 'ECRASH');
    assert.equal(e.digests, null);
    assert.match(e.error ?? '', /help/);
    const again = await pool.submit(job(bigPath), noMembers);
    assert.deepEqual(again.digests, bigDigests);
    assert.equal(pool.splitFiles, 2);
  } finally {
    await pool.close();
  }
});

test('the reading worker crashing fails that file (ECRASH), frees the helper, and the pool goes on', async () => {
  const pool = newPool(2);
  try {
    const pending = pool.submit(job(bigPath), noMembers);
    const reader = slots(pool).find((s) => s.splitting);
    assert.ok(reader, 'a reader was assigned');
    await reader.worker.terminate();
    const e = await pending;
    assert.equal(e.errorCode, 'ECRASH');
    assert.equal(e.digests, null);
    // the helper notices the closed channel on its own; wait for it rather than race it
    for (let i = 0; i < 200 && slots(pool).some((s) => s.helping !== null); i++) await new Promise((r) => setTimeout(r, 10));
    const again = await pool.submit(job(bigPath), noMembers);
    assert.deepEqual(again.digests, bigDigests);
    assert.equal(pool.splitFiles, 2);
  } finally {
    await pool.close();
  }
});
