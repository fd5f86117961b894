import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Workspace } from '../../src/cli/workspace.js';
import { AuditRepository } from '../../src/db/repositories/audit.repository.js';
import { ReviewRepository } from '../../src/db/repositories/review.repository.js';
import { buildCourtReportPdf } from '../../src/formats/court-report-pdf.js';
import { escapeHtml } from '../../src/formats/court-report-html.js';
import { LoginThrottle } from '../../src/http/login-throttle.js';
import { buildServer } from '../../src/http/server.js';
import { categoryLabel, TRIAGE_STATUSES } from '../../src/services/court-report.service.js';
import { dropPostgresSchema } from '../../src/db/connection.js';
import { cli, CLI, PG_URL, pgUrlWithSchema, tempDir } from '../helpers/env.js';

// The court report and the VICS download over a real `winnow demo` workspace, on SQLite and on PostgreSQL
// (127.0.0.1:5432; the PostgreSQL half fails loudly without it), through Fastify's inject for the HTTP routes and
// through the CLI for `winnow report` (SQLite only: the CLI shares every query with the routes).

const PASSWORD = 'correct horse battery staple';

interface Session { cookie: string; csrf: string }
interface GridItem { id: string; path: string; md5: string | null }

/** Text shown by the PDF's uncompressed content streams: the hex strings of every TJ array, decoded. */
function pdfText(pdf: Buffer): string {
  const s = pdf.toString('latin1');
  return [...s.matchAll(/\[([^\]]*)\] TJ/g)]
    .map((m) => [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
    .join('\n');
}

/** The rows of the HTML table that follows a heading (cells unescaped only for & < > " ' as the renderer writes them). */
function tableAfter(html: string, heading: string): string[][] {
  const at = html.indexOf(`>${heading}</h`);
  assert.ok(at >= 0, `heading ${heading}`);
  const table = html.slice(at, html.indexOf('</table>', at));
  return [...table.matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map((c) => c[1]!));
}

for (const engine of ['sqlite', 'postgres'] as const) describe(`court report and VICS download on ${engine}`, () => {
  const ws = tempDir('winnow-report-');
  const pg = engine === 'postgres' ? pgUrlWithSchema('report') : null;
  const dbArgs = pg ? ['--db', pg.url] : [];
  let workspace: Workspace;
  let app: FastifyInstance;
  let caseId = '';
  let evidenceId = '';
  const sessions: Record<string, Session> = {};
  const byPath = new Map<string, GridItem>();

  const req = (method: string, url: string, s?: Session, body?: unknown) =>
    app.inject({
      method: method as 'GET', url,
      headers: { ...(s ? { cookie: s.cookie } : {}), ...(s && method !== 'GET' ? { 'x-csrf-token': s.csrf } : {}) },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
  const json = <T>(r: LightMyRequestResponse): T => r.json() as T;

  before(async () => {
    cli(['-w', ws.dir, ...dbArgs, 'demo', '-q']);
    workspace = await Workspace.open({ workspace: ws.dir, db: pg?.url });
    caseId = (await workspace.cases.get('demo')).id;
    const setup = { id: null, name: 'test-setup' };
    for (const [name, role] of [['admin1', 'admin'], ['inv1', 'investigator'], ['rev1', 'reviewer'], ['nov1', 'no-view'], ['outsider', 'investigator']] as const) {
      await workspace.users.add(name, role, PASSWORD, setup);
    }
    for (const name of ['inv1', 'rev1', 'nov1']) await workspace.users.addMember(caseId, name, setup);
    ({ app } = await buildServer({
      auth: workspace.auth, users: workspace.users, review: workspace.review, categorisation: workspace.categorisation, audit: workspace.audit,
      workspaceDir: workspace.dir, throttle: new LoginThrottle(), secureCookies: false,
      courtReports: { service: workspace.courtReports, exporter: workspace.exporter, pdf: { compress: false } },
    }));
    for (const n of ['admin1', 'inv1', 'rev1', 'nov1', 'outsider']) {
      const r = await req('POST', '/api/auth/login', undefined, { name: n, password: PASSWORD });
      assert.equal(r.statusCode, 200, r.body);
      sessions[n] = { cookie: `winnow_session=${r.cookies.find((x) => x.name === 'winnow_session')!.value}`, csrf: json<{ csrfToken: string }>(r).csrfToken };
    }
    evidenceId = (await workspace.repos.evidence.listForCase(caseId))[0]!.id;
    const items = await req('GET', `/api/cases/${caseId}/items?limit=200&includeKnownBad=true&includeIgnorable=true`, sessions.admin1);
    for (const it of json<{ items: GridItem[] }>(items).items) byPath.set(it.path, it);
    // A reviewer's category on one picture: its copy (same MD5) inherits it, so category 2 has two files.
    const cat = await req('POST', `/api/cases/${caseId}/categorisations`, sessions.inv1, { itemIds: [byPath.get('DCIM/100CAMERA/IMG_1000.JPG')!.id], category: '2' });
    assert.equal(cat.statusCode, 200, cat.body);
    // A description with markup, to see it escaped.
    await workspace.handle.db.updateTable('case').set({ description: '<script>alert(1)</script> & "quotes"' }).where('id', '=', caseId).execute();
  });
  after(async () => {
    await app?.close();
    await workspace?.close();
    if (pg) await dropPostgresSchema(PG_URL, pg.schema);
    ws.cleanup();
  });

  test('HTML: case, evidence, counts equal to the database, hash list, audit anchor, no images', async () => {
    const r = await req('GET', `/api/cases/${caseId}/report.html`, sessions.inv1);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    assert.match(String(r.headers['content-disposition']), /^attachment; filename="court-report-demo\.html"$/);
    const html = r.body;
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(html.includes('<h1>Court report: case demo</h1>'));
    for (const e of await workspace.repos.evidence.listForCase(caseId)) {
      assert.ok(html.includes(`<h3>Evidence ${escapeHtml(e.label)}</h3>`), e.label);
      assert.ok(html.includes(escapeHtml(e.source_path)));
    }
    assert.ok(html.includes(escapeHtml('<script>alert(1)</script> & "quotes"')), 'description escaped');
    assert.equal(html.includes('<script'), false, 'no script, no raw markup from data');
    assert.equal(/<img|data:image|url\(/i.test(html), false, 'no images of any kind');
    assert.ok(html.includes('contains no images'));

    // Counts: the case's effective categories and triage statuses, as the review API (review.repository) counts them.
    const db = await new ReviewRepository(workspace.handle).caseCounts(caseId);
    assert.equal(db.byCategory['2'], 2);
    const byCategory = tableAfter(html, 'By category').slice(1);
    assert.deepEqual(Object.fromEntries(byCategory.map(([label, n]) => [label, Number(n)])),
      Object.fromEntries(Object.entries(db.byCategory).map(([code, n]) => [escapeHtml(categoryLabel(code)), n])));
    const summary = Object.fromEntries(tableAfter(html, 'Summary').slice(1).map(([label, n]) => [label, Number(n)]));
    for (const s of TRIAGE_STATUSES) if (s.key !== 'pending') assert.equal(summary[s.label], db.byStatus[s.key] ?? 0, s.key);
    assert.equal(summary['Files with errors (unreadable, corrupt)'], db.errors);
    assert.equal(summary['All files (including archive members)'], db.files);

    // Hash list: the categorised picture and its copy under category 2, with all three digests.
    const list = html.slice(html.indexOf('data-category="2"'), html.indexOf('</table>', html.indexOf('data-category="2"')));
    const md5 = byPath.get('DCIM/100CAMERA/IMG_1000.JPG')!.md5!;
    const file = await workspace.handle.db.selectFrom('file').select(['sha1', 'sha256']).where('id', '=', byPath.get('DCIM/100CAMERA/IMG_1000.JPG')!.id).executeTakeFirstOrThrow();
    assert.equal(list.split(md5).length - 1, 2, 'both copies listed');
    assert.ok(list.includes('DCIM/100CAMERA/IMG_1000.JPG') && list.includes('backup/IMG_1000 (copy).JPG'));
    assert.ok(list.includes(file.sha1!.toString('hex')) && list.includes(file.sha256!.toString('hex')));
    const cat1 = html.slice(html.indexOf('data-category="1"'), html.indexOf('</table>', html.indexOf('data-category="1"')));
    assert.equal(cat1.includes(md5), false, 'not listed under another category');

    // Audit: the download is an entry, and the report prints its hash (the chain head then and now).
    const head = await new AuditRepository(workspace.handle).head();
    assert.ok(html.includes(`entry ${head.seq} (this report&#39;s generation), chain hash ${head.hash}`));
    const last = (await workspace.audit.recent({ caseId, action: 'export' }, null, 1))[0]!;
    assert.equal(last.hash, head.hash);
    assert.deepEqual(JSON.parse(last.detail), { evidenceId: null, format: 'html', images: false, kind: 'court-report' });
    assert.equal(last.actorName, 'inv1');
    assert.equal((await workspace.audit.verify()).ok, true);
  });

  test('per evidence item: ?evidence=ID; unknown or malformed ids are 4xx with a message', async () => {
    const r = await req('GET', `/api/cases/${caseId}/report.html?evidence=${evidenceId}`, sessions.inv1);
    assert.equal(r.statusCode, 200, r.body);
    assert.ok(r.body.includes('<h1>Court report: case demo, evidence demo-evidence</h1>'));
    assert.ok(r.body.includes('evidence item demo-evidence only'));
    const other = await req('GET', `/api/cases/${caseId}/report.html?evidence=01a23711-5826-7fd4-82ce-707a5d864080`, sessions.inv1);
    assert.equal(other.statusCode, 404);
    assert.match(json<{ error: string }>(other).error, /no such evidence item in this case \(evidence items: demo-evidence\)/);
    const bad = await req('GET', `/api/cases/${caseId}/report.pdf?evidence=nope`, sessions.inv1);
    assert.equal(bad.statusCode, 400);
    assert.ok(json<{ error: string }>(bad).error.length > 0);
  });

  test('PDF: a PDF with the case, evidence, counts, hashes and audit anchor; per-category cap with a note', async () => {
    const r = await req('GET', `/api/cases/${caseId}/report.pdf`, sessions.inv1);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.headers['content-type'], 'application/pdf');
    const pdf = r.rawPayload;
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.subarray(-6).toString('latin1').includes('%%EOF'));
    const text = pdfText(pdf);
    const head = await new AuditRepository(workspace.handle).head();
    const md5 = byPath.get('DCIM/100CAMERA/IMG_1000.JPG')!.md5!;
    for (const s of ['Court report: case demo', 'Evidence demo-evidence', 'Category 2: Exploitative / age difficult', `MD5 ${md5}`, head.hash, 'demo-known-vics']) {
      assert.ok(text.includes(s), s);
    }
    assert.equal(/\/Subtype\s*\/Image/.test(pdf.toString('latin1')), false, 'no image XObjects');
    assert.equal(text.includes('Truncated'), false);
    // Capped at one file per category: category 2 (two files) says so.
    const service = workspace.courtReports;
    const report = await service.build({ id: null, name: 'test' }, await workspace.cases.get('demo'), { format: 'pdf', generator: { name: 'winnow', version: 'test' } });
    const capped = pdfText(await buildCourtReportPdf(report, service.lists(report), { compress: false, maxRowsPerCategory: 1 }));
    assert.ok(capped.includes('Truncated: 1 of 2 files of this category are listed in the PDF.'));
  });

  test('hash lists are read page by page (keyset), every file once', async () => {
    const service = workspace.courtReports;
    const report = await service.build({ id: null, name: 'test' }, await workspace.cases.get('demo'), { format: 'html', generator: { name: 'winnow', version: 'test' } });
    const pages: string[][] = [];
    for await (const page of service.hashList(report, 'uncategorised', 3)) pages.push(page.map((f) => f.path));
    assert.ok(pages.every((p) => p.length <= 3) && pages.length >= 5);
    const paths = pages.flat();
    assert.equal(new Set(paths).size, paths.length);
    assert.equal(paths.length, report.categories.find((c) => c.code === 'uncategorised')!.files);
    assert.deepEqual(paths, [...paths].sort(), 'path order within the one evidence item');
  });

  test('roles: no-view and reviewer members 403, outsider 404, admin allowed', async () => {
    for (const kind of ['report.html', 'report.pdf', 'export.vics']) {
      const url = `/api/cases/${caseId}/${kind}`;
      for (const n of ['nov1', 'rev1']) {
        const r = await req('GET', url, sessions[n]);
        assert.equal(r.statusCode, 403, `${n} ${kind}: ${r.body}`);
        assert.match(json<{ error: string }>(r).error, /cannot export/);
      }
      const out = await req('GET', url, sessions.outsider);
      assert.equal(out.statusCode, 404, `outsider ${kind}`);
      assert.equal((await req('GET', url, sessions.admin1)).statusCode, 200, `admin ${kind}`);
      assert.equal((await req('GET', url)).statusCode, 401);
      assert.notEqual((await req('HEAD', url, sessions.inv1)).statusCode, 200, 'no HEAD route: it would be audited as a download');
    }
  });

  test('VICS export: parses, one MediaFile per file with an MD5, categories in the US profile, audited', async () => {
    const r = await req('GET', `/api/cases/${caseId}/export.vics`, sessions.inv1);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.match(String(r.headers['content-disposition']), /attachment; filename="demo\.vics\.json"/);
    const v = JSON.parse(r.body) as { value: { CaseNumber: string; ContactName: string; TotalMediaFiles: number; Media: { MD5: string; Category?: number; MediaFiles: unknown[] }[] }[] };
    const c = v.value[0]!;
    const withMd5 = await workspace.handle.db.selectFrom('file').innerJoin('evidence', 'evidence.id', 'file.evidence_id')
      .select((eb) => eb.fn.countAll<number>().as('n')).where('evidence.case_id', '=', caseId).where('file.md5', 'is not', null).executeTakeFirstOrThrow();
    assert.equal(c.CaseNumber, 'demo');
    assert.equal(c.ContactName, 'inv1');
    assert.equal(c.TotalMediaFiles, Number(withMd5.n));
    assert.equal(c.Media.reduce((a, m) => a + m.MediaFiles.length, 0), Number(withMd5.n));
    const last = (await workspace.audit.recent({ caseId, action: 'export' }, null, 1))[0]!;
    assert.equal(JSON.parse(last.detail).kind, 'vics');
  });

  if (engine === 'sqlite') test('CLI: winnow report writes HTML and PDF, per evidence item too; a wrong label is a clear error', () => {
    const html = join(ws.dir, 'report.html');
    const pdf = join(ws.dir, 'report.pdf');
    cli(['-w', ws.dir, 'report', '--case', 'demo', '--format', 'html', '--out', html]);
    const text = readFileSync(html, 'utf8');
    assert.ok(text.includes('<h1>Court report: case demo</h1>') && text.includes('data-category="2"'));
    cli(['-w', ws.dir, 'report', '--case', 'demo', '--evidence', 'demo-evidence', '--format', 'pdf', '--out', pdf]);
    assert.equal(readFileSync(pdf).subarray(0, 5).toString('latin1'), '%PDF-');
    const bad = spawnSync(process.execPath, [CLI, '-w', ws.dir, 'report', '--case', 'demo', '--evidence', 'nope', '--format', 'html', '--out', html], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /no such evidence item in this case \(evidence items: demo-evidence\)/);
    const fmt = spawnSync(process.execPath, [CLI, '-w', ws.dir, 'report', '--case', 'demo', '--format', 'docx', '--out', html], { encoding: 'utf8' });
    assert.notEqual(fmt.status, 0);
    assert.match(fmt.stderr, /unknown format "docx"/);
  });
});
