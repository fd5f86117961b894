import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Workspace } from '../../src/cli/workspace.js';
import { AuditRepository } from '../../src/db/repositories/audit.repository.js';
import { ReviewRepository } from '../../src/db/repositories/review.repository.js';
import { UserRepository } from '../../src/db/repositories/user.repository.js';
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
  /** Files of the demo case with a stored thumbnail (pictures), and one file of another case. */
  let pictures: { id: string; path: string; md5: string }[] = [];
  let otherCaseFile = '';

  const req = (method: string, url: string, s?: Session, body?: unknown) =>
    app.inject({
      method: method as 'GET', url,
      headers: { ...(s ? { cookie: s.cookie } : {}), ...(s && method !== 'GET' ? { 'x-csrf-token': s.csrf } : {}) },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
  const json = <T>(r: LightMyRequestResponse): T => r.json() as T;
  /** Today's exposure meter of a user, straight from the database. */
  const meter = async (name: string) => new UserRepository(workspace.handle).exposure((await workspace.users.list()).find((u) => u.name === name)!.id, new Date().toISOString().slice(0, 10));

  before(async () => {
    cli(['-w', ws.dir, ...dbArgs, 'demo', '-q']);
    // A second case with one (text) file: its id must be refused in a report of case demo.
    const otherDir = join(ws.dir, 'other-src');
    cli(['-w', ws.dir, ...dbArgs, 'case', 'create', 'other']);
    mkdirSync(otherDir, { recursive: true });
    writeFileSync(join(otherDir, 'notes.txt'), 'benign text\n');
    cli(['-w', ws.dir, ...dbArgs, 'scan', '--case', 'other', otherDir]);
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
    const thumbRows = await workspace.handle.db.selectFrom('thumbnail as th').innerJoin('file as f', 'f.id', 'th.file_id').innerJoin('evidence as e', 'e.id', 'f.evidence_id')
      .select(['f.id', 'f.path', 'f.md5']).where('e.case_id', '=', caseId).where('th.kind', '=', 'image').orderBy('f.path').execute();
    pictures = thumbRows.map((r) => ({ id: r.id, path: r.path, md5: r.md5!.toString('hex') }));
    assert.ok(pictures.length >= 3, 'the demo case has pictures with thumbnails');
    const other = await workspace.handle.db.selectFrom('file as f').innerJoin('evidence as e', 'e.id', 'f.evidence_id').innerJoin('case as c', 'c.id', 'e.case_id')
      .select('f.id').where('c.name', '=', 'other').executeTakeFirstOrThrow();
    otherCaseFile = other.id;
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

  test('images on request (HTML): exactly the N items asked for, clear thumbnails inlined, audited first, not on the meter', async () => {
    const chosen = pictures.slice(0, 3);
    const before = await new AuditRepository(workspace.handle).head();
    const meterBefore = await meter('inv1');
    const r = await req('GET', `/api/cases/${caseId}/report.html?include=${chosen.map((c) => c.id).join(',')}`, sessions.inv1);
    assert.equal(r.statusCode, 200, r.body);
    const html = r.body;
    assert.equal(html.match(/<img /g)?.length, 3, 'three images');
    assert.equal(html.match(/src="data:image\/webp;base64,/g)?.length, 3, 'inlined, self-contained');
    assert.ok(html.includes("img-src data:"), 'the CSP allows data: images only when images are included');
    assert.ok(html.includes('This report includes 3 images, included on request by inv1'), 'first-page statement');
    assert.ok(html.indexOf('included on request by inv1') < html.indexOf('<h2>Summary</h2>'), 'stated before the summary');
    assert.ok(html.includes('Images included on request</h2>'));
    assert.ok(html.includes('not counted against the daily exposure meter'));
    for (const c of chosen) {
      assert.ok(html.includes(`data-file-id="${c.id}"`) && html.includes(escapeHtml(c.path)) && html.includes(c.md5), c.path);
      // The CLEAR stored thumbnail, byte for byte (never the safe one, never the original file).
      const th = await workspace.handle.db.selectFrom('thumbnail').select(['clear_path', 'safe_path']).where('file_id', '=', c.id).executeTakeFirstOrThrow();
      const clear = readFileSync(join(workspace.dir, th.clear_path)).toString('base64');
      assert.ok(html.includes(`base64,${clear}"`), `clear thumbnail of ${c.path}`);
      assert.equal(html.includes(readFileSync(join(workspace.dir, th.safe_path)).toString('base64')), false);
    }
    // Audit: the export entry, then one reveal per item with purpose court-report and the report's seq; meter unchanged.
    const entries = (await workspace.audit.recent({ caseId }, null, 10)).filter((e) => e.seq > before.seq).sort((a, b) => a.seq - b.seq);
    const exp = entries.find((e) => e.action === 'export')!;
    assert.deepEqual(JSON.parse(exp.detail), { evidenceId: null, format: 'html', images: 3, kind: 'court-report' });
    const reveals = entries.filter((e) => e.action === 'reveal');
    assert.equal(reveals.length, 3);
    for (const e of reveals) {
      assert.deepEqual(JSON.parse(e.detail), { purpose: 'court-report', reportSeq: exp.seq, format: 'html' });
      assert.equal(e.actorName, 'inv1');
      assert.ok(e.seq > exp.seq && e.at.length > 0);
    }
    assert.deepEqual(new Set(reveals.map((e) => e.fileId)), new Set(chosen.map((c) => c.id)));
    assert.ok(html.includes(`entries ${reveals[0]!.seq}–${reveals[2]!.seq}`));
    const meterAfter = await meter('inv1');
    assert.deepEqual(meterAfter, meterBefore, 'a report is not a viewing: the exposure meter does not move');
    assert.equal((await workspace.audit.verify()).ok, true);
  });

  test('images on request (PDF): one image XObject per item, the count on the first page', async () => {
    const chosen = pictures.slice(0, 2);
    const r = await req('GET', `/api/cases/${caseId}/report.pdf?include=${chosen.map((c) => c.id).join(',')}`, sessions.admin1);
    assert.equal(r.statusCode, 200, r.body);
    const raw = r.rawPayload.toString('latin1');
    assert.equal(raw.match(/\/Subtype\s*\/Image/g)?.length, 2, 'two image XObjects');
    const text = pdfText(r.rawPayload);
    assert.ok(text.includes('This report includes 2 images, included on request by admin1'));
    for (const c of chosen) assert.ok(text.includes(c.md5), c.path);
    const reveals = (await workspace.audit.recent({ caseId, action: 'reveal' }, null, 2)).map((e) => JSON.parse(e.detail) as { purpose: string; format: string });
    assert.deepEqual(reveals.map((d) => [d.purpose, d.format]), [['court-report', 'pdf'], ['court-report', 'pdf']]);
  });

  test('images on request: refused for roles that may not see media, for files of another case, over 200, malformed', async () => {
    const before = await new AuditRepository(workspace.handle).head();
    for (const n of ['nov1', 'rev1']) {
      for (const kind of ['report.html', 'report.pdf']) {
        const r = await req('GET', `/api/cases/${caseId}/${kind}?include=${pictures[0]!.id}`, sessions[n]);
        assert.equal(r.statusCode, 403, `${n} ${kind}`);
        assert.ok(json<{ error: string }>(r).error.length > 10);
      }
    }
    const other = await req('GET', `/api/cases/${caseId}/report.html?include=${pictures[0]!.id},${otherCaseFile}`, sessions.inv1);
    assert.equal(other.statusCode, 400, other.body);
    assert.match(json<{ error: string }>(other).error, new RegExp(`item ${otherCaseFile} is not a file of this case`));
    const scoped = await req('GET', `/api/cases/${caseId}/report.pdf?evidence=${evidenceId}&include=${otherCaseFile}`, sessions.inv1);
    assert.equal(scoped.statusCode, 400);
    assert.match(json<{ error: string }>(scoped).error, new RegExp(`item ${otherCaseFile} is not a file of this evidence item`));
    const many = Array.from({ length: 201 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(',');
    const over = await req('GET', `/api/cases/${caseId}/report.html?include=${many}`, sessions.inv1);
    assert.equal(over.statusCode, 400);
    assert.match(json<{ error: string }>(over).error, /at most 200 items/);
    const bad = await req('GET', `/api/cases/${caseId}/report.html?include=nope`, sessions.inv1);
    assert.equal(bad.statusCode, 400);
    assert.match(json<{ error: string }>(bad).error, /"nope" is not a file id/);
    const head = await new AuditRepository(workspace.handle).head();
    assert.equal(head.seq, before.seq, 'nothing refused was audited as a reveal or an export');
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
    // --include-items: the images of those files, in HTML and PDF; a file of another case is refused by id.
    const ids = pictures.slice(0, 2).map((p) => p.id).join(',');
    cli(['-w', ws.dir, 'report', '--case', 'demo', '--format', 'html', '--include-items', ids, '--out', html]);
    const withImages = readFileSync(html, 'utf8');
    assert.equal(withImages.match(/<img /g)?.length, 2);
    assert.ok(withImages.includes(`This report includes 2 images, included on request by cli:`));
    cli(['-w', ws.dir, 'report', '--case', 'demo', '--format', 'pdf', '--include-items', ids, '--out', pdf]);
    assert.equal(readFileSync(pdf).length > 0, true);
    const refused = spawnSync(process.execPath, [CLI, '-w', ws.dir, 'report', '--case', 'demo', '--format', 'html', '--include-items', otherCaseFile, '--out', html], { encoding: 'utf8' });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, new RegExp(`item ${otherCaseFile} is not a file of this case`));
  });
});
