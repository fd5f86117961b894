/**
 * PDQ range search: which known hashes lie within Hamming distance r (≤ 31, the PDQ match threshold) of a query.
 * Exact multi-index hashing (MIH; Norouzi, Punjani & Fleet, TPAMI 2014), the method Meta's PDQ index uses, with
 * the table layout and probing rules of pdq-words.ts. Measured designs: shared/notes/matching-perf.md §1.
 *
 * Layout (one SharedArrayBuffer = the file format, so it crosses worker threads without a copy and loads with one
 * read): [64-byte header][codes: N × 8 uint32][payloads: N uint32][per table: offsets (2^bits + 1) uint32,
 * ids N uint32]. Each table is CSR ("compressed sparse row"): the hashes whose substring equals k are
 * ids[offsets[k] .. offsets[k+1]), built by a counting sort in O(N) per table. No hash maps, no per-hash objects.
 *
 * Tables: m = round(256 / log2 N) clamped to [11, 32] (Norouzi's rule; 11 tables of 23/24 bits at 10 M). With
 * m ≥ 11 an exact search at r ≤ 31 never needs more than 2 flips per table (277-301 probes per 23/24-bit table,
 * 2 866 per query at m = 11). `tables` can be fixed by the caller.
 *
 * Query, in three branch-light stages so that the CPU overlaps the cache misses of many probes instead of taking
 * them one after another (at 10 M the offsets arrays are 32-64 MiB each and the codes 320 MB):
 *   1. every probe key of every needed table → its [offsets[k], offsets[k+1]) range;
 *   2. the ids of those ranges → a candidate list (with the table that produced them), touching each
 *      candidate's code on the way so those misses overlap too;
 *   3. verify each candidate with the early-exit popcount distance.
 * Measured at 10 M uniform hashes, r = 31 (bench/matching-bench.ts): ~0.9 ms/query, against 1.1 ms for the same
 * code without the touching loads and ~78 ms for a linear scan; Meta's 16 × 16-bit layout in the same code:
 * 8 ms (41 K candidates per query instead of 2.9 K). Memory at 10 M: 1.27 GB (codes 320 MB, payloads 40 MB,
 * 11 tables × (ids 40 MB + offsets 32/64 MiB)).
 * Deduplication without a visited array: a hash within r of the query can be a candidate in several tables; it is
 * reported only by the first table whose substring is within that table's flip radius (a cheap check done only for
 * true matches). Non-matching duplicates are simply verified twice — rarer and cheaper than a random write per
 * candidate into an N-sized stamp array.
 *
 * Radius above 31: MIH is designed for the PDQ match range and loses to a scan at large radii (Meta measured MIH
 * at d = 63 3.4× slower than linear), so `query` with r > 31 falls back to an exact linear scan of the codes.
 * The result is still exact, just O(N).
 *
 * Why our own code: faiss (`IndexBinaryMultiHash`, what Meta's python-threatexchange uses) is a native
 * dependency and took 17 ms/query at 10 M on this machine in the notes (unordered_map buckets); the npm packages
 * are approximate (HNSW) or per-pair distance helpers.
 */
import { HEADER_BYTES, align8, initHeader, openHeader, type IndexBuffer } from './index-header.js';
import { readSharedFile, readSharedFileSync, writeBytesFile, writeBytesFileSync } from './index-file.js';
import { linearScan } from './pdq-linear-scan.js';
import {
  PDQ_MIH_MAX_RADIUS,
  PDQ_WORDS,
  defaultTables,
  distanceWithin,
  packInto,
  pigeonholeFlips,
  popcount32,
  substringKey,
  substringLayout,
  unpackHex,
  type PdqHashInput,
  type SubstringLayout,
} from './pdq-words.js';

const MAGIC = 'WNWPDQIX';
const VERSION = 1;
const H_COUNT = 4;
const H_TABLES = 5;
const H_BYTES_LO = 6;
const H_BYTES_HI = 7;
/** Header bytes 32..63 hold the bit length of each table (≤ 32 tables). */
const H_BITS_BYTE = 32;

export { PDQ_MIH_MAX_RADIUS };
const CHUNK = 1 << 16;
const MAX_ENTRIES = 0xffffffff;

export interface PdqIndexOptions {
  /** Number of MIH tables, 11..32. Default: round(256 / log2 N) clamped to that range. */
  tables?: number;
}

export interface PdqMatch {
  /** The payload given to `add` (e.g. a label or hash-set entry id). */
  payload: number;
  distance: number;
  /** Position of the entry in the index (0 ≤ index < size), in the order entries were added. */
  index: number;
}

export interface PdqDihedralMatch extends PdqMatch {
  /** Which of the query hashes (position in the array passed to queryDihedral) gave the smallest distance. */
  variant: number;
}

/** Work done by the last query (for benchmarks and tuning). */
export interface PdqQueryStats {
  probes: number;
  candidates: number;
  linear: boolean;
}

function checkPayload(payload: number): void {
  if (!Number.isInteger(payload) || payload < 0 || payload > 0xffffffff) {
    throw new RangeError(`pdq index: payload must be a uint32, got ${payload}`);
  }
}

function checkRadius(radius: number): void {
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`pdq index: radius must be a non-negative integer, got ${radius}`);
}

interface Chunk {
  codes: Uint32Array;
  payloads: Uint32Array;
}

/** Accumulates (PDQ hash, payload) pairs; `build()` makes the PdqIndex. */
export class PdqIndexBuilder {
  private readonly options: PdqIndexOptions;
  private chunks: Chunk[] = [];
  private fill = CHUNK;
  private total = 0;

  constructor(options: PdqIndexOptions = {}) {
    if (options.tables !== undefined) substringLayout(options.tables); // validates
    this.options = options;
  }

  get size(): number {
    return this.total;
  }

  /** Add a hash (64 hex, 32 bytes big-endian, or 8 packed words) with a uint32 payload. */
  add(hash: PdqHashInput, payload: number): void {
    checkPayload(payload);
    const c = this.slot();
    packInto(hash, c.codes, this.fill * PDQ_WORDS);
    c.payloads[this.fill++] = payload;
    this.total++;
  }

  /** Add the hash at `words[offset .. offset + 8)` (packed lists; no subarray per entry). */
  addPacked(words: Uint32Array, offset: number, payload: number): void {
    checkPayload(payload);
    if (offset < 0 || offset + PDQ_WORDS > words.length) throw new RangeError(`pdq index: no hash at word offset ${offset}`);
    const c = this.slot();
    const o = this.fill * PDQ_WORDS;
    for (let j = 0; j < PDQ_WORDS; j++) c.codes[o + j] = words[offset + j]!;
    c.payloads[this.fill++] = payload;
    this.total++;
  }

  private slot(): Chunk {
    if (this.total === MAX_ENTRIES) throw new RangeError('pdq index: more than 2^32 - 1 entries');
    if (this.fill === CHUNK) {
      this.chunks.push({ codes: new Uint32Array(CHUNK * PDQ_WORDS), payloads: new Uint32Array(CHUNK) });
      this.fill = 0;
    }
    return this.chunks[this.chunks.length - 1]!;
  }

  /** Build the index into one SharedArrayBuffer. The builder is emptied and can be reused. */
  build(): PdqIndex {
    const n = this.total;
    const layout = substringLayout(this.options.tables ?? defaultTables(n));
    const geo = geometry(n, layout);
    const buf = new SharedArrayBuffer(geo.byteLength);
    const h = initHeader(buf, MAGIC, VERSION);
    h[H_COUNT] = n;
    h[H_TABLES] = layout.tables;
    h[H_BYTES_LO] = geo.byteLength % 2 ** 32;
    h[H_BYTES_HI] = Math.floor(geo.byteLength / 2 ** 32);
    new Uint8Array(buf, H_BITS_BYTE, layout.tables).set(layout.bits);

    const codes = new Uint32Array(buf, geo.codes, n * PDQ_WORDS);
    const payloads = new Uint32Array(buf, geo.payloads, n);
    for (let c = 0, at = 0; c < this.chunks.length; c++) {
      const m = c === this.chunks.length - 1 ? this.fill : CHUNK;
      const chunk = this.chunks[c]!;
      codes.set(chunk.codes.subarray(0, m * PDQ_WORDS), at * PDQ_WORDS);
      payloads.set(chunk.payloads.subarray(0, m), at);
      at += m;
      this.chunks[c] = { codes: new Uint32Array(0), payloads: new Uint32Array(0) }; // release as we go
    }
    this.chunks = [];
    this.fill = CHUNK;
    this.total = 0;

    for (let t = 0; t < layout.tables; t++) {
      const bits = layout.bits[t]!;
      buildTable(codes, n, layout.start[t]!, bits,
        new Uint32Array(buf, geo.offsets[t]!, 2 ** bits + 1), new Uint32Array(buf, geo.ids[t]!, n));
    }
    return new PdqIndex(buf);
  }
}

interface Geometry {
  codes: number;
  payloads: number;
  offsets: number[];
  ids: number[];
  byteLength: number;
}

function geometry(n: number, layout: SubstringLayout): Geometry {
  const codes = HEADER_BYTES;
  const payloads = align8(codes + n * PDQ_WORDS * 4);
  let at = align8(payloads + n * 4);
  const offsets: number[] = [];
  const ids: number[] = [];
  for (let t = 0; t < layout.tables; t++) {
    offsets.push(at);
    at = align8(at + (2 ** layout.bits[t]! + 1) * 4);
    ids.push(at);
    at = align8(at + n * 4);
  }
  return { codes, payloads, offsets, ids, byteLength: at };
}

/**
 * CSR table by counting sort: offsets[k] = inclusive prefix count (end of bucket k), then a reverse scatter
 * `ids[--offsets[k]] = i` leaves offsets[k] = start of bucket k with ids ascending inside each bucket.
 */
function buildTable(codes: Uint32Array, n: number, start: number, bits: number, offsets: Uint32Array, ids: Uint32Array): void {
  const buckets = 2 ** bits;
  for (let i = 0, o = 0; i < n; i++, o += PDQ_WORDS) offsets[substringKey(codes, o, start, bits)]!++;
  let sum = 0;
  for (let k = 0; k < buckets; k++) {
    sum += offsets[k]!;
    offsets[k] = sum;
  }
  for (let i = n - 1, o = (n - 1) * PDQ_WORDS; i >= 0; i--, o -= PDQ_WORDS) {
    ids[--offsets[substringKey(codes, o, start, bits)]!] = i;
  }
  offsets[buckets] = n;
}

/** A built, read-only PDQ multi-index. Never writes to its buffer, so one buffer can serve many threads. */
export class PdqIndex {
  readonly size: number;
  readonly layout: SubstringLayout;
  private readonly buffer: IndexBuffer;
  private readonly codes: Uint32Array;
  private readonly payloads: Uint32Array;
  private readonly offsets: Uint32Array[];
  private readonly ids: Uint32Array[];
  private readonly flipsByRadius: Int8Array[] = [];
  // Per-query scratch (an index instance is used by one thread at a time; JS has no preemption inside a call).
  private readonly q = new Uint32Array(PDQ_WORDS);
  private readonly qKeys: Uint32Array;
  private probeLo = new Uint32Array(4096);
  private probeHi = new Uint32Array(4096);
  private probeTable = new Uint8Array(4096);
  private cand = new Uint32Array(8192);
  private candTable = new Uint8Array(8192);
  /** Written by search so the engine keeps the cache-warming loads. */
  private sink = 0;
  /** Work done by the last query. */
  lastStats: PdqQueryStats = { probes: 0, candidates: 0, linear: false };

  constructor(buffer: IndexBuffer) {
    const what = 'pdq index';
    const h = openHeader(buffer, MAGIC, VERSION, what);
    const n = h[H_COUNT]!;
    const layout = substringLayout(h[H_TABLES]!);
    const bits = new Uint8Array(buffer, H_BITS_BYTE, layout.tables);
    for (let t = 0; t < layout.tables; t++) {
      if (bits[t] !== layout.bits[t]) throw new Error(`${what}: table ${t} has ${bits[t]} bits, expected ${layout.bits[t]}`);
    }
    const geo = geometry(n, layout);
    const declared = h[H_BYTES_LO]! + h[H_BYTES_HI]! * 2 ** 32;
    if (declared !== geo.byteLength || buffer.byteLength < geo.byteLength) {
      throw new Error(`${what}: inconsistent header or truncated image (${buffer.byteLength} bytes, expected ${geo.byteLength})`);
    }
    this.buffer = buffer;
    this.size = n;
    this.layout = layout;
    this.codes = new Uint32Array(buffer, geo.codes, n * PDQ_WORDS);
    this.payloads = new Uint32Array(buffer, geo.payloads, n);
    this.offsets = layout.bits.map((b, t) => new Uint32Array(buffer, geo.offsets[t]!, 2 ** b + 1));
    this.ids = layout.bits.map((_b, t) => new Uint32Array(buffer, geo.ids[t]!, n));
    for (let t = 0; t < layout.tables; t++) {
      if (this.offsets[t]![2 ** layout.bits[t]!] !== n) throw new Error(`${what}: corrupt table ${t}`);
    }
    this.qKeys = new Uint32Array(layout.tables);
  }

  /** Bytes of the whole index image. */
  get byteLength(): number {
    return this.buffer.byteLength;
  }

  /** Number of MIH tables. */
  get tables(): number {
    return this.layout.tables;
  }

  /** Payload of entry `i`. */
  payloadAt(i: number): number {
    if (i < 0 || i >= this.size) throw new RangeError(`pdq index: entry ${i} out of range`);
    return this.payloads[i]!;
  }

  /** Hex hash of entry `i`. */
  hashAt(i: number): string {
    if (i < 0 || i >= this.size) throw new RangeError(`pdq index: entry ${i} out of range`);
    return unpackHex(this.codes, i * PDQ_WORDS);
  }

  /** The packed codes (N × 8 words), read-only by contract: for linear scans and clustering. */
  packedCodes(): Uint32Array {
    return this.codes;
  }

  /**
   * Every entry within `radius` (default 31) of `hash`, sorted by distance then entry index. Exact: MIH for
   * radius ≤ 31, linear scan above.
   */
  query(hash: PdqHashInput, radius = PDQ_MIH_MAX_RADIUS): PdqMatch[] {
    checkRadius(radius);
    packInto(hash, this.q, 0);
    const out: PdqMatch[] = [];
    this.search(radius, (index, distance) => out.push({ payload: this.payloads[index]!, distance, index }));
    return out.sort((a, b) => a.distance - b.distance || a.index - b.index);
  }

  /**
   * Query several hashes of one picture (typically its 8 dihedral PDQ hashes, `pdqDihedralFromRgb`) and merge:
   * each matching entry once, with the smallest distance over the variants and the first variant reaching it.
   */
  queryDihedral(hashes: readonly PdqHashInput[], radius = PDQ_MIH_MAX_RADIUS): PdqDihedralMatch[] {
    checkRadius(radius);
    const best = new Map<number, PdqDihedralMatch>();
    hashes.forEach((hash, variant) => {
      packInto(hash, this.q, 0);
      this.search(radius, (index, distance) => {
        const prev = best.get(index);
        if (prev === undefined || distance < prev.distance) {
          best.set(index, { payload: this.payloads[index]!, distance, index, variant });
        }
      });
    });
    return [...best.values()].sort((a, b) => a.distance - b.distance || a.index - b.index);
  }

  /** The linear-scan baseline over the same entries (exact, O(N)); same result format as `query`. */
  linearQuery(hash: PdqHashInput, radius = PDQ_MIH_MAX_RADIUS): PdqMatch[] {
    checkRadius(radius);
    return linearScan(this.codes, hash, radius, this.size)
      .map((h) => ({ payload: this.payloads[h.index]!, distance: h.distance, index: h.index }))
      .sort((a, b) => a.distance - b.distance || a.index - b.index);
  }

  private flips(radius: number): Int8Array {
    let f = this.flipsByRadius[radius];
    if (f === undefined) {
      f = Int8Array.from(pigeonholeFlips(this.layout.tables, radius));
      this.flipsByRadius[radius] = f;
    }
    return f;
  }

  /** Calls onHit(entry, distance) once per entry within radius of this.q. */
  private search(radius: number, onHit: (index: number, distance: number) => void): void {
    const q = this.q;
    const codes = this.codes;
    if (radius > PDQ_MIH_MAX_RADIUS) {
      for (let i = 0, o = 0; i < this.size; i++, o += PDQ_WORDS) {
        const d = distanceWithin(q, 0, codes, o, radius);
        if (d <= radius) onHit(i, d);
      }
      this.lastStats = { probes: 0, candidates: this.size, linear: true };
      return;
    }
    const { tables, bits, start } = this.layout;
    const flips = this.flips(radius);
    const qKeys = this.qKeys;
    for (let t = 0; t < tables; t++) qKeys[t] = substringKey(q, 0, start[t]!, bits[t]!);

    // Stage 1: probe ranges.
    let probes = 0;
    for (let t = 0; t < tables; t++) {
      const f = flips[t]!;
      if (f < 0) continue;
      const L = bits[t]!;
      const need = probes + 1 + (f >= 1 ? L : 0) + (f >= 2 ? (L * (L - 1)) / 2 : 0);
      if (need > this.probeLo.length) this.growProbes(need);
      const lo = this.probeLo;
      const hi = this.probeHi;
      const pt = this.probeTable;
      const off = this.offsets[t]!;
      const k = qKeys[t]!;
      lo[probes] = off[k]!;
      hi[probes] = off[k + 1]!;
      pt[probes++] = t;
      if (f >= 1) {
        for (let i = 0; i < L; i++) {
          const ki = (k ^ (1 << i)) >>> 0;
          lo[probes] = off[ki]!;
          hi[probes] = off[ki + 1]!;
          pt[probes++] = t;
          if (f >= 2) {
            for (let j = 0; j < i; j++) {
              const kj = (ki ^ (1 << j)) >>> 0;
              lo[probes] = off[kj]!;
              hi[probes] = off[kj + 1]!;
              pt[probes++] = t;
            }
          }
        }
      }
    }

    // Stage 2: candidates (touching each candidate's code so those misses overlap too).
    let nc = 0;
    let touched = 0;
    for (let p = 0; p < probes; p++) {
      const a = this.probeLo[p]!;
      const b = this.probeHi[p]!;
      if (a === b) continue;
      if (nc + (b - a) > this.cand.length) this.growCandidates(nc + (b - a));
      const ids = this.ids[this.probeTable[p]!]!;
      const cand = this.cand;
      const ct = this.candTable;
      const t = this.probeTable[p]!;
      for (let i = a; i < b; i++) {
        const id = ids[i]!;
        touched ^= codes[id * PDQ_WORDS]!;
        cand[nc] = id;
        ct[nc++] = t;
      }
    }
    this.sink = touched;

    // Stage 3: verify; report each match from the first table that can see it.
    const cand = this.cand;
    const ct = this.candTable;
    for (let c = 0; c < nc; c++) {
      const id = cand[c]!;
      const o = id * PDQ_WORDS;
      const d = distanceWithin(q, 0, codes, o, radius);
      if (d > radius) continue;
      const t = ct[c]!;
      let first = true;
      for (let u = 0; u < t; u++) {
        const f = flips[u]!;
        if (f >= 0 && popcount32((qKeys[u]! ^ substringKey(codes, o, start[u]!, bits[u]!)) >>> 0) <= f) {
          first = false;
          break;
        }
      }
      if (first) onHit(id, d);
    }
    this.lastStats = { probes, candidates: nc, linear: false };
  }

  private growProbes(need: number): void {
    const n = Math.max(need, this.probeLo.length * 2);
    const lo = new Uint32Array(n);
    const hi = new Uint32Array(n);
    const pt = new Uint8Array(n);
    lo.set(this.probeLo);
    hi.set(this.probeHi);
    pt.set(this.probeTable);
    this.probeLo = lo;
    this.probeHi = hi;
    this.probeTable = pt;
  }

  private growCandidates(need: number): void {
    const n = Math.max(need, this.cand.length * 2);
    const c = new Uint32Array(n);
    const t = new Uint8Array(n);
    c.set(this.cand);
    t.set(this.candTable);
    this.cand = c;
    this.candTable = t;
  }

  /** The buffer holding the whole index; open it in a worker with `fromShared` (no copy). */
  toShared(): IndexBuffer {
    return this.buffer;
  }

  static fromShared(buffer: IndexBuffer): PdqIndex {
    return new PdqIndex(buffer);
  }

  /** Save the index image (atomic: temp file + rename). */
  async writeFile(path: string): Promise<void> {
    await writeBytesFile(path, new Uint8Array(this.buffer));
  }

  writeFileSync(path: string): void {
    writeBytesFileSync(path, new Uint8Array(this.buffer));
  }

  /** Load an index file: one read into a SharedArrayBuffer, header check, no parsing. */
  static async readFile(path: string): Promise<PdqIndex> {
    return new PdqIndex(await readSharedFile(path));
  }

  static readFileSync(path: string): PdqIndex {
    return new PdqIndex(readSharedFileSync(path));
  }
}
