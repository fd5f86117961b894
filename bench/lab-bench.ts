/**
 * Lab-mode benchmark (issue 8): files/s of the same corpus scanned
 *   - embedded (SQLite, one process — the baseline every ratio is against),
 *   - embedded on PostgreSQL (same process model, the other engine),
 *   - lab mode with 1 worker process (2 threads) and with 2 worker processes (1 thread each) on PostgreSQL + pg-boss,
 * plus md5sum over the same files as the machine's reference; and the queue overhead per file — enqueue (batches of
 * 200) + fetch + complete, and the per-file status write — in microseconds, measured in-process with no hashing.
 *
 *   npm run bench:lab -- [--files N] [--runs N] [--keep]
 *
 * Corpus: N files (default 5,000) of 4–64 KiB random bytes (seeded) in 10 folders, page-cached before timing: small
 * files, so per-file costs (database, queue) show rather than hashing bandwidth. Wall time of each configuration is
 * taken around the whole job: for lab mode from `scan --queue` start to the evidence item marked done by the workers.
 * Each configuration runs --runs times (default 2), interleaved; medians are reported. Every run's export is checked:
 * every file present once with the md5 md5sum gives.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Workspace } from '../src/cli/workspace.js';
import { failedEntry } from '../src/domain/entry.js';
import type { DiskFileJob } from '../src/pipeline/entry-processor.js';
import { createLabQueues, enqueueFiles, FILES_QUEUE, type FileBatchData } from '../src/services/lab.service.js';
import { newId } from '../src/util/ids.js';
import { mulberry32 } from '../test/helpers/prng.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(REPO, 'bin', 'winnow.js');
const PG = process.env.WINNOW_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const LAB_ENV = { ...process.env, WINNOW_QUEUE_MAINTENANCE_SECONDS: '2', WINNOW_WORKER_HEARTBEAT_MS: '1000' };

interface Options { files: number; runs: number; keep: boolean }

function parseArgs(argv: string[]): Options {
  const o: Options = { files: 5000, runs: 2, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--files') o.files = Number(argv[++i]);
    else if (a === '--runs') o.runs = Math.max(1, Number(argv[++i]));
    else if (a === '--keep') o.keep = true;
    else throw new Error(`unknown option ${a} (usage: npm run bench:lab -- [--files N] [--runs N] [--keep])`);
  }
  return o;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const winnow = (args: string[], env: NodeJS.ProcessEnv = process.env) => execFileSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 28 });

function makeCorpus(dir: string, n: number): Map<string, number> {
  const rnd = mulberry32(42);
  const sizes = new Map<string, number>();
  for (let d = 0; d < 10; d++) mkdirSync(join(dir, `d${d}`), { recursive: true });
  for (let i = 0; i < n; i++) {
    const size = 4096 + Math.floor(rnd() * 61_440);
    const rel = `d${i % 10}/f${String(i).padStart(6, '0')}.bin`;
    writeFileSync(join(dir, rel), randomFillSync(Buffer.alloc(size)));
    sizes.set(rel, size);
  }
  return sizes;
}

function md5sumAll(dir: string): { secs: number; md5: Map<string, string> } {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
  const t0 = performance.now();
  const out = execFileSync('sh', ['-c', `cd "${dir}" && find . -type f -print0 | xargs -0 md5sum`], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const secs = (performance.now() - t0) / 1000;
  const md5 = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) md5.set(line.slice(34).replace(/^\.\//, ''), line.slice(0, 32));
  if (md5.size !== files.length) throw new Error(`md5sum listed ${md5.size} of ${files.length} files`);
  return { secs, md5 };
}

function checkExport(ws: string, db: string[], expected: Map<string, string>): void {
  const lines = winnow(['-w', ws, ...db, 'export', '--case', 'b', '--format', 'jsonl']).split('\n').filter(Boolean);
  const got = new Map(lines.map((l) => { const r = JSON.parse(l) as { path: string; md5: string }; return [r.path, r.md5]; }));
  if (got.size !== expected.size || lines.length !== expected.size) throw new Error(`export has ${lines.length} records (${got.size} paths), expected ${expected.size}`);
  for (const [p, m] of expected) if (got.get(p) !== m) throw new Error(`${p}: md5 ${got.get(p)} ≠ md5sum ${m}`);
}

async function query<T>(sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: PG });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

let seq = 0;
const freshSchema = () => `bench_lab_${process.pid}_${++seq}`;
async function dropSchema(s: string): Promise<void> {
  await query(`drop schema if exists "${s}" cascade; drop schema if exists "${s}_boss" cascade`);
}

async function embedded(src: string, tmp: string, expected: Map<string, string>, onPg: boolean): Promise<number> {
  const ws = mkdtempSync(join(tmp, 'ws-'));
  const schema = onPg ? freshSchema() : null;
  const db = schema ? ['--db', `${PG}?schema=${schema}`] : [];
  try {
    winnow(['-w', ws, ...db, 'case', 'create', 'b']);
    const t0 = performance.now();
    winnow(['-w', ws, ...db, 'scan', '--case', 'b', '-q', src]);
    const secs = (performance.now() - t0) / 1000;
    checkExport(ws, db, expected);
    return secs;
  } finally {
    rmSync(ws, { recursive: true, force: true });
    if (schema) await dropSchema(schema);
  }
}

async function lab(src: string, tmp: string, expected: Map<string, string>, processes: number, threads: number): Promise<{ secs: number; enqueueSecs: number }> {
  const ws = mkdtempSync(join(tmp, 'ws-'));
  const schema = freshSchema();
  const db = ['--db', `${PG}?schema=${schema}`];
  const workers: ChildProcess[] = [];
  try {
    winnow(['-w', ws, ...db, 'case', 'create', 'b']);
    // Workers first, idle, so their start-up is not timed (a lab's workers are running before a scan starts).
    for (let i = 0; i < processes; i++) workers.push(spawn(process.execPath, [CLI, '-w', ws, ...db, 'worker', '-j', String(threads), '--concurrency', '2'], { env: LAB_ENV, stdio: 'ignore' }));
    for (let i = 0; i < 200; i++) {
      const n = await query<{ n: number }>(`select count(*)::int as n from "${schema}".lab_worker where status = 'running'`).catch(() => [{ n: 0 }]);
      if (n[0]!.n >= processes) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const t0 = performance.now();
    winnow(['-w', ws, ...db, 'scan', '--case', 'b', '--queue', '-q', src], LAB_ENV);
    const enqueueSecs = (performance.now() - t0) / 1000;
    for (;;) {
      const ev = await query<{ status: string }>(`select status from "${schema}".evidence`);
      if (ev.length && ev.every((e) => e.status === 'done')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const secs = (performance.now() - t0) / 1000;
    checkExport(ws, db, expected);
    return { secs, enqueueSecs };
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.on('exit', r)))));
    rmSync(ws, { recursive: true, force: true });
    await dropSchema(schema);
  }
}

/** Queue overhead per file, no hashing: enqueue in batches, fetch + complete each batch, write each file's outcome. */
async function queueOverhead(n: number, tmp: string): Promise<{ enqueueUs: number; fetchCompleteUs: number; statusWriteUs: number }> {
  const schema = freshSchema();
  const ws = await Workspace.open({ workspace: mkdtempSync(join(tmp, 'ws-')), db: `${PG}?schema=${schema}` });
  const queue = await ws.jobQueue();
  try {
    await createLabQueues(queue);
    const c = await ws.cases.create('b');
    const evidenceId = newId();
    const now = new Date().toISOString();
    await ws.repos.evidence.create({
      id: evidenceId, case_id: c.id, label: 'bench', source_path: '/bench', kind: 'folder', size: null, acquisition_notes: null,
      examiner: null, status: 'processing', started_at: now, finished_at: null, enumerated_at: null, error: null, created_at: now,
    });
    const jobs: DiskFileJob[] = Array.from({ length: n }, (_, i) => ({ absPath: `/bench/f${i}`, relPath: `f${String(i).padStart(7, '0')}`, depth: 0, size: 1000, times: { mtime: null, atime: null, ctime: null, birthtime: null } }));
    await ws.repos.files.recordDiscovered(evidenceId, jobs.map((j) => ({ path: j.relPath, depth: 0, entryType: 'file', size: 1000, times: j.times })));
    let t0 = performance.now();
    await enqueueFiles(queue, c.id, evidenceId, jobs);
    const enqueueUs = ((performance.now() - t0) * 1000) / n;
    t0 = performance.now();
    let fetched = 0;
    const batches: FileBatchData[] = [];
    while (fetched < n) {
      const got = await queue.fetch<FileBatchData>(FILES_QUEUE, 1);
      if (got.length === 0) continue;
      for (const j of got) {
        fetched += j.data.files.length;
        batches.push(j.data);
        await queue.complete(FILES_QUEUE, j.id);
      }
    }
    const fetchCompleteUs = ((performance.now() - t0) * 1000) / n;
    t0 = performance.now();
    for (const b of batches) await ws.repos.files.saveProcessed(evidenceId, b.files.map((f) => failedEntry(f, 'bench', 'EBENCH')));
    const statusWriteUs = ((performance.now() - t0) * 1000) / n;
    return { enqueueUs, fetchCompleteUs, statusWriteUs };
  } finally {
    await queue.close();
    await ws.close();
    await dropSchema(schema);
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const tmp = mkdtempSync(join(tmpdir(), 'winnow-labbench-'));
  const src = join(tmp, 'corpus');
  try {
    const sizes = makeCorpus(src, o.files);
    const bytes = [...sizes.values()].reduce((a, b) => a + b, 0);
    md5sumAll(src); // page cache
    process.stdout.write(`lab-mode benchmark: ${o.files} files, ${(bytes / 1e6).toFixed(1)} MB, ${cpus().length} cores, ${o.runs} runs each (medians)\n`);
    const t: Record<string, number[]> = { md5sum: [], embeddedSqlite: [], embeddedPg: [], lab1: [], lab2: [], enqueue1: [], enqueue2: [] };
    let expected = new Map<string, string>();
    for (let r = 0; r < o.runs; r++) {
      const m = md5sumAll(src);
      expected = m.md5;
      t.md5sum!.push(m.secs);
      t.embeddedSqlite!.push(await embedded(src, tmp, expected, false));
      t.embeddedPg!.push(await embedded(src, tmp, expected, true));
      const l1 = await lab(src, tmp, expected, 1, 2);
      t.lab1!.push(l1.secs);
      t.enqueue1!.push(l1.enqueueSecs);
      const l2 = await lab(src, tmp, expected, 2, 1);
      t.lab2!.push(l2.secs);
      t.enqueue2!.push(l2.enqueueSecs);
    }
    const base = median(t.embeddedSqlite!);
    const row = (name: string, secs: number) => `  ${name.padEnd(44)} ${secs.toFixed(2).padStart(7)} s ${(o.files / secs).toFixed(0).padStart(7)} files/s ${(bytes / 1e6 / secs).toFixed(0).padStart(5)} MB/s  ${(base / secs).toFixed(2)}× embedded SQLite\n`;
    process.stdout.write(row('md5sum (reference, one process)', median(t.md5sum!)));
    process.stdout.write(row('embedded, SQLite (baseline)', base));
    process.stdout.write(row('embedded, PostgreSQL', median(t.embeddedPg!)));
    process.stdout.write(row('lab: 1 worker process × 2 threads', median(t.lab1!)));
    process.stdout.write(row('lab: 2 worker processes × 1 thread', median(t.lab2!)));
    process.stdout.write(`  (of which listing + enqueue by scan --queue: ${median(t.enqueue1!).toFixed(2)} s / ${median(t.enqueue2!).toFixed(2)} s)\n`);
    const q = await queueOverhead(Math.min(o.files, 5000), tmp);
    process.stdout.write(`queue overhead per file (pg-boss, batches of 200, no hashing): enqueue ${q.enqueueUs.toFixed(1)} µs + fetch/complete ${q.fetchCompleteUs.toFixed(1)} µs + status write ${q.statusWriteUs.toFixed(1)} µs = ${(q.enqueueUs + q.fetchCompleteUs + q.statusWriteUs).toFixed(1)} µs\n`);
    process.stdout.write(`every run's export checked against md5sum: ${o.files} files × ${o.runs * 4} runs\n`);
  } finally {
    if (!o.keep) rmSync(tmp, { recursive: true, force: true });
  }
}

void main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
