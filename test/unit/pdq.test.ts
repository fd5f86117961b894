/**
 * PDQ conformance against facebook/ThreatExchange reference data (shared/refdata/pdq, see its SOURCE.md).
 * The refdata folder is required: if it is missing these tests fail (they never skip).
 *
 * Pipelines behind the expected values (shared/notes/pdq-hma.md §1.10):
 *  - REFERENCE-OUTPUT-cpp*.{tsv,csv}: the C++ reference built locally, ImageMagick decoder, two builds
 *    (full resolution = what HMA/pytx compute; and the CLI's 512x512 nearest-neighbour pre-scale).
 *  - EXPECTED.tsv: every hash stated in the upstream repo, from several pipelines (some unreproducible).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  hammingDistance,
  pdqDihedralFromRgb,
  pdqFromRgb,
  PDQ_DIHEDRAL_NAMES,
  type PdqDihedralResult,
  type PdqResult,
} from '../../src/hashing/pdq.js';
import {
  decodeForPdq,
  pdqDihedralHashImage,
  pdqHashImage,
  type PdqDecodeOptions,
  type PdqPixels,
} from '../../src/adapters/pdq-image-decoder.js';

// dist/test/unit/ -> /work/shared/refdata/pdq/
const REFDATA_URL = new URL('../../../../shared/refdata/pdq/', import.meta.url);
const REFDATA = fileURLToPath(REFDATA_URL);
const I16 = 'python-threatexchange/threatexchange/tests/hashing/resources/I16.png';
const LA_NOISE = 'python-threatexchange/threatexchange/tests/hashing/resources/LA.png';

function refPath(rel: string): string {
  return fileURLToPath(new URL(rel, REFDATA_URL));
}

function readTable(name: string, sep: string): string[][] {
  return readFileSync(refPath(name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split(sep));
}

type Dihedral = (typeof PDQ_DIHEDRAL_NAMES)[number];
type Pixels = Pick<PdqPixels, 'data' | 'width' | 'height' | 'channels'>;

/** CImg `resize(512, 512)` (interpolation 1 = nearest neighbour) as the C++ CLI does when a side exceeds 512. */
function cliPrescale(p: Pixels): Pixels {
  const { data, width: w, height: h, channels: c } = p;
  if (w <= 512 && h <= 512) return p;
  const out = new Uint8Array(512 * 512 * c);
  for (let y = 0; y < 512; y++) {
    const sy = Math.floor((y * h) / 512);
    for (let x = 0; x < 512; x++) {
      const sx = Math.floor((x * w) / 512);
      for (let k = 0; k < c; k++) out[(y * 512 + x) * c + k] = data[(sy * w + sx) * c + k]!;
    }
  }
  return { data: out, width: 512, height: 512, channels: c };
}

/** Exact pixel rotations/flips as python-threatexchange's PhotoContent (PIL transpose; PNG re-save is lossless). */
function transformPixels(p: Pixels, op: string): Pixels {
  const { width: w, height: h, channels: c } = p;
  const swap = op === 'ROTATE90' || op === 'ROTATE270' || op === 'FLIPPLUS1' || op === 'FLIPMINUS1';
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  // source pixel (sx, sy) of output pixel (x, y)
  const src: Record<string, (x: number, y: number) => [number, number]> = {
    ORIGINAL: (x, y) => [x, y],
    ROTATE90: (x, y) => [w - 1 - y, x], // PIL rotate(90): counter-clockwise
    ROTATE180: (x, y) => [w - 1 - x, h - 1 - y],
    ROTATE270: (x, y) => [y, h - 1 - x],
    FLIPX: (x, y) => [x, h - 1 - y], // FLIP_TOP_BOTTOM
    FLIPY: (x, y) => [w - 1 - x, y], // FLIP_LEFT_RIGHT
    FLIPPLUS1: (x, y) => [y, x], // ROTATE_270 then FLIP_LEFT_RIGHT = transpose
    FLIPMINUS1: (x, y) => [w - 1 - y, h - 1 - x], // ROTATE_90 then FLIP_LEFT_RIGHT = anti-transpose
  };
  const f = src[op];
  if (!f) throw new Error(`unknown rotation ${op}`);
  const out = new Uint8Array(ow * oh * c);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const [sx, sy] = f(x, y);
      for (let k = 0; k < c; k++) out[(y * ow + x) * c + k] = p.data[(sy * w + sx) * c + k]!;
    }
  }
  return { data: out, width: ow, height: oh, channels: c };
}

/** pytx PhotoContent.unletterbox crop (Pillow 'L' = ITU-R 601 integer luma, rows/cols entirely < threshold). */
function unletterbox(p: Pixels, threshold: number): Pixels {
  const { width: w, height: h, channels: c } = p;
  const lum = (x: number, y: number): number => {
    const i = (y * w + x) * c;
    if (c === 1) return p.data[i]!;
    return (p.data[i]! * 19595 + p.data[i + 1]! * 38470 + p.data[i + 2]! * 7471 + 0x8000) >> 16;
  };
  const rowBlack = (y: number): boolean => { for (let x = 0; x < w; x++) if (lum(x, y) >= threshold) return false; return true; };
  const colBlack = (x: number): boolean => { for (let y = 0; y < h; y++) if (lum(x, y) >= threshold) return false; return true; };
  let top = 0; while (top < h && rowBlack(top)) top++;
  let bottom = h; while (bottom > top && rowBlack(bottom - 1)) bottom--;
  let left = 0; while (left < w && colBlack(left)) left++;
  let right = w; while (right > left && colBlack(right - 1)) right--;
  const ow = right - left;
  const oh = bottom - top;
  const out = new Uint8Array(ow * oh * c);
  for (let y = 0; y < oh; y++) {
    out.set(p.data.subarray(((y + top) * w + left) * c, ((y + top) * w + right) * c), y * ow * c);
  }
  return { data: out, width: ow, height: oh, channels: c };
}

interface Hashed {
  full: PdqResult;
  cli: PdqResult;
  dihFull: PdqDihedralResult;
  dihCli: PdqDihedralResult;
  pixels: Pixels;
}

const hashCache = new Map<string, Promise<Hashed>>();
/** Decode once, hash at full resolution and with the CLI pre-scale (memoised; pixels kept only for LA/letterbox). */
function hashed(rel: string, options: PdqDecodeOptions = {}): Promise<Hashed> {
  const key = `${rel}|${JSON.stringify(options)}`;
  let v = hashCache.get(key);
  if (!v) {
    v = decodeForPdq(refPath(rel), options).then((p) => {
      const c = cliPrescale(p);
      const keep = rel === LA_NOISE || rel.includes('letterboxed');
      return {
        full: pdqFromRgb(p.data, p.width, p.height, p.channels),
        cli: pdqFromRgb(c.data, c.width, c.height, c.channels),
        dihFull: pdqDihedralFromRgb(p.data, p.width, p.height, p.channels),
        dihCli: pdqDihedralFromRgb(c.data, c.width, c.height, c.channels),
        pixels: keep ? p : { data: new Uint8Array(0), width: p.width, height: p.height, channels: p.channels },
      };
    });
    hashCache.set(key, v);
  }
  return v;
}

/** The C++ CLI decodes 16-bit samples to their low byte (CImg<uint8_t>); every other image is 8-bit. */
const cppOptions = (rel: string): PdqDecodeOptions => (rel === I16 ? { sixteenBit: 'low-byte' } : {});

function dihedralList(d: PdqDihedralResult): string[] {
  return PDQ_DIHEDRAL_NAMES.map((n) => d[n]);
}

// ------------------------------------------------------------------------------------------------------------
// A straightforward full-buffer port of the C++ reference (pdqhashing.cpp / downscaling.cpp), used to check the
// streamed, sampled implementation in src/hashing/pdq.ts on synthetic images of awkward sizes.

function naiveBox1D(inp: Float32Array, out: Float32Array, off: number, n: number, stride: number, w: number): void {
  const half = Math.trunc((w + 2) / 2);
  const p1 = half - 1;
  const p2 = w - half + 1;
  const p3 = n - w;
  const p4 = half - 1;
  let li = off;
  let ri = off;
  let oi = off;
  let sum = 0;
  let cnt = 0;
  for (let i = 0; i < p1; i++) { sum = Math.fround(sum + inp[ri]!); cnt++; ri += stride; }
  for (let i = 0; i < p2; i++) { sum = Math.fround(sum + inp[ri]!); cnt++; out[oi] = sum / cnt; ri += stride; oi += stride; }
  for (let i = 0; i < p3; i++) {
    sum = Math.fround(sum + inp[ri]!);
    sum = Math.fround(sum - inp[li]!);
    out[oi] = sum / cnt;
    li += stride; ri += stride; oi += stride;
  }
  for (let i = 0; i < p4; i++) { sum = Math.fround(sum - inp[li]!); cnt--; out[oi] = sum / cnt; li += stride; oi += stride; }
}

function naivePdq(px: Uint8Array, w: number, h: number, c: number): PdqResult {
  if (w < 5 || h < 5) return { hash: '0'.repeat(64), quality: 0 };
  const f = Math.fround;
  const [cr, cg, cb] = [f(0.299), f(0.587), f(0.114)];
  const b1 = new Float32Array(w * h);
  const b2 = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    b1[i] = c >= 3 ? f(f(f(cr * px[i * c]!) + f(cg * px[i * c + 1]!)) + f(cb * px[i * c + 2]!)) : px[i * c]!;
  }
  const a = new Float32Array(4096);
  if (w === 64 && h === 64) {
    a.set(b1);
  } else {
    const wr = Math.trunc((w + 127) / 128);
    const wc = Math.trunc((h + 127) / 128);
    for (let rep = 0; rep < 2; rep++) {
      for (let i = 0; i < h; i++) naiveBox1D(b1, b2, i * w, w, 1, wr);
      for (let j = 0; j < w; j++) naiveBox1D(b2, b1, j, h, w, wc);
    }
    for (let i = 0; i < 64; i++) {
      const si = Math.trunc(((i + 0.5) * h) / 64);
      for (let j = 0; j < 64; j++) a[i * 64 + j] = b1[si * w + Math.trunc(((j + 0.5) * w) / 64)]!;
    }
  }
  let g = 0;
  for (let i = 0; i < 63; i++) for (let j = 0; j < 64; j++) g += Math.abs(Math.trunc(f(f(f(a[i * 64 + j]! - a[i * 64 + 64 + j]!) * 100) / 255)));
  for (let i = 0; i < 64; i++) for (let j = 0; j < 63; j++) g += Math.abs(Math.trunc(f(f(f(a[i * 64 + j]! - a[i * 64 + j + 1]!) * 100) / 255)));
  const quality = Math.min(100, Math.trunc(g / 90));
  const d = new Float32Array(16 * 64);
  const scale = f(Math.sqrt(2 / 64));
  for (let i = 0; i < 16; i++) for (let j = 0; j < 64; j++) d[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) for (let j = 0; j < 64; j++) {
    let s = 0;
    for (let k = 0; k < 64; k++) s = f(s + f(d[i * 64 + k]! * a[k * 64 + j]!));
    t[i * 64 + j] = s;
  }
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) {
    let s = 0;
    for (let k = 0; k < 64; k++) s = f(s + f(t[i * 64 + k]! * d[j * 64 + k]!));
    b[i * 16 + j] = s;
  }
  const median = [...b].sort((x, y) => x - y)[127]!; // Torben returns the 128th smallest of 256
  let hex = '';
  for (let i = 15; i >= 0; i--) {
    let word = 0;
    for (let j = 0; j < 16; j++) if (b[i * 16 + j]! > median) word |= 1 << j;
    hex += word.toString(16).padStart(4, '0');
  }
  return { hash: hex, quality };
}

function syntheticImage(w: number, h: number, c: number, seed: number): Uint8Array {
  const px = new Uint8Array(w * h * c);
  let s = seed >>> 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const base = 128 + 60 * Math.sin((x * (3 + k)) / (w / 4 + 1)) + 50 * Math.cos((y * (2 + seed % 5)) / (h / 5 + 1));
        px[(y * w + x) * c + k] = Math.max(0, Math.min(255, Math.round(base + ((s >>> 24) % 41) - 20)));
      }
    }
  }
  return px;
}

// ------------------------------------------------------------------------------------------------------------

test('refdata folder is present (required: missing reference data is a failure, not a skip)', () => {
  for (const f of ['EXPECTED.tsv', 'REFERENCE-OUTPUT-cpp.tsv', 'REFERENCE-OUTPUT-cpp-dihedral.csv']) {
    assert.ok(existsSync(refPath(f)), `missing ${refPath(f)} (refdata root ${REFDATA})`);
  }
});

test('hammingDistance', () => {
  const z = '0'.repeat(64);
  const f = 'f'.repeat(64);
  assert.equal(hammingDistance(z, z), 0);
  assert.equal(hammingDistance(z, f), 256);
  assert.equal(hammingDistance(z, `${'0'.repeat(63)}7`), 3);
  assert.equal(hammingDistance(f.toUpperCase(), f), 0);
  assert.throws(() => hammingDistance(z, 'abc'), RangeError);
  assert.throws(() => hammingDistance(z, `${'0'.repeat(63)}g`), RangeError);
});

test('degenerate inputs: < 5 px sides hash to zero with quality 0; flat image has quality 0', () => {
  assert.deepEqual(pdqFromRgb(new Uint8Array(4 * 100 * 3), 4, 100, 3), { hash: '0'.repeat(64), quality: 0 });
  assert.equal(pdqDihedralFromRgb(new Uint8Array(100 * 4), 100, 4, 1).rot90, '0'.repeat(64));
  assert.equal(pdqFromRgb(new Uint8Array(300 * 200 * 3).fill(77), 300, 200, 3).quality, 0);
  assert.throws(() => pdqFromRgb(new Uint8Array(10), 10, 10, 3), RangeError);
  assert.throws(() => pdqFromRgb(new Uint8Array(300), 10, 10, 5), RangeError);
});

test('streamed/sampled filter is bit-identical to a full-buffer port of the reference', () => {
  const sizes: Array<[number, number]> = [
    [5, 5], [7, 63], [63, 7], [64, 64], [65, 64], [64, 65], [100, 37], [128, 128], [129, 131], [256, 255],
    [300, 200], [511, 513], [640, 480], [700, 1001], [1023, 389], [1300, 257],
  ];
  let seed = 1;
  for (const [w, h] of sizes) {
    for (const c of [1, 3, 4]) {
      const px = syntheticImage(w, h, c, seed++);
      const got = pdqFromRgb(px, w, h, c);
      const want = naivePdq(px, w, h, c);
      assert.deepEqual(got, want, `${w}x${h}x${c}`);
      assert.equal(pdqDihedralFromRgb(px, w, h, c).orig, want.hash, `dihedral orig ${w}x${h}x${c}`);
    }
  }
});

test('REFERENCE-OUTPUT-cpp.tsv, full-resolution (no-prescale) column: bit-exact hash and quality', async (t) => {
  const rows = readTable('REFERENCE-OUTPUT-cpp.tsv', '\t');
  assert.ok(rows.length >= 50, `expected >= 50 rows, got ${rows.length}`);
  const misses: string[] = [];
  for (const [rel, , , , fullHash, fullQ] of rows) {
    const h = await hashed(rel!, cppOptions(rel!));
    if (h.full.hash !== fullHash || String(h.full.quality) !== fullQ) {
      misses.push(`${rel}: ${hammingDistance(h.full.hash, fullHash!)} bits, quality ${h.full.quality} vs ${fullQ}`);
    }
  }
  t.diagnostic(`no-prescale: ${rows.length - misses.length}/${rows.length} exact (I16.png decoded with the CLI's low-byte 16-bit policy)`);
  assert.deepEqual(misses, []);
});

test('REFERENCE-OUTPUT-cpp.tsv, CLI column (512x512 nearest-neighbour pre-scale): bit-exact', async (t) => {
  const rows = readTable('REFERENCE-OUTPUT-cpp.tsv', '\t');
  const misses: string[] = [];
  for (const [rel, dims, cliHash, cliQ] of rows) {
    const h = await hashed(rel!, cppOptions(rel!));
    assert.equal(`${h.pixels.width}x${h.pixels.height}`, dims, `${rel} dimensions`);
    if (h.cli.hash !== cliHash || String(h.cli.quality) !== cliQ) {
      misses.push(`${rel}: ${hammingDistance(h.cli.hash, cliHash!)} bits, quality ${h.cli.quality} vs ${cliQ}`);
    }
  }
  t.diagnostic(`cli512: ${rows.length - misses.length}/${rows.length} exact`);
  assert.deepEqual(misses, []);
});

test('REFERENCE-OUTPUT-cpp-dihedral.csv (both builds): all 8 dihedral hashes and quality bit-exact', async (t) => {
  const lines = readFileSync(refPath('REFERENCE-OUTPUT-cpp-dihedral.csv'), 'utf8').split('\n');
  let build = '';
  let n = 0;
  const misses: string[] = [];
  for (const line of lines) {
    if (line.startsWith('## build=')) { build = line.slice(9); continue; }
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split(',');
    const rel = f[9]!;
    const h = await hashed(rel, cppOptions(rel));
    const d = build.startsWith('cpp_cli') ? h.dihCli : h.dihFull;
    const dist = dihedralList(d).map((x, i) => hammingDistance(x, f[i]!));
    n++;
    if (dist.some((x) => x !== 0) || String(d.quality) !== f[8]) misses.push(`${build} ${rel}: ${dist.join(',')}`);
  }
  assert.ok(n >= 100, `expected >= 100 dihedral rows, got ${n}`);
  t.diagnostic(`dihedral: ${n - misses.length}/${n} rows exact (8 hashes each)`);
  assert.deepEqual(misses, []);
});

// EXPECTED.tsv: how each upstream source can be reproduced.
type Rule =
  | { kind: 'full' } // full-resolution C++ core (HMA/pytx/Java/no-prescale)
  | { kind: 'cli512' } // C++ CLI with the 512 pre-scale (WASM test)
  | { kind: 'pytx-rotation' } // PIL-rotated pixels, then full resolution
  | { kind: 'pytx-unletterbox'; maxBits: number } // Pillow crop + JPEG re-encode: approximated without re-encode
  | { kind: 'old-dihedral'; maxBits: number } // DCT-dihedral of the old C++ (older decoder)
  | { kind: 'approx'; maxBits: number; why: string }; // pipeline not reproducible bit for bit

function ruleFor(source: string): Rule {
  if (source.startsWith('java ImageIO test') || source.startsWith('pytx PdqSignal.get_examples')
    || source.startsWith('pytx/HMA pdqhash test') || source.startsWith('sql README int64 listing')) return { kind: 'full' };
  if (source.startsWith('wasm test CSV')) return { kind: 'cli512' };
  if (source.startsWith('pytx CLI --photo-preprocess=rotations')) return { kind: 'pytx-rotation' };
  if (source.startsWith('pytx CLI --photo-preprocess=unletterbox')) return { kind: 'pytx-unletterbox', maxBits: 16 };
  if (source.startsWith('old reg-test --pdqdih')) return { kind: 'old-dihedral', maxBits: 12 };
  if (source.startsWith('pure-python')) return { kind: 'approx', maxBits: 16, why: 'Pillow thumbnail(512) + float64 port' };
  if (source.startsWith('old-cpp') || source.startsWith('sql README hex listing')) {
    return { kind: 'approx', maxBits: 12, why: 'older CImg/ImageMagick/libjpeg decoder' };
  }
  throw new Error(`EXPECTED.tsv: no rule for source "${source}"`);
}

test('EXPECTED.tsv: every upstream-stated hash, per pipeline', async (t) => {
  const rows = readTable('EXPECTED.tsv', '\t');
  const cpp = new Map(readTable('REFERENCE-OUTPUT-cpp.tsv', '\t').map((r) => [r[0]!, r]));
  const stats = new Map<string, { exact: number; total: number; gaps: string[] }>();
  const failures: string[] = [];
  let absent = 0;
  for (const [pathField, source, expected, expectedQ] of rows) {
    let rel = pathField!.split(' ')[0]!;
    // b.jpg is absent upstream; both sources that list it give bridge-1-original.jpg's hashes (see EXPECTED.tsv).
    if (rel.endsWith('misc-images/b.jpg')) rel = 'pdq/data/reg-test-input/dih/bridge-1-original.jpg';
    const rule = ruleFor(source!);
    if (!existsSync(refPath(rel))) {
      absent++; // exif-rotn-*.jpg were not copied into refdata (13 MB of phone photos)
      continue;
    }
    const group = source!.replace(/ \(.*$/, '').replace(/ (ORIGINAL|ROTATE\d+|FLIP\w+|xform=\w+)$/, '');
    const st = stats.get(group) ?? { exact: 0, total: 0, gaps: [] };
    stats.set(group, st);
    st.total++;
    // pytx (Pillow) clips 16-bit grey to 255; every other row is an 8-bit image.
    const opts: PdqDecodeOptions = rel === I16 ? { sixteenBit: 'clip' } : {};
    const h = await hashed(rel, opts);
    let got: PdqResult;
    let refBuild: string | undefined; // what the C++ reference build gives for the same pipeline
    if (rule.kind === 'full') {
      got = h.full;
      refBuild = rel === I16 ? undefined : cpp.get(rel)?.[4];
    } else if (rule.kind === 'cli512') {
      got = h.cli;
      refBuild = cpp.get(rel)?.[2];
    } else if (rule.kind === 'pytx-rotation') {
      const op = /rotations (\w+)/.exec(source!)![1]!;
      const p = transformPixels(h.pixels, op);
      got = pdqFromRgb(p.data, p.width, p.height, p.channels);
    } else if (rule.kind === 'pytx-unletterbox') {
      const thr = /--black-threshold=(\d+)/.exec(source!);
      const p = unletterbox(h.pixels, thr ? Number(thr[1]) : 10);
      got = pdqFromRgb(p.data, p.width, p.height, p.channels);
    } else if (rule.kind === 'old-dihedral') {
      const xf = /xform=(\w+)/.exec(source!)![1]!;
      const name: Dihedral = ({ orig: 'orig', rot90: 'rot90', rot180: 'rot180', rot270: 'rot270', flipx: 'flipX',
        flipy: 'flipY', flipp: 'flipPlus1', flipm: 'flipMinus1' } as const)[xf as 'orig']!;
      got = { hash: h.dihFull[name], quality: h.dihFull.quality };
    } else {
      // pre-scale setting unknown / other resampling: compare with the closer of the two C++ pipelines
      got = hammingDistance(h.cli.hash, expected!) < hammingDistance(h.full.hash, expected!) ? h.cli : h.full;
    }
    const dist = hammingDistance(got.hash, expected!);
    if (expectedQ && String(got.quality) !== expectedQ) failures.push(`${rel} [${source}]: quality ${got.quality} vs ${expectedQ}`);
    if (dist === 0) {
      st.exact++;
      continue;
    }
    const note = `${rel.split('/').pop()} ${dist} bits`;
    st.gaps.push(note);
    if (rule.kind === 'full' || rule.kind === 'cli512') {
      // Allowed only where the C++ reference build itself does not reproduce the stated value (older decoder);
      // there we must equal the reference build.
      if (refBuild === undefined || refBuild === expected || got.hash !== refBuild) {
        failures.push(`${rel} [${source}]: ${dist} bits (C++ build ${refBuild === expected ? 'matches' : 'differs'})`);
      }
    } else if (rule.kind === 'pytx-rotation') {
      failures.push(`${rel} [${source}]: ${dist} bits`);
    } else if (dist > rule.maxBits) {
      failures.push(`${rel} [${source}]: ${dist} bits > ${rule.maxBits}`);
    }
  }
  for (const [group, st] of stats) {
    t.diagnostic(`${group}: ${st.exact}/${st.total} exact${st.gaps.length ? `; gaps: ${st.gaps.join(', ')}` : ''}`);
  }
  t.diagnostic(`${absent} rows not testable (image not in refdata: exif-rotn-*.jpg)`);
  assert.deepEqual(failures, []);
});

test('16-bit policies reproduce each reference on I16.png', async () => {
  const path = refPath(I16);
  // C++ CLI: CImg<uint8_t> keeps the low byte
  const low = await pdqHashImage(path, { sixteenBit: 'low-byte' });
  assert.equal(low.hash, 'ab5f69b667086480b3c69e7ce7b330b9ce12301a15ba1bac3e7d47bca6502ba4');
  assert.equal(low.quality, 100);
  // pytx/HMA: Pillow clips to 255 (test_pdq_hasher.py expects this, quality 36)
  const clip = await pdqHashImage(path, { sixteenBit: 'clip' });
  assert.equal(clip.hash, 'de2ef0e99ecdfc1d248a0eb055f023d1d61e79c3920cbb55d561c02accab1763');
  assert.equal(clip.quality, 36);
  // default: sharp's reduction (high byte); research notes: "correct scaling -> 628dbaa8..."
  const scaled = await pdqHashImage(path);
  assert.equal(scaled.hash, '628dbaa85045ffef9b101e3214f156c24b1dbefba74d25a5c90d046c6b54e536');
  assert.ok(scaled.conversions.includes('16bit-scale'));
  assert.ok(scaled.conversions.includes('grey-luma'));
});

test('decoder: Buffer input, conversions, CMYK, dihedral helper', async () => {
  const bridge = refPath('pdq/data/reg-test-input/dih/bridge-1-original.jpg');
  const fromBuffer = await pdqHashImage(readFileSync(bridge));
  assert.equal(fromBuffer.hash, 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22');
  assert.equal(fromBuffer.mode, 'exact');
  assert.deepEqual([fromBuffer.width, fromBuffer.height, fromBuffer.format], [1600, 1004, 'jpeg']);
  const cmyk = await pdqHashImage(refPath('pdq/data/misc-images/modes/CMYK.jpg'));
  assert.ok(cmyk.conversions.includes('cmyk-formula'));
  const rgba = await pdqHashImage(refPath('pdq/data/reg-test-input/pen-and-coaster.png'));
  assert.ok(rgba.conversions.includes('alpha-dropped'));
  const dih = await pdqDihedralHashImage(bridge);
  assert.equal(dih.orig, fromBuffer.hash);
  // the physically transposed file is the transpose dihedral exactly (notes §1.8)
  const transposed = await pdqHashImage(refPath('pdq/data/reg-test-input/dih/bridge-7-flip-plus-1.jpg'));
  assert.ok(hammingDistance(transposed.hash, dih.flipPlus1) <= 8);
  await assert.rejects(decodeForPdq(Buffer.from('not an image')));
});

test("decoder 'fast' mode: short side 512, recorded, close to the exact hash", async () => {
  const bridge = refPath('pdq/data/reg-test-input/dih/bridge-1-original.jpg');
  const exact = await pdqHashImage(bridge);
  const fast = await pdqHashImage(bridge, { mode: 'fast' });
  assert.equal(fast.mode, 'fast');
  assert.equal(Math.min(fast.width, fast.height), 512);
  assert.deepEqual([fast.sourceWidth, fast.sourceHeight], [1600, 1004]);
  assert.ok(hammingDistance(fast.hash, exact.hash) <= 16, `fast vs exact ${hammingDistance(fast.hash, exact.hash)} bits`);
  // nothing to shrink: hashed exactly and recorded as such
  const small = await pdqHashImage(refPath('pdq/data/reg-test-input/labelme-subset/q0291.jpg'), { mode: 'fast' });
  assert.equal(small.mode, 'exact');
  assert.equal(small.hash, 'a0fe94f1e5cc1cc8dd855948498dc9243f7ca27336f036d7f212b74bc103c9a7');
});

test('EXIF orientation is ignored (stored pixel order), like every reference', async () => {
  const sharp = (await import('sharp')).default;
  const bridge = refPath('pdq/data/reg-test-input/dih/bridge-1-original.jpg');
  const tagged = await sharp(bridge).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
  const plain = await sharp(bridge).jpeg({ quality: 95 }).toBuffer();
  assert.equal((await sharp(tagged).metadata()).orientation, 6);
  assert.equal((await pdqHashImage(tagged)).hash, (await pdqHashImage(plain)).hash);
});
