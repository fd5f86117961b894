/**
 * Benign generated pictures for the PDQ benchmark and the fast-mode study (bench/pdq-bench.ts,
 * bench/pdq-fast-study.ts). Everything is made by code: an abstract SVG scene (src/adapters/demo-evidence.ts) with
 * multi-scale value-noise texture and fine "sensor" noise on top, so the JPEGs compress like photos (a 12 MP q90
 * file is a few MB, like a phone picture) instead of like flat vector art; plus pure noise textures, a text page
 * and a zone plate (the classic aliasing stress test for any downscaler).
 *
 * The noise is our own seeded PRNG + bilinear value noise rather than sharp's `create.noise` so the same bytes come
 * out on every machine (sharp's Gaussian noise is not seeded).
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { renderScene } from '../src/adapters/demo-evidence.js';
import { mulberry32 } from '../test/helpers/prng.js';

export interface RawRgb {
  data: Uint8Array;
  width: number;
  height: number;
}

export type GeneratedKind = 'photo' | 'texture' | 'text' | 'zoneplate';

export interface GeneratedImage {
  path: string;
  kind: GeneratedKind;
  width: number;
  height: number;
  format: 'jpeg' | 'png' | 'webp';
  quality: number | null;
  bytes: number;
}

export const prng = mulberry32;

/**
 * Adds value noise to `img` in place: for each (cell size px, amplitude) octave a random grid, bilinearly
 * interpolated; `fine` = amplitude of independent per-pixel noise. `colour` gives each channel its own grid.
 */
function addNoise(img: RawRgb, seed: number, octaves: [number, number][], fine: number, colour: boolean): void {
  const { data, width: w, height: h } = img;
  const rnd = prng(seed);
  const field = new Float32Array(w * h * 3);
  for (const [cell, amp] of octaves) {
    const gw = Math.ceil(w / cell) + 2;
    const gh = Math.ceil(h / cell) + 2;
    for (let c = 0; c < 3; c++) {
      if (c > 0 && !colour) {
        for (let i = 0; i < w * h; i++) field[i * 3 + c] = field[i * 3]!;
        continue;
      }
      const grid = new Float32Array(gw * gh);
      for (let i = 0; i < grid.length; i++) grid[i] = (rnd() * 2 - 1) * amp;
      for (let y = 0; y < h; y++) {
        const fy = y / cell;
        const y0 = Math.floor(fy);
        const ty = fy - y0;
        const sy = ty * ty * (3 - 2 * ty);
        for (let x = 0; x < w; x++) {
          const fx = x / cell;
          const x0 = Math.floor(fx);
          const tx = fx - x0;
          const sx = tx * tx * (3 - 2 * tx);
          const a = grid[y0 * gw + x0]!;
          const b = grid[y0 * gw + x0 + 1]!;
          const cc = grid[(y0 + 1) * gw + x0]!;
          const d = grid[(y0 + 1) * gw + x0 + 1]!;
          const o = (y * w + x) * 3 + c;
          field[o] = field[o]! + a + (b - a) * sx + (cc - a + (a - b - cc + d) * sx) * sy;
        }
      }
    }
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i]! + field[i]! + (fine > 0 ? (rnd() + rnd() + rnd() - 1.5) * fine : 0);
    data[i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
  }
}

async function svgRaw(svg: string): Promise<RawRgb> {
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** A photo-like picture: abstract scene + texture at several scales + fine noise. */
/** Amplitude of the per-pixel noise: makes a 12 MP q90 JPEG ≈ 3 MB (a 12.3 MP phone photo in refdata is 4.1 MB). */
const FINE = 14;
export async function photoLike(seed: number, width: number, height: number): Promise<RawRgb> {
  const { data, info } = await renderScene(seed, width, height).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const img = { data, width: info.width, height: info.height };
  const s = Math.max(width, height) / 1000;
  addNoise(img, seed * 7919 + 1, [[Math.round(160 * s), 30], [Math.round(40 * s), 16], [Math.max(3, Math.round(8 * s)), 12], [2, 10]], FINE, true);
  return img;
}

/** Pure value-noise texture (grey or colour), octaves scaled to the image. */
export function noiseTexture(seed: number, width: number, height: number, colour: boolean): RawRgb {
  const img = { data: new Uint8Array(width * height * 3).fill(128), width, height };
  const s = Math.max(width, height) / 1000;
  addNoise(img, seed * 104729 + 3, [[Math.round(200 * s), 60], [Math.round(50 * s), 30], [Math.max(2, Math.round(6 * s)), 20]], 10, colour);
  return img;
}

/** A page of text (DejaVu via librsvg/fontconfig) with a light paper texture. */
export async function textPage(seed: number, width: number, height: number): Promise<RawRgb> {
  const words = ['winnow', 'triage', 'evidence', 'hash', 'perceptual', 'review', 'case', 'archive', 'scan', 'match',
    'quality', 'distance', 'report', 'folder', 'picture', 'benign'];
  const rnd = prng(seed);
  const size = Math.round(height / 60);
  const lines: string[] = [];
  for (let y = size * 2; y < height - size; y += Math.round(size * 1.5)) {
    let line = '';
    while (line.length < (width / size) * 1.6) line += `${words[Math.floor(rnd() * words.length)]} `;
    lines.push(`<text x="${size * 2}" y="${y}" font-family="DejaVu Sans" font-size="${size}" fill="#222">${line}</text>`);
  }
  const img = await svgRaw(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f4f1e8"/>${lines.join('')}</svg>`);
  addNoise(img, seed + 11, [[Math.round(width / 8), 8]], 4, false);
  return img;
}

/** Zone plate: grey = 128 + 127 cos(k r²), frequency rising to `maxCyclesPerPx` at the corners. */
export function zonePlate(width: number, height: number, maxCyclesPerPx = 0.45): RawRgb {
  const data = new Uint8Array(width * height * 3);
  const cx = width / 2;
  const cy = height / 2;
  const rmax = Math.hypot(cx, cy);
  // phase = pi * k * r^2 has local frequency k * r cycles/px: choose k so that k * rmax = maxCyclesPerPx.
  const k = maxCyclesPerPx / rmax;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r2 = (x - cx) ** 2 + (y - cy) ** 2;
      const v = Math.round(128 + 127 * Math.cos(Math.PI * k * r2));
      data.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { data, width, height };
}

export async function writeImage(
  img: RawRgb, path: string, format: 'jpeg' | 'png' | 'webp', quality: number | null,
): Promise<void> {
  const s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
  if (format === 'jpeg') await s.jpeg({ quality: quality ?? 90 }).toFile(path);
  else if (format === 'webp') await s.webp({ quality: quality ?? 90 }).toFile(path);
  else await s.png({ compressionLevel: 1 }).toFile(path);
}

export interface CorpusItem {
  name: string;
  kind: GeneratedKind;
  width: number;
  height: number;
  seed: number;
  outputs: { format: 'jpeg' | 'png' | 'webp'; quality: number | null }[];
}

async function render(item: CorpusItem): Promise<RawRgb> {
  switch (item.kind) {
    case 'photo': return photoLike(item.seed, item.width, item.height);
    case 'texture': return noiseTexture(item.seed, item.width, item.height, item.seed % 2 === 0);
    case 'text': return textPage(item.seed, item.width, item.height);
    case 'zoneplate': return zonePlate(item.width, item.height);
  }
}

/** Render every item and write its outputs into `dir`; returns what was written. */
export async function writeCorpus(dir: string, items: CorpusItem[], onItem?: (name: string) => void): Promise<GeneratedImage[]> {
  mkdirSync(dir, { recursive: true });
  const out: GeneratedImage[] = [];
  for (const item of items) {
    const img = await render(item);
    for (const o of item.outputs) {
      const ext = o.format === 'jpeg' ? 'jpg' : o.format;
      const path = join(dir, `${item.name}${o.quality === null ? '' : `-q${o.quality}`}.${ext}`);
      await writeImage(img, path, o.format, o.quality);
      out.push({ path, kind: item.kind, width: item.width, height: item.height, format: o.format, quality: o.quality, bytes: statSync(path).size });
    }
    onItem?.(item.name);
  }
  return out;
}
