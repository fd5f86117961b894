/**
 * Review API benchmark (issue 6): one page of 200 grid items from a synthetic 1 M-file case on SQLite, through
 * the whole server (Fastify inject: routing, session, schema validation, service, SQL, JSON). Rows are inserted
 * directly (no scan). Reports p50/p95 ms for the first page, deep pages (following cursors) and filtered pages,
 * and, as the in-run baseline, the same keyset SQL page run bare through better-sqlite3.
 * Run: npm run build && node dist/bench/review-api-bench.js [files=1000000]
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Workspace } from '../src/cli/workspace.js';
import { LoginThrottle } from '../src/http/login-throttle.js';
import { buildServer } from '../src/http/server.js';
import { fileId, newId } from '../src/util/ids.js';
import { tempDir } from '../test/helpers/env.js';

const N = Number(process.argv[2] ?? 1_000_000);
const RUNS = 40;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const ws = tempDir('winnow-review-bench-');
try {
  // Create the schema through the normal path, then fill it with a raw connection.
  const w0 = await Workspace.open({ workspace: ws.dir });
  await w0.users.add('bench', 'admin', 'bench password 1', { id: null, name: 'bench' });
  await w0.close();
  const dbFile = join(ws.dir, 'winnow.sqlite');
  const raw = new BetterSqlite3(dbFile);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF');
  const caseId = newId();
  const evId = newId();
  const now = new Date().toISOString();
  raw.prepare(`INSERT INTO "case" (id, name, created_at) VALUES (?, 'big', ?)`).run(caseId, now);
  raw.prepare(`INSERT INTO evidence (id, case_id, label, source_path, kind, status, created_at) VALUES (?, ?, 'disk', '/x', 'folder', 'done', ?)`).run(evId, caseId, now);
  const insF = raw.prepare(`INSERT INTO file (id, evidence_id, path, name, entry_type, depth, size, md5, mime_type, extension_mismatch, is_archive, error, discovered_at) VALUES (?, ?, ?, ?, 'file', 1, ?, ?, ?, 0, 0, ?, ?)`);
  const insT = raw.prepare(`INSERT INTO file_triage (file_id, status, ignorable, baseline, cluster_id, cluster_size, priority, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?)`);
  const insM = raw.prepare(`INSERT INTO media_metadata (file_id, make, model, gps_lat, gps_lon) VALUES (?, ?, ?, ?, ?)`);
  const insH = raw.prepare(`INSERT INTO thumbnail (file_id, kind, format, width, height, safe_path, clear_path, created_at) VALUES (?, 'image', 'webp', 256, 192, 's', 'c', ?)`);
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const t0 = Date.now();
  const fill = raw.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const path = `dir${i % 1000}/img${i}.jpg`;
      const id = fileId(evId, path);
      const md5 = createHash('md5').update(String(i % (N * 0.9))).digest();
      const r = rnd();
      const status = r < 0.02 ? 'known-bad' : r < 0.3 ? 'known-good' : 'unknown';
      insF.run(id, evId, path, `img${i}.jpg`, 1000 + i, md5, i % 10 === 0 ? 'video/mp4' : 'image/jpeg', i % 500 === 0 ? 'broken' : null, now);
      const prio = status === 'unknown' && rnd() < 0.6 ? Math.floor(rnd() * 100) : null;
      insT.run(id, status, status === 'known-good' ? 1 : 0, i % 7 === 0 ? `c${i % 50_000}` : null, i % 7 === 0 ? 20 : null, prio, now);
      if (i % 10 < 3) insM.run(id, i % 2 ? 'Canon' : 'Nikon', `M${i % 20}`, i % 10 === 0 ? 50.8 : null, i % 10 === 0 ? 4.3 : null);
      insH.run(id, now);
    }
  });
  for (let i = 0; i < N; i += 50_000) fill(i, Math.min(N, i + 50_000));
  raw.exec('ANALYZE');
  process.stdout.write(`inserted ${N} files in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

  const w = await Workspace.open({ workspace: ws.dir });
  const { app } = await buildServer({
    auth: w.auth, users: w.users, review: w.review, categorisation: w.categorisation, audit: w.audit, workspaceDir: w.dir,
    throttle: new LoginThrottle(), secureCookies: false,
  });
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { name: 'bench', password: 'bench password 1' } });
  const cookie = `winnow_session=${login.cookies.find((c) => c.name === 'winnow_session')!.value}`;
  const get = async (url: string) => {
    const s = performance.now();
    const r = await app.inject({ method: 'GET', url, headers: { cookie } });
    const ms = performance.now() - s;
    if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
    return { ms, body: r.json() as { items: unknown[]; nextCursor: string | null } };
  };

  // Baseline: the same keyset page as bare SQL on a raw connection (no server, no joins beyond the grid's).
  const bare = raw.prepare(`SELECT t.file_id, -coalesce(t.priority, -1) AS k FROM file_triage t JOIN file f ON f.id = t.file_id JOIN evidence e ON e.id = f.evidence_id
    WHERE e.case_id = ? AND t.status != 'known-bad' AND t.ignorable = 0 ORDER BY -coalesce(t.priority, -1), t.file_id LIMIT 201`);
  const base: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    bare.all(caseId);
    base.push(performance.now() - s);
  }
  const plan = raw.prepare(`EXPLAIN QUERY PLAN ${bare.source}`).all(caseId) as { detail: string }[];
  process.stdout.write(`bare SQL plan: ${plan.map((p) => p.detail).join(' | ')}\n`);

  const report = (label: string, xs: number[]) =>
    process.stdout.write(`${label.padEnd(44)} p50 ${pct(xs, 50).toFixed(1).padStart(6)} ms  p95 ${pct(xs, 95).toFixed(1).padStart(6)} ms  (${(pct(xs, 50) / pct(base, 50)).toFixed(1)}x bare SQL p50)\n`);
  report('baseline: bare keyset SQL, 200 rows', base);

  const scenarios: [string, string][] = [
    ['first page (default filters)', ''],
    ['filter hasGps=true', '&hasGps=true'],
    ['filter make=Canon', '&make=Canon'],
    ['filter mime=video/', '&mime=video/'],
    ['filter category=uncategorised', '&category=uncategorised'],
    ['includeKnownBad + status=known-bad', '&status=known-bad&includeKnownBad=true'],
  ];
  const base0 = `/api/cases/${caseId}/items?limit=200`;
  for (const [label, q] of scenarios) {
    const xs: number[] = [];
    for (let i = 0; i < RUNS; i++) xs.push((await get(base0 + q)).ms);
    report(label, xs);
  }
  // Deep pages: follow the cursor 100 pages in (20,000 items); every page is a keyset range scan.
  const deep: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const r = await get(base0 + (cursor ? `&cursor=${cursor}` : ''));
    if (i >= 60) deep.push(r.ms);
    cursor = r.body.nextCursor;
    if (!cursor) break;
  }
  report('pages 61-100 following the cursor', deep);
  await app.close();
  await w.close();
  raw.close();
} finally {
  ws.cleanup();
}
