import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import tarStream from 'tar-stream';
import yazl from 'yazl';

/**
 * A small benign evidence folder made entirely by code: abstract synthetic pictures (shapes and gradients),
 * exact duplicates, resized and re-encoded near-duplicates, camera EXIF with GPS, nested archives, a corrupt
 * image and a picture renamed to .txt. Used by `winnow demo` and by tests.
 */
export interface DemoLayout {
  root: string;
  /** Relative paths of what was made, by role, so tests can check the scan's answers. */
  files: {
    images: string[];
    exactDuplicateOf: [string, string];
    nearDuplicateOf: [string, string];
    withGps: string[];
    nestedZip: string;
    tarGz: string;
    corrupt: string;
    renamed: string;
  };
  gps: { lat: number; lon: number };
}

const PALETTE = [
  ['#1b9e77', '#d95f02'], ['#7570b3', '#e7298a'], ['#66a61e', '#e6ab02'], ['#a6761d', '#666666'],
  ['#1f78b4', '#b2df8a'], ['#fb9a99', '#6a3d9a'], ['#ff7f00', '#cab2d6'], ['#b15928', '#ffff99'],
];

/** An abstract scene: a gradient background and a few shapes placed from a seed. */
function sceneSvg(seed: number, width: number, height: number): string {
  let s = seed * 2654435761 >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const [a, b] = PALETTE[seed % PALETTE.length]!;
  const shapes: string[] = [];
  for (let i = 0; i < 6; i++) {
    const x = Math.round(rnd() * width);
    const y = Math.round(rnd() * height);
    const r = Math.round(20 + rnd() * Math.min(width, height) / 4);
    const fill = PALETTE[Math.floor(rnd() * PALETTE.length)]![i % 2]!;
    shapes.push(i % 2 ? `<circle cx="${x}" cy="${y}" r="${r}" fill="${fill}" fill-opacity="0.8"/>` : `<rect x="${x - r}" y="${y - r / 2}" width="${2 * r}" height="${r}" fill="${fill}" transform="rotate(${Math.round(rnd() * 90)} ${x} ${y})"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs>
  <rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}</svg>`;
}

export function renderScene(seed: number, width: number, height: number): ReturnType<typeof sharp> {
  return sharp(Buffer.from(sceneSvg(seed, width, height)));
}

/**
 * A scene with photo-like texture: blocky noise over the shapes. Flat synthetic drawings have too little detail for
 * PDQ (quality < 50, not usable for matching, like a blank wall); real photos are textured, and so are these.
 */
export async function renderTexturedScene(seed: number, width: number, height: number): Promise<ReturnType<typeof sharp>> {
  const { data, info } = await renderScene(seed, width, height).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let s = (seed * 7919) >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const c = info.channels;
  for (let y = 0; y < height; y += 8) {
    for (let x = 0; x < width; x += 8) {
      const v = Math.round((rnd() - 0.5) * 90);
      for (let yy = y; yy < Math.min(height, y + 8); yy++) {
        for (let xx = x; xx < Math.min(width, x + 8); xx++) {
          const p = (yy * width + xx) * c;
          for (let k = 0; k < 3; k++) data[p + k] = Math.max(0, Math.min(255, data[p + k]! + v));
        }
      }
    }
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
}

async function zipOf(entries: { name: string; data: Buffer }[], out: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name, { mtime: new Date('2024-05-01T10:00:00Z') });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
}

async function tarGzOf(entries: { name: string; data: Buffer }[], out: string): Promise<void> {
  const pack = tarStream.pack();
  for (const e of entries) pack.entry({ name: e.name, size: e.data.length, mtime: new Date('2024-05-01T10:00:00Z') }, e.data);
  pack.finalize();
  await pipeline(pack, createGzip(), createWriteStream(out));
}

export async function generateDemoEvidence(root: string): Promise<DemoLayout> {
  await rm(root, { recursive: true, force: true });
  for (const d of ['DCIM/100CAMERA', 'Downloads', 'Documents', 'backup']) await mkdir(join(root, d), { recursive: true });
  const images: string[] = [];
  const sizes: [number, number][] = [[1024, 768], [800, 800], [640, 960], [1280, 720], [900, 600], [1200, 900]];
  for (let i = 0; i < sizes.length; i++) {
    const [w, h] = sizes[i]!;
    const rel = i < 4 ? `DCIM/100CAMERA/IMG_${1000 + i}.JPG` : `Downloads/picture-${i}.png`;
    const img = await renderTexturedScene(i + 1, w, h);
    await (rel.endsWith('.png') ? img.png() : img.jpeg({ quality: 90 })).toFile(join(root, rel));
    images.push(rel);
  }
  const gps = { lat: 50.846667, lon: 4.352500 }; // Grand-Place, Brussels
  const et = new ExifTool({ maxProcs: 1 });
  try {
    for (const [i, rel] of images.slice(0, 2).entries()) {
      await et.write(
        join(root, rel),
        {
          Make: 'WinnowCam', Model: `Synthetic S${i + 1}`, SerialNumber: `WN-${4242 + i}`, Software: 'winnow demo',
          DateTimeOriginal: `2024:05:0${i + 1} 14:3${i}:00`, GPSLatitude: gps.lat + i * 0.001, GPSLatitudeRef: 'N',
          GPSLongitude: gps.lon, GPSLongitudeRef: 'E',
        },
        { writeArgs: ['-overwrite_original'] },
      );
    }
  } finally {
    await et.end();
  }
  const exactDup = 'backup/IMG_1000 (copy).JPG';
  await copyFile(join(root, images[0]!), join(root, exactDup));
  const nearDup = 'Downloads/IMG_1001-small.jpg';
  await sharp(join(root, images[1]!)).resize(400).jpeg({ quality: 70 }).toFile(join(root, nearDup));

  const inner = await zipOf([{ name: 'deeper/scene.png', data: await renderScene(11, 320, 240).png().toBuffer() }], join(root, 'inner.tmp.zip')).then(() => readFile(join(root, 'inner.tmp.zip')));
  await rm(join(root, 'inner.tmp.zip'));
  const nestedZip = 'Documents/holiday.zip';
  await zipOf(
    [
      { name: 'photos/beach.jpg', data: await renderScene(12, 640, 480).jpeg().toBuffer() },
      { name: 'photos/readme.txt', data: Buffer.from('Synthetic demo archive made by Winnow.\n') },
      { name: 'more/inner.zip', data: inner },
    ],
    join(root, nestedZip),
  );
  const tarGz = 'Documents/export.tar.gz';
  await tarGzOf([{ name: 'export/chart.png', data: await renderScene(13, 300, 300).png().toBuffer() }, { name: 'export/data.csv', data: Buffer.from('a,b\n1,2\n') }], join(root, tarGz));

  const corrupt = 'Downloads/broken.jpg';
  const full = await readFile(join(root, images[2]!));
  await writeFile(join(root, corrupt), full.subarray(0, Math.floor(full.length / 3)));
  const renamed = 'Documents/notes.txt';
  await renderScene(14, 500, 400).jpeg().toFile(join(root, renamed));
  await writeFile(join(root, 'Documents/letter.txt'), 'Dear examiner,\nthis folder is synthetic.\n');

  return {
    root,
    files: { images, exactDuplicateOf: [exactDup, images[0]!], nearDuplicateOf: [nearDup, images[1]!], withGps: images.slice(0, 2), nestedZip, tarGz, corrupt, renamed },
    gps,
  };
}

/**
 * Hash lists for the demo, in the field's formats: a known-good md5sum list (two text files, as NSRL would list
 * software files) and a stand-in "known" list in VICS 2.0 (US profile) plus a PDQ list. The demo contains no abuse
 * material whatsoever: the stand-in lists mark synthetic shape pictures so that categorisation can be shown.
 */
export async function writeDemoHashLists(layout: DemoLayout, dir: string, pdqOf: (path: string) => Promise<{ hash: string; quality: number }>): Promise<{ knownGood: string; knownVics: string; knownPdq: string }> {
  const { createHash } = await import('node:crypto');
  await mkdir(dir, { recursive: true });
  const digest = async (alg: string, rel: string) => createHash(alg).update(await readFile(join(layout.root, rel))).digest('hex');
  const readme = createHash('md5').update('Synthetic demo archive made by Winnow.\n').digest('hex');
  const knownGood = join(dir, 'demo-software.md5');
  await writeFile(knownGood, `${await digest('md5', 'Documents/letter.txt')}  letter.txt\n${readme}  readme.txt\n`);
  const standIn = layout.files.images[3]!;
  const knownVics = join(dir, 'demo-known.vics.json');
  await writeFile(knownVics, JSON.stringify({
    '@odata.context': 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media',
    value: [{
      MediaID: 1, Category: 1, MD5: (await digest('md5', standIn)).toUpperCase(), SHA1: (await digest('sha1', standIn)).toUpperCase(),
      Comments: 'Winnow demo stand-in: a synthetic shape picture, not abuse material',
    }],
  }, null, 2));
  const pdqTarget = layout.files.images[5]!;
  const p = await pdqOf(join(layout.root, pdqTarget));
  const knownPdq = join(dir, 'demo-known.pdq.csv');
  await writeFile(knownPdq, `${p.hash},${p.quality},${pdqTarget}\n`);
  return { knownGood, knownVics, knownPdq };
}
