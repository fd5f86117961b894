/**
 * Lab mode end to end on a real PostgreSQL: `winnow scan --queue` lists a folder into batches, three `winnow worker`
 * processes share them, one is killed with SIGKILL in the middle; its jobs are finished by the others after their
 * (short) lease, every file is stored once, and the export equals an embedded single-process scan of the same folder.
 * Also: two processes migrating a fresh schema at once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, test } from 'node:test';
import pg from 'pg';
import yazl from 'yazl';
import { dropPostgresSchema, openDatabase } from '../../src/db/connection.js';
import { POSTGRES } from '../../src/db/engine.js';
import { migrationProvider } from '../../src/db/migrations/index.js';
import { CLI, cli, cliAsync, exportJsonl, PG_URL, pgUrlWithSchema, tempDir, type JsonlRecord } from '../helpers/env.js';

const t = tempDir();
const schemas: string[] = [];
after(async () => {
  t.cleanup();
  for (const s of schemas) {
    await dropPostgresSchema(PG_URL, s);
    await dropPostgresSchema(PG_URL, `${s}_boss`);
  }
});

const labEnv = { ...process.env, WINNOW_QUEUE_LEASE_SECONDS: '3', WINNOW_QUEUE_MAINTENANCE_SECONDS: '1', WINNOW_WORKER_HEARTBEAT_MS: '500' };

async function query<T>(schema: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return (await c.query(text.replaceAll('$S', schema))).rows as T[];
  } finally {
    await c.end();
  }
}

async function until(what: string, cond: () => Promise<boolean>, tries = 240, explain?: () => Promise<string>): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`gave up waiting: ${what}${explain ? `; state: ${await explain()}` : ''}`);
}

/** Queue, evidence and worker state of a lab schema, for a timeout's message. */
async function labState(schema: string): Promise<string> {
  const jobs = await query<{ name: string; state: string; n: number }>(schema, `select name, state::text, count(*)::int as n from $S_boss.job group by 1, 2 order by 1, 2`);
  const ev = await query<{ status: string }>(schema, `select status from $S.evidence`);
  const stages = await query<{ n: number }>(schema, `select count(*)::int as n from $S.file_stage where stage = 'digest'`);
  const workers = await query<{ pid: number; status: string; files_done: number; heartbeat_at: string }>(schema, `select pid, status, files_done::int, heartbeat_at from $S.lab_worker`);
  return JSON.stringify({ jobs, evidence: ev, digested: stages[0]?.n, workers, now: new Date().toISOString() });
}

/** Export records without what legitimately differs between two scans of the same files. */
function comparable(records: JsonlRecord[]): string[] {
  return records.map((r) => JSON.stringify(r)).sort();
}

test('three workers, one killed with SIGKILL: every file once, export equals a single-process scan', async () => {
  const src = join(t.dir, 'evidence');
  const expected = new Map<string, string>();
  for (let d = 0; d < 8; d++) mkdirSync(join(src, `d${d}`), { recursive: true });
  const N = 4000;
  for (let i = 0; i < N; i++) {
    const data = randomBytes(512 + ((i * 7919) % 8192));
    const rel = `d${i % 8}/f${String(i).padStart(5, '0')}.bin`;
    writeFileSync(join(src, rel), data);
    expected.set(rel, createHash('md5').update(data).digest('hex'));
  }
  const zip = new yazl.ZipFile();
  for (let i = 0; i < 50; i++) zip.addBuffer(randomBytes(1024), `m/${i}.bin`);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(join(src, 'd0', 'archive.zip')));

  // the reference: embedded mode, one process
  const ref = join(t.dir, 'ref');
  cli(['-w', ref, 'case', 'create', 'lab']);
  cli(['-w', ref, 'scan', '--case', 'lab', '-q', src]);
  const single = exportJsonl(ref, 'lab');
  assert.equal(single.length, N + 1 + 50);

  const { url, schema } = pgUrlWithSchema('lab');
  schemas.push(schema);
  const ws = join(t.dir, 'lab');
  const db = ['--db', url];
  cli(['-w', ws, ...db, 'case', 'create', 'lab']);
  const queued = cli(['-w', ws, ...db, 'scan', '--case', 'lab', '--queue', src], { env: labEnv });
  assert.match(queued, new RegExp(`queued: ${N + 1} files listed`));
  const jobs = await query<{ n: number }>(schema, `select count(*)::int as n from $S_boss.job where name = 'winnow-files'`);
  assert.equal(jobs[0]!.n, Math.ceil((N + 1) / 200), 'files are queued in batches of 200');

  const workers: ChildProcess[] = [];
  const exits: Promise<number | null>[] = [];
  for (let i = 0; i < 3; i++) {
    const w = spawn(process.execPath, [CLI, '-w', ws, ...db, 'worker', '-j', '1', '--concurrency', '2'], { env: labEnv, stdio: 'ignore' });
    workers.push(w);
    exits.push(new Promise((r) => w.on('exit', (code) => r(code))));
  }
  const digested = async () => (await query<{ n: number }>(schema, `select count(*)::int as n from $S.file_stage where stage = 'digest'`))[0]!.n;
  await until('a quarter of the files processed', async () => (await digested()) >= N / 4);
  workers[0]!.kill('SIGKILL');
  await exits[0];
  const atKill = await digested();
  assert.ok(atKill < N, `killed after ${atKill} files: not in the middle`);

  await until('every evidence item done and the case matched', async () => {
    const ev = await query<{ status: string }>(schema, `select status from $S.evidence`);
    const m = await query<{ n: number }>(schema, `select count(*)::int as n from $S_boss.job where name = 'winnow-match' and state = 'completed'`);
    return ev.every((e) => e.status === 'done') && m[0]!.n >= 1;
  }, 720, () => labState(schema)); // up to 3 minutes: the full suite runs two test files at once on this 2-core machine
  const status = JSON.parse((await cliAsync(['-w', ws, ...db, 'status', '--json'])).stdout) as {
    queues: { files: { queued: number; active: number; failed: number } };
    workers: { pid: number; status: string; filesDone: number }[];
    cases: { processed: number; listed: number; failed: number }[];
  };
  for (const w of workers.slice(1)) w.kill('SIGTERM');
  assert.deepEqual(await Promise.all(exits.slice(1)), [0, 0], 'workers stop cleanly on SIGTERM');

  // the dead worker's batches went back to the queue after their lease and were finished by the others
  const retried = await query<{ n: number }>(schema, `select count(*)::int as n from $S_boss.job where name = 'winnow-files' and retry_count > 0`);
  assert.ok(retried[0]!.n >= 1, 'no job was retried: the killed worker held none');
  assert.equal(status.queues.files.queued + status.queues.files.active + status.queues.files.failed, 0);
  assert.deepEqual(status.cases.map((c) => [c.processed, c.listed, c.failed]), [[N + 1, N + 1, 0]]);
  assert.equal(status.workers.length, 3);
  assert.equal(status.workers.find((w) => w.pid === workers[0]!.pid)?.status, 'running', 'the killed worker never said goodbye');

  const lab = exportJsonl(ws, 'lab', db);
  const paths = lab.map((r) => r.path);
  assert.equal(new Set(paths).size, paths.length, 'a file is listed twice');
  for (const [rel, md5] of expected) assert.equal(lab.find((r) => r.path === rel)?.md5, md5, rel);
  assert.deepEqual(comparable(lab.map((r) => ({ ...r }))).map(stripTimes), comparable(single).map(stripTimes));

  // Only the dead worker's batches were processed twice (stored once, counted as a second attempt).
  const twice = await query<{ n: number }>(schema, `select count(*)::int as n from $S.file_stage where stage = 'digest' and attempts > 1`);
  assert.ok(twice[0]!.n <= 2 * 200 + 50, `${twice[0]!.n} files were processed more than once`);
});

/** atime changes when the second scan reads the files; nothing else may differ. */
function stripTimes(line: string): string {
  const r = JSON.parse(line) as Record<string, unknown>;
  delete r.atime;
  return JSON.stringify(r);
}

test('two processes starting on a fresh schema migrate it once', async () => {
  const { url, schema } = pgUrlWithSchema('mig');
  schemas.push(schema);
  const ws = join(t.dir, 'mig');
  const runs = await Promise.all([0, 1, 2].map(() => cliAsync(['-w', ws, '--db', url, 'status'])));
  for (const r of runs) assert.match(r.stdout, /Queues/);
  const rows = await query<{ name: string }>(schema, `select name from $S.kysely_migration order by name`);
  // every migration the code ships ran exactly once (the table's primary key would refuse a second row)
  const shipped = Object.keys(await migrationProvider(POSTGRES).getMigrations()).sort();
  assert.ok(shipped.length >= 8, 'the migration list is unexpectedly short');
  assert.deepEqual(rows.map((r) => r.name), shipped);
});

test('an older schema is migrated once by whichever process starts first; a newer schema is refused clearly', async () => {
  const { url, schema } = pgUrlWithSchema('mig2');
  schemas.push(schema);
  const ws = join(t.dir, 'mig2');
  await cliAsync(['-w', ws, '--db', url, 'status']);
  // Take the schema back to before the newest migration, as an older Winnow left it.
  const shipped = Object.keys(await migrationProvider(POSTGRES).getMigrations()).sort();
  const newest = shipped[shipped.length - 1]!;
  // the newest migration's own down(), on that schema
  const h = await openDatabase(url);
  try {
    await (await migrationProvider(POSTGRES).getMigrations())[newest]!.down!(h.db);
  } finally {
    await h.close();
  }
  await query(schema, `delete from $S.kysely_migration where name = '${newest}'`);
  const runs = await Promise.all([0, 1, 2].map(() => cliAsync(['-w', ws, '--db', url, 'status'])));
  for (const r of runs) assert.match(r.stdout, /Queues/);
  assert.deepEqual((await query<{ name: string }>(schema, `select name from $S.kysely_migration order by name`)).map((r) => r.name), shipped);
  // A database a newer Winnow migrated: refused with a clear message and exit code 3, nothing changed.
  await query(schema, `insert into $S.kysely_migration (name, timestamp) values ('9999-from-a-newer-winnow', '2099-01-01T00:00:00.000Z')`);
  await assert.rejects(cliAsync(['-w', ws, '--db', url, 'worker']), (err: { code?: number; stderr?: string }) => {
    assert.equal(err.code, 3);
    assert.match(err.stderr ?? '', /newer schema than this Winnow .*9999-from-a-newer-winnow.*upgrade Winnow/);
    return true;
  });
  assert.equal((await query<{ n: number }>(schema, `select count(*)::int as n from $S.kysely_migration`))[0]!.n, shipped.length + 1);
});

test('a file that kills its worker every time is retried a bounded number of times, then failed; the rest is done', async () => {
  const src = join(t.dir, 'crash-evidence');
  mkdirSync(src, { recursive: true });
  const expected = new Map<string, string>();
  for (let i = 0; i < 30; i++) {
    const data = randomBytes(2048 + i);
    const rel = i === 17 ? 'poison-17.bin' : `ok-${String(i).padStart(2, '0')}.bin`;
    writeFileSync(join(src, rel), data);
    expected.set(rel, createHash('md5').update(data).digest('hex'));
  }
  const { url, schema } = pgUrlWithSchema('crash');
  schemas.push(schema);
  const ws = join(t.dir, 'crash');
  const db = ['--db', url];
  cli(['-w', ws, ...db, 'case', 'create', 'crash']);
  cli(['-w', ws, ...db, 'scan', '--case', 'crash', '--queue', src], { env: labEnv });
  // A supervisor as a lab would run (systemd Restart=always): two workers, each replaced when it dies.
  const env = { ...labEnv, WINNOW_FAULT_CRASH_ON: '^poison-' };
  let crashes = 0;
  let stopping = false;
  const live = new Set<ChildProcess>();
  const startWorker = (): void => {
    const w = spawn(process.execPath, [CLI, '-w', ws, ...db, 'worker', '-j', '1'], { env, stdio: 'ignore' });
    live.add(w);
    w.on('exit', (_code, signal) => {
      live.delete(w);
      if (signal === 'SIGKILL') crashes++;
      if (!stopping) startWorker();
    });
  };
  startWorker();
  startWorker();
  try {
    await until('the evidence item done', async () => (await query<{ status: string }>(schema, `select status from $S.evidence`)).every((e) => e.status === 'done'), 480);
  } finally {
    stopping = true;
    for (const w of live) w.kill('SIGTERM');
    await until('workers stopped', async () => live.size === 0);
  }
  // First the batch of 30 died; on its retry it was split into one job per file; the poison file's own job then ran
  // 1 + RETRY_LIMIT (2) times, each killing its worker.
  assert.ok(crashes >= 3 && crashes <= 5, `${crashes} worker crashes`);
  const records = exportJsonl(ws, 'crash', db);
  assert.equal(records.length, 30);
  for (const [rel, md5] of expected) {
    const r = records.find((x) => x.path === rel)!;
    if (rel.startsWith('poison')) {
      assert.equal(r.md5, null);
      assert.match(String(r.error), /stopped its worker 2 times .*not retried/);
    } else {
      assert.equal(r.md5, md5, rel);
    }
  }
});
