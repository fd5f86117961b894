/**
 * PDQ throughput benchmark: `pdqHashImage` (src/adapters/pdq-image-decoder.ts) in 'exact' and 'fast' mode against a
 * plain sharp decode of the same files, per core.
 *
 *   node dist/bench/pdq-bench.js [--quick] [--rounds N] [--dir DIR]
 *
 * Corpus (bench/pdq-corpus.ts, generated into a temp dir, or DIR if given and kept): photo-like JPEGs q90 —
 * 12 MP (4000×3000, ≈ 3 MB each, like a phone photo) and 2 MP (1632×1224) — plus, when shared/refdata is present,
 * the real 12.3 MP phone photo of the exifr fixtures (IMG_20180725_163423.jpg, 4.1 MB).
 *
 * Method: one thread, sequential — `sharp.concurrency(1)`, `sharp.cache(false)`, one image in flight, files read
 * into memory first (decode from a Buffer; CPU-bound figures). A round runs each variant over every file of a set
 * twice (the single phone photo 4×), the variants interleaved; `--rounds` rounds (default 5; --quick: 3 rounds,
 * 1 + 2 generated files); the median round is reported. images/s/core = images ÷ CPU seconds of this process
 * (user + sys; with one image in flight that is one core) — robust against other processes on a shared machine;
 * wall-clock images/s is printed beside it. Peak RSS = this process's high-water mark (the corpus is generated
 * in a child process so its big buffers do not count).
 * Floors measured in the same run:
 *  - decode    = `sharp(buf, { ignoreIcc: true }).raw().toBuffer()` at full resolution;
 *  - fast-dec  = the same with `.resize()` to a short side of 512 (JPEG shrink-on-load), what 'fast' decodes.
 *  `ignoreIcc` because the PDQ decoder skips the ICC transform too (reference parity); for the generated files (no
 *  ICC profile) it is identical to a plain `sharp(f).raw().toBuffer()`, for the phone photo a plain decode would add
 *  the ICC transform and flatter the ratio.
 * Where the time goes: `decodeForPdq` alone and `pdqFromRgb` alone (pure TypeScript hash on pre-decoded pixels) are
 * timed too, so exact ≈ decodeForPdq + hash.
 * Targets (issue): exact ≥ 2.5 images/s/core and fast ≥ 13 images/s/core on 12 MP; fast within 1.3× of fast-dec.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type ResizeOptions } from 'sharp';
import { decodeForPdq, pdqHashImage, PDQ_FAST_MIN_SIDE, type PdqPixels } from '../src/adapters/pdq-image-decoder.js';
import { pdqFromRgb } from '../src/hashing/pdq.js';
import { writeCorpus, type CorpusItem, type GeneratedImage } from './pdq-corpus.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PHONE_PHOTO = join(REPO, '..', 'shared', 'refdata', 'forensic', 'exifr-fixtures', 'test', 'fixtures', 'IMG_20180725_163423.jpg');

interface Options {
  quick: boolean;
  rounds: number;
  dir: string | null;
  /** Internal: write the corpus into this folder, print it as JSON and exit (run in a child process). */
  generateInto: string | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { quick: false, rounds: 5, dir: null, generateInto: null };
  let roundsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') o.quick = true;
    else if (a === '--rounds') {
      o.rounds = Math.max(1, Number(argv[++i]));
      roundsGiven = true;
    } else if (a === '--dir') o.dir = resolve(argv[++i] ?? '.');
    else if (a === '--generate-into') o.generateInto = resolve(argv[++i] ?? '.');
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node dist/bench/pdq-bench.js [--quick] [--rounds N] [--dir DIR]\n');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (o.quick && !roundsGiven) o.rounds = 3;
  return o;
}

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Sample {
  cpuS: number;
  wallS: number;
}

/** Run `fn` over every buffer once; CPU and wall seconds. */
async function timeRound(bufs: Buffer[], fn: (b: Buffer, i: number) => Promise<unknown>): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < bufs.length; i++) await fn(bufs[i]!, i);
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { cpuS: (c.user + c.system) / 1e6, wallS };
}

type VariantName = 'decode' | 'fast-dec' | 'exact' | 'fast' | 'decodeForPdq' | 'hash only';

interface SetResult {
  name: string;
  images: number;
  perImage: Map<VariantName, { cpuMs: number; wallMs: number }>;
}

function fastResize(meta: { width?: number | undefined; height?: number | undefined }): ResizeOptions {
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  return w <= h ? { width: PDQ_FAST_MIN_SIDE, withoutEnlargement: true } : { height: PDQ_FAST_MIN_SIDE, withoutEnlargement: true };
}

async function benchSet(name: string, distinctFiles: string[], repeats: number, rounds: number): Promise<SetResult> {
  // Each round visits every file `repeats` times (a round of a few images is too short to time on a busy machine).
  const files = Array.from({ length: repeats }, () => distinctFiles).flat();
  const bufs = files.map((f) => readFileSync(f));
  const metas = await Promise.all(bufs.map((b) => sharp(b).metadata()));
  // Pixels for the hash-only variant, decoded once outside the timing: the first file's only (the hash's work
  // depends on the dimensions, not the content), so the benchmark does not hold every file's pixels in memory.
  const pixels: PdqPixels = await decodeForPdq(bufs[0]!);
  const variants: [VariantName, (b: Buffer, i: number) => Promise<unknown>][] = [
    ['decode', (b) => sharp(b, { ignoreIcc: true }).raw().toBuffer()],
    ['fast-dec', (b, i) => sharp(b, { ignoreIcc: true }).resize(fastResize(metas[i]!)).raw().toBuffer()],
    ['exact', (b) => pdqHashImage(b, { mode: 'exact' })],
    ['fast', (b) => pdqHashImage(b, { mode: 'fast' })],
    ['decodeForPdq', (b) => decodeForPdq(b)],
    ['hash only', async () => {
      return pdqFromRgb(pixels.data, pixels.width, pixels.height, pixels.channels);
    }],
  ];
  // Warm-up: one pass of every variant on the first file (JIT, libvips start-up).
  for (const [, fn] of variants) await fn(bufs[0]!, 0);
  const samples = new Map<VariantName, Sample[]>(variants.map(([n]) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [n, fn] of variants) samples.get(n)!.push(await timeRound(bufs, fn));
    log(`  ${name}: round ${r + 1}/${rounds} done`);
  }
  const perImage = new Map<VariantName, { cpuMs: number; wallMs: number }>();
  for (const [n, s] of samples) {
    perImage.set(n, {
      cpuMs: (median(s.map((x) => x.cpuS)) * 1000) / files.length,
      wallMs: (median(s.map((x) => x.wallS)) * 1000) / files.length,
    });
  }
  return { name, images: files.length, perImage };
}

function report(results: SetResult[]): void {
  const out: string[] = [];
  out.push('| set | variant | ms/image CPU | ms/image wall | images/s/core (CPU) | images/s (wall) |');
  out.push('|---|---|---|---|---|---|');
  for (const r of results) {
    for (const [n, v] of r.perImage) {
      out.push(`| ${r.name} | ${n} | ${v.cpuMs.toFixed(1)} | ${v.wallMs.toFixed(1)} | ${(1000 / v.cpuMs).toFixed(2)} | ${(1000 / v.wallMs).toFixed(2)} |`);
    }
  }
  out.push('');
  out.push('| set | exact ÷ decode | fast ÷ fast-dec | exact = decodeForPdq + hash (ms CPU) |');
  out.push('|---|---|---|---|');
  for (const r of results) {
    const g = (n: VariantName): number => r.perImage.get(n)!.cpuMs;
    out.push(`| ${r.name} | ${(g('exact') / g('decode')).toFixed(2)} | ${(g('fast') / g('fast-dec')).toFixed(2)} | ` +
      `${g('exact').toFixed(0)} ≈ ${g('decodeForPdq').toFixed(0)} + ${g('hash only').toFixed(0)} |`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function targets(results: SetResult[]): void {
  const r12 = results.find((r) => r.name.startsWith('12 MP generated'));
  if (!r12) return;
  const g = (n: VariantName): number => r12.perImage.get(n)!.cpuMs;
  const lines = [
    [`exact ≥ 2.5 images/s/core on 12 MP`, 1000 / g('exact'), 2.5, '≥'],
    [`fast ≥ 13 images/s/core on 12 MP`, 1000 / g('fast'), 13, '≥'],
    [`fast within 1.3× of fast-dec (12 MP)`, g('fast') / g('fast-dec'), 1.3, '≤'],
  ] as const;
  process.stdout.write('\nTargets (12 MP generated set, CPU time):\n');
  for (const [what, v, limit, op] of lines) {
    const ok = op === '≥' ? v >= limit : v <= limit;
    process.stdout.write(`  ${ok ? 'MET ' : 'MISS'}  ${what}: ${v.toFixed(2)}\n`);
  }
}

function corpusItems(quick: boolean): CorpusItem[] {
  const items: CorpusItem[] = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    items.push({ name: `photo-12mp-${i}`, kind: 'photo', width: 4000, height: 3000, seed: 100 + i, outputs: [{ format: 'jpeg', quality: 90 }] });
  }
  for (let i = 0; i < (quick ? 2 : 6); i++) {
    items.push({ name: `photo-2mp-${i}`, kind: 'photo', width: 1632, height: 1224, seed: 200 + i, outputs: [{ format: 'jpeg', quality: 90 }] });
  }
  return items;
}

/**
 * The corpus is written by a child process (this script with --generate-into) so that the generator's big buffers
 * (a 12 MP float noise field is ~150 MB) do not count in this process's peak RSS.
 */
function generateInChild(dir: string, quick: boolean): GeneratedImage[] {
  const args = [fileURLToPath(import.meta.url), '--generate-into', dir, ...(quick ? ['--quick'] : [])];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  return JSON.parse(out) as GeneratedImage[];
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.generateInto) {
    process.stdout.write(JSON.stringify(await writeCorpus(o.generateInto, corpusItems(o.quick))));
    return;
  }
  sharp.concurrency(1);
  sharp.cache(false);
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'winnow-pdq-bench-'));
  try {
    const t0 = performance.now();
    const corpus = generateInChild(dir, o.quick);
    const sizes = (w: number) => corpus.filter((c) => c.width === w);
    const mb = (w: number) => (sizes(w).reduce((a, c) => a + c.bytes, 0) / 1e6 / Math.max(1, sizes(w).length)).toFixed(2);
    log(`corpus: ${corpus.length} files in ${dir} (${((performance.now() - t0) / 1000).toFixed(1)} s); ` +
      `12 MP mean ${mb(4000)} MB, 2 MP mean ${mb(1632)} MB`);
    const sets: [string, string[], number][] = [
      [`12 MP generated (${sizes(4000).length}× 4000x3000 q90, ${mb(4000)} MB)`, sizes(4000).map((c) => c.path), 2],
      [`2 MP generated (${sizes(1632).length}× 1632x1224 q90, ${mb(1632)} MB)`, sizes(1632).map((c) => c.path), 2],
    ];
    if (existsSync(PHONE_PHOTO)) sets.push(['12.3 MP phone photo (refdata, 4.1 MB)', [PHONE_PHOTO], o.quick ? 2 : 4]);
    else log(`note: ${PHONE_PHOTO} missing, phone-photo row skipped`);
    const results: SetResult[] = [];
    for (const [name, files, repeats] of sets) results.push(await benchSet(name, files, repeats, o.rounds));
    process.stdout.write(`\nPDQ benchmark — node ${process.version}, sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}, ` +
      `sharp.concurrency(1), ${o.rounds} round(s) (each file ×2, phone photo ×${o.quick ? 2 : 4} per round), median round\n\n`);
    report(results);
    targets(results);
    process.stdout.write(`\nPeak RSS of this process (benchmark only; corpus made in a child): ` +
      `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`);
  } finally {
    if (!o.dir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
