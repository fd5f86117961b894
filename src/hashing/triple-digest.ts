import { createHash, type Hash } from 'node:crypto';
import type { MessagePort } from 'node:worker_threads';
import type { Digests } from '../domain/entry.js';

/** MD5, SHA-1 and SHA-256 fed from the same chunks: one read of the data for all three. */
export class TripleDigest {
  private readonly md5: Hash = createHash('md5');
  private readonly sha1: Hash = createHash('sha1');
  private readonly sha256: Hash = createHash('sha256');
  bytes = 0;

  update(chunk: Uint8Array): void {
    this.md5.update(chunk);
    this.sha1.update(chunk);
    this.sha256.update(chunk);
    this.bytes += chunk.length;
  }

  digest(): Digests {
    return { md5: this.md5.digest('hex'), sha1: this.sha1.digest('hex'), sha256: this.sha256.digest('hex') };
  }
}

export type DigestAlgorithm = keyof Digests;
const ALGORITHMS: readonly DigestAlgorithm[] = ['md5', 'sha1', 'sha256'];

/**
 * The digests of one file read from disk in chunks. The reader asks for a buffer, reads into it, and hands the
 * filled part to update(); after update() the chunk may belong to another thread and must not be touched again.
 */
export interface FileDigest {
  readonly bytes: number;
  /** A buffer to read the next chunk into. */
  buffer(): Buffer | Promise<Buffer>;
  update(chunk: Buffer): void;
  /** All three digests; rejects if a helper thread computing some of them went away. */
  digest(): Promise<Digests>;
}

/** Read size of the single-thread path (large reads: the 64 KiB stream default costs 10-25 %). */
export const READ_SIZE = 1 << 20;

/**
 * Read buffers of the single-thread path, reused across files. Allocating a fresh 1 MiB buffer per file costs a
 * page fault per 4 KiB on first touch and, for 10,000 files, gigabytes of external memory for the GC to chase.
 */
const spareBuffers: Buffer[] = [];

/** All three digests computed on this thread. */
class LocalFileDigest implements FileDigest {
  private readonly triple = new TripleDigest();
  private buf: Buffer | null = null;

  get bytes(): number {
    return this.triple.bytes;
  }

  buffer(): Buffer {
    this.buf ??= spareBuffers.pop() ?? Buffer.allocUnsafe(READ_SIZE);
    return this.buf;
  }

  update(chunk: Buffer): void {
    this.triple.update(chunk);
  }

  digest(): Promise<Digests> {
    if (this.buf && spareBuffers.length < 4) spareBuffers.push(this.buf);
    this.buf = null;
    return Promise.resolve(this.triple.digest());
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Split digests: one file, read once, hashed on two threads.
//
// MD5 cannot be parallelised (each block depends on the previous one) and is the slowest of the three by far
// (OpenSSL here: MD5 ~700 MB/s, SHA-1 and SHA-256 ~1,800 MB/s each with SHA-NI), so one thread doing all three
// runs at ~400 MB/s. For a large file the reading thread computes SHA-1 + SHA-256 and hands every chunk (ArrayBuffer
// transfer, no copy) to a helper thread that computes MD5 and hands the buffer back; a small ring of buffers
// bounds the memory in flight. The slower side — MD5 on its own core — sets the pace: single-core MD5 speed.

/** Reader → helper. */
export type ToDigestHelper = { type: 'chunk'; buf: ArrayBuffer; length: number } | { type: 'end' };
/** Helper → reader. */
export type FromDigestHelper = { type: 'free'; buf: ArrayBuffer } | { type: 'digests'; digests: Partial<Digests> };

/** Algorithms the helper thread computes; the reading thread computes the others. */
export const HELPER_ALGORITHMS: readonly DigestAlgorithm[] = ['md5'];
export const SPLIT_CHUNK_SIZE = 2 << 20;
/** Buffers in flight between the two threads (memory: RING × SPLIT_CHUNK_SIZE). */
const RING = 6;

class HelperGoneError extends Error {
  readonly code = 'ECRASH';
  constructor() {
    super('the digest helper thread stopped before finishing (crashed?); digests of this file were not computed');
  }
}

class SplitFileDigest implements FileDigest {
  bytes = 0;
  private readonly local: [DigestAlgorithm, Hash][];
  private readonly free: ArrayBuffer[] = [];
  private allocated = 0;
  private waiter: { resolve: (b: ArrayBuffer) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private readonly remote: Promise<Partial<Digests>>;

  constructor(private readonly port: MessagePort) {
    this.local = ALGORITHMS.filter((a) => !HELPER_ALGORITHMS.includes(a)).map((a) => [a, createHash(a)]);
    let settle!: { resolve: (d: Partial<Digests>) => void; reject: (e: Error) => void };
    this.remote = new Promise((resolve, reject) => (settle = { resolve, reject }));
    this.remote.catch(() => undefined); // observed in digest(); a helper lost mid-read must not be "unhandled"
    port.on('message', (m: FromDigestHelper) => {
      if (m.type === 'free') {
        const w = this.waiter;
        this.waiter = null;
        if (w) w.resolve(m.buf);
        else this.free.push(m.buf);
      } else settle.resolve(m.digests);
    });
    port.once('close', () => {
      this.failure = new HelperGoneError();
      settle.reject(this.failure);
      this.waiter?.reject(this.failure);
      this.waiter = null;
    });
  }

  async buffer(): Promise<Buffer> {
    if (this.failure) throw this.failure;
    let ab = this.free.pop();
    if (!ab && this.allocated < RING) {
      this.allocated++;
      ab = new ArrayBuffer(SPLIT_CHUNK_SIZE);
    }
    ab ??= await new Promise<ArrayBuffer>((resolve, reject) => (this.waiter = { resolve, reject }));
    return Buffer.from(ab);
  }

  update(chunk: Buffer): void {
    if (this.failure) throw this.failure;
    for (const [, h] of this.local) h.update(chunk);
    this.bytes += chunk.length;
    const buf = chunk.buffer as ArrayBuffer;
    this.port.postMessage({ type: 'chunk', buf, length: chunk.length } satisfies ToDigestHelper, [buf]);
  }

  async digest(): Promise<Digests> {
    if (this.failure) throw this.failure;
    this.port.postMessage({ type: 'end' } satisfies ToDigestHelper);
    const remote = await this.remote;
    const d: Partial<Digests> = { ...remote };
    for (const [alg, h] of this.local) d[alg] = h.digest('hex');
    for (const alg of ALGORITHMS) if (typeof d[alg] !== 'string') throw new Error(`digest helper returned no ${alg}`);
    return d as Digests;
  }
}

/**
 * Helper side: hash the chunks arriving on `port` with `algorithms`, return each buffer once hashed, answer 'end'
 * with the digests. Resolves when the port closes (the reader finished, gave up, or its thread died).
 */
export function serveDigestHelper(port: MessagePort, algorithms: readonly DigestAlgorithm[] = HELPER_ALGORITHMS): Promise<void> {
  return new Promise((resolve) => {
    const hashes = algorithms.map((a) => [a, createHash(a)] as const);
    port.on('message', (m: ToDigestHelper) => {
      if (m.type === 'chunk') {
        const view = new Uint8Array(m.buf, 0, m.length);
        for (const [, h] of hashes) h.update(view);
        port.postMessage({ type: 'free', buf: m.buf } satisfies FromDigestHelper, [m.buf]);
      } else {
        const digests: Partial<Digests> = {};
        for (const [a, h] of hashes) digests[a] = h.digest('hex');
        port.postMessage({ type: 'digests', digests } satisfies FromDigestHelper);
        port.close();
      }
    });
    port.once('close', () => resolve());
  });
}

/** Helper ports given to particular file jobs by the worker that runs them (see fileDigest). */
const helpers = new WeakMap<object, MessagePort>();

/** Have the digests of `job`'s file split with the helper thread at the other end of `port`. */
export function attachDigestHelper(job: object, port: MessagePort): void {
  helpers.set(job, port);
}

/** The digest for one file job: split over two threads if a helper was attached to the job, else on this thread. */
export function fileDigest(job: object): FileDigest {
  const port = helpers.get(job);
  if (!port) return new LocalFileDigest();
  helpers.delete(job);
  return new SplitFileDigest(port);
}
