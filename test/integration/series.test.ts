import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { Workspace } from '../../src/cli/workspace.js';
import { dropPostgresSchema } from '../../src/db/connection.js';
import { LoginThrottle } from '../../src/http/login-throttle.js';
import { buildServer, type RegisteredRoute } from '../../src/http/server.js';
import { cli, CLI, PG_URL, pgUrlWithSchema, tempDir } from '../helpers/env.js';

// Series and victims over a real `winnow demo` workspace plus a second case ("other") holding an exact copy and a
// resized copy of a demo picture, on SQLite and on PostgreSQL (127.0.0.1:5432; the PostgreSQL half fails loudly
// without it). Requests go through Fastify's inject, with real sessions and CSRF tokens.

const PASSWORD = 'correct horse battery staple';
const SOURCE = 'DCIM/100CAMERA/IMG_1001.JPG';
const SMALL = 'Downloads/IMG_1001-small.jpg';

interface Session { cookie: string; csrf: string }
interface GridItem { id: string; path: string; clusterId: string | null; md5: string | null }
interface Fact { identified: boolean; at: string | null; by: string | null; note: string | null }
interface Summary { id: string; name: string; description: string | null; status: string; items: number; clues: number; victim: Fact; offender: Fact }
interface Detail extends Omit<Summary, 'items' | 'clues'> {
  items: { algorithm: string; hash: string; md5: string | null; pdq: string | null; addedBy: string; file: null | { id: string; caseId: string; path: string; thumbnail: string | null } }[];
  clues: { id: string; kind: string; text: string; addedBy: string; addedAt: string }[];
}
interface Occ { fileId: string; caseId: string; caseName: string; path: string; match: string; distance: number; via: string }
interface Report { exact: Occ[]; near: Occ[]; hidden: { cases: number; files: number }; truncated: boolean; cost: { seriesPdqs: number; pdqScanned: number; ms: number } }

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`series and victims on ${engine}`, () => {
    const ws = tempDir('winnow-series-');
    const pg = engine === 'postgres' ? pgUrlWithSchema('series') : null;
    const dbArgs = pg ? ['--db', pg.url] : [];
    let workspace: Workspace;
    let app: FastifyInstance;
    let routes: RegisteredRoute[];
    let demoId: string;
    let otherId: string;
    const s: Record<string, Session> = {};
    const demo = new Map<string, GridItem>();
    const other = new Map<string, GridItem>();
    let seriesId: string;

    const req = (method: string, url: string, who?: Session, body?: unknown) =>
      app.inject({
        method: method as 'GET', url,
        headers: { ...(who ? { cookie: who.cookie } : {}), ...(who && method !== 'GET' ? { 'x-csrf-token': who.csrf } : {}) },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
    const json = <T>(r: LightMyRequestResponse): T => r.json() as T;
    const ok = async <T>(p: Promise<LightMyRequestResponse>, code = 200): Promise<T> => {
      const r = await p;
      assert.equal(r.statusCode, code, r.body);
      return json<T>(r);
    };
    const fails = async (p: Promise<LightMyRequestResponse>, code: number, message: RegExp) => {
      const r = await p;
      assert.equal(r.statusCode, code, r.body);
      assert.match(json<{ error: string }>(r).error, message);
      assert.doesNotMatch(r.body, /at .*\.js:\d+/); // never a stack trace
    };
    async function login(name: string): Promise<Session> {
      const r = await req('POST', '/api/auth/login', undefined, { name, password: PASSWORD });
      assert.equal(r.statusCode, 200, r.body);
      const c = r.cookies.find((x) => x.name === 'winnow_session')!;
      return { cookie: `winnow_session=${c.value}`, csrf: json<{ csrfToken: string }>(r).csrfToken };
    }
    async function items(caseId: string, into: Map<string, GridItem>) {
      const page = await ok<{ items: GridItem[] }>(req('GET', `/api/cases/${caseId}/items?limit=200&includeKnownBad=true&includeIgnorable=true`, s.admin1));
      for (const it of page.items) into.set(it.path, it);
    }

    before(async () => {
      cli(['-w', ws.dir, ...dbArgs, 'demo', '-q']);
      // The second case: an exact copy of a demo picture and a resized (PDQ near-duplicate, different bytes) copy.
      const otherDir = join(ws.dir, 'other-evidence');
      mkdirSync(otherDir, { recursive: true });
      copyFileSync(join(ws.dir, 'demo-evidence', SOURCE), join(otherDir, 'copy.jpg'));
      await sharp(join(ws.dir, 'demo-evidence', SOURCE)).resize(560).jpeg({ quality: 80 }).toFile(join(otherDir, 'resized.jpg'));
      cli(['-w', ws.dir, ...dbArgs, 'scan', '--case', 'other', '--create-case', '-q', otherDir]);
      for (const [name, role] of [['admin1', 'admin'], ['inv1', 'investigator'], ['rev1', 'reviewer'], ['nov1', 'no-view'], ['outsider', 'investigator'], ['ana1', 'analyst']]) {
        execFileSync(process.execPath, [CLI, '-w', ws.dir, ...dbArgs, 'user', 'add', name!, '--role', role!, '--password-stdin'], { input: PASSWORD + '\n', encoding: 'utf8' });
      }
      for (const name of ['inv1', 'rev1', 'nov1']) cli(['-w', ws.dir, ...dbArgs, 'user', 'grant', name, '--case', 'demo']);
      workspace = await Workspace.open({ workspace: ws.dir, db: pg?.url });
      ({ app, routes } = await buildServer({
        auth: workspace.auth, users: workspace.users, review: workspace.review, categorisation: workspace.categorisation, audit: workspace.audit,
        workspaceDir: workspace.dir, throttle: new LoginThrottle(), secureCookies: false, series: workspace.series,
      }));
      for (const n of ['admin1', 'inv1', 'rev1', 'nov1', 'outsider', 'ana1']) s[n] = await login(n);
      demoId = (await workspace.cases.get('demo')).id;
      otherId = (await workspace.cases.get('other')).id;
      await items(demoId, demo);
      await items(otherId, other);
    });
    after(async () => {
      await app?.close();
      await workspace?.close();
      if (pg) await dropPostgresSchema(PG_URL, pg.schema);
      ws.cleanup();
    });

    test('every series route needs a session; state changes need the CSRF token', async () => {
      const mine = routes.filter((r) => r.url.startsWith('/api/series'));
      assert.equal(mine.length, 11, mine.map((r) => `${r.method} ${r.url}`).join(', '));
      assert.ok(mine.every((r) => !r.public && !r.media));
      const id = '01a23711-5826-7fd4-82ce-707a5d864080';
      for (const r of mine) {
        const res = await app.inject({ method: r.method as 'GET', url: r.url.replace(/:algorithm/, 'md5').replace(/:hash/, 'a'.repeat(32)).replace(/:[A-Za-z]+/g, id), payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
        assert.equal(res.statusCode, 401, `${r.method} ${r.url}`);
      }
      const noCsrf = await app.inject({ method: 'POST', url: '/api/series', headers: { cookie: s.inv1!.cookie }, payload: { name: 'x' } });
      assert.equal(noCsrf.statusCode, 403);
      assert.match(noCsrf.body, /CSRF/);
    });

    test('create a series; roles: reviewers and no-view cannot create, hotline roles cannot read; duplicate names refused', async () => {
      await fails(req('POST', '/api/series', s.rev1, { name: 'Blue room' }), 403, /reviewer role cannot change series/);
      await fails(req('POST', '/api/series', s.nov1, { name: 'Blue room' }), 403, /no-view role/);
      await fails(req('GET', '/api/series', s.ana1), 403, /analyst role cannot read series/);
      const created = await ok<Summary>(req('POST', '/api/series', s.inv1, { name: '  Blue   room ', description: 'Synthetic test series' }), 201);
      assert.equal(created.name, 'Blue room');
      assert.equal(created.status, 'open');
      assert.deepEqual(created.victim, { identified: false, at: null, by: null, note: null });
      seriesId = created.id;
      await fails(req('POST', '/api/series', s.admin1, { name: 'Blue room' }), 409, /already exists/);
      const list = await ok<{ series: Summary[] }>(req('GET', '/api/series', s.nov1));
      assert.deepEqual(list.series.map((x) => x.name), ['Blue room']);
    });

    test('bad input is a 4xx with a message', async () => {
      await fails(req('POST', '/api/series', s.inv1, {}), 400, /name/);
      await fails(req('POST', '/api/series', s.inv1, { name: 'x'.repeat(201) }), 400, /name/);
      await fails(req('POST', '/api/series', s.inv1, { name: '   ' }), 400, /series name: 1 to 200/);
      await fails(req('POST', '/api/series', s.inv1, { name: 'ok', colour: 'red' }), 400, /additional/);
      await fails(req('GET', '/api/series/not-a-uuid', s.inv1), 400, /seriesId/);
      await fails(req('GET', '/api/series/01a23711-5826-7fd4-82ce-707a5d864080', s.inv1), 404, /no such series/);
      await fails(req('PATCH', `/api/series/${seriesId}`, s.inv1, {}), 400, /fewer than 1/);
      await fails(req('PATCH', `/api/series/${seriesId}`, s.inv1, { status: 'archived' }), 400, /allowed values/);
      await fails(req('POST', `/api/series/${seriesId}/clues`, s.inv1, { kind: 'smell', text: 'x' }), 400, /allowed values/);
      await fails(req('POST', `/api/series/${seriesId}/clues`, s.inv1, { kind: 'object', text: '' }), 400, /text/);
      await fails(req('PUT', `/api/series/${seriesId}/victim`, s.inv1, { identified: 'maybe' }), 400, /boolean/);
      await fails(req('POST', `/api/series/${seriesId}/items`, s.inv1, { caseId: demoId }), 400, /exactly one of itemIds or clusterId/);
      await fails(req('POST', `/api/series/${seriesId}/items`, s.inv1, { caseId: demoId, itemIds: [demo.get(SOURCE)!.id], clusterId: 'c1' }), 400, /exactly one/);
      await fails(req('POST', `/api/series/${seriesId}/items`, s.inv1, { caseId: demoId, itemIds: ['nope'] }), 400, /itemIds/);
      await fails(req('POST', `/api/series/${seriesId}/items`, s.inv1, { caseId: demoId, clusterId: 'no-such-cluster' }), 404, /no such cluster/);
      await fails(req('POST', `/api/series/${seriesId}/items`, s.inv1, { caseId: demoId, itemIds: [other.get('copy.jpg')!.id] }), 404, /not in this case/);
      await fails(req('DELETE', `/api/series/${seriesId}/items/sha1/${'a'.repeat(40)}`, s.inv1), 400, /algorithm/);
      await fails(req('DELETE', `/api/series/${seriesId}/items/sha256/${'a'.repeat(32)}`, s.inv1), 400, /hash: 64 hex digits/);
      await fails(req('DELETE', `/api/series/${seriesId}/items/md5/${'a'.repeat(32)}`, s.inv1), 404, /not in this series/);
      await fails(req('GET', `/api/series?caseId=${demoId}`, s.inv1), 400, /itemId/);
    });

    test('attach a near-duplicate cluster by hash; reviewers attach only in their cases; no-view never', async () => {
      const src = demo.get(SOURCE)!;
      assert.ok(src.clusterId, 'the demo picture and its resized copy form a cluster');
      assert.equal(demo.get(SMALL)!.clusterId, src.clusterId);
      await fails(req('POST', `/api/series/${seriesId}/items`, s.nov1, { caseId: demoId, clusterId: src.clusterId }), 403, /no-view role cannot attach/);
      await fails(req('POST', `/api/series/${seriesId}/items`, s.rev1, { caseId: otherId, itemIds: [other.get('copy.jpg')!.id] }), 404, /no such case/);
      await fails(req('POST', `/api/series/${seriesId}/items`, s.outsider, { caseId: demoId, clusterId: src.clusterId }), 404, /no such case/);
      const r = await ok<{ hashes: number; added: number; already: number }>(req('POST', `/api/series/${seriesId}/items`, s.rev1, { caseId: demoId, clusterId: src.clusterId }));
      assert.deepEqual(r, { hashes: 2, added: 2, already: 0, withoutHash: 0 });
      // again, by item: nothing new (keyed by hash)
      const again = await ok<{ added: number; already: number }>(req('POST', `/api/series/${seriesId}/items`, s.inv1, { caseId: demoId, itemIds: [src.id] }));
      assert.deepEqual([again.added, again.already], [0, 1]);
      const d = await ok<Detail>(req('GET', `/api/series/${seriesId}`, s.nov1));
      assert.equal(d.items.length, 2);
      assert.ok(d.items.every((i) => i.algorithm === 'sha256' && /^[0-9a-f]{64}$/.test(i.hash) && /^[0-9a-f]{32}$/.test(i.md5!) && i.pdq && i.addedBy === 'rev1'));
      assert.deepEqual(d.items.map((i) => i.file!.path).sort(), [SOURCE, SMALL].sort());
      assert.equal(d.items.find((i) => i.file!.path === SOURCE)!.md5, src.md5);
      // the copy in the other case belongs to the series too (same hash), for whoever may see that case
      const ofCopy = await ok<{ series: Summary[] }>(req('GET', `/api/series?caseId=${otherId}&itemId=${other.get('copy.jpg')!.id}`, s.admin1));
      assert.deepEqual(ofCopy.series.map((x) => x.id), [seriesId]);
      assert.deepEqual((await ok<{ series: Summary[] }>(req('GET', `/api/series?caseId=${otherId}&itemId=${other.get('resized.jpg')!.id}`, s.admin1))).series, []);
      await fails(req('GET', `/api/series?caseId=${otherId}&itemId=${other.get('copy.jpg')!.id}`, s.inv1), 404, /no such case/);
    });

    test('scene clues: add and remove; reviewers cannot', async () => {
      await fails(req('POST', `/api/series/${seriesId}/clues`, s.rev1, { kind: 'location', text: 'x' }), 403, /reviewer role cannot change/);
      const a = await ok<{ id: string }>(req('POST', `/api/series/${seriesId}/clues`, s.inv1, { kind: 'location', text: 'Radiator under a window, tiled floor' }), 201);
      await ok(req('POST', `/api/series/${seriesId}/clues`, s.inv1, { kind: 'language', text: 'Poster text in Dutch' }), 201);
      const c = await ok<{ id: string }>(req('POST', `/api/series/${seriesId}/clues`, s.admin1, { kind: 'object', text: 'Blue lamp' }), 201);
      await ok(req('DELETE', `/api/series/${seriesId}/clues/${c.id}`, s.inv1));
      await fails(req('DELETE', `/api/series/${seriesId}/clues/${c.id}`, s.inv1), 404, /no such clue/);
      const d = await ok<Detail>(req('GET', `/api/series/${seriesId}`, s.rev1));
      assert.deepEqual(d.clues.map((x) => [x.kind, x.text, x.addedBy]), [['location', 'Radiator under a window, tiled floor', 'inv1'], ['language', 'Poster text in Dutch', 'inv1']]);
      assert.equal(d.clues[0]!.id, a.id);
      assert.equal(d.items.length, 2);
    });

    test('victim / offender identified with who and when; undo clears them', async () => {
      await fails(req('PUT', `/api/series/${seriesId}/victim`, s.rev1, { identified: true }), 403, /reviewer/);
      const before = Date.now();
      const v = await ok<Summary>(req('PUT', `/api/series/${seriesId}/victim`, s.inv1, { identified: true, note: 'Identified by partner agency, ref 42' }));
      assert.equal(v.victim.identified, true);
      assert.equal(v.victim.by, 'inv1');
      assert.ok(Date.parse(v.victim.at!) >= before - 1000 && Date.parse(v.victim.at!) <= Date.now());
      assert.equal(v.victim.note, 'Identified by partner agency, ref 42');
      assert.equal(v.offender.identified, false);
      const o = await ok<Summary>(req('PUT', `/api/series/${seriesId}/offender`, s.admin1, { identified: true }));
      assert.deepEqual([o.offender.identified, o.offender.by, o.offender.note, o.victim.identified], [true, 'admin1', null, true]);
      const undone = await ok<Summary>(req('PUT', `/api/series/${seriesId}/offender`, s.inv1, { identified: false }));
      assert.deepEqual(undone.offender, { identified: false, at: null, by: null, note: null });
      const renamed = await ok<Summary>(req('PATCH', `/api/series/${seriesId}`, s.inv1, { name: 'Blue room series', status: 'closed' }));
      assert.deepEqual([renamed.name, renamed.status, renamed.victim.identified, renamed.clues, renamed.items], ['Blue room series', 'closed', true, 2, 2]);
    });

    test('occurrences: exact copy and PDQ near-duplicate in the other case; hidden from non-members as a count', async () => {
      const all = await ok<Report>(req('GET', `/api/series/${seriesId}/occurrences`, s.admin1));
      assert.deepEqual(all.exact.map((o) => [o.caseName, o.path, o.match, o.distance]), [['other', 'copy.jpg', 'sha256', 0]]);
      assert.equal(all.near.length, 1, JSON.stringify(all.near));
      const near = all.near[0]!;
      assert.deepEqual([near.caseId, near.path, near.match], [otherId, 'resized.jpg', 'pdq']);
      assert.ok(near.distance > 0 && near.distance <= 31, `distance ${near.distance}`);
      assert.ok(near.via && all.exact[0]!.via);
      assert.deepEqual(all.hidden, { cases: 0, files: 0 });
      assert.equal(all.truncated, false);
      assert.equal(all.cost.seriesPdqs, 2);
      assert.ok(all.cost.pdqScanned >= 4, `scanned ${all.cost.pdqScanned}`);
      // inv1 is a member of demo only: the other case is a count
      const inv = await ok<Report>(req('GET', `/api/series/${seriesId}/occurrences`, s.inv1));
      assert.deepEqual([inv.exact, inv.near, inv.hidden], [[], [], { cases: 1, files: 2 }]);
      cli(['-w', ws.dir, ...dbArgs, 'user', 'grant', 'inv1', '--case', 'other']);
      const member = await ok<Report>(req('GET', `/api/series/${seriesId}/occurrences`, s.inv1));
      assert.deepEqual([member.exact.length, member.near.length, member.hidden.cases], [1, 1, 0]);
      // no-view reads the occurrence metadata too (no bytes: no route here returns any)
      const nov = await ok<Report>(req('GET', `/api/series/${seriesId}/occurrences`, s.nov1));
      assert.deepEqual(nov.hidden, { cases: 1, files: 2 });
      // an item attached in a case the reader cannot see shows as a hash only
      const outsider = await ok<Detail>(req('GET', `/api/series/${seriesId}`, s.outsider));
      assert.ok(outsider.items.every((i) => i.file === null && i.hash.length === 64));
    });

    test('detach one hash', async () => {
      const d = await ok<Detail>(req('GET', `/api/series/${seriesId}`, s.inv1));
      const small = d.items.find((i) => i.file!.path === SMALL)!;
      await fails(req('DELETE', `/api/series/${seriesId}/items/sha256/${small.hash}`, s.rev1), 403, /reviewer/);
      await ok(req('DELETE', `/api/series/${seriesId}/items/sha256/${small.hash.toUpperCase()}`, s.inv1));
      assert.deepEqual((await ok<Detail>(req('GET', `/api/series/${seriesId}`, s.inv1))).items.map((i) => i.file!.path), [SOURCE]);
      // the resized copy is still found through the remaining item, and the detached demo copy is now "elsewhere" too
      const after = await ok<Report>(req('GET', `/api/series/${seriesId}/occurrences`, s.admin1));
      assert.deepEqual(after.near.map((o) => [o.caseName, o.path]).sort(), [['demo', SMALL], ['other', 'resized.jpg']]);
      assert.equal(after.cost.seriesPdqs, 1);
    });

    test('every change is in the hash-chained audit log', async () => {
      const entries = await workspace.audit.recent({}, null, 500);
      const series = entries.filter((e) => e.action.startsWith('series-')).reverse();
      const detail = (e: (typeof series)[number]) => JSON.parse(e.detail) as Record<string, unknown>;
      assert.deepEqual(series.map((e) => e.action), [
        'series-create', 'series-attach', 'series-attach', 'series-clue', 'series-clue', 'series-clue', 'series-clue',
        'series-identified', 'series-identified', 'series-identified', 'series-change', 'series-detach',
      ]);
      assert.ok(series.every((e) => detail(e)['seriesId'] === seriesId));
      const attach = series[1]!;
      assert.deepEqual([attach.actorName, attach.caseId, detail(attach)['clusterId'], detail(attach)['added']], ['rev1', demoId, demo.get(SOURCE)!.clusterId, 2]);
      const victim = series[7]!;
      assert.deepEqual([victim.actorName, detail(victim)['fact'], detail(victim)['identified']], ['inv1', 'victim', true]);
      // the note itself is not copied into the audit log
      assert.doesNotMatch(victim.detail, /partner agency/);
      assert.equal(series[10]!.detail.includes('previousName'), true);
      const v = await workspace.audit.verify();
      assert.equal(v.ok, true, JSON.stringify(v.broken));
    });
  });
}
