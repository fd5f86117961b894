/**
 * Review thumbnails with exposure protection (sharp/libvips). Reviewers of child sexual abuse material must be
 * protected: media is never shown unblurred by default. Every render therefore produces two WebP images of the same
 * size from the same pixels:
 *  - `clear`: the picture itself, long side 256 px (default), WebP q70 — small, shown only on explicit request;
 *  - `safe`: greyscale + a blur so strong that nothing recognisable remains at the default setting; this is what a
 *    UI shows first.
 *
 * The `safe` recipe (defaults SAFE_GRID_LONG_SIDE = 10, SAFE_SIGMA_FRACTION = 0.05, WebP q90):
 *  1. greyscale (Rec. 601 luma, rounded), so no skin tone or other colour cue survives;
 *  2. area-average down to a grid whose long side is 10 cells (each cell = the mean of a block of 25.6×25.6
 *     pixels of a 256 px thumbnail): a face-sized feature (≈ 40 px at 256) covers ~2×2 cells, i.e. only its mean
 *     brightness is kept;
 *  3. bilinear upscale back to the thumbnail size, then a Gaussian blur with sigma = 5 % of the long side
 *     (12.8 px at 256) to remove the bilinear grid's creases. What remains is the coarse tonal layout (where it is
 *     dark or bright): enough to tell "document scan" from "dark photo", nothing about content.
 *  Smaller pictures keep the 256 px figures as floors (cell ≥ 25.6 px, sigma ≥ 12.8 px): a 160 px contact-sheet
 *  cell gets a 6-cell grid, a 42 px image a 2-cell grid. Without the floors the same relative blur left 5.6 %
 *  edges (criterion b) in 160 px cells, because gradients are per pixel.
 * Blocks are averaged by our own code rather than by libvips' resize so the grid is exactly the documented box
 * average (libvips reduces with a Lanczos-3 kernel, whose lobes ring and re-sharpen edges). The safe WebP is q90
 * (≈ 1 KB): at q50 the codec's block artefacts added up to ~1.5 points to criterion (b).
 *
 * Measured criteria at the default setting, asserted in test/unit/thumbnail-renderer.test.ts (it prints the
 * figures: `node --test dist/test/unit/thumbnail-renderer.test.js`). Both are computed on the decoded WebP files:
 *  (a) PDQ Hamming distance between `safe` and `clear` of the same thumbnail: 84–128 bits (mean 99) over 8
 *      generated scenes + 6 benign refdata photos; contact-sheet tiles 114–120. Asserted ≥ 60 for each (31 = PDQ's
 *      match threshold, ~128 = unrelated).
 *  (b) a face-sized high-contrast feature (40 px checkerboard of 8 px squares, or a 40 px black ring, on white, at
 *      7 positions in a 256×192 thumbnail): the max Sobel gradient magnitude in the feature's box in `safe` is
 *      2.9–3.6 % (checkerboard) and 2.4–2.9 % (ring) of the max in `clear`; same proportions at long side 128:
 *      1.6–1.7 %, at 512: 2.2–2.7 %, in 160 px contact-sheet cells: 2.0–2.1 %. Asserted < 5 %. What remains is the
 *      blob's own soft outline (its mean brightness against the background), not the feature's edges.
 * Settings tried before choosing (8 scenes + 8 photos incl. the two exifr camera JPEGs, 256 px, min PDQ distance /
 * worst Sobel ratio): grid 16 σ 4 %: 50 / 4.6 % (fails a); grid 12 σ 4 %: 80 / 4.7 % (too close to 5 %);
 * grid 12 σ 6 %: 82 / 3.0 %; grid 8 σ 4 %: 92 / 3.0 % (coarser than needed); grid 10 σ 5 %: 80 / 3.6 % — chosen.
 *
 * Cost (CPU, one core, measured with sharp.concurrency(1)): ≈ 11 ms for a pair from 683×512 raw pixels (what PDQ
 * 'fast' decodes), ≈ 25 ms from 12 MP raw pixels (most of it libvips' reduction), ≈ 42 ms from a 12 MP JPEG file.
 *
 * Orientation: `orientation` (EXIF 1..8) is applied so the thumbnail shows upright. `undefined` = use the EXIF
 * Orientation embedded in the input (files/buffers; raw pixels have none), `null` = leave the stored pixel order.
 * It is applied by our own code on the small decoded thumbnail (a pixel index permutation, cheap at 256 px) so raw
 * pixels — which carry no EXIF — and encoded files follow the same, tested path; the test checks all eight against
 * libvips' own autorotation.
 *
 * Raw pixels are accepted so the pipeline can reuse the pixels it already decoded for PDQ (full-resolution, stored
 * pixel order) instead of decoding twice; those skip the ICC transform (reference parity), so a wide-gamut photo's
 * thumbnail is then slightly less saturated than a viewer would show it — irrelevant for triage. Alpha is composited
 * on white. Errors (corrupt input, unsupported format)
 * are thrown as `ThumbnailError` with the decoder's first message line; the caller records it.
 *
 * Contact sheets (videos): frames are laid out in a grid (default ceil(√n) columns); each frame is reduced to its
 * cell and its `safe` tile is blurred on its own (a blur across the whole sheet would bleed frames into each other),
 * then a timestamp label is drawn on both sheets after the blur with a built-in 3×5 bitmap font (digits, ':' and
 * '.' only — avoids depending on system fonts through librsvg and keeps the rendering deterministic).
 */
import sharp, { type Sharp } from 'sharp';

export interface RawImageInput {
  raw: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export type ThumbnailInput = string | Buffer | RawImageInput;

export interface ThumbnailOptions {
  /** Long side of both thumbnails in px (default 256). Images are never enlarged. */
  longSide?: number;
  /** EXIF orientation 1..8 to apply; undefined = from the input's EXIF; null = none. */
  orientation?: number | null;
}

export interface ThumbnailPair {
  /** The picture, WebP. Show only on explicit request. */
  clear: Buffer;
  /** Greyscale, strongly blurred WebP of the same size. Show this by default. */
  safe: Buffer;
  width: number;
  height: number;
  format: 'webp';
}

export interface ContactSheetFrame {
  /** 8-bit RGB, row-major, width × height × 3 bytes. */
  rgb: Uint8Array;
  width: number;
  height: number;
  timestampSec: number;
}

export interface ContactSheetOptions {
  /** Long side of one cell in px (default 160). */
  cellLongSide?: number;
  /** Columns of the grid (default ceil(sqrt(frames))). */
  columns?: number;
  /** Draw each frame's timestamp (default true). */
  timestamps?: boolean;
}

export interface ContactSheet extends ThumbnailPair {
  grid: { columns: number; rows: number; cellWidth: number; cellHeight: number; gap: number };
}

/** Default long side of review thumbnails. */
export const THUMBNAIL_LONG_SIDE = 256;
/** WebP quality of the clear variant (the safe one has no detail to keep). */
export const THUMBNAIL_WEBP_QUALITY = 70;
/** Long side (cells) of the block-average grid of the safe variant, at most. */
export const SAFE_GRID_LONG_SIDE = 10;
/** Gaussian sigma of the safe variant, as a fraction of the thumbnail's long side, at least. */
export const SAFE_SIGMA_FRACTION = 0.05;
/**
 * Floors in pixels (the values at a 256 px thumbnail): a grid cell is never smaller than 25.6 px and sigma never
 * below 12.8 px, so smaller pictures (160 px contact-sheet cells, tiny images) are blurred at least as much per
 * pixel — a Sobel gradient is per pixel, and the same relative blur on a smaller image leaves steeper edges.
 */
export const SAFE_MIN_CELL_PX = 25.6;
export const SAFE_MIN_SIGMA_PX = 12.8;
/** Largest number of frames a contact sheet accepts. */
export const CONTACT_SHEET_MAX_FRAMES = 64;

const SAFE_WEBP_QUALITY = 90;
/**
 * libwebp effort (0-6). Encoding dominates a thumbnail's cost: at the default 4 the two encodes took ≈ 13 ms of
 * ≈ 19 ms for a 256×192 pair; effort 2 halves that for +3 % bytes (bridge photo: 9244 → 9556 B clear).
 */
const WEBP_EFFORT = 2;
const SHEET_GAP = 2;
const SHEET_BACKGROUND = 24;

export class ThumbnailError extends Error {
  override readonly name = 'ThumbnailError';
}

function checkLongSide(n: number): number {
  if (!Number.isInteger(n) || n < 16 || n > 4096) throw new RangeError(`thumbnail: longSide must be an integer 16..4096, got ${n}`);
  return n;
}

function isRaw(input: ThumbnailInput): input is RawImageInput {
  return typeof input === 'object' && !Buffer.isBuffer(input) && 'raw' in input;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** RGB pixels, 3 channels, row-major. */
export interface Rgb {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Target size fitting `longSide` without enlarging. */
function fitInside(w: number, h: number, longSide: number): { width: number; height: number } {
  const s = Math.min(1, longSide / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * s)), height: Math.max(1, Math.round(h * s)) };
}

/**
 * Reorder pixels so an image stored with EXIF orientation `orientation` shows upright (1 or null: unchanged).
 * For a stored W×H image, output pixel (x, y) is the stored pixel named in each case below.
 */
export function orientPixels(img: Rgb, orientation: number | null, channels = 3): Rgb {
  const o = orientation ?? 1;
  if (!Number.isInteger(o) || o < 1 || o > 8) throw new RangeError(`thumbnail: EXIF orientation must be 1..8, got ${orientation}`);
  if (o === 1) return img;
  const { data, width: w, height: h } = img;
  const swap = o >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new Uint8Array(ow * oh * channels);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let sx: number;
      let sy: number;
      switch (o) {
        case 2: sx = w - 1 - x; sy = y; break; // mirrored left-right
        case 3: sx = w - 1 - x; sy = h - 1 - y; break; // rotated 180
        case 4: sx = x; sy = h - 1 - y; break; // mirrored top-bottom
        case 5: sx = y; sy = x; break; // transposed
        case 6: sx = y; sy = h - 1 - x; break; // needs 90° clockwise
        case 7: sx = w - 1 - y; sy = h - 1 - x; break; // transverse
        default: sx = w - 1 - y; sy = x; break; // 8: needs 90° counter-clockwise
      }
      const s = (sy * w + sx) * channels;
      const d = (y * ow + x) * channels;
      for (let c = 0; c < channels; c++) out[d + c] = data[s + c]!;
    }
  }
  return { data: out, width: ow, height: oh };
}

/** Decode (file, buffer or raw) and reduce to fit `longSide`, 8-bit sRGB, alpha on white. Stored pixel order. */
async function decodeReduced(input: ThumbnailInput, longSide: number): Promise<{ img: Rgb; exifOrientation: number | null }> {
  let pipeline: Sharp;
  let exifOrientation: number | null = null;
  let w: number;
  let h: number;
  if (isRaw(input)) {
    const { raw, width, height, channels } = input;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new ThumbnailError(`thumbnail: bad raw dimensions ${width}x${height}`);
    }
    if (channels !== 1 && channels !== 3 && channels !== 4) throw new ThumbnailError(`thumbnail: raw channels must be 1, 3 or 4, got ${String(channels)}`);
    if (raw.length < width * height * channels) {
      throw new ThumbnailError(`thumbnail: raw buffer too short (${raw.length} < ${width}*${height}*${channels})`);
    }
    pipeline = sharp(raw, { raw: { width, height, channels } });
    w = width;
    h = height;
  } else {
    try {
      const meta = await sharp(input, { failOn: 'error' }).metadata();
      w = meta.width ?? 0;
      h = meta.height ?? 0;
      exifOrientation = meta.orientation ?? null;
    } catch (err) {
      throw new ThumbnailError(`thumbnail: image does not decode: ${firstLine(err)}`);
    }
    if (w < 1 || h < 1) throw new ThumbnailError('thumbnail: image has no pixels');
    pipeline = sharp(input, { failOn: 'error' });
  }
  const size = fitInside(w, h, longSide);
  try {
    const { data, info } = await pipeline
      .resize({ ...size, fit: 'fill' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return { img: { data, width: info.width, height: info.height }, exifOrientation };
  } catch (err) {
    throw new ThumbnailError(`thumbnail: image does not decode: ${firstLine(err)}`);
  }
}

/** Rec. 601 luma, rounded, one channel. */
function greyOf(img: Rgb): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const d = img.data;
  for (let i = 0, p = 0; i < n; i++, p += 3) out[i] = Math.round(0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!);
  return out;
}

/** Area average of a w×h grey image onto a gw×gh grid (exact fractional box coverage). */
function blockAverage(src: Uint8Array, w: number, h: number, gw: number, gh: number): Float64Array {
  // Separable: columns first (w -> gw per row), then rows (h -> gh).
  const weights = (n: number, g: number): { from: number; to: number; wts: number[] }[] => {
    const out: { from: number; to: number; wts: number[] }[] = [];
    for (let k = 0; k < g; k++) {
      const a = (k * n) / g;
      const b = ((k + 1) * n) / g;
      const from = Math.floor(a);
      const to = Math.min(n, Math.ceil(b));
      const wts: number[] = [];
      for (let i = from; i < to; i++) wts.push(Math.min(b, i + 1) - Math.max(a, i));
      out.push({ from, to, wts });
    }
    return out;
  };
  const wx = weights(w, gw);
  const wy = weights(h, gh);
  const tmp = new Float64Array(h * gw);
  for (let y = 0; y < h; y++) {
    for (let k = 0; k < gw; k++) {
      const { from, wts } = wx[k]!;
      let s = 0;
      let t = 0;
      for (let i = 0; i < wts.length; i++) {
        s += wts[i]! * src[y * w + from + i]!;
        t += wts[i]!;
      }
      tmp[y * gw + k] = s / t;
    }
  }
  const out = new Float64Array(gh * gw);
  for (let k = 0; k < gh; k++) {
    const { from, wts } = wy[k]!;
    let t = 0;
    for (const v of wts) t += v;
    for (let x = 0; x < gw; x++) {
      let s = 0;
      for (let i = 0; i < wts.length; i++) s += wts[i]! * tmp[(from + i) * gw + x]!;
      out[k * gw + x] = s / t;
    }
  }
  return out;
}

/** Bilinear upscale of a gw×gh grid to w×h (cell centres aligned, clamped at the borders). */
function bilinearUp(grid: Float64Array, gw: number, gh: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const fy = Math.min(gh - 1, Math.max(0, ((y + 0.5) * gh) / h - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(gh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(gw - 1, Math.max(0, ((x + 0.5) * gw) / w - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(gw - 1, x0 + 1);
      const tx = fx - x0;
      const top = grid[y0 * gw + x0]! * (1 - tx) + grid[y0 * gw + x1]! * tx;
      const bottom = grid[y1 * gw + x0]! * (1 - tx) + grid[y1 * gw + x1]! * tx;
      out[y * w + x] = Math.round(top * (1 - ty) + bottom * ty);
    }
  }
  return out;
}

/**
 * The safe variant's pixels (one grey channel, same size), before encoding. See the header for the recipe; the
 * parameters exist for measurement (the renderers always use the defaults).
 */
export async function safePixels(
  img: Rgb, gridLongSide = SAFE_GRID_LONG_SIDE, sigmaFraction = SAFE_SIGMA_FRACTION,
): Promise<Uint8Array> {
  const { width: w, height: h } = img;
  const grey = greyOf(img);
  const long = Math.max(w, h);
  const cells = Math.max(1, Math.min(gridLongSide, Math.round(long / SAFE_MIN_CELL_PX)));
  const gw = Math.max(1, Math.round((w * cells) / long));
  const gh = Math.max(1, Math.round((h * cells) / long));
  const up = bilinearUp(blockAverage(grey, w, h, gw, gh), gw, gh, w, h);
  const sigma = Math.max(SAFE_MIN_SIGMA_PX, sigmaFraction * long);
  // A 1-pixel-wide or -high picture is already just its block average; libvips' blur wants at least 2×2.
  if (w < 2 || h < 2) return up;
  const { data, info } = await sharp(up, { raw: { width: w, height: h, channels: 1 } })
    .blur(sigma)
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`thumbnail: blur returned ${info.channels} channels`);
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

async function encodeClear(img: Rgb): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .webp({ quality: THUMBNAIL_WEBP_QUALITY, effort: WEBP_EFFORT })
    .toBuffer();
}

async function encodeGrey(grey: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(grey, { raw: { width, height, channels: 1 } }).webp({ quality: SAFE_WEBP_QUALITY, effort: WEBP_EFFORT }).toBuffer();
}

/**
 * Clear and safe WebP thumbnails of one image. Throws `ThumbnailError` (message starts with "thumbnail:") when the
 * input does not decode.
 */
export async function renderImageThumbnails(input: ThumbnailInput, opts: ThumbnailOptions = {}): Promise<ThumbnailPair> {
  const longSide = checkLongSide(opts.longSide ?? THUMBNAIL_LONG_SIDE);
  const { img: stored, exifOrientation } = await decodeReduced(input, longSide);
  const orientation = opts.orientation === undefined ? exifOrientation : opts.orientation;
  const img = orientPixels(stored, orientation);
  const safe = await safePixels(img);
  const [clearWebp, safeWebp] = await Promise.all([encodeClear(img), encodeGrey(safe, img.width, img.height)]);
  return { clear: clearWebp, safe: safeWebp, width: img.width, height: img.height, format: 'webp' };
}

// ---------------------------------------------------------------------------------------------------------------
// contact sheets

// 3×5 glyphs, rows top to bottom, 3 bits each (4 = left column).
const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  ':': [0, 2, 0, 2, 0], '.': [0, 0, 0, 0, 2],
};

/** "m:ss", "h:mm:ss", with tenths when `tenths`. */
export function formatTimestamp(sec: number, tenths = false): string {
  const t = Math.max(0, sec);
  const whole = Math.floor(tenths ? Math.round(t * 10) / 10 : t);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  let out = `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
  if (tenths) out += `.${Math.round(t * 10) % 10}`;
  return out;
}

/** Draw `text` (white on a black box) into an RGB or grey buffer at (x, y), scale 2. */
function drawLabel(buf: Uint8Array, bw: number, bh: number, channels: number, x: number, y: number, text: string): void {
  const scale = 2;
  const boxW = (text.length * 4 + 1) * scale;
  const boxH = 7 * scale;
  const set = (px: number, py: number, v: number): void => {
    if (px < 0 || py < 0 || px >= bw || py >= bh) return;
    const o = (py * bw + px) * channels;
    for (let c = 0; c < channels; c++) buf[o + c] = v;
  };
  for (let py = 0; py < boxH; py++) for (let px = 0; px < boxW; px++) set(x + px, y + py, 0);
  for (let i = 0; i < text.length; i++) {
    const g = GLYPHS[text[i]!];
    if (!g) continue;
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 3; c++) {
        if (!((g[r]! >> (2 - c)) & 1)) continue;
        for (let sy = 0; sy < scale; sy++) {
          for (let sx = 0; sx < scale; sx++) set(x + (1 + i * 4 + c) * scale + sx, y + (1 + r) * scale + sy, 255);
        }
      }
    }
  }
}

/**
 * A contact sheet of sampled video frames: clear and safe WebP grids of the same layout, timestamps drawn on both.
 */
export async function renderContactSheet(frames: ContactSheetFrame[], opts: ContactSheetOptions = {}): Promise<ContactSheet> {
  if (frames.length === 0) throw new RangeError('contact sheet: no frames');
  if (frames.length > CONTACT_SHEET_MAX_FRAMES) {
    throw new RangeError(`contact sheet: at most ${CONTACT_SHEET_MAX_FRAMES} frames, got ${frames.length}`);
  }
  const cellLong = checkLongSide(opts.cellLongSide ?? 160);
  const columns = opts.columns ?? Math.ceil(Math.sqrt(frames.length));
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`contact sheet: columns must be a positive integer, got ${columns}`);
  const cols = Math.min(columns, frames.length);
  const rows = Math.ceil(frames.length / cols);
  // Cells take the first frame's aspect ratio, long side `cellLong` (frames are enlarged if smaller).
  const first = frames[0]!;
  const cellScale = cellLong / Math.max(first.width, first.height);
  const cell = { width: Math.max(1, Math.round(first.width * cellScale)), height: Math.max(1, Math.round(first.height * cellScale)) };
  const gap = SHEET_GAP;
  const sw = cols * cell.width + (cols + 1) * gap;
  const sh = rows * cell.height + (rows + 1) * gap;
  const clearSheet = new Uint8Array(sw * sh * 3).fill(SHEET_BACKGROUND);
  const safeSheet = new Uint8Array(sw * sh).fill(SHEET_BACKGROUND);
  const times = frames.map((f) => f.timestampSec);
  const span = Math.max(...times) - Math.min(...times);
  const tenths = span < 10 && times.some((t) => !Number.isInteger(t));

  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    if (f.rgb.length < f.width * f.height * 3) {
      throw new ThumbnailError(`contact sheet: frame ${i} buffer too short (${f.rgb.length} < ${f.width}*${f.height}*3)`);
    }
    // Every frame fits inside the cell, aspect kept (frames of one video have one size; others are letterboxed).
    const scale = Math.min(cell.width / f.width, cell.height / f.height);
    const tw = Math.max(1, Math.min(cell.width, Math.round(f.width * scale)));
    const th = Math.max(1, Math.min(cell.height, Math.round(f.height * scale)));
    const { data } = await sharp(f.rgb, { raw: { width: f.width, height: f.height, channels: 3 } })
      .resize({ width: tw, height: th, fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const tile: Rgb = { data, width: tw, height: th };
    const safeTile = await safePixels(tile);
    const cx = gap + (i % cols) * (cell.width + gap) + ((cell.width - tw) >> 1);
    const cy = gap + Math.floor(i / cols) * (cell.height + gap) + ((cell.height - th) >> 1);
    for (let y = 0; y < th; y++) {
      clearSheet.set(data.subarray(y * tw * 3, (y + 1) * tw * 3), ((cy + y) * sw + cx) * 3);
      safeSheet.set(safeTile.subarray(y * tw, (y + 1) * tw), (cy + y) * sw + cx);
    }
    if (opts.timestamps ?? true) {
      const label = formatTimestamp(f.timestampSec, tenths);
      const lx = gap + (i % cols) * (cell.width + gap) + 2;
      const ly = gap + Math.floor(i / cols) * (cell.height + gap) + cell.height - 16;
      drawLabel(clearSheet, sw, sh, 3, lx, ly, label);
      drawLabel(safeSheet, sw, sh, 1, lx, ly, label);
    }
  }
  const [clear, safe] = await Promise.all([
    encodeClear({ data: clearSheet, width: sw, height: sh }),
    encodeGrey(safeSheet, sw, sh),
  ]);
  return {
    clear, safe, width: sw, height: sh, format: 'webp',
    grid: { columns: cols, rows, cellWidth: cell.width, cellHeight: cell.height, gap },
  };
}
