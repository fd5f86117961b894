/**
 * Review thumbnails with exposure protection (src/adapters/thumbnail-renderer.ts). The `safe` variant's criteria are
 * measured on decoded WebP output at the default settings:
 *  (a) PDQ distance safe↔clear ≥ 60 bits on generated scenes and benign refdata photos;
 *  (b) max Sobel gradient inside a face-sized (40 px) high-contrast feature < 5 % of the clear thumbnail's.
 * All test media is generated here (shapes, checkerboards, gradients) or benign public refdata (shared/refdata/pdq,
 * shared/refdata/forensic/exif-samples); a missing refdata folder fails the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { renderScene } from '../../src/adapters/demo-evidence.js';
import {
  formatTimestamp,
  orientPixels,
  renderContactSheet,
  renderImageThumbnails,
  ThumbnailError,
  type ContactSheetFrame,
  type ThumbnailPair,
} from '../../src/adapters/thumbnail-renderer.js';
import { hammingDistance, pdqFromRgb } from '../../src/hashing/pdq.js';
import { refdata } from '../helpers/env.js';

interface Decoded {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

async function decodeWebp(buf: Buffer): Promise<Decoded> {
  const meta = await sharp(buf).metadata();
  assert.equal(meta.format, 'webp');
  const { data, info } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

function grey(d: Decoded): Uint8Array {
  const n = d.width * d.height;
  const out = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += d.channels) {
    out[i] = d.channels < 3 ? d.data[p]! : Math.round(0.299 * d.data[p]! + 0.587 * d.data[p + 1]! + 0.114 * d.data[p + 2]!);
  }
  return out;
}

/** Max Sobel gradient magnitude over pixels [x0, x1) × [y0, y1) (borders excluded). */
function maxSobel(g: Uint8Array, w: number, h: number, x0: number, y0: number, x1: number, y1: number): number {
  let m = 0;
  const p = (y: number, x: number): number => g[y * w + x]!;
  for (let y = Math.max(1, y0); y < Math.min(h - 1, y1); y++) {
    for (let x = Math.max(1, x0); x < Math.min(w - 1, x1); x++) {
      const gx = -p(y - 1, x - 1) - 2 * p(y, x - 1) - p(y + 1, x - 1) + p(y - 1, x + 1) + 2 * p(y, x + 1) + p(y + 1, x + 1);
      const gy = -p(y - 1, x - 1) - 2 * p(y - 1, x) - p(y - 1, x + 1) + p(y + 1, x - 1) + 2 * p(y + 1, x) + p(y + 1, x + 1);
      m = Math.max(m, Math.hypot(gx, gy));
    }
  }
  return m;
}

function maxChroma(d: Decoded): number {
  let m = 0;
  for (let p = 0; p < d.data.length; p += d.channels) {
    m = Math.max(m, Math.abs(d.data[p]! - d.data[p + 1]!), Math.abs(d.data[p + 1]! - d.data[p + 2]!));
  }
  return m;
}

async function pdqDistance(t: ThumbnailPair): Promise<number> {
  const c = await decodeWebp(t.clear);
  const s = await decodeWebp(t.safe);
  return hammingDistance(
    pdqFromRgb(c.data, c.width, c.height, c.channels).hash,
    pdqFromRgb(s.data, s.width, s.height, s.channels).hash,
  );
}

/** 256×192 white RGB with a 40 px feature centred at (cx, cy): an 8 px checkerboard or a black ring (r 14..20). */
function featureImage(kind: 'checker' | 'ring', cx: number, cy: number): { raw: Uint8Array; width: number; height: number; channels: 3 } {
  const width = 256;
  const height = 192;
  const raw = new Uint8Array(width * height * 3).fill(255);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x - cx + 0.5;
      const dy = y - cy + 0.5;
      const black = kind === 'checker'
        ? Math.abs(dx) < 20 && Math.abs(dy) < 20 && ((Math.floor((x - cx + 20) / 8) + Math.floor((y - cy + 20) / 8)) & 1) === 0
        : Math.hypot(dx, dy) <= 20 && Math.hypot(dx, dy) >= 14;
      if (black) raw.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { raw, width, height, channels: 3 };
}

test('clear and safe decode as WebP of the expected size; images are never enlarged; longSide option', async () => {
  const big = await renderImageThumbnails(await renderScene(3, 1024, 768).png().toBuffer());
  assert.equal(big.format, 'webp');
  assert.deepEqual([big.width, big.height], [256, 192]);
  for (const buf of [big.clear, big.safe]) {
    const d = await decodeWebp(buf);
    assert.deepEqual([d.width, d.height], [256, 192]);
  }
  assert.ok(big.clear.length < 20_000, `clear thumbnail is small (${big.clear.length} bytes)`);
  assert.ok(big.safe.length < 4_000, `safe thumbnail is small (${big.safe.length} bytes)`);

  const portrait = await renderImageThumbnails(await renderScene(4, 600, 900).jpeg().toBuffer(), { longSide: 128 });
  assert.deepEqual([portrait.width, portrait.height], [85, 128]);
  assert.deepEqual([(await decodeWebp(portrait.safe)).width, (await decodeWebp(portrait.safe)).height], [85, 128]);

  const tiny = await renderImageThumbnails(refdata('pdq', 'pdq', 'data', 'misc-images', 'wee.jpg'));
  assert.deepEqual([tiny.width, tiny.height], [34, 42]);
  await assert.rejects(renderImageThumbnails(big.clear, { longSide: 0 }), RangeError);
});

test('safe variant is greyscale (no chroma) and keeps only the coarse tonal layout', async () => {
  const t = await renderImageThumbnails(await renderScene(6, 800, 600).jpeg({ quality: 90 }).toBuffer());
  const clear = await decodeWebp(t.clear);
  const safe = await decodeWebp(t.safe);
  assert.ok(maxChroma(clear) > 50, 'the clear thumbnail of a colourful scene has colour');
  // The safe pixels are written with R = G = B; libwebp's fixed-point YUV -> RGB of neutral chroma rounds to ±1.
  assert.ok(maxChroma(safe) <= 1, `safe chroma ${maxChroma(safe)}`);

  // Left half black, right half white: the blurred picture is still dark on the left and bright on the right.
  const w = 256;
  const h = 128;
  const raw = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) raw.fill(255, (y * w + w / 2) * 3, (y * w + w) * 3);
  const half = await decodeWebp((await renderImageThumbnails({ raw, width: w, height: h, channels: 3 })).safe);
  const g = grey(half);
  assert.ok(g[64 * w + 10]! < 40 && g[64 * w + 245]! > 215, `layout kept: ${g[64 * w + 10]} / ${g[64 * w + 245]}`);
  assert.ok(Math.abs(g[64 * w + 128]! - 128) < 30, 'edge blurred to mid grey');
});

test('(a) PDQ distance between safe and clear is >= 60 bits (generated scenes and refdata photos)', async () => {
  const inputs: [string, string | Buffer][] = [];
  for (let seed = 1; seed <= 8; seed++) inputs.push([`scene${seed}`, await renderScene(seed, 1024, 768).png().toBuffer()]);
  for (const p of [
    ['pdq', 'pdq', 'data', 'reg-test-input', 'dih', 'bridge-1-original.jpg'],
    ['pdq', 'pdq', 'data', 'reg-test-input', 'pen-and-coaster.png'],
    ['pdq', 'pdq', 'data', 'reg-test-input', 'labelme-subset', 'q0122.jpg'],
    ['pdq', 'pdq', 'data', 'misc-images', 'c.png'],
    ['forensic', 'exif-samples', 'jpg', 'Canon_40D.jpg'],
    ['forensic', 'exif-samples', 'jpg', 'gps', 'DSCN0010.jpg'],
  ]) {
    inputs.push([p.at(-1)!, refdata(...p)]);
  }
  const distances: string[] = [];
  for (const [name, input] of inputs) {
    const d = await pdqDistance(await renderImageThumbnails(input));
    distances.push(`${name}=${d}`);
    assert.ok(d >= 60, `${name}: safe is only ${d} bits from clear`);
  }
  process.stdout.write(`# pdq distance safe<->clear: ${distances.join(' ')}\n`);
});

test('(b) a face-sized high-contrast feature loses its edges: max Sobel in safe < 5 % of clear', async () => {
  const ratios: string[] = [];
  for (const kind of ['checker', 'ring'] as const) {
    // Several placements relative to the safe grid (the grid cell is ~26 px at 256 px).
    for (const [cx, cy] of [[128, 96], [133, 99], [139, 103], [119, 109], [145, 91], [68, 46], [218, 156]] as const) {
      const t = await renderImageThumbnails(featureImage(kind, cx, cy));
      const box = [cx - 24, cy - 24, cx + 24, cy + 24] as const;
      const clear = maxSobel(grey(await decodeWebp(t.clear)), 256, 192, ...box);
      const safe = maxSobel(grey(await decodeWebp(t.safe)), 256, 192, ...box);
      assert.ok(clear > 900, `clear keeps the edges (${clear})`);
      const ratio = safe / clear;
      ratios.push(`${kind}@${cx},${cy}=${(100 * ratio).toFixed(1)}%`);
      assert.ok(ratio < 0.05, `${kind} at ${cx},${cy}: safe gradient ${safe.toFixed(1)} is ${(100 * ratio).toFixed(1)} % of ${clear.toFixed(0)}`);
    }
  }
  // Other thumbnail sizes (the feature keeps its proportion: 20 px at 128, 80 px at 512).
  for (const longSide of [128, 512]) {
    for (const kind of ['checker', 'ring'] as const) {
      const f = featureImage(kind, 133, 99);
      const input = longSide === 512
        ? { raw: new Uint8Array(await sharp(f.raw, { raw: { width: 256, height: 192, channels: 3 } }).resize(512, 384, { kernel: 'nearest' }).raw().toBuffer()), width: 512, height: 384, channels: 3 as const }
        : f;
      const t = await renderImageThumbnails(input, { longSide });
      const k = longSide / 256;
      const box = [Math.round((133 - 24) * k), Math.round((99 - 24) * k), Math.round((133 + 24) * k), Math.round((99 + 24) * k)] as const;
      const clear = maxSobel(grey(await decodeWebp(t.clear)), t.width, t.height, ...box);
      const safe = maxSobel(grey(await decodeWebp(t.safe)), t.width, t.height, ...box);
      ratios.push(`${kind}@${longSide}px=${(100 * safe / clear).toFixed(1)}%`);
      assert.ok(clear > 600 && safe / clear < 0.05, `${kind} at long side ${longSide}: ${safe.toFixed(1)} / ${clear.toFixed(0)}`);
    }
  }
  process.stdout.write(`# sobel safe/clear: ${ratios.join(' ')}\n`);
});

test('orientation 6 rotates 90° clockwise; all 8 EXIF orientations match libvips autorotation', async () => {
  // 300×200 grey with a red block at the stored top-left corner.
  const w = 300;
  const h = 200;
  const raw = new Uint8Array(w * h * 3).fill(128);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) raw.set([255, 0, 0], (y * w + x) * 3);
  const upright = await renderImageThumbnails({ raw, width: w, height: h, channels: 3 }, { orientation: 6 });
  assert.deepEqual([upright.width, upright.height], [171, 256]);
  const d = await decodeWebp(upright.clear);
  const red = (x: number, y: number): boolean => {
    const p = (y * d.width + x) * d.channels;
    return d.data[p]! > 200 && d.data[p + 1]! < 60;
  };
  assert.ok(red(d.width - 5, 5), 'stored top-left shows top-right after a clockwise turn');
  assert.ok(!red(5, 5) && !red(d.width - 5, d.height - 5) && !red(5, d.height - 5));

  // orientPixels against sharp's autoOrient of a JPEG carrying each EXIF orientation (same decoded pixels).
  const pattern = new Uint8Array(6 * 4 * 3);
  for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 37) % 256;
  const png = await sharp(pattern, { raw: { width: 6, height: 4, channels: 3 } }).resize(60, 40, { kernel: 'nearest' }).png().toBuffer();
  for (let o = 1; o <= 8; o++) {
    const jpeg = await sharp(png).jpeg({ quality: 100 }).withMetadata({ orientation: o }).toBuffer();
    const stored = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    const libvips = await sharp(jpeg).autoOrient().raw().toBuffer({ resolveWithObject: true });
    const ours = orientPixels({ data: stored.data, width: stored.info.width, height: stored.info.height }, o);
    assert.deepEqual([ours.width, ours.height], [libvips.info.width, libvips.info.height], `orientation ${o} size`);
    assert.ok(Buffer.from(ours.data).equals(libvips.data), `orientation ${o} pixels`);
  }
  assert.throws(() => orientPixels({ data: new Uint8Array(3), width: 1, height: 1 }, 9), RangeError);
});

test('EXIF orientation of a file is applied by default, null keeps the stored order (refdata orientation samples)', async () => {
  const dir = ['forensic', 'exif-samples', 'jpg', 'orientation'];
  const base = await decodeWebp((await renderImageThumbnails(refdata(...dir, 'landscape_1.jpg'))).clear);
  const hashOf = (d: Decoded): string => pdqFromRgb(d.data, d.width, d.height, d.channels).hash;
  const baseHash = hashOf(base);
  // Each landscape_N.jpg is the same picture stored transformed (and re-encoded): upright, all match landscape_1
  // (measured 12-18 bits); in stored order the mirrored/rotated-180 ones are unrelated (126-130 bits).
  for (let o = 1; o <= 8; o++) {
    const t = await renderImageThumbnails(refdata(...dir, `landscape_${o}.jpg`));
    assert.deepEqual([t.width, t.height], [256, 192], `landscape_${o} shows upright`);
    const dist = hammingDistance(baseHash, hashOf(await decodeWebp(t.clear)));
    assert.ok(dist <= 31, `landscape_${o} upright thumbnail is ${dist} bits from landscape_1`);
    const stored = await renderImageThumbnails(refdata(...dir, `landscape_${o}.jpg`), { orientation: null });
    if (o >= 2 && o <= 4) {
      const far = hammingDistance(baseHash, hashOf(await decodeWebp(stored.clear)));
      assert.ok(far >= 90, `landscape_${o} in stored order should not look like landscape_1 (${far} bits)`);
    } else if (o >= 5) {
      assert.deepEqual([stored.width, stored.height], [192, 256]);
    }
  }
  const stored = await renderImageThumbnails(refdata(...dir, 'landscape_6.jpg'), { orientation: null });
  assert.deepEqual([stored.width, stored.height], [192, 256]);
  const forced = await renderImageThumbnails(refdata(...dir, 'landscape_1.jpg'), { orientation: 8 });
  assert.deepEqual([forced.width, forced.height], [192, 256]);
});

test('raw pixels (as decoded for PDQ) give the same thumbnails as the encoded file; alpha on white', async () => {
  const png = await renderScene(5, 640, 480).removeAlpha().png().toBuffer();
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  const fromFile = await renderImageThumbnails(png);
  const fromRaw = await renderImageThumbnails({ raw: data, width: info.width, height: info.height, channels: 3 });
  assert.ok(fromFile.clear.equals(fromRaw.clear));
  assert.ok(fromFile.safe.equals(fromRaw.safe));

  const greyRaw = await renderImageThumbnails({ raw: new Uint8Array(100 * 50).fill(77), width: 100, height: 50, channels: 1 });
  assert.deepEqual([greyRaw.width, greyRaw.height], [100, 50]);
  // Fully transparent RGBA -> white.
  const clearAlpha = await decodeWebp((await renderImageThumbnails({ raw: new Uint8Array(64 * 64 * 4), width: 64, height: 64, channels: 4 })).clear);
  assert.ok(clearAlpha.data.every((v) => v >= 250), 'transparent pixels are composited on white');
});

test('corrupt or unsupported input throws a ThumbnailError with the decoder message', async () => {
  const jpeg = await renderScene(2, 400, 300).jpeg().toBuffer();
  const cases: [string, Parameters<typeof renderImageThumbnails>[0], RegExp][] = [
    ['truncated JPEG', jpeg.subarray(0, jpeg.length >> 1), /premature end/i],
    ['not an image', Buffer.from('definitely not a picture'), /unsupported image format/],
    ['refdata corrupted.jpg', refdata('forensic', 'exif-samples', 'jpg', 'corrupted.jpg'), /corrupt JPEG|premature/i],
    ['raw too short', { raw: new Uint8Array(10), width: 10, height: 10, channels: 3 }, /too short/],
  ];
  for (const [name, input, re] of cases) {
    await assert.rejects(renderImageThumbnails(input), (err: unknown) => {
      assert.ok(err instanceof ThumbnailError, `${name}: ${String(err)}`);
      assert.match(err.message, /^thumbnail: /);
      assert.match(err.message, re, name);
      return true;
    });
  }
});

test('formatTimestamp', () => {
  assert.equal(formatTimestamp(0), '0:00');
  assert.equal(formatTimestamp(75.9), '1:15');
  assert.equal(formatTimestamp(3725), '1:02:05');
  assert.equal(formatTimestamp(2.25, true), '0:02.3');
});

test('contact sheet: grid layout, WebP, greyscale blurred tiles, timestamps on both variants', async () => {
  // Frames 0-2: scenes (PDQ criterion); frames 3-4: a face-sized feature (Sobel criterion; 50 px in a 320 px frame
  // = 25 px in a 160 px cell, the same proportion as 40 px in a 256 px thumbnail).
  const frames: ContactSheetFrame[] = [];
  for (let i = 0; i < 3; i++) {
    const { data } = await renderScene(20 + i, 320, 240).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    frames.push({ rgb: data, width: 320, height: 240, timestampSec: i * 12.5 });
  }
  for (const kind of ['checker', 'ring'] as const) {
    const f = featureImage(kind, 128, 96);
    const { data } = await sharp(f.raw, { raw: { width: 256, height: 192, channels: 3 } }).resize(320, 240, { kernel: 'nearest' }).raw().toBuffer({ resolveWithObject: true });
    frames.push({ rgb: data, width: 320, height: 240, timestampSec: frames.length * 12.5 });
  }
  const sheet = await renderContactSheet(frames);
  assert.deepEqual(sheet.grid, { columns: 3, rows: 2, cellWidth: 160, cellHeight: 120, gap: 2 });
  assert.deepEqual([sheet.width, sheet.height], [3 * 160 + 4 * 2, 2 * 120 + 3 * 2]);
  const clear = await decodeWebp(sheet.clear);
  const safe = await decodeWebp(sheet.safe);
  assert.deepEqual([clear.width, clear.height, safe.width, safe.height], [sheet.width, sheet.height, sheet.width, sheet.height]);
  assert.ok(maxChroma(safe) <= 1);

  const gs = grey(safe);
  const gc = grey(clear);
  const noLabels = await renderContactSheet(frames, { timestamps: false });
  const ns = await decodeWebp(noLabels.safe);
  const nc = await decodeWebp(noLabels.clear);
  const cell = (d: Decoded, i: number): Decoded => {
    const x0 = 2 + (i % 3) * 162;
    const y0 = 2 + Math.floor(i / 3) * 122;
    const out = Buffer.alloc(160 * 120 * d.channels);
    for (let y = 0; y < 120; y++) d.data.copy(out, y * 160 * d.channels, ((y0 + y) * d.width + x0) * d.channels, ((y0 + y) * d.width + x0 + 160) * d.channels);
    return { data: out, width: 160, height: 120, channels: d.channels };
  };
  const report: string[] = [];
  for (let i = 0; i < frames.length; i++) {
    // Each tile is blurred on its own: far from its clear tile in PDQ terms, edges gone.
    const cs = cell(ns, i);
    const cc = cell(nc, i);
    if (i < 3) {
      const dist = hammingDistance(pdqFromRgb(cs.data, 160, 120, cs.channels).hash, pdqFromRgb(cc.data, 160, 120, cc.channels).hash);
      report.push(`frame${i}: pdq ${dist}`);
      assert.ok(dist >= 60, `frame ${i}: safe tile only ${dist} bits from clear`);
    } else {
      const s = maxSobel(grey(cs), 160, 120, 60, 40, 100, 80);
      const c = maxSobel(grey(cc), 160, 120, 60, 40, 100, 80);
      report.push(`frame${i}: sobel ${(100 * s / c).toFixed(1)}% (${s.toFixed(0)}/${c.toFixed(0)})`);
      assert.ok(c > 500 && s < 0.05 * c, `frame ${i}: safe tile gradient ${s.toFixed(0)} vs clear ${c.toFixed(0)}`);
    }
    // Label (drawn after the blur): crisp white-on-black in both.
    const x0 = 2 + (i % 3) * 162;
    const y0 = 2 + Math.floor(i / 3) * 122;
    const labelSafe = maxSobel(gs, sheet.width, sheet.height, x0 + 2, y0 + 104, x0 + 40, y0 + 118);
    assert.ok(labelSafe > 500, `frame ${i}: timestamp label is crisp on the safe sheet (${labelSafe.toFixed(0)})`);
  }
  process.stdout.write(`# contact sheet tiles safe<->clear: ${report.join(' ')}\n`);
  // Unused sixth cell stays background.
  assert.ok(Math.abs(gc[(2 + 122 + 60) * sheet.width + 2 + 2 * 162 + 80]! - 24) <= 3);

  await assert.rejects(renderContactSheet([]), RangeError);
  await assert.rejects(renderContactSheet([{ rgb: new Uint8Array(3), width: 10, height: 10, timestampSec: 0 }]), ThumbnailError);
});

test('contact sheet: frames of another aspect are letterboxed in their cell, small frames enlarged', async () => {
  const solid = (w: number, h: number, v: number): ContactSheetFrame => ({ rgb: new Uint8Array(w * h * 3).fill(v), width: w, height: h, timestampSec: 0 });
  const sheet = await renderContactSheet([solid(80, 60, 200), solid(30, 60, 200)], { timestamps: false, columns: 2 });
  assert.deepEqual(sheet.grid, { columns: 2, rows: 1, cellWidth: 160, cellHeight: 120, gap: 2 });
  const g = grey(await decodeWebp(sheet.clear));
  const at = (x: number, y: number): number => g[y * sheet.width + x]!;
  // Cell 1 (x 2..161) is filled; cell 2 (x 164..323) holds a 60×120 frame centred at x 214..273.
  assert.ok(Math.abs(at(10, 60) - 200) <= 3 && Math.abs(at(150, 60) - 200) <= 3, 'enlarged 80×60 frame fills its cell');
  assert.ok(Math.abs(at(244, 60) - 200) <= 3, 'portrait frame in the middle of its cell');
  assert.ok(Math.abs(at(180, 60) - 24) <= 3 && Math.abs(at(310, 60) - 24) <= 3, 'letterbox bars are background');
  await assert.rejects(renderContactSheet([solid(8, 8, 0)], { columns: 0 }), RangeError);
});
