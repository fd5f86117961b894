/**
 * PDQ perceptual hash (Meta, facebook/ThreatExchange `pdq/cpp`), bit-exact port of the C++ reference core
 * (`pdqhashing.cpp`, `downscaling.cpp`, `torben.cpp`, `pdqhashtypes.cpp`). Pure math, no I/O.
 *
 * Arithmetic: the reference computes everything in IEEE float32 (luma, running box sums, divisions, DCT
 * accumulation). Every float32 operation is reproduced here with `Math.fround` or a `Float32Array` store in the
 * same order as the C++ (a double-precision op on float32 operands followed by one rounding to float32 is
 * correctly rounded for + - * /, so the results are bit-identical to x86-64 SSE float code without FMA).
 *
 * Pipeline (ThreatExchange@baefb4ed; step-by-step with line numbers in shared/notes/pdq-hma.md §1):
 *  1. luma Y = 0.299 R + 0.587 G + 0.114 B in float32, left to right; a 1-channel input is used as-is.
 *  2. Jarosz filter at FULL resolution: 2 × (box along rows, box along columns), window = ceil(dim / 128),
 *     running float32 sums exactly like `box1DFloat` (phases 1-4). No 512×512 pre-scale (that belongs to the
 *     C++ CLI's I/O layer only; HMA / python-threatexchange / Java hash full resolution).
 *  3. decimation to 64×64 at pixel centres, 4. quality metric, 5. DCT rows 1..16 (16×16),
 *  6. threshold against Torben's (lower) median, 7. bit k = 16·row + col, hex = 256-bit integer big-endian.
 *
 * Implementation notes: the filter is streamed row by row (a ring of `window + 2` rows), so memory is
 * O(width × window + height × 64) instead of two full-frame float buffers. The second row pass and the second
 * column pass only produce the 64 columns the decimation samples; because the running sums are still advanced over
 * every pixel in the same order, the sampled values are bit-identical to the full filter. Row passes run two rows
 * at a time (independent float32 chains) to hide the latency of the sequential running sum. A 64×64 input skips
 * the filter, as in the reference. test/unit/pdq.test.ts checks all of this against a literal full-buffer port.
 *
 * Input policy (decoding lives in src/adapters/pdq-image-decoder.ts):
 *  - 8-bit samples only. 16-bit images are reduced to 8 bit by sharp before they get here (high byte = proper
 *    scaling, which matches neither the C++ CLI (keeps the low byte) nor pytx/Pillow (clips 16-bit grey to 255);
 *    the decoder offers both as options for parity checks; see notes §2.5).
 *  - channels 3 or 4: RGB(A); alpha is ignored, no compositing (as the reference).
 *    channels 1 or 2: grey(+alpha); the grey value is the luma (reference `fillFloatLumaFromGrey`).
 *  - EXIF orientation is ignored (as the reference): hash the stored pixel order; use the dihedral hashes when
 *    robustness to rotation/mirroring is wanted.
 *  - Images with a side < 5 px hash to all zeros with quality 0 (reference MIN_HASHABLE_DIM); treat as no hash.
 */

export interface PdqResult {
  /** 64 lowercase hex chars: the 256-bit hash as a big-endian integer (reference `Hash256::format`). */
  hash: string;
  /** 0..100; the reference recommends discarding hashes with quality < 50. */
  quality: number;
}

/** The 8 dihedral hashes, in the reference's order (`pdqDihedralHash256esFromFloatLuma`, CLI `--pdqdih`). */
export interface PdqDihedralResult {
  /** original */
  orig: string;
  /** rotated 90° counter-clockwise */
  rot90: string;
  rot180: string;
  /** rotated 90° clockwise */
  rot270: string;
  /** mirrored top↔bottom */
  flipX: string;
  /** mirrored left↔right */
  flipY: string;
  /** transposed (main diagonal) */
  flipPlus1: string;
  /** anti-transposed */
  flipMinus1: string;
  quality: number;
}

export const PDQ_DIHEDRAL_NAMES = [
  'orig', 'rot90', 'rot180', 'rot270', 'flipX', 'flipY', 'flipPlus1', 'flipMinus1',
] as const;

/** Reference recommendation (pdq/README.md): distance <= 31 is a match. */
export const PDQ_MATCH_DISTANCE = 31;
/** python-threatexchange / HMA refuse hashes with quality below this. */
export const PDQ_MIN_QUALITY = 50;

const MIN_HASHABLE_DIM = 5;
// PDQ_NUM_JAROSZ_XY_PASSES = 2: the two (rows, columns) passes are written out in downsample64.
const fround = Math.fround;

// Luma coefficients are C++ `const float`; `coeff * uint8` is a float32 product (exact in double, then rounded).
const LUMA_R = new Float32Array(256);
const LUMA_G = new Float32Array(256);
const LUMA_B = new Float32Array(256);
{
  const r = fround(0.299);
  const g = fround(0.587);
  const b = fround(0.114);
  for (let v = 0; v < 256; v++) {
    LUMA_R[v] = r * v;
    LUMA_G[v] = g * v;
    LUMA_B[v] = b * v;
  }
}

// DCT matrix, 16×64 row-major: float(float(sqrt(2/64)) * cos(pi/2/64 * (i+1) * (2j+1))) with the product in double.
const DCT = new Float32Array(16 * 64);
{
  const scale = fround(Math.sqrt(2.0 / 64));
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      DCT[i * 64 + j] = scale * Math.cos((Math.PI / 2.0 / 64) * (i + 1) * (2 * j + 1));
    }
  }
}

/** `computeJaroszFilterWindowSize(old, 64)`. */
function windowSize(oldDimension: number): number {
  return Math.trunc((oldDimension + 2 * 64 - 1) / (2 * 64));
}

/** `decimateFloat` source indices: floor(((k + 0.5) * n) / 64) in double. */
function sampleIndices(n: number): Int32Array {
  const out = new Int32Array(64);
  for (let k = 0; k < 64; k++) out[k] = Math.trunc(((k + 0.5) * n) / 64);
  return out;
}

/**
 * `box1DFloat` along one contiguous vector: in[inOff .. inOff+n) -> out[outOff .. outOff+n), running float32 sum.
 */
function boxRow(inp: Float32Array, inOff: number, out: Float32Array, outOff: number, n: number, w: number): void {
  const half = (w + 2) >> 1;
  const p1 = half - 1;
  const p2 = w - half + 1;
  const p3 = n - w;
  const p4 = half - 1;
  let li = inOff;
  let ri = inOff;
  let oi = outOff;
  let sum = 0;
  let cnt = 0;
  for (let i = 0; i < p1; i++) {
    sum = fround(sum + inp[ri++]!);
    cnt++;
  }
  for (let i = 0; i < p2; i++) {
    sum = fround(sum + inp[ri++]!);
    cnt++;
    out[oi++] = sum / cnt;
  }
  for (let i = 0; i < p3; i++) {
    sum = fround(sum + inp[ri++]!);
    sum = fround(sum - inp[li++]!);
    out[oi++] = sum / cnt;
  }
  for (let i = 0; i < p4; i++) {
    sum = fround(sum - inp[li++]!);
    cnt--;
    out[oi++] = sum / cnt;
  }
}

/**
 * `boxRow` on two rows of the same length at once: two independent float32 running-sum chains interleaved, which
 * roughly halves the latency-bound cost of the sequential sum. Each chain is bit-identical to `boxRow`.
 */
function boxRow2(
  inp: Float32Array, inA: number, inB: number, out: Float32Array, outA: number, outB: number, n: number, w: number,
): void {
  const half = (w + 2) >> 1;
  const p1 = half - 1;
  const p2 = w - half + 1;
  const p3 = n - w;
  const p4 = half - 1;
  const d = inB - inA;
  const e = outB - outA;
  let li = inA;
  let ri = inA;
  let oi = outA;
  let sa = 0;
  let sb = 0;
  let cnt = 0;
  for (let i = 0; i < p1; i++, ri++) {
    sa = fround(sa + inp[ri]!);
    sb = fround(sb + inp[ri + d]!);
    cnt++;
  }
  for (let i = 0; i < p2; i++, ri++, oi++) {
    sa = fround(sa + inp[ri]!);
    sb = fround(sb + inp[ri + d]!);
    cnt++;
    out[oi] = sa / cnt;
    out[oi + e] = sb / cnt;
  }
  for (let i = 0; i < p3; i++, ri++, li++, oi++) {
    sa = fround(fround(sa + inp[ri]!) - inp[li]!);
    sb = fround(fround(sb + inp[ri + d]!) - inp[li + d]!);
    out[oi] = sa / cnt;
    out[oi + e] = sb / cnt;
  }
  for (let i = 0; i < p4; i++, li++, oi++) {
    sa = fround(sa - inp[li]!);
    sb = fround(sb - inp[li + d]!);
    cnt--;
    out[oi] = sa / cnt;
    out[oi + e] = sb / cnt;
  }
}

/**
 * `box1DFloat` along one vector, writing only the outputs at the (non-decreasing) positions `want`
 * into out[outOff + k]. Same running sum, same order of operations, so the kept values are bit-identical.
 */
function boxRowSampled(
  inp: Float32Array, inOff: number, n: number, w: number, want: Int32Array, out: Float32Array, outOff: number,
): void {
  const half = (w + 2) >> 1;
  const p1 = half - 1;
  const p2 = w - half + 1;
  const p3 = n - w;
  const p4 = half - 1;
  const nw = want.length;
  let k = 0;
  let next = want[0]!;
  let li = inOff;
  let ri = inOff;
  let oi = 0;
  let sum = 0;
  let cnt = 0;
  for (let i = 0; i < p1; i++) {
    sum = fround(sum + inp[ri++]!);
    cnt++;
  }
  for (let i = 0; i < p2; i++) {
    sum = fround(sum + inp[ri++]!);
    cnt++;
    if (oi === next) {
      const v = sum / cnt;
      do { out[outOff + k++] = v; next = k < nw ? want[k]! : -1; } while (next === oi);
      if (next < 0) return;
    }
    oi++;
  }
  for (let i = 0; i < p3; i++) {
    sum = fround(sum + inp[ri++]!);
    sum = fround(sum - inp[li++]!);
    if (oi === next) {
      const v = sum / cnt;
      do { out[outOff + k++] = v; next = k < nw ? want[k]! : -1; } while (next === oi);
      if (next < 0) return;
    }
    oi++;
  }
  for (let i = 0; i < p4; i++) {
    sum = fround(sum - inp[li++]!);
    cnt--;
    if (oi === next) {
      const v = sum / cnt;
      do { out[outOff + k++] = v; next = k < nw ? want[k]! : -1; } while (next === oi);
      if (next < 0) return;
    }
    oi++;
  }
}

/** `boxRowSampled` on two rows at once (see `boxRow2`); row B starts `inB - inA` after row A. */
function boxRowSampled2(
  inp: Float32Array, inA: number, inB: number, n: number, w: number, want: Int32Array,
  out: Float32Array, outA: number, outB: number,
): void {
  const half = (w + 2) >> 1;
  const p1 = half - 1;
  const p2 = w - half + 1;
  const p3 = n - w;
  const p4 = half - 1;
  const d = inB - inA;
  const nw = want.length;
  let k = 0;
  let next = want[0]!;
  let li = inA;
  let ri = inA;
  let oi = 0;
  let sa = 0;
  let sb = 0;
  let cnt = 0;
  for (let i = 0; i < p1; i++, ri++) {
    sa = fround(sa + inp[ri]!);
    sb = fround(sb + inp[ri + d]!);
    cnt++;
  }
  for (let i = 0; i < p2; i++, ri++, oi++) {
    sa = fround(sa + inp[ri]!);
    sb = fround(sb + inp[ri + d]!);
    cnt++;
    if (oi === next) {
      const va = sa / cnt;
      const vb = sb / cnt;
      do { out[outA + k] = va; out[outB + k] = vb; k++; next = k < nw ? want[k]! : -1; } while (next === oi);
      if (next < 0) return;
    }
  }
  for (let i = 0; i < p3; i++, ri++, li++, oi++) {
    sa = fround(fround(sa + inp[ri]!) - inp[li]!);
    sb = fround(fround(sb + inp[ri + d]!) - inp[li + d]!);
    if (oi === next) {
      const va = sa / cnt;
      const vb = sb / cnt;
      do { out[outA + k] = va; out[outB + k] = vb; k++; next = k < nw ? want[k]! : -1; } while (next === oi);
      if (next < 0) return;
    }
  }
  for (let i = 0; i < p4; i++, li++, oi++) {
    sa = fround(sa - inp[li]!);
    sb = fround(sb - inp[li + d]!);
    cnt--;
    if (oi === next) {
      const va = sa / cnt;
      const vb = sb / cnt;
      do { out[outA + k] = va; out[outB + k] = vb; k++; next = k < nw ? want[k]! : -1; } while (next === oi);
      if (next < 0) return;
    }
  }
}

/**
 * `box1DFloat` applied to every column of a matrix at once, streaming over rows (cache-friendly; each column's
 * running float32 sum sees exactly the reference's sequence of adds and subtracts). `rowOffset(r)` returns the
 * offset of input row r in `buf` (rows are requested in increasing order; row r - w is the oldest still needed);
 * `emit(oi, sums, cnt)` receives output row oi as sums[j] / cnt.
 */
function boxColumnsStreamed(
  numRows: number,
  width: number,
  w: number,
  buf: Float32Array,
  rowOffset: (r: number) => number,
  emit: (oi: number, sums: Float32Array, cnt: number) => void,
  sums: Float32Array,
): void {
  const half = (w + 2) >> 1;
  const p1 = half - 1;
  const p2 = w - half + 1;
  const p3 = numRows - w;
  const p4 = half - 1;
  sums.fill(0, 0, width);
  let li = 0;
  let ri = 0;
  let oi = 0;
  let cnt = 0;
  for (let i = 0; i < p1 + p2; i++) {
    const a = rowOffset(ri++);
    for (let j = 0; j < width; j++) sums[j] = sums[j]! + buf[a + j]!;
    cnt++;
    if (i >= p1) emit(oi++, sums, cnt);
  }
  for (let i = 0; i < p3; i++) {
    const a = rowOffset(ri++);
    const b = rowOffset(li++);
    for (let j = 0; j < width; j++) sums[j] = fround(sums[j]! + buf[a + j]!) - buf[b + j]!;
    emit(oi++, sums, cnt);
  }
  for (let i = 0; i < p4; i++) {
    const b = rowOffset(li++);
    for (let j = 0; j < width; j++) sums[j] = sums[j]! - buf[b + j]!;
    cnt--;
    emit(oi++, sums, cnt);
  }
}

function validate(pixels: Uint8Array, width: number, height: number, channels: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new RangeError(`pdq: bad dimensions ${width}x${height}`);
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > 4) {
    throw new RangeError(`pdq: channels must be 1..4, got ${channels}`);
  }
  if (pixels.length < width * height * channels) {
    throw new RangeError(`pdq: pixel buffer too short (${pixels.length} < ${width}*${height}*${channels})`);
  }
}

/** Luma of image row r into dst[0..width). */
function lumaRow(pixels: Uint8Array, width: number, channels: number, r: number, dst: Float32Array, dstOff: number): void {
  let p = r * width * channels;
  if (channels >= 3) {
    for (let j = 0; j < width; j++, p += channels) {
      dst[dstOff + j] = fround(LUMA_R[pixels[p]!]! + LUMA_G[pixels[p + 1]!]!) + LUMA_B[pixels[p + 2]!]!;
    }
  } else {
    for (let j = 0; j < width; j++, p += channels) dst[dstOff + j] = pixels[p]!;
  }
}

/**
 * Luma -> Jarosz filter -> 64×64 decimation (`pdqFloat256FromFloatLuma` up to the DCT). Returns the 64×64 buffer.
 */
function downsample64(pixels: Uint8Array, width: number, height: number, channels: number): Float32Array {
  const out64 = new Float32Array(64 * 64);
  if (width === 64 && height === 64) {
    for (let r = 0; r < 64; r++) lumaRow(pixels, 64, channels, r, out64, r * 64);
    return out64;
  }
  const wRows = windowSize(width); // window along rows (horizontal)
  const wCols = windowSize(height); // window along columns (vertical)
  const sampleCols = sampleIndices(width);
  const sampleRows = sampleIndices(height);

  // Pass 1, rows: luma row -> horizontal box, kept in a ring. The column pass needs rows li..li+wCols live;
  // rows are produced two at a time (boxRow2), hence one more.
  const ringRows = wCols + 2;
  const ring = new Float32Array(ringRows * width);
  const lumaScratch = new Float32Array(2 * width);
  let produced = 0;
  const getRow1 = (r: number): number => {
    while (produced <= r) {
      if (produced + 1 < height) {
        lumaRow(pixels, width, channels, produced, lumaScratch, 0);
        lumaRow(pixels, width, channels, produced + 1, lumaScratch, width);
        boxRow2(lumaScratch, 0, width, ring, (produced % ringRows) * width, ((produced + 1) % ringRows) * width,
          width, wRows);
        produced += 2;
      } else {
        lumaRow(pixels, width, channels, produced, lumaScratch, 0);
        boxRow(lumaScratch, 0, ring, (produced % ringRows) * width, width, wRows);
        produced++;
      }
    }
    return (r % ringRows) * width;
  };

  // Pass 1, columns -> each output row goes straight into pass 2 rows, sampled at the 64 decimation columns.
  // Output rows are buffered in pairs for boxRowSampled2; an odd last row goes through boxRowSampled.
  const colOut = new Float32Array(2 * width);
  const mid = new Float32Array(height * 64); // pass-2-rows output at the sampled columns, all rows
  boxColumnsStreamed(height, width, wCols, ring, getRow1, (oi, sums, cnt) => {
    const slot = (oi & 1) * width;
    for (let j = 0; j < width; j++) colOut[slot + j] = sums[j]! / cnt;
    if (slot !== 0) {
      boxRowSampled2(colOut, 0, width, width, wRows, sampleCols, mid, (oi - 1) * 64, oi * 64);
    } else if (oi === height - 1) {
      boxRowSampled(colOut, 0, width, wRows, sampleCols, mid, oi * 64);
    }
  }, new Float32Array(width));

  // Pass 2, columns, only on the 64 sampled columns; keep the 64 sampled rows.
  let nextK = 0;
  boxColumnsStreamed(height, 64, wCols, mid, (r) => r * 64, (oi, sums, cnt) => {
    while (nextK < 64 && sampleRows[nextK] === oi) {
      const off = nextK * 64;
      for (let j = 0; j < 64; j++) out64[off + j] = sums[j]! / cnt;
      nextK++;
    }
  }, new Float32Array(64));
  return out64;
}

/** `pdqImageDomainQualityMetric`. */
function qualityMetric(a: Float32Array): number {
  let gradientSum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      const d = Math.trunc(fround(fround(fround(a[i * 64 + j]! - a[(i + 1) * 64 + j]!) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      const d = Math.trunc(fround(fround(fround(a[i * 64 + j]! - a[i * 64 + j + 1]!) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  const quality = Math.trunc(gradientSum / 90);
  return quality > 100 ? 100 : quality;
}

/** `dct64To16`: B = D A Dᵀ with float32 sequential accumulation. */
function dct64To16(a: Float32Array): Float32Array {
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    const dOff = i * 64;
    for (let j = 0; j < 64; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = fround(sum + fround(DCT[dOff + k]! * a[k * 64 + j]!));
      t[i * 64 + j] = sum;
    }
  }
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    const tOff = i * 64;
    for (let j = 0; j < 16; j++) {
      const dOff = j * 64;
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = fround(sum + fround(t[tOff + k]! * DCT[dOff + k]!));
      b[i * 16 + j] = sum;
    }
  }
  return b;
}

/** Torben's median selection (`torben.cpp`): the ((n+1)/2)-th smallest value, float32 guesses. */
function torben(m: Float32Array): number {
  const n = m.length;
  const target = (n + 1) >> 1;
  let min = m[0]!;
  let max = min;
  for (let i = 1; i < n; i++) {
    const v = m[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let less = 0;
  let equal = 0;
  let guess = 0;
  let maxltguess = 0;
  let mingtguess = 0;
  for (;;) {
    guess = fround(fround(min + max) / 2);
    less = 0;
    let greater = 0;
    equal = 0;
    maxltguess = min;
    mingtguess = max;
    for (let i = 0; i < n; i++) {
      const v = m[i]!;
      if (v < guess) {
        less++;
        if (v > maxltguess) maxltguess = v;
      } else if (v > guess) {
        greater++;
        if (v < mingtguess) mingtguess = v;
      } else {
        equal++;
      }
    }
    if (less <= target && greater <= target) break;
    else if (less > greater) max = maxltguess;
    else min = mingtguess;
  }
  if (less >= target) return maxltguess;
  if (less + equal >= target) return guess;
  return mingtguess;
}

/** `pdqBuffer16x16ToBits` + `Hash256::format`: words w[15]..w[0] as %04x; bit j of w[i] = B[i][j] > median. */
function bitsToHex(b: Float32Array): string {
  const median = torben(b);
  let hex = '';
  for (let i = 15; i >= 0; i--) {
    let word = 0;
    for (let j = 0; j < 16; j++) if (b[i * 16 + j]! > median) word |= 1 << j;
    hex += word.toString(16).padStart(4, '0');
  }
  return hex;
}

const ZERO_HASH = '0'.repeat(64);

function dct16(pixels: Uint8Array, width: number, height: number, channels: number): { b: Float32Array; quality: number } | null {
  validate(pixels, width, height, channels);
  if (height < MIN_HASHABLE_DIM || width < MIN_HASHABLE_DIM) return null;
  const a = downsample64(pixels, width, height, channels);
  return { b: dct64To16(a), quality: qualityMetric(a) };
}

/**
 * PDQ hash of an 8-bit interleaved image (row-major, `channels` samples per pixel; 3/4 = RGB(A), 1/2 = grey(+alpha)).
 */
export function pdqFromRgb(pixels: Uint8Array, width: number, height: number, channels: number): PdqResult {
  const d = dct16(pixels, width, height, channels);
  if (d === null) return { hash: ZERO_HASH, quality: 0 };
  return { hash: bitsToHex(d.b), quality: d.quality };
}

/** Sign/transposition rules of `dct16OriginalTo*` (pdqhashing.cpp): B from A. */
function dihedral(a: Float32Array, transpose: boolean, sign: (i: number, j: number) => number): Float32Array {
  const out = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const v = sign(i, j) < 0 ? -a[i * 16 + j]! : a[i * 16 + j]!;
      out[transpose ? j * 16 + i : i * 16 + j] = v;
    }
  }
  return out;
}

/** The 8 dihedral PDQ hashes computed from one DCT (`pdqDihedralHash256esFromFloatLuma`). */
export function pdqDihedralFromRgb(pixels: Uint8Array, width: number, height: number, channels: number): PdqDihedralResult {
  const d = dct16(pixels, width, height, channels);
  if (d === null) {
    return {
      orig: ZERO_HASH, rot90: ZERO_HASH, rot180: ZERO_HASH, rot270: ZERO_HASH,
      flipX: ZERO_HASH, flipY: ZERO_HASH, flipPlus1: ZERO_HASH, flipMinus1: ZERO_HASH, quality: 0,
    };
  }
  const a = d.b;
  const odd = (x: number): boolean => (x & 1) === 1;
  return {
    orig: bitsToHex(a),
    rot90: bitsToHex(dihedral(a, true, (_i, j) => (odd(j) ? 1 : -1))),
    rot180: bitsToHex(dihedral(a, false, (i, j) => (odd(i + j) ? -1 : 1))),
    rot270: bitsToHex(dihedral(a, true, (i) => (odd(i) ? 1 : -1))),
    flipX: bitsToHex(dihedral(a, false, (i) => (odd(i) ? 1 : -1))),
    flipY: bitsToHex(dihedral(a, false, (_i, j) => (odd(j) ? 1 : -1))),
    flipPlus1: bitsToHex(dihedral(a, true, () => 1)),
    flipMinus1: bitsToHex(dihedral(a, true, (i, j) => (odd(i + j) ? -1 : 1))),
    quality: d.quality,
  };
}

const HEX64 = /^[0-9a-fA-F]{64}$/;
const POPCOUNT4 = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/** Hamming distance between two 64-hex-char PDQ hashes (0..256). */
export function hammingDistance(a: string, b: string): number {
  if (!HEX64.test(a) || !HEX64.test(b)) throw new RangeError('pdq: hashes must be 64 hex characters');
  let d = 0;
  for (let i = 0; i < 64; i++) d += POPCOUNT4[parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16)]!;
  return d;
}
