/**
 * Image decoding for PDQ (src/hashing/pdq.ts) with sharp/libvips, chosen to reproduce the pixels the reference
 * pipelines hash. Which decoder produced which expected value (shared/refdata/pdq):
 *  - REFERENCE-OUTPUT-cpp*.tsv/csv and the C++ CLI: CImg -> ImageMagick 6 `convert file pnm:-` (libjpeg-turbo,
 *    default ISLOW IDCT + fancy upsampling, no ICC transform, no EXIF rotation, alpha dropped, CMYK -> RGB by
 *    the plain formula, images whose pixels are all grey written as PGM -> grey luma path, 16 bit -> low byte).
 *  - python-threatexchange / HMA `pdqhash` rows of EXPECTED.tsv: Pillow `convert('RGB')` (libjpeg ISLOW, no ICC,
 *    no EXIF rotation, alpha dropped, 16-bit grey clipped to 255).
 * sharp's libvips/mozjpeg decoder gives the same 8-bit pixels for the JPEG/PNG/WebP refdata provided that:
 *  - the embedded ICC profile is ignored (`ignoreIcc`): sharp would otherwise convert to sRGB through it
 *    (2 bits off on pen-and-coaster.png);
 *  - CMYK is converted here with ImageMagick's formula instead of libvips' CMYK profile (6 bits off otherwise);
 *  - images whose pixels are all grey go through the reference's grey luma path (`Y = value`; the RGB formula
 *    differs from it by float ulps for 35 of 256 grey levels).
 * Differences that remain by policy: 16-bit images are reduced to 8 bit by sharp (high byte) by default, which
 * matches neither the C++ CLI (low byte) nor pytx (clip) — both are available through `sixteenBit`.
 * EXIF orientation is ignored like every reference; animated/multi-page files hash their first frame.
 *
 * Modes: 'exact' hashes full resolution (bit-exact with the C++ core / HMA). 'fast' lets sharp reduce the image
 * first (JPEG/WebP shrink-on-load, then Lanczos) to a short side of 512 px; the result is recorded as mode 'fast'
 * and is NOT bit-comparable with reference hashes (notes §3.4; bench/pdq-fast-study.ts measured 92 images: mean
 * 8.5 bits, p90 12, photos ≤ 14, text pages 26-32, zone plates up to 132 — so 'exact' stays the scan default).
 * An image whose short side is already <= 512 px is hashed exactly and recorded as 'exact'.
 */
import sharp, { type Sharp } from 'sharp';
import {
  pdqDihedralFromRgb,
  pdqFromRgb,
  type PdqDihedralResult,
  type PdqResult,
} from '../hashing/pdq.js';

export type PdqDecodeMode = 'exact' | 'fast';

/**
 * How 16-bit samples become 8-bit: 'scale' = sharp's conversion (high byte, default), 'low-byte' = C++ CLI
 * (CImg<uint8_t> from a 16-bit PNM), 'clip' = python-threatexchange/HMA (Pillow clips 16-bit grey to 255).
 */
export type PdqSixteenBitPolicy = 'scale' | 'low-byte' | 'clip';

export interface PdqDecodeOptions {
  mode?: PdqDecodeMode;
  sixteenBit?: PdqSixteenBitPolicy;
  /**
   * Short side (px) 'fast' mode reduces to; default PDQ_FAST_MIN_SIDE. For measurements of the accuracy/speed
   * trade-off (bench/pdq-fast-study.ts --sides); hashes made with another value are not comparable with 'fast'.
   */
  fastMinSide?: number;
}

/** Short side (px) kept by 'fast' mode. Shrinking below 512 moves hashes by up to 28 bits (notes §3.4). */
export const PDQ_FAST_MIN_SIDE = 512;

export interface PdqPixels {
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 = grey luma path, 3 = RGB luma path. */
  channels: 1 | 3;
  sourceWidth: number;
  sourceHeight: number;
  format: string;
  /** Effective mode: 'fast' only if the image was actually reduced. */
  mode: PdqDecodeMode;
  /** Conversions applied, e.g. 'alpha-dropped', 'cmyk-formula', '16bit-scale', 'grey-luma'. */
  conversions: string[];
}

export interface PdqImageMeta {
  mode: PdqDecodeMode;
  /** Dimensions that were hashed. */
  width: number;
  height: number;
  sourceWidth: number;
  sourceHeight: number;
  format: string;
  conversions: string[];
}

export type PdqImageHash = PdqResult & PdqImageMeta;
export type PdqImageDihedralHash = PdqDihedralResult & PdqImageMeta;

type Input = string | Buffer | Uint8Array;

function open(input: Input): Sharp {
  return sharp(input, { failOn: 'error', ignoreIcc: true });
}

/** ImageMagick 6 Q16 CMYK -> sRGB (`ConvertCMYKToRGB` + `ScaleQuantumToChar`) into a new 3-channel buffer. */
function cmykToRgb(src: Uint8Array, n: number, srcChannels: number): Uint8Array {
  const out = new Uint8Array(n * 3);
  for (let i = 0, p = 0, o = 0; i < n; i++, p += srcChannels, o += 3) {
    const nk = 255 - src[p + 3]!;
    for (let c = 0; c < 3; c++) {
      const q16 = Math.round((257 * (255 - src[p + c]!) * nk) / 255);
      out[o + c] = Math.floor((q16 + 128) / 257);
    }
  }
  return out;
}

/** If every pixel has R == G == B, compact to one channel (ImageMagick writes PGM, the reference uses grey luma). */
function greyIfPossible(data: Uint8Array, n: number): Uint8Array | null {
  for (let p = 0; p < n * 3; p += 3) {
    const r = data[p];
    if (r !== data[p + 1] || r !== data[p + 2]) return null;
  }
  for (let i = 0; i < n; i++) data[i] = data[i * 3]!;
  return data.subarray(0, n);
}

/** Decode to the 8-bit pixels PDQ hashes (see the header for the policy). */
export async function decodeForPdq(input: Input, options: PdqDecodeOptions = {}): Promise<PdqPixels> {
  const requestedMode = options.mode ?? 'exact';
  const sixteenBit = options.sixteenBit ?? 'scale';
  const meta = await open(input).metadata();
  const sourceWidth = meta.width ?? 0;
  const sourceHeight = meta.height ?? 0;
  const format = meta.format ?? 'unknown';
  const conversions: string[] = [];
  if (meta.hasAlpha) conversions.push('alpha-dropped');
  if ((meta.pages ?? 1) > 1) conversions.push('first-page-only');

  const is16 = meta.depth === 'ushort' || meta.depth === 'short';
  const isCmyk = meta.space === 'cmyk';
  const greySource = meta.space === 'b-w' || meta.space === 'grey16';

  // 16-bit with a reference-parity policy: read 16-bit samples and reduce them here, at full resolution.
  if (is16 && sixteenBit !== 'scale' && !isCmyk) {
    const { data, info } = await open(input)
      .removeAlpha()
      .toColourspace(greySource ? 'grey16' : 'rgb16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    const samples = new Uint16Array(data.buffer, data.byteOffset, data.length >> 1);
    const out = new Uint8Array(samples.length);
    if (sixteenBit === 'low-byte') for (let i = 0; i < samples.length; i++) out[i] = samples[i]! & 0xff;
    else for (let i = 0; i < samples.length; i++) out[i] = Math.min(samples[i]!, 255);
    conversions.push(`16bit-${sixteenBit}`);
    const n = info.width * info.height;
    let pixels: Uint8Array = out;
    let channels: 1 | 3 = info.channels === 1 ? 1 : 3;
    if (channels === 3) {
      const grey = greyIfPossible(out, n);
      if (grey) {
        pixels = grey;
        channels = 1;
      }
    }
    if (channels === 1) conversions.push('grey-luma');
    return {
      data: pixels, width: info.width, height: info.height, channels, sourceWidth, sourceHeight, format,
      mode: 'exact', conversions,
    };
  }
  if (is16) conversions.push('16bit-scale');

  let pipeline = open(input);
  let mode: PdqDecodeMode = 'exact';
  const shortSide = Math.min(sourceWidth, sourceHeight);
  const minSide = options.fastMinSide ?? PDQ_FAST_MIN_SIDE;
  if (!Number.isInteger(minSide) || minSide < 64) throw new RangeError(`pdq decode: fastMinSide must be an integer >= 64, got ${minSide}`);
  if (requestedMode === 'fast' && shortSide > minSide) {
    mode = 'fast';
    pipeline = pipeline.resize(
      sourceWidth <= sourceHeight
        ? { width: minSide, fit: 'inside', withoutEnlargement: true }
        : { height: minSide, fit: 'inside', withoutEnlargement: true },
    );
  }

  let data: Uint8Array;
  let width: number;
  let height: number;
  if (isCmyk && !is16) {
    const raw = await pipeline
      .pipelineColourspace('cmyk')
      .toColourspace('cmyk')
      .raw()
      .toBuffer({ resolveWithObject: true });
    width = raw.info.width;
    height = raw.info.height;
    data = cmykToRgb(raw.data, width * height, raw.info.channels);
    conversions.push('cmyk-formula');
  } else {
    const raw = await pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    width = raw.info.width;
    height = raw.info.height;
    if (raw.info.channels !== 3) throw new Error(`pdq decode: expected 3 channels, got ${raw.info.channels}`);
    data = raw.data;
  }
  let channels: 1 | 3 = 3;
  const grey = greyIfPossible(data, width * height);
  if (grey) {
    data = grey;
    channels = 1;
    conversions.push('grey-luma');
  }
  return { data, width, height, channels, sourceWidth, sourceHeight, format, mode, conversions };
}

function metaOf(p: PdqPixels): PdqImageMeta {
  return {
    mode: p.mode, width: p.width, height: p.height, sourceWidth: p.sourceWidth, sourceHeight: p.sourceHeight,
    format: p.format, conversions: p.conversions,
  };
}

/** Decode an image file (path) or buffer and compute its PDQ hash. */
export async function pdqHashImage(input: Input, options: PdqDecodeOptions = {}): Promise<PdqImageHash> {
  const p = await decodeForPdq(input, options);
  return { ...pdqFromRgb(p.data, p.width, p.height, p.channels), ...metaOf(p) };
}

/** Decode an image and compute its 8 dihedral PDQ hashes from one DCT. */
export async function pdqDihedralHashImage(input: Input, options: PdqDecodeOptions = {}): Promise<PdqImageDihedralHash> {
  const p = await decodeForPdq(input, options);
  return { ...pdqDihedralFromRgb(p.data, p.width, p.height, p.channels), ...metaOf(p) };
}
