/**
 * Scan throughput benchmark: Winnow's `scan` (MD5 + SHA-1 + SHA-256 of every file, type detection, SQLite) against
 * md5sum, sha1sum, sha256sum and hashdeep on the same page-cached corpus.
 *
 *   npm run bench -- [--dir DIR] [--small-only] [--big-only] [--keep] [--runs N] [--big-mib N] [--small-count N]
 *
 * Corpora (random bytes, so nothing compresses or dedupes):
 *   big   — one 2 GiB file;
 *   small — 10,000 files of 50–500 KiB (uniform, seeded) in 20 folders.
 * Every tool runs `--runs` times (default 3) per corpus, interleaved; the median is reported. Wall time is taken
 * around the child process (so Winnow's figure includes Node start-up, database creation and the final commit);
 * peak RSS comes from GNU time (`/usr/bin/time -f %M`), or, without it, from polling VmHWM of the child.
 * MB = 10^6 bytes. Winnow's digests are checked against md5sum, sha1sum, sha256sum and hashdeep for every file of
 * every run; a mismatch fails the benchmark.
 */
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { mulberry32 } from '../test/helpers/prng.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const GNU_TIME = '/usr/bin/time';

interface Options {
  dir: string | null;
  small: boolean;
  big: boolean;
  keep: boolean;
  runs: number;
  bigBytes: number;
  smallCount: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { dir: null, small: true, big: true, keep: false, runs: 3, bigBytes: 2 * 1024 ** 3, smallCount: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--dir') o.dir = resolve(val());
    else if (a === '--small-only') o.big = false;
    else if (a === '--big-only') o.small = false;
    else if (a === '--keep') o.keep = true;
    else if (a === '--runs') o.runs = Math.max(1, Number(val()));
    else if (a === '--big-mib') o.bigBytes = Number(val()) * 1024 ** 2;
    else if (a === '--small-count') o.smallCount = Number(val());
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: npm run bench -- [--dir DIR] [--small-only] [--big-only] [--keep] [--runs N] [--big-mib N] [--small-count N]\n');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!o.small && !o.big) throw new Error('--small-only and --big-only together leave nothing to run');
  return o;
}

// ---------------------------------------------------------------------------------------------------------------
// corpus

/** Seeded, so the small-file sizes are the same on every machine. */
const prng = mulberry32;

function writeRandomFile(path: string, size: number, scratch: Buffer): void {
  const fd = openSync(path, 'w');
  try {
    for (let done = 0; done < size; ) {
      const n = Math.min(scratch.length, size - done);
      randomFillSync(scratch, 0, n);
      writeSync(fd, scratch, 0, n);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}

interface Corpus {
  name: 'big' | 'small';
  dir: string;
  files: number;
  bytes: number;
}

function ensureCorpus(root: string, name: 'big' | 'small', o: Options): Corpus {
  const dir = join(root, name);
  const spec = name === 'big' ? { bytes: o.bigBytes } : { count: o.smallCount, seed: 42, min: 50 * 1024, max: 500 * 1024, dirs: 20 };
  const manifest = join(root, `${name}.json`);
  if (existsSync(manifest) && readFileSync(manifest, 'utf8') === JSON.stringify(spec)) {
    log(`reusing ${name} corpus in ${dir}`);
  } else {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const t0 = performance.now();
    const scratch = Buffer.allocUnsafe(16 << 20);
    if (name === 'big') {
      writeRandomFile(join(dir, 'big.bin'), o.bigBytes, scratch);
    } else {
      const rnd = prng(42);
      const perDir = Math.ceil(o.smallCount / 20);
      for (let i = 0; i < o.smallCount; i++) {
        const sub = join(dir, `d${String(Math.floor(i / perDir)).padStart(2, '0')}`);
        if (i % perDir === 0) mkdirSync(sub, { recursive: true });
        const size = 50 * 1024 + Math.floor(rnd() * (450 * 1024 + 1));
        writeRandomFile(join(sub, `f${String(i).padStart(5, '0')}.bin`), size, scratch);
      }
    }
    writeFileSync(manifest, JSON.stringify(spec));
    log(`generated ${name} corpus in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const list = listFiles(dir);
  const bytes = list.reduce((a, f) => a + statSync(f).size, 0);
  // Pre-read once so every tool sees the same page-cached data (CPU-bound, not disk-bound, figures).
  const t0 = performance.now();
  const buf = Buffer.allocUnsafe(8 << 20);
  for (const f of list) {
    const fd = openSync(f, 'r');
    while (readSync(fd, buf, 0, buf.length, null) > 0);
    closeSync(fd);
  }
  const s = (performance.now() - t0) / 1000;
  log(`${name}: ${list.length} files, ${fmtInt(bytes)} bytes; pre-read at ${(bytes / 1e6 / s).toFixed(0)} MB/s`);
  return { name, dir, files: list.length, bytes };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

// ---------------------------------------------------------------------------------------------------------------
// running tools

interface Tool {
  name: string;
  /** Shell command, run with the corpus folder as working directory. */
  command: (c: Corpus, outFile: string, ws: string) => string;
  /** Parse the tool's output into relative path → digests (for verification), if it prints digests. */
  parse?: (text: string) => Map<string, Partial<Record<'md5' | 'sha1' | 'sha256', string>>>;
  isWinnow?: boolean;
  /** Only informative; not used for the target ratios. */
  info?: boolean;
  corpora?: ('big' | 'small')[];
}

const ALL_FILES = 'find . -type f -print0 | sort -z | xargs -0';

function sumParser(alg: 'md5' | 'sha1' | 'sha256') {
  return (text: string) => {
    const m = new Map<string, Partial<Record<'md5' | 'sha1' | 'sha256', string>>>();
    for (const line of text.split('\n')) {
      const hit = /^([0-9a-f]+) [ *](.*)$/.exec(line);
      if (hit) m.set(hit[2]!.replace(/^\.\//, ''), { [alg]: hit[1]! });
    }
    return m;
  };
}

const TOOLS: Tool[] = [
  { name: 'md5sum', command: (_c, out) => `${ALL_FILES} md5sum > ${q(out)}`, parse: sumParser('md5') },
  { name: 'md5sum (xargs -P2)', command: (_c, out) => `find . -type f -print0 | xargs -0 -P2 -n 2500 md5sum > ${q(out)}`, info: true, corpora: ['small'] },
  { name: 'sha1sum', command: (_c, out) => `${ALL_FILES} sha1sum > ${q(out)}`, parse: sumParser('sha1'), info: true },
  { name: 'sha256sum', command: (_c, out) => `${ALL_FILES} sha256sum > ${q(out)}`, parse: sumParser('sha256') },
  {
    name: 'hashdeep',
    command: (_c, out) => `hashdeep -c md5,sha1,sha256 -l -r . > ${q(out)}`,
    parse: (text) => {
      const m = new Map<string, Partial<Record<'md5' | 'sha1' | 'sha256', string>>>();
      for (const line of text.split('\n')) {
        if (line.startsWith('%') || line.startsWith('#') || !line) continue;
        const [, md5, sha1, sha256, ...name] = line.split(',');
        m.set(name.join(',').replace(/^\.\//, ''), { md5: md5!, sha1: sha1!, sha256: sha256! });
      }
      return m;
    },
  },
  {
    name: 'winnow scan',
    isWinnow: true,
    command: (c, _out, ws) => `node ${q(join(REPO, 'bin/winnow.js'))} -w ${q(ws)} scan --case bench --create-case -q ${q(c.dir)}`,
  },
];

function q(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

interface Sample {
  wallS: number;
  rssKiB: number | null;
}

const hasGnuTime = existsSync(GNU_TIME);

/** Run `cmd` in `cwd`; wall time from here, peak RSS from GNU time (or VmHWM polling of the direct child). */
async function timed(cmd: string, cwd: string, scratch: string): Promise<Sample> {
  const timeFile = join(scratch, 'time.out');
  const argv = hasGnuTime ? [GNU_TIME, '-f', '%M', '-o', timeFile, 'bash', '-c', `exec ${cmd}`] : ['bash', '-c', `exec ${cmd}`];
  const t0 = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let hwm = 0;
  const poll = hasGnuTime
    ? null
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwm = Math.max(hwm, Number(m[1]));
        } catch {
          /* exited */
        }
      }, 20);
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  const wallS = (performance.now() - t0) / 1000;
  if (poll) clearInterval(poll);
  if (code !== 0) throw new Error(`command failed (exit ${code}): ${cmd}\n${stderr}`);
  if (stderr.trim()) log(`  stderr: ${stderr.trim().split('\n').slice(0, 5).join(' | ')}`);
  const rssKiB = hasGnuTime ? Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) : hwm || null;
  return { wallS, rssKiB };
}

// ---------------------------------------------------------------------------------------------------------------
// verification

type DigestMap = Map<string, Partial<Record<'md5' | 'sha1' | 'sha256', string>>>;

function winnowDigests(ws: string): { map: DigestMap; errors: string[] } {
  const db = new BetterSqlite3(join(ws, 'winnow.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT path, md5, sha1, sha256, error FROM file WHERE parent_id IS NULL').all() as {
      path: string; md5: Buffer | null; sha1: Buffer | null; sha256: Buffer | null; error: string | null;
    }[];
    const map: DigestMap = new Map();
    const errors: string[] = [];
    for (const r of rows) {
      if (r.error) errors.push(`${r.path}: ${r.error}`);
      map.set(r.path, { md5: r.md5?.toString('hex'), sha1: r.sha1?.toString('hex'), sha256: r.sha256?.toString('hex') });
    }
    return { map, errors };
  } finally {
    db.close();
  }
}

/** Every file of the corpus must have, in Winnow, exactly the digests the reference tools printed. */
function verify(c: Corpus, winnow: DigestMap, refs: { tool: string; map: DigestMap }[]): number {
  let checked = 0;
  const problems: string[] = [];
  if (winnow.size !== c.files) problems.push(`Winnow recorded ${winnow.size} files, corpus has ${c.files}`);
  for (const { tool, map } of refs) {
    if (map.size !== c.files) problems.push(`${tool} printed ${map.size} files, corpus has ${c.files}`);
    for (const [path, ref] of map) {
      const got = winnow.get(path);
      for (const alg of ['md5', 'sha1', 'sha256'] as const) {
        if (ref[alg] === undefined) continue;
        checked++;
        if (got?.[alg] !== ref[alg]) problems.push(`${path}: ${alg} Winnow ${got?.[alg] ?? '(none)'} ≠ ${tool} ${ref[alg]}`);
      }
    }
  }
  if (problems.length) throw new Error(`DIGEST MISMATCH (${problems.length}):\n  ${problems.slice(0, 10).join('\n  ')}`);
  return checked;
}

// ---------------------------------------------------------------------------------------------------------------
// report

interface Row {
  tool: Tool;
  samples: Sample[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function table(c: Corpus, rows: Row[]): { text: string; ratios: { md5sum: number; sha256sum: number; hashdeep: number }; winnowRssMiB: number } {
  const speed = (r: Row) => c.bytes / 1e6 / median(r.samples.map((s) => s.wallS));
  const by = (n: string) => rows.find((r) => r.tool.name === n)!;
  const w = speed(by('winnow scan'));
  const lines = [
    `| tool | wall s (median of ${rows[0]!.samples.length}) | runs (s) | MB/s | files/s | peak RSS MiB | Winnow speed ÷ tool |`,
    '|---|---:|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const med = median(r.samples.map((s) => s.wallS));
    const rss = Math.max(...r.samples.map((s) => s.rssKiB ?? 0)) / 1024;
    lines.push(
      `| ${r.tool.name}${r.tool.isWinnow ? ' (MD5+SHA-1+SHA-256)' : ''} | ${med.toFixed(2)} | ${r.samples.map((s) => s.wallS.toFixed(2)).join(', ')} | ` +
        `${speed(r).toFixed(0)} | ${c.files / med < 10 ? (c.files / med).toFixed(2) : fmtInt(Math.round(c.files / med))} | ${rss ? rss.toFixed(0) : 'n/a'} | ${r.tool.isWinnow ? '—' : (w / speed(r)).toFixed(2) + '×'} |`,
    );
  }
  const winnowRssMiB = Math.max(...by('winnow scan').samples.map((s) => s.rssKiB ?? 0)) / 1024;
  const ratios = { md5sum: w / speed(by('md5sum')), sha256sum: w / speed(by('sha256sum')), hashdeep: w / speed(by('hashdeep')) };
  return { text: lines.join('\n'), ratios, winnowRssMiB };
}

// ---------------------------------------------------------------------------------------------------------------

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

async function runCorpus(c: Corpus, o: Options, scratch: string): Promise<{ text: string; pass: boolean }> {
  const tools = TOOLS.filter((t) => !t.corpora || t.corpora.includes(c.name));
  const rows: Row[] = tools.map((tool) => ({ tool, samples: [] }));
  let checked = 0;
  for (let run = 1; run <= o.runs; run++) {
    const refs: { tool: string; map: DigestMap }[] = [];
    for (const row of rows) {
      const out = join(scratch, `${row.tool.name.replace(/\W+/g, '_')}.out`);
      const ws = join(scratch, `ws-${c.name}-${run}`);
      const cmd = row.tool.command(c, out, ws);
      if (run === 1) log(`  $ (cd ${q(c.dir)} && ${cmd})`);
      const s = await timed(cmd, c.dir, scratch);
      row.samples.push(s);
      log(`  ${c.name} run ${run} ${row.tool.name.padEnd(20)} ${s.wallS.toFixed(2).padStart(7)} s  ${(c.bytes / 1e6 / s.wallS).toFixed(0).padStart(5)} MB/s  rss ${s.rssKiB ? (s.rssKiB / 1024).toFixed(0) : '?'} MiB`);
      if (row.tool.parse) refs.push({ tool: row.tool.name, map: row.tool.parse(readFileSync(out, 'utf8')) });
      if (row.tool.isWinnow) {
        const { map, errors } = winnowDigests(ws);
        if (errors.length) throw new Error(`Winnow recorded errors:\n  ${errors.slice(0, 10).join('\n  ')}`);
        checked += verify(c, map, refs.length ? refs : []);
        rmSync(ws, { recursive: true, force: true });
      }
      rmSync(out, { force: true });
    }
  }
  const t = table(c, rows);
  const targets = [
    [`Winnow ≥ 1.0× md5sum`, t.ratios.md5sum >= 1.0],
    [`Winnow ≥ 5× hashdeep`, t.ratios.hashdeep >= 5],
    [`Winnow peak RSS < 1 GB`, t.winnowRssMiB * 1024 ** 2 < 1e9],
  ] as const;
  const title = c.name === 'big' ? `One ${fmtInt(c.bytes)}-byte file` : `${fmtInt(c.files)} files, ${fmtInt(c.bytes)} bytes`;
  const text = [
    `### ${title}`,
    '',
    t.text,
    '',
    `Ratios (Winnow speed ÷ tool speed): Winnow/md5sum ${t.ratios.md5sum.toFixed(2)}×, Winnow/sha256sum ${t.ratios.sha256sum.toFixed(2)}×, Winnow/hashdeep ${t.ratios.hashdeep.toFixed(2)}×; Winnow peak RSS ${t.winnowRssMiB.toFixed(0)} MiB.`,
    `Targets: ${targets.map(([n, ok]) => `${n} ${ok ? 'PASS' : 'FAIL'}`).join('; ')}.`,
    `Digests verified: ${fmtInt(checked)} comparisons of Winnow's MD5/SHA-1/SHA-256 against md5sum, sha1sum, sha256sum and hashdeep — all equal.`,
  ].join('\n');
  return { text, pass: targets.every(([, ok]) => ok) };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const root = o.dir ?? mkdtempSync(join(tmpdir(), 'winnow-bench-'));
  mkdirSync(root, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'winnow-bench-scratch-'));
  const ownRoot = o.dir === null;
  const cleanup = () => {
    rmSync(scratch, { recursive: true, force: true });
    if (!o.keep) {
      if (ownRoot) rmSync(root, { recursive: true, force: true });
      else for (const n of ['big', 'small']) rmSync(join(root, n), { recursive: true, force: true }), rmSync(join(root, `${n}.json`), { force: true });
    }
  };
  process.on('SIGINT', () => { cleanup(); process.exit(130); });
  const command = `npm run bench --${process.argv.slice(2).map((a) => ` ${q(a)}`).join('')}`;
  try {
    const header = [
      `Winnow scan benchmark — ${new Date().toISOString()}`,
      `command: ${command}`,
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Node ${process.version}, ` +
        `corpus in ${root}`,
      `tools run with the corpus folder as working directory; each command is printed on stderr before its first run.`,
      '',
    ];
    process.stdout.write(header.join('\n') + '\n');
    let pass = true;
    for (const name of ['big', 'small'] as const) {
      if ((name === 'big' && !o.big) || (name === 'small' && !o.small)) continue;
      const c = ensureCorpus(root, name, o);
      const r = await runCorpus(c, o, scratch);
      pass &&= r.pass;
      process.stdout.write(`${r.text}\n\n`);
    }
    process.stdout.write(`Overall: ${pass ? 'all targets met' : 'some targets NOT met'}.\n`);
    if (o.keep) process.stdout.write(`Corpus kept in ${root} (reuse with --dir ${q(root)}).\n`);
  } finally {
    cleanup();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
