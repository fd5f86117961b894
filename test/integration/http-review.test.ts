import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Workspace } from '../../src/cli/workspace.js';
import { dropPostgresSchema } from '../../src/db/connection.js';
import { thumbnailRelPaths } from '../../src/domain/thumbnail-paths.js';
import { LoginThrottle } from '../../src/http/login-throttle.js';
import { LabStore } from '../../src/adapters/queue/lab-store.js';
import { LabStatusService } from '../../src/services/lab-status.service.js';
import { buildServer, type RegisteredRoute } from '../../src/http/server.js';
import { cli, CLI, PG_URL, pgUrlWithSchema, tempDir } from '../helpers/env.js';
import { execFileSync, spawnSync } from 'node:child_process';

// The review server over a real `winnow demo` workspace, on SQLite and on PostgreSQL (127.0.0.1:5432, which this
// machine kind runs; the PostgreSQL half fails loudly without it). Requests go through Fastify's inject.

const PASSWORD = 'correct horse battery staple';

interface Session { cookie: string; csrf: string }
interface GridItem { id: string; path: string; status: string; priority: number | null; category: string | null; clusterId: string | null; md5: string | null; hasGps: boolean; mimeType: string | null; errorCode: string | null; make: string | null }

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`review server on ${engine}`, () => {
    const ws = tempDir('winnow-http-');
    const pg = engine === 'postgres' ? pgUrlWithSchema('http') : null;
    const dbArgs = pg ? ['--db', pg.url] : [];
    let workspace: Workspace;
    let app: FastifyInstance;
    let routes: RegisteredRoute[];
    let caseId: string;
    const sessions: Record<string, Session> = {};
    const byPath = new Map<string, GridItem>();

    const req = (method: string, url: string, s?: Session, body?: unknown, headers: Record<string, string> = {}) =>
      app.inject({
        method: method as 'GET', url,
        headers: { ...(s ? { cookie: s.cookie } : {}), ...(s && method !== 'GET' ? { 'x-csrf-token': s.csrf } : {}), ...headers },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
    const json = <T>(r: LightMyRequestResponse): T => r.json() as T;
    async function login(name: string): Promise<Session> {
      const r = await req('POST', '/api/auth/login', undefined, { name, password: PASSWORD });
      assert.equal(r.statusCode, 200, r.body);
      const c = r.cookies.find((x) => x.name === 'winnow_session')!;
      return { cookie: `winnow_session=${c.value}`, csrf: json<{ csrfToken: string }>(r).csrfToken };
    }
    async function allItems(s: Session, query: string, limit = 200): Promise<GridItem[]> {
      const out: GridItem[] = [];
      let cursor: string | null = null;
      do {
        const r = await req('GET', `/api/cases/${caseId}/items?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`, s);
        assert.equal(r.statusCode, 200, r.body);
        const page = json<{ items: GridItem[]; nextCursor: string | null }>(r);
        out.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    }

    before(async () => {
      cli(['-w', ws.dir, ...dbArgs, 'demo', '-q']);
      for (const [name, role] of [['admin1', 'admin'], ['inv1', 'investigator'], ['rev1', 'reviewer'], ['nov1', 'no-view'], ['outsider', 'reviewer']]) {
        execFileSync(process.execPath, [CLI, '-w', ws.dir, ...dbArgs, 'user', 'add', name!, '--role', role!, '--password-stdin'], { input: PASSWORD + '\n', encoding: 'utf8' });
      }
      for (const name of ['inv1', 'rev1', 'nov1']) cli(['-w', ws.dir, ...dbArgs, 'user', 'grant', name, '--case', 'demo']);
      workspace = await Workspace.open({ workspace: ws.dir, db: pg?.url });
      ({ app, routes } = await buildServer({
        auth: workspace.auth, users: workspace.users, review: workspace.review, categorisation: workspace.categorisation, audit: workspace.audit,
        workspaceDir: workspace.dir, throttle: new LoginThrottle({ windowMs: 60_000, maxPerUser: 3, maxPerAddress: 1000 }), secureCookies: false,
        labStatus: new LabStatusService(new LabStore(workspace.handle), async () => null),
        courtReports: { service: workspace.courtReports, exporter: workspace.exporter },
      }));
      for (const n of ['admin1', 'inv1', 'rev1', 'nov1', 'outsider']) sessions[n] = await login(n);
      caseId = (await workspace.cases.get('demo')).id;
      for (const it of await allItems(sessions.admin1!, 'includeKnownBad=true&includeIgnorable=true')) byPath.set(it.path, it);
    });
    after(async () => {
      await app?.close();
      await workspace?.close();
      if (pg) await dropPostgresSchema(PG_URL, pg.schema);
      ws.cleanup();
    });

    test('every route except login and health answers 401 without a session', async () => {
      assert.deepEqual(routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`).sort(), ['GET /api/health', 'POST /api/auth/login']);
      assert.ok(routes.length >= 20, `${routes.length} routes`);
      const id = '01a23711-5826-7fd4-82ce-707a5d864080';
      for (const r of routes.filter((x) => !x.public)) {
        const url = r.url.replace(/:[A-Za-z]+/g, id);
        const res = await app.inject({ method: r.method as 'GET', url, payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
        assert.equal(res.statusCode, 401, `${r.method} ${r.url}: ${res.statusCode} ${res.body}`);
        assert.match(json<{ error: string }>(res).error, /not logged in/);
      }
      // an unknown URL does not tell an anonymous caller what exists either
      assert.equal((await app.inject({ method: 'GET', url: '/api/nope' })).statusCode, 401);
      assert.equal((await app.inject({ method: 'GET', url: '/api/health' })).statusCode, 200);
    });

    test('login: HttpOnly SameSite=Strict cookie; failures audited and rate-limited', async () => {
      const ok = await req('POST', '/api/auth/login', undefined, { name: 'rev1', password: PASSWORD });
      const c = ok.cookies.find((x) => x.name === 'winnow_session')!;
      assert.equal(c.httpOnly, true);
      assert.equal(c.sameSite, 'Strict');
      for (let i = 0; i < 3; i++) assert.equal((await req('POST', '/api/auth/login', undefined, { name: 'inv1', password: 'wrong password!' })).statusCode, 401);
      const limited = await req('POST', '/api/auth/login', undefined, { name: 'inv1', password: PASSWORD });
      assert.equal(limited.statusCode, 429);
      assert.ok(Number(limited.headers['retry-after']) > 0);
      const failed = json<{ entries: { action: string; actorName: string; detail: { reason: string } }[] }>(await req('GET', '/api/audit?action=login-failed', sessions.admin1));
      assert.equal(failed.entries.filter((e) => e.actorName === 'inv1').length, 3);
      assert.equal(failed.entries[0]!.detail.reason, 'wrong password');
    });

    test('CSRF: a state-changing request needs the session token in X-CSRF-Token', async () => {
      const s = sessions.rev1!;
      const item = byPath.get('Documents/notes.txt')!;
      const url = `/api/cases/${caseId}/items/${item.id}/notes`;
      const none = await app.inject({ method: 'POST', url, headers: { cookie: s.cookie }, payload: { text: 'x' } });
      assert.equal(none.statusCode, 403);
      assert.match(json<{ error: string }>(none).error, /CSRF/);
      assert.equal((await req('POST', url, s, { text: 'x' }, { 'x-csrf-token': sessions.admin1!.csrf })).statusCode, 403);
      assert.equal((await req('POST', url, s, { text: 'renamed text file, look at it' })).statusCode, 200);
    });

    test('case membership decides who sees a case; admins see all', async () => {
      assert.deepEqual(json<{ cases: unknown[] }>(await req('GET', '/api/cases', sessions.outsider)).cases, []);
      assert.equal((await req('GET', `/api/cases/${caseId}`, sessions.outsider)).statusCode, 404);
      assert.equal((await req('GET', `/api/cases/${caseId}/items`, sessions.outsider)).statusCode, 404);
      const seen = json<{ cases: { id: string; counts: { files: number; byStatus: Record<string, number> } }[] }>(await req('GET', '/api/cases', sessions.rev1));
      assert.equal(seen.cases.length, 1);
      assert.equal(seen.cases[0]!.counts.files, 20);
      assert.deepEqual(seen.cases[0]!.counts.byStatus, { 'known-bad': 2, 'known-good': 2, unknown: 16 });
      const detail = json<{ evidence: { label: string; progress: { files: number; matched: number } }[] }>(await req('GET', `/api/cases/${caseId}`, sessions.admin1));
      assert.equal(detail.evidence[0]!.label, 'demo-evidence');
      assert.deepEqual([detail.evidence[0]!.progress.files, detail.evidence[0]!.progress.matched], [20, 20]);
    });

    test('processing status on the case dashboard: progress and failures of this case, members only', async () => {
      assert.equal((await req('GET', `/api/cases/${caseId}/processing`, sessions.outsider)).statusCode, 404);
      const st = json<{ queues: unknown; workers: unknown[]; cases: { caseName: string; listed: number; processed: number; evidence: number; evidenceDone: number }[]; failures: { path: string; error: string | null }[] }>(
        await req('GET', `/api/cases/${caseId}/processing`, sessions.rev1));
      assert.equal(st.queues, null, 'embedded mode has no queue between commands');
      assert.deepEqual(st.workers, []);
      assert.equal(st.cases.length, 1);
      const c = st.cases[0]!;
      assert.deepEqual([c.caseName, c.evidenceDone, c.evidence], ['demo', c.evidence, c.evidence]);
      assert.ok(c.listed > 10 && c.processed === c.listed, JSON.stringify(c));
      // the demo evidence holds a corrupt picture: its failure is listed with its error
      assert.ok(st.failures.length >= 1 && st.failures.every((f) => f.error), JSON.stringify(st.failures));
    });

    test('grid: keyset pages in priority order, known-bad hidden unless asked (and that is audited), filters', async () => {
      const paged = await allItems(sessions.rev1!, '', 3);
      assert.equal(new Set(paged.map((i) => i.id)).size, paged.length);
      assert.equal(paged.length, 16, 'unknown items only: 2 known-bad and 2 ignorable known-good are hidden');
      assert.ok(paged.every((i) => i.status === 'unknown'));
      const keys = paged.map((i) => i.priority ?? -1);
      assert.deepEqual(keys, [...keys].sort((a, b) => b - a));
      assert.deepEqual(paged.map((i) => i.id), (await allItems(sessions.rev1!, '')).map((i) => i.id), 'page size does not change the order');
      const bad = await allItems(sessions.rev1!, 'status=known-bad&includeKnownBad=true');
      assert.deepEqual(bad.map((i) => i.path).sort(), ['DCIM/100CAMERA/IMG_1003.JPG', 'Downloads/picture-5.png']);
      const audit = json<{ entries: { actorName: string; caseId: string }[] }>(await req('GET', '/api/audit?action=list-known-bad', sessions.admin1));
      assert.ok(audit.entries.some((e) => e.actorName === 'rev1' && e.caseId === caseId));
      assert.equal((await req('GET', `/api/cases/${caseId}/items?status=known-bad`, sessions.rev1)).statusCode, 400);
      const gps = await allItems(sessions.rev1!, 'hasGps=true');
      assert.ok(gps.length > 0 && gps.every((i) => i.hasGps));
      assert.ok(gps.some((i) => i.path === 'DCIM/100CAMERA/IMG_1000.JPG'));
      const cluster = byPath.get('Downloads/IMG_1001-small.jpg')!.clusterId!;
      assert.deepEqual((await allItems(sessions.rev1!, `cluster=${cluster}`)).map((i) => i.path).sort(), ['DCIM/100CAMERA/IMG_1001.JPG', 'Downloads/IMG_1001-small.jpg']);
      assert.ok((await allItems(sessions.rev1!, 'mime=image/')).every((i) => i.mimeType?.startsWith('image/')));
      assert.deepEqual((await allItems(sessions.rev1!, 'hasError=true')).map((i) => i.path), ['Downloads/broken.jpg']);
      assert.ok((await allItems(sessions.rev1!, 'make=WinnowCam')).every((i) => i.make === 'WinnowCam'));
      const pdqSet = await allItems(sessions.rev1!, 'matched=true&includeKnownBad=true&includeIgnorable=true');
      assert.equal(pdqSet.length, 4);
    });

    test('item detail: EXIF, GPS, matches with set and distance, cluster members, audit history', async () => {
      const known = byPath.get('Downloads/picture-5.png')!;
      const d = json<{ matches: { set: string; algorithm: string; distance: number }[]; hashes: { md5: string } }>(await req('GET', `/api/cases/${caseId}/items/${known.id}`, sessions.nov1));
      assert.deepEqual(d.matches.map((m) => [m.set, m.algorithm, m.distance]), [['demo-known-pdq', 'pdq', 0]]);
      assert.match(d.hashes.md5, /^[0-9a-f]{32}$/);
      const pic = byPath.get('DCIM/100CAMERA/IMG_1000.JPG')!;
      const p = json<{ exif: { gps: { lat: number }; bodySerial: string }; cluster: { members: unknown[] }; duplicates: { path: string }[] }>(await req('GET', `/api/cases/${caseId}/items/${pic.id}`, sessions.rev1));
      assert.equal(p.exif.gps.lat, 50.846667);
      assert.equal(p.exif.bodySerial, 'WN-4242');
      assert.equal(p.cluster.members.length, 2);
      assert.deepEqual(p.duplicates.map((x) => x.path), ['backup/IMG_1000 (copy).JPG']);
      const notes = byPath.get('Documents/notes.txt')!;
      const n = json<{ notes: { text: string }[]; history: { action: string; user: string }[] }>(await req('GET', `/api/cases/${caseId}/items/${notes.id}`, sessions.rev1));
      assert.ok(n.notes.some((x) => x.text === 'renamed text file, look at it'));
      assert.ok(n.history.some((h) => h.action === 'note' && h.user === 'rev1'));
    });

    test('media: safe thumbnail by default; a reveal returns the clear one, is audited and moves the meter; caps', async () => {
      const pic = byPath.get('DCIM/100CAMERA/IMG_1001.JPG')!;
      const rel = thumbnailRelPaths(pic.id);
      const safe = await req('GET', `/api/cases/${caseId}/items/${pic.id}/thumbnail`, sessions.rev1);
      assert.equal(safe.statusCode, 200);
      assert.equal(safe.headers['content-type'], 'image/webp');
      assert.equal(safe.headers['cache-control'], 'no-store');
      assert.deepEqual(safe.rawPayload, readFileSync(join(ws.dir, rel.safe)));
      const before = json<{ reveals: number; revealedSeconds: number }>(await req('GET', '/api/me/exposure', sessions.inv1));
      const clear = await req('POST', `/api/cases/${caseId}/items/${pic.id}/reveal`, sessions.inv1, { seconds: 4 });
      assert.equal(clear.statusCode, 200, clear.body);
      assert.deepEqual(clear.rawPayload, readFileSync(join(ws.dir, rel.clear)));
      assert.notDeepEqual(clear.rawPayload, safe.rawPayload);
      const meter = json<{ reveals: number; revealedSeconds: number }>(await req('GET', '/api/me/exposure', sessions.inv1));
      assert.deepEqual([meter.reveals, meter.revealedSeconds], [before.reveals + 1, before.revealedSeconds + 4]);
      const audit = json<{ entries: { actorName: string; fileId: string; detail: { seconds: number } }[] }>(await req('GET', '/api/audit?action=reveal', sessions.admin1));
      assert.deepEqual([audit.entries[0]!.actorName, audit.entries[0]!.fileId, audit.entries[0]!.detail.seconds], ['inv1', pic.id, 4]);
      // caps: soft → warning header, hard → 403 with a clear message
      assert.equal((await req('PUT', '/api/admin/exposure-policy', sessions.inv1, { hardSeconds: 10 })).statusCode, 403);
      const set = await req('PUT', '/api/admin/exposure-policy', sessions.admin1, { softSeconds: 6, hardSeconds: 12 });
      assert.equal(set.statusCode, 200, set.body);
      const soft = await req('POST', `/api/cases/${caseId}/items/${pic.id}/reveal`, sessions.inv1, { seconds: 4 });
      assert.equal(soft.statusCode, 200);
      assert.match(String(soft.headers['x-winnow-exposure-warning']), /soft-cap/);
      const hard = await req('POST', `/api/cases/${caseId}/items/${pic.id}/reveal`, sessions.inv1, { seconds: 5 });
      assert.equal(hard.statusCode, 403);
      assert.match(json<{ error: string }>(hard).error, /daily exposure limit reached: 8 of 12 revealed seconds/);
      assert.equal((await req('POST', `/api/cases/${caseId}/items/${pic.id}/reveal`, sessions.inv1, { seconds: 4 })).statusCode, 200, 'exactly up to the cap');
      await req('PUT', '/api/admin/exposure-policy', sessions.admin1, { softSeconds: 10800, hardSeconds: 14400 });
    });

    test('protection preferences: defaults, within bounds take effect, out of bounds 400, caps only lower, clamped on read, audited', async () => {
      const made = await req('POST', '/api/users', sessions.admin1, { name: 'prefs1', role: 'investigator', password: PASSWORD });
      assert.equal(made.statusCode, 201, made.body);
      assert.equal((await req('POST', `/api/cases/${caseId}/members`, sessions.admin1, { user: 'prefs1' })).statusCode, 201);
      const s = await login('prefs1');
      const pic = byPath.get('DCIM/100CAMERA/IMG_1001.JPG')!;
      type Prefs = { effective: Record<string, number | boolean | null>; saved: Record<string, unknown>; clamped: string[]; bounds: Record<string, Record<string, number | boolean>> };
      const prefs = async () => json<Prefs>(await req('GET', '/api/me/preferences', s));
      const put = (body: unknown) => req('PUT', '/api/me/preferences', s, body);
      const reveal = async (body: unknown = {}) => {
        const r = await req('POST', `/api/cases/${caseId}/items/${pic.id}/reveal`, s, body);
        return { status: r.statusCode, seconds: Number(r.headers['x-winnow-reveal-seconds']), warning: r.headers['x-winnow-exposure-warning'], body: r.body };
      };
      // Defaults: the policy's.
      const d = await prefs();
      assert.deepEqual(d.effective, { revealSeconds: 5, colourOnReveal: false, breakMinutes: 60, softSeconds: 10800, hardSeconds: 14400, softReveals: null, hardReveals: null });
      assert.deepEqual(d.bounds, { revealSeconds: { min: 2, max: 10, default: 5 }, colourOnReveal: { allowed: false, default: false }, breakMinutes: { min: 30, max: 60, default: 60 }, softSeconds: { max: 10800 }, hardSeconds: { max: 14400 } });
      assert.deepEqual([d.saved, d.clamped], [{}, []]);
      assert.equal((await reveal()).seconds, 5);
      // Within bounds: takes effect on the reveal route and in the session.
      const ok = await put({ revealSeconds: 3, breakMinutes: 30 });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual([json<Prefs>(ok).effective.revealSeconds, json<Prefs>(ok).effective.breakMinutes], [3, 30]);
      assert.equal((await reveal()).seconds, 3);
      assert.equal((await reveal({ seconds: 8 })).seconds, 3, 'a longer request is clamped to the preference');
      assert.equal((await reveal({ seconds: 2 })).seconds, 2, 'a shorter one is granted as asked');
      const session = json<{ exposure: { revealedSeconds: number; protection: { revealSeconds: number; breakMinutes: number } } }>(await req('GET', '/api/auth/session', s));
      assert.deepEqual([session.exposure.revealedSeconds, session.exposure.protection.revealSeconds, session.exposure.protection.breakMinutes], [13, 3, 30]);
      const reveals = json<{ entries: { actorName: string; detail: { seconds: number; requestedSeconds?: number } }[] }>(await req('GET', '/api/audit?action=reveal&limit=5', sessions.admin1));
      assert.deepEqual([reveals.entries[1]!.actorName, reveals.entries[1]!.detail.seconds, reveals.entries[1]!.detail.requestedSeconds], ['prefs1', 3, 8]);
      // Outside the bounds: 400 with the bounds in the message; nothing saved.
      for (const [body, msg] of [
        [{ revealSeconds: 1 }, /revealSeconds: a whole number of seconds from 2 to 10/],
        [{ revealSeconds: 11 }, /from 2 to 10/],
        [{ breakMinutes: 90 }, /breakMinutes: .*from 30 to 60/],
        [{ colourOnReveal: true }, /not allowed colour/],
        [{ hardSeconds: 14401 }, /only lower your daily hard cap \(at most 14400/],
        [{ softSeconds: 10801 }, /only lower your daily soft cap/],
        [{ hardSeconds: 100, softSeconds: 200 }, /softSeconds/],
        [{ revealSeconds: 'long' }, /revealSeconds/],
        [{ maxRevealSeconds: 300 }, /must NOT have additional properties|additional/],
      ] as const) {
        const r = await put(body);
        assert.equal(r.statusCode, 400, `${JSON.stringify(body)}: ${r.body}`);
        assert.match(json<{ error: string }>(r).error, msg);
      }
      assert.deepEqual((await prefs()).saved, { revealSeconds: 3, breakMinutes: 30 });
      assert.equal((await req('PUT', '/api/me/preferences', { ...s, csrf: 'wrong' }, { revealSeconds: 4 })).statusCode, 403, 'CSRF');
      // Lower caps: the user's own apply to the meter and the reveal route (13 s revealed so far).
      assert.equal((await put({ softSeconds: 14, hardSeconds: 16 })).statusCode, 200);
      const m = json<{ policy: { softSeconds: number; hardSeconds: number } }>(await req('GET', '/api/me/exposure', s));
      assert.deepEqual([m.policy.softSeconds, m.policy.hardSeconds], [14, 16]);
      const third = await reveal();
      assert.deepEqual([third.status, third.seconds], [200, 3]);
      assert.match(String(third.warning), /soft-cap/);
      const refused = await reveal();
      assert.equal(refused.status, 403);
      assert.match((JSON.parse(refused.body) as { error: string }).error, /16 of 16 revealed seconds.*You set this limit yourself/);
      assert.equal((await put({ softSeconds: null, hardSeconds: null })).statusCode, 200);
      assert.equal((await reveal()).status, 200, 'back under the policy caps');
      // The admin narrows the bounds: the saved 3 s is clamped to the new minimum on read and by the reveal route.
      assert.equal((await req('PUT', '/api/admin/exposure-policy', sessions.admin1, { revealSecondsMax: 40 })).statusCode, 400, 'max above maxRevealSeconds');
      assert.equal((await req('PUT', '/api/admin/exposure-policy', sessions.admin1, { breakMinutesMin: 61 })).statusCode, 400, 'min above max');
      const narrowed = await req('PUT', '/api/admin/exposure-policy', sessions.admin1, { revealSecondsMin: 4, revealSecondsMax: 6, allowColour: true });
      assert.equal(narrowed.statusCode, 200, narrowed.body);
      const c = await prefs();
      assert.deepEqual([c.effective.revealSeconds, c.saved.revealSeconds, c.clamped, c.bounds.revealSeconds], [4, 3, ['revealSeconds'], { min: 4, max: 6, default: 5 }]);
      assert.equal((await reveal()).seconds, 4);
      assert.equal((await put({ colourOnReveal: true })).statusCode, 200, 'colour now allowed');
      assert.equal((await prefs()).effective.colourOnReveal, true);
      assert.equal((await req('PUT', '/api/admin/exposure-policy', sessions.admin1, { allowColour: false })).statusCode, 200);
      const g = await prefs();
      assert.deepEqual([g.effective.colourOnReveal, g.clamped.sort()], [false, ['colourOnReveal', 'revealSeconds']]);
      // Only a changed field must be within bounds; the kept, clamped ones do not block other changes.
      assert.equal((await put({ breakMinutes: 45 })).statusCode, 200);
      // Audited: the user's changes and the admin's bounds.
      const changes = json<{ entries: { actorName: string; detail: { preference?: { userId: string; changed: Record<string, unknown> }; exposurePolicy?: { revealSecondsMin: number } } }[] }>(
        await req('GET', '/api/audit?action=policy-change&limit=20', sessions.admin1),
      );
      const mine = changes.entries.filter((e) => e.actorName === 'prefs1');
      assert.deepEqual(mine.map((e) => e.detail.preference!.changed).reverse(), [
        { revealSeconds: 3, breakMinutes: 30 }, { softSeconds: 14, hardSeconds: 16 }, { softSeconds: null, hardSeconds: null }, { colourOnReveal: true }, { breakMinutes: 45 },
      ]);
      assert.ok(changes.entries.some((e) => e.actorName === 'admin1' && e.detail.exposurePolicy?.revealSecondsMin === 4));
      await req('PUT', '/api/admin/exposure-policy', sessions.admin1, { revealSeconds: 5, revealSecondsMin: 2, revealSecondsMax: 10 });
    });

    test('no-view role: every media route is refused (403); counts, metadata and hashes are served', async () => {
      const media = routes.filter((r) => r.media);
      assert.deepEqual(media.map((r) => `${r.method} ${r.url}`).sort(), ['GET /api/cases/:caseId/items/:itemId/thumbnail', 'POST /api/cases/:caseId/items/:itemId/reveal']);
      for (const r of routes) if (/thumbnail|reveal|media|image|original/.test(r.url)) assert.ok(r.media, `${r.url} must be marked media`);
      const before = json<{ reveals: number }>(await req('GET', '/api/me/exposure', sessions.nov1));
      for (const path of ['DCIM/100CAMERA/IMG_1000.JPG', 'Downloads/picture-5.png']) {
        for (const r of media) {
          const res = await req(r.method, r.url.replace(':caseId', caseId).replace(':itemId', byPath.get(path)!.id), sessions.nov1, r.method === 'POST' ? {} : undefined);
          assert.equal(res.statusCode, 403, `${r.method} ${r.url}`);
          assert.match(String(res.headers['content-type']), /json/);
          assert.match(json<{ error: string }>(res).error, /never receives images/);
        }
      }
      assert.equal(json<{ reveals: number }>(await req('GET', '/api/me/exposure', sessions.nov1)).reveals, before.reveals);
      assert.equal((await req('GET', `/api/cases/${caseId}`, sessions.nov1)).statusCode, 200);
      assert.equal((await req('GET', `/api/cases/${caseId}/items`, sessions.nov1)).statusCode, 200);
      assert.equal((await req('POST', `/api/cases/${caseId}/categorisations`, sessions.nov1, { itemIds: [byPath.get('DCIM/100CAMERA/IMG_1000.JPG')!.id], category: '4' })).statusCode, 403);
    });

    test('categorisation: by hash (duplicates inherit), by cluster, undo', async () => {
      const orig = byPath.get('DCIM/100CAMERA/IMG_1000.JPG')!;
      const copy = byPath.get('backup/IMG_1000 (copy).JPG')!;
      const r = await req('POST', `/api/cases/${caseId}/categorisations`, sessions.rev1, { itemIds: [orig.id], category: '4' });
      assert.equal(r.statusCode, 200, r.body);
      const act = json<{ actionId: string; hashes: number; changed: number }>(r);
      assert.deepEqual([act.hashes, act.changed], [1, 1]);
      const grid = new Map((await allItems(sessions.rev1!, '')).map((i) => [i.path, i]));
      assert.equal(grid.get(copy.path)!.category, '4', 'the exact duplicate inherits the category');
      assert.deepEqual((await allItems(sessions.rev1!, 'category=4')).map((i) => i.path).sort(), [orig.path, copy.path].sort());
      const cluster = byPath.get('Downloads/IMG_1001-small.jpg')!.clusterId!;
      const c = json<{ actionId: string; hashes: number }>(await req('POST', `/api/cases/${caseId}/categorisations`, sessions.inv1, { clusterId: cluster, category: '0' }));
      assert.equal(c.hashes, 2);
      assert.equal((await allItems(sessions.rev1!, `cluster=${cluster}`)).filter((i) => i.category === '0').length, 2);
      const undo = await req('POST', `/api/cases/${caseId}/categorisations/${c.actionId}/undo`, sessions.inv1);
      assert.equal(undo.statusCode, 200, undo.body);
      assert.deepEqual(json<{ restored: number }>(undo).restored, 2);
      assert.ok((await allItems(sessions.rev1!, `cluster=${cluster}`)).every((i) => i.category === null));
      assert.equal((await req('POST', `/api/cases/${caseId}/categorisations/${c.actionId}/undo`, sessions.inv1)).statusCode, 400, 'twice is refused');
      assert.equal((await req('POST', `/api/cases/${caseId}/categorisations/${act.actionId}/undo`, sessions.inv1)).statusCode, 403, 'not your action');
      assert.equal((await req('POST', `/api/cases/${caseId}/categorisations/last/undo`, sessions.rev1)).statusCode, 200);
      assert.equal(json<{ category: unknown }>(await req('GET', `/api/cases/${caseId}/items/${copy.id}`, sessions.rev1)).category, null);
      const audit = json<{ entries: { action: string }[] }>(await req('GET', `/api/audit?caseId=${caseId}`, sessions.admin1));
      assert.ok(audit.entries.some((e) => e.action === 'categorise') && audit.entries.some((e) => e.action === 'categorise-undo'));
    });

    test('bad input gets a 4xx with a JSON message, never a 500 or a stack trace', async () => {
      const s = sessions.admin1!;
      const item = byPath.get('DCIM/100CAMERA/IMG_1000.JPG')!.id;
      const cases: [string, string, unknown, number][] = [
        ['GET', `/api/cases/not-a-uuid`, undefined, 400],
        ['GET', `/api/cases/${caseId}/items?cursor=garbage`, undefined, 400],
        ['GET', `/api/cases/${caseId}/items?limit=100000`, undefined, 400],
        ['GET', `/api/cases/${caseId}/items?bogus=1`, undefined, 400],
        ['GET', `/api/cases/${caseId}/items?status=nonsense`, undefined, 400],
        ['GET', `/api/cases/${caseId}/items?hasGps=maybe`, undefined, 400],
        ['GET', `/api/cases/${caseId}/items?mime=%27;drop`, undefined, 400],
        ['GET', `/api/cases/01a23711-0000-7000-8000-000000000000/items`, undefined, 404],
        ['GET', `/api/cases/${caseId}/items/01a23711-0000-7000-8000-000000000000`, undefined, 404],
        ['POST', `/api/cases/${caseId}/categorisations`, { itemIds: [item], category: '9' }, 400],
        ['POST', `/api/cases/${caseId}/categorisations`, { itemIds: [item], clusterId: 'x', category: '1' }, 400],
        ['POST', `/api/cases/${caseId}/categorisations`, { category: 1 }, 400],
        ['POST', `/api/cases/${caseId}/items/${item}/reveal`, { seconds: 'ten' }, 400],
        ['POST', `/api/cases/${caseId}/items/${item}/reveal`, { seconds: 299 }, 400],
        ['POST', '/api/users', { name: 'x', role: 'root', password: 'p' }, 400],
        ['POST', '/api/users', { name: 'newbie', role: 'reviewer', password: 'short' }, 400],
        ['POST', '/api/users', { name: 'admin1', role: 'reviewer', password: 'long enough password' }, 409],
        ['PUT', '/api/admin/exposure-policy', { softSeconds: 100, hardSeconds: 10 }, 400],
        ['PUT', `/api/cases/${caseId}/items/${item}/tags`, { tags: ['<script>'] }, 400],
      ];
      for (const [method, url, body, code] of cases) {
        const r = await req(method, url, s, body);
        assert.equal(r.statusCode, code, `${method} ${url}: ${r.body}`);
        assert.equal(typeof json<{ error: string }>(r).error, 'string');
        assert.doesNotMatch(r.body, /\bat .*\.js:\d+/);
      }
      const malformed = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/categorisations`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, payload: '{"category": ' });
      assert.equal(malformed.statusCode, 400);
      assert.equal(typeof json<{ error: string }>(malformed).error, 'string');
      const plain = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'name=a&password=b' });
      assert.equal(plain.statusCode, 415);
    });

    test('gps-points and hash-sets: metadata only, members only, validated', async () => {
      const url = `/api/cases/${caseId}/gps-points`;
      const gpsIds = [...byPath.values()].filter((i) => i.hasGps).map((i) => i.id).sort();
      assert.ok(gpsIds.length >= 2, 'the demo has GPS items');
      for (const who of ['inv1', 'rev1', 'nov1', 'admin1']) {
        const r = await req('GET', `${url}?limit=5000`, sessions[who]);
        assert.equal(r.statusCode, 200, `${who}: ${r.body}`);
        const { points } = json<{ points: { id: string; lat: number; lon: number }[] }>(r);
        assert.deepEqual(points.map((p) => p.id).sort(), gpsIds, `${who}: every GPS item of the case, once`);
        for (const p of points) {
          assert.deepEqual(Object.keys(p).sort(), ['id', 'lat', 'lon'], 'coordinates and id only');
          assert.ok(Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180, `${p.lat}, ${p.lon}`);
        }
      }
      const one = json<{ points: unknown[] }>(await req('GET', `${url}?limit=1`, sessions.rev1)).points;
      assert.equal(one.length, 1);
      assert.equal((await req('GET', url, sessions.outsider)).statusCode, 404, 'outsiders are not told the case exists');
      for (const bad of ['limit=0', 'limit=5001', 'limit=x', 'other=1']) assert.equal((await req('GET', `${url}?${bad}`, sessions.rev1)).statusCode, 400, bad);

      const setsRes = await req('GET', '/api/hash-sets', sessions.outsider);
      assert.equal(setsRes.statusCode, 200, setsRes.body);
      const { sets } = json<{ sets: { id: string; name: string; role: string; entryCount: number }[] }>(setsRes);
      assert.ok(sets.length >= 2, `${sets.length} sets`);
      for (const h of sets) {
        assert.deepEqual(Object.keys(h).sort(), ['entryCount', 'id', 'name', 'role']);
        assert.ok(['known-bad', 'known-good', 'alert'].includes(h.role), h.role);
        assert.ok(Number.isInteger(h.entryCount) && h.entryCount > 0, `${h.name}: ${h.entryCount}`);
      }
      // Each listed id is a valid grid filter, and its items are the ones that matched that set.
      for (const h of sets) {
        const items = await allItems(sessions.admin1!, `set=${h.id}&includeKnownBad=true&includeIgnorable=true`);
        for (const it of items) {
          const d = json<{ matches: { setId: string }[] }>(await req('GET', `/api/cases/${caseId}/items/${it.id}`, sessions.admin1));
          assert.ok(d.matches.some((m) => m.setId === h.id), `${it.path} matched ${h.name}`);
        }
      }
    });

    test('audit chain: concurrent appends stay chained; a tampered row is caught by `winnow audit verify`', async () => {
      const audit = workspace.audit;
      await Promise.all(Array.from({ length: 40 }, (_, i) => audit.record({ id: null, name: 'test' }, 'export', { detail: { n: i } })));
      const ok = await audit.verify(7);
      assert.equal(ok.ok, true, JSON.stringify(ok.broken));
      assert.ok(ok.entries >= 40);
      assert.equal(json<{ ok: boolean }>(await req('GET', '/api/audit/verify', sessions.admin1)).ok, true);
      const good = spawnSync(process.execPath, [CLI, '-w', ws.dir, ...dbArgs, 'audit', 'verify'], { encoding: 'utf8' });
      assert.equal(good.status, 0, good.stderr);
      assert.match(good.stdout, /audit chain intact/);
      await sql`UPDATE audit_log SET detail = ${'{"seconds":1}'} WHERE seq = 3`.execute(workspace.handle.db);
      const bad = await audit.verify();
      assert.deepEqual([bad.ok, bad.broken?.seq], [false, 3]);
      const cliRun = spawnSync(process.execPath, [CLI, '-w', ws.dir, ...dbArgs, 'audit', 'verify'], { encoding: 'utf8' });
      assert.equal(cliRun.status, 1);
      assert.match(cliRun.stdout, /BROKEN at entry 3: entry 3 was altered/);
    });
  });
}
