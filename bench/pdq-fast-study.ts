/**
 * How far is PDQ 'fast' mode (JPEG/WebP shrink-on-load + Lanczos to a short side of 512 px) from 'exact' mode
 * (full resolution, bit-exact with the reference)? Decides whether 'fast' may become the scan default.
 *
 *   node dist/bench/pdq-fast-study.js [--keep DIR] [--no-generated] [--list] [--sides 768,1024]
 *
 * Corpus:
 *  - every decodable image under shared/refdata/pdq (ThreatExchange test photos: bridge edits, dihedral set,
 *    LabelMe scenes, Pillow modes, pytx resources);
 *  - every decodable image under the EXIF sample folders: shared/refdata/forensic/{exif-samples, exifr-fixtures,
 *    exiftool-t} (camera JPEGs incl. a 12.3 MP phone photo and a 17.9 MP DSLR photo, TIFF, HEIC, PNG, WebP);
 *  - generated benign pictures (bench/pdq-corpus.ts): photo-like scenes with texture and noise at 12 MP (4000×3000
 *    and 3000×4000), ~2 MP, 1–3 MP and just above 512 px; JPEG q60/75/90/95, PNG and WebP; pure noise textures;
 *    text pages; zone plates (an aliasing stress test, not a photo).
 * Only images where 'fast' actually reduced the picture (reported mode 'fast', i.e. short side > 512) count.
 * Statistic: Hamming distance between the 'fast' and 'exact' hashes; mean, p50/p90/p99 (nearest rank), max, the
 * worst five, the same per group, and for the subset with exact quality ≥ 50 (the hashes HMA would use).
 * Rule from the issue: 'fast' may become the scan default only if mean ≤ 3 bits and p99 ≤ 10 bits.
 *
 * `--sides` also evaluates other 'fast' target sizes (decoder option `fastMinSide`) on the same images; an image an
 * alternative does not reduce would be hashed exactly, so it counts as distance 0. CPU time per image of every
 * variant is measured on the generated 4000×3000 photos (decode + hash, one image in flight, sharp.concurrency(1)).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { pdqHashImage, PDQ_FAST_MIN_SIDE } from '../src/adapters/pdq-image-decoder.js';
import { hammingDistance, PDQ_MIN_QUALITY } from '../src/hashing/pdq.js';
import { writeCorpus, type CorpusItem } from './pdq-corpus.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const REFDATA = process.env.WINNOW_REFDATA ?? join(REPO, '..', 'shared', 'refdata');
const REF_GROUPS: [string, string][] = [
  ['refdata/pdq', join(REFDATA, 'pdq')],
  ['refdata/exif-samples', join(REFDATA, 'forensic', 'exif-samples')],
  ['refdata/exifr-fixtures', join(REFDATA, 'forensic', 'exifr-fixtures')],
  ['refdata/exiftool-t', join(REFDATA, 'forensic', 'exiftool-t')],
];

interface Row {
  group: string;
  file: string;
  size: string;
  format: string;
  distance: number;
  exactQuality: number;
  fastQuality: number;
  /** Distance to exact for each alternative short side (0 when that side does not reduce the image). */
  alt: Map<number, number>;
}

/** CPU ms (user + sys) of one call. */
async function cpuMs(fn: () => Promise<unknown>): Promise<number> {
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/** Per variant ('exact', 'fast 512', 'fast 768', ...): CPU ms of each generated 12 MP photo. */
const timings = new Map<string, number[]>();
function addTiming(k: string, ms: number): void {
  const list = timings.get(k) ?? [];
  list.push(ms);
  timings.set(k, list);
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

function generatedItems(): CorpusItem[] {
  const jpeg = (...qs: number[]) => qs.map((quality) => ({ format: 'jpeg' as const, quality }));
  const items: CorpusItem[] = [];
  for (let s = 1; s <= 3; s++) items.push({ name: `photo-4000x3000-s${s}`, kind: 'photo', width: 4000, height: 3000, seed: s, outputs: jpeg(60, 75, 90, 95) });
  items.push({ name: 'photo-3000x4000-s4', kind: 'photo', width: 3000, height: 4000, seed: 4, outputs: jpeg(90) });
  for (let s = 5; s <= 8; s++) items.push({ name: `photo-1632x1224-s${s}`, kind: 'photo', width: 1632, height: 1224, seed: s, outputs: jpeg(75, 90) });
  items.push({ name: 'photo-2048x1536-s9', kind: 'photo', width: 2048, height: 1536, seed: 9, outputs: [...jpeg(90), { format: 'png', quality: null }] });
  items.push({ name: 'photo-1920x1080-s10', kind: 'photo', width: 1920, height: 1080, seed: 10, outputs: [...jpeg(90), { format: 'webp', quality: 80 }] });
  for (let s = 11; s <= 12; s++) items.push({ name: `photo-1024x768-s${s}`, kind: 'photo', width: 1024, height: 768, seed: s, outputs: jpeg(90) });
  items.push({ name: 'photo-800x600-s13', kind: 'photo', width: 800, height: 600, seed: 13, outputs: jpeg(85) });
  items.push({ name: 'photo-640x520-s14', kind: 'photo', width: 640, height: 520, seed: 14, outputs: jpeg(90) });
  items.push({ name: 'texture-2000x1500-s1', kind: 'texture', width: 2000, height: 1500, seed: 1, outputs: jpeg(90) });
  items.push({ name: 'texture-2000x1500-s2', kind: 'texture', width: 2000, height: 1500, seed: 2, outputs: jpeg(90) });
  items.push({ name: 'texture-4000x3000-s3', kind: 'texture', width: 4000, height: 3000, seed: 3, outputs: jpeg(90) });
  items.push({ name: 'texture-1024x1024-s4', kind: 'texture', width: 1024, height: 1024, seed: 4, outputs: [{ format: 'png', quality: null }] });
  items.push({ name: 'text-1700x2200-s1', kind: 'text', width: 1700, height: 2200, seed: 1, outputs: jpeg(90) });
  items.push({ name: 'text-2480x3508-s2', kind: 'text', width: 2480, height: 3508, seed: 2, outputs: jpeg(85) });
  items.push({ name: 'zoneplate-1600x1200', kind: 'zoneplate', width: 1600, height: 1200, seed: 0, outputs: [{ format: 'png', quality: null }] });
  items.push({ name: 'zoneplate-4000x3000', kind: 'zoneplate', width: 4000, height: 3000, seed: 0, outputs: jpeg(95) });
  return items;
}

/** Nearest-rank percentile of a sorted array. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Stats {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function stats(ds: number[]): Stats | null {
  if (ds.length === 0) return null;
  const s = [...ds].sort((a, b) => a - b);
  return {
    count: s.length, mean: s.reduce((a, b) => a + b, 0) / s.length,
    p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s.at(-1)!,
  };
}

function statLine(label: string, st: Stats | null): string {
  if (!st) return `| ${label} | 0 | | | | | |`;
  return `| ${label} | ${st.count} | ${st.mean.toFixed(2)} | ${st.p50} | ${st.p90} | ${st.p99} | ${st.max} |`;
}

interface Counts {
  seen: number;
  undecodable: number;
  notReduced: number;
}

async function measure(
  group: string, file: string, display: string, sides: number[], timed: boolean, rows: Row[], counts: Map<string, Counts>,
): Promise<void> {
  const c = counts.get(group) ?? { seen: 0, undecodable: 0, notReduced: 0 };
  counts.set(group, c);
  c.seen++;
  try {
    await sharp(file, { failOn: 'error' }).metadata();
  } catch {
    c.undecodable++;
    return;
  }
  try {
    const fast = await pdqHashImage(file, { mode: 'fast' });
    if (fast.mode !== 'fast') {
      c.notReduced++;
      return;
    }
    const exact = await pdqHashImage(file, { mode: 'exact' });
    const alt = new Map<number, number>();
    for (const side of sides) {
      const a = await pdqHashImage(file, { mode: 'fast', fastMinSide: side });
      alt.set(side, a.mode === 'fast' ? hammingDistance(a.hash, exact.hash) : 0);
    }
    if (timed) {
      const buf = readFileSync(file);
      addTiming('exact', await cpuMs(() => pdqHashImage(buf, { mode: 'exact' })));
      addTiming('fast 512', await cpuMs(() => pdqHashImage(buf, { mode: 'fast' })));
      for (const side of sides) addTiming(`fast ${side}`, await cpuMs(() => pdqHashImage(buf, { mode: 'fast', fastMinSide: side })));
    }
    rows.push({
      group, file: display, size: `${exact.sourceWidth}x${exact.sourceHeight}`, format: exact.format,
      distance: hammingDistance(fast.hash, exact.hash), exactQuality: exact.quality, fastQuality: fast.quality, alt,
    });
  } catch {
    c.undecodable++;
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let keep: string | null = null;
  let generated = true;
  let list = false;
  let sides: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--keep') keep = resolve(argv[++i] ?? '.');
    else if (a === '--sides') sides = (argv[++i] ?? '').split(',').filter(Boolean).map(Number);
    else if (a === '--no-generated') generated = false;
    else if (a === '--list') list = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node dist/bench/pdq-fast-study.js [--keep DIR] [--no-generated] [--list] [--sides 768,1024]\n');
      return;
    } else throw new Error(`unknown option ${a}`);
  }
  const rows: Row[] = [];
  const counts = new Map<string, Counts>();
  sharp.concurrency(1);
  const t0 = performance.now();
  for (const [group, dir] of REF_GROUPS) {
    if (!existsSync(dir)) throw new Error(`reference data missing: ${dir} (set WINNOW_REFDATA)`);
    for (const f of walk(dir)) await measure(group, f, relative(REFDATA, f), sides, false, rows, counts);
    process.stderr.write(`${group}: done (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  if (generated) {
    const dir = keep ?? mkdtempSync(join(tmpdir(), 'winnow-pdq-study-'));
    try {
      const corpus = await writeCorpus(dir, generatedItems());
      process.stderr.write(`generated ${corpus.length} files in ${dir} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
      for (const g of corpus) {
        const name = relative(dir, g.path);
        const timed = g.kind === 'photo' && g.width === 4000 && g.height === 3000;
        await measure(`generated/${g.kind}`, g.path, `generated/${name}`, sides, timed, rows, counts);
      }
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  }

  const out: string[] = [];
  out.push(`PDQ fast vs exact — node ${process.version}, sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}; ` +
    `fast = short side ${PDQ_FAST_MIN_SIDE} px; ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  out.push('');
  out.push('| group | files | undecodable | short side ≤ 512 (not reduced) | compared |');
  out.push('|---|---|---|---|---|');
  for (const [g, c] of counts) out.push(`| ${g} | ${c.seen} | ${c.undecodable} | ${c.notReduced} | ${rows.filter((r) => r.group === g).length} |`);
  out.push('');
  out.push('Hamming distance fast ↔ exact (bits):');
  out.push('');
  out.push('| set | count | mean | p50 | p90 | p99 | max |');
  out.push('|---|---|---|---|---|---|---|');
  const all = rows.map((r) => r.distance);
  out.push(statLine('**all**', stats(all)));
  out.push(statLine(`exact quality ≥ ${PDQ_MIN_QUALITY}`, stats(rows.filter((r) => r.exactQuality >= PDQ_MIN_QUALITY).map((r) => r.distance))));
  out.push(statLine('refdata (all groups)', stats(rows.filter((r) => r.group.startsWith('refdata')).map((r) => r.distance))));
  out.push(statLine('generated, without zone plates', stats(rows.filter((r) => r.group.startsWith('generated') && r.group !== 'generated/zoneplate').map((r) => r.distance))));
  for (const g of counts.keys()) out.push(statLine(g, stats(rows.filter((r) => r.group === g).map((r) => r.distance))));
  out.push('');
  const worst = [...rows].sort((a, b) => b.distance - a.distance).slice(0, 5);
  out.push('Worst 5:');
  out.push('');
  out.push('| distance | file | size | format | quality exact / fast |');
  out.push('|---|---|---|---|---|');
  for (const r of worst) out.push(`| ${r.distance} | ${r.file} | ${r.size} | ${r.format} | ${r.exactQuality} / ${r.fastQuality} |`);
  out.push('');
  const st = stats(all);
  if (st) {
    const ok = st.mean <= 3 && st.p99 <= 10;
    out.push(`Rule (mean ≤ 3 and p99 ≤ 10): mean ${st.mean.toFixed(2)}, p99 ${st.p99} → ` +
      `${ok ? "PASS: 'fast' may become the scan default" : "FAIL: keep 'exact' as the scan default"}`);
  }
  if (sides.length > 0) {
    out.push('');
    out.push(`Other 'fast' target sizes on the same ${rows.length} images (0 = that size would hash the image exactly); ` +
      'CPU ms per 4000×3000 generated photo (median):');
    out.push('');
    out.push('| short side | mean | p50 | p90 | p99 | max | mean w/o zone plates | p99 w/o zone plates | ms/image | images/s/core |');
    out.push('|---|---|---|---|---|---|---|---|---|---|');
    const med = (k: string): number => {
      const t = [...(timings.get(k) ?? [])].sort((a, b) => a - b);
      return t.length ? t[t.length >> 1]! : NaN;
    };
    const line = (label: string, ds: number[], noZp: number[], key: string): string => {
      const a = stats(ds)!;
      const z = stats(noZp)!;
      return `| ${label} | ${a.mean.toFixed(2)} | ${a.p50} | ${a.p90} | ${a.p99} | ${a.max} | ${z.mean.toFixed(2)} | ${z.p99} | ` +
        `${med(key).toFixed(0)} | ${(1000 / med(key)).toFixed(1)} |`;
    };
    const noZp = rows.filter((r) => r.group !== 'generated/zoneplate');
    out.push(line('512 (current fast)', all, noZp.map((r) => r.distance), 'fast 512'));
    for (const side of sides) out.push(line(String(side), rows.map((r) => r.alt.get(side)!), noZp.map((r) => r.alt.get(side)!), `fast ${side}`));
    out.push(`| exact | 0 | 0 | 0 | 0 | 0 | 0 | 0 | ${med('exact').toFixed(0)} | ${(1000 / med('exact')).toFixed(1)} |`);
  }
  if (list) {
    out.push('');
    out.push('| distance | group | file | size | quality exact / fast |');
    out.push('|---|---|---|---|---|');
    for (const r of [...rows].sort((a, b) => b.distance - a.distance)) {
      out.push(`| ${r.distance} | ${r.group} | ${r.file} | ${r.size} | ${r.exactQuality} / ${r.fastQuality} |`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
