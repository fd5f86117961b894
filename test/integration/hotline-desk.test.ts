import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { NetworkDatasets } from '../../src/adapters/hotline/network-datasets.js';
import { RdapClient } from '../../src/adapters/hotline/rdap-client.js';
import { SmtpMailer } from '../../src/adapters/hotline/smtp-mailer.js';
import { hotlineDeps, netdataDir, rdapBootstrapDir, type HotlineRuntimeConfig } from '../../src/cli/hotline-wiring.js';
import { Workspace } from '../../src/cli/workspace.js';
import { dropPostgresSchema } from '../../src/db/connection.js';
import { validateXarf } from '../../src/formats/hotline/xarf.js';
import type { HotlineDeps } from '../../src/http/hotline-context.js';
import { LoginThrottle } from '../../src/http/login-throttle.js';
import { buildServer } from '../../src/http/server.js';
import { PG_URL, pgUrlWithSchema, tempDir } from '../helpers/env.js';
import { startFakeDns, type FakeDns } from '../helpers/hotline/fake-dns.js';
import { startFakeHost, type FakeHost } from '../helpers/hotline/fake-host.js';
import { startFakeRdap, type FakeRdap } from '../helpers/hotline/fake-rdap.js';
import { startSmtpSink, type SmtpSink } from '../helpers/hotline/smtp-sink.js';
import { mulberry32 } from '../helpers/prng.js';

// The hotline desk end to end (issue 7), over HTTP (Fastify inject) with loopback servers only: a fake DNS server,
// a fake RDAP server, a fake hosting site serving a benign generated PNG, and a real SMTP server. The desk's clock is
// the test's, so every transition time and every statistic is asserted exactly. Runs on SQLite and PostgreSQL.

const PASSWORD = 'correct horse battery staple';
const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const HOUR = 3_600_000;
const vcard = (...props: [string, object, string, string][]) => ['vcard', [['version', {}, 'text', '4.0'], ...props]];

interface Session { cookie: string; csrf: string }

async function benignPng(): Promise<Buffer> {
  const rnd = mulberry32(7);
  const px = Buffer.alloc(64 * 48 * 3);
  for (let i = 0; i < px.length; i++) px[i] = Math.floor(rnd() * 256);
  return sharp(px, { raw: { width: 64, height: 48, channels: 3 } }).png().toBuffer();
}

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`hotline desk on ${engine}`, () => {
    const tmp = tempDir('winnow-hotline-');
    const pg = engine === 'postgres' ? pgUrlWithSchema('hl') : null;
    let ws: Workspace;
    let app: FastifyInstance;
    let desk: HotlineDeps;
    let dns: FakeDns;
    let rdap: FakeRdap;
    let site: FakeHost;
    let smtp: SmtpSink;
    let png: Buffer;
    let clock = T0;
    const at = (h: number) => new Date(T0 + h * HOUR).toISOString();
    const s: Record<string, Session> = {};
    /** Every response body the desk sent, to prove no content byte ever left it. */
    const bodies: { url: string; type: string; raw: Buffer }[] = [];

    const req = async (method: string, url: string, who?: Session, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> => {
      const r = await app.inject({
        method: method as 'GET', url,
        headers: { ...(who ? { cookie: who.cookie } : {}), ...(who && method !== 'GET' ? { 'x-csrf-token': who.csrf } : {}), ...headers },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
      bodies.push({ url, type: String(r.headers['content-type'] ?? ''), raw: r.rawPayload });
      return r;
    };
    const ok = async <T>(method: string, url: string, who: Session, body?: unknown, code = 200): Promise<T> => {
      const r = await req(method, url, who, body);
      assert.equal(r.statusCode, code, `${method} ${url}: ${r.body}`);
      return r.json() as T;
    };
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

    before(async () => {
      png = await benignPng();
      site = await startFakeHost({ '/gallery/1.png': { status: 200, body: png, headers: { 'content-type': 'image/png' } }, '/go': { status: 302, headers: { location: 'http://10.0.0.1/admin' } } });
      dns = await startFakeDns({
        'shop.example-host.test': { CNAME: 'edge.example-host.test' },
        'edge.example-host.test': { A: ['127.0.0.1'] },
        'intranet.example-host.test': { A: ['10.1.2.3'] },
      });
      rdap = await startFakeRdap({
        ip: { '127.0.0.0/8': { objectClassName: 'ip network', handle: 'NET-EH', name: 'EXAMPLE-HOSTING', entities: [
          { roles: ['registrant'], vcardArray: vcard(['fn', {}, 'text', 'Example Hosting BV']) },
          { roles: ['abuse'], vcardArray: vcard(['email', {}, 'text', 'abuse@example-host.test']) },
        ] } },
      });
      smtp = await startSmtpSink();
      ws = await Workspace.open({ workspace: tmp.dir, ...(pg ? { db: pg.url } : {}) });
      // Offline data an administrator imports: an iptoasn table placing loopback in Belgium, and the RDAP bootstrap.
      const ip2asn = join(tmp.dir, 'ip2asn.tsv');
      writeFileSync(ip2asn, '127.0.0.0\t127.255.255.255\t64500\tBE\tEXAMPLE-HOSTING Example Hosting BV\n');
      await NetworkDatasets.importFile(netdataDir(ws), ip2asn, 'ip2asn');
      const boot = join(tmp.dir, 'ipv4.json');
      writeFileSync(boot, JSON.stringify({ version: '1.0', publication: '2026-01-01T00:00:00Z', services: [[['127.0.0.0/8'], [rdap.baseUrl]]] }));
      await RdapClient.importBootstrap(rdapBootstrapDir(ws), boot);
      const cfg: HotlineRuntimeConfig = {
        mailer: new SmtpMailer({ host: '127.0.0.1', port: smtp.port, from: 'Test Hotline <desk@hotline.test>' }),
        dnsServers: [dns.address], fetchAllow: ['127.0.0.1'], rdapAllowHttp: true, hotlineName: 'Test Hotline', hotlineEmail: 'desk@hotline.test',
      };
      desk = hotlineDeps(ws, cfg, () => new Date(clock).toISOString());
      ({ app } = await buildServer({
        auth: ws.auth, users: ws.users, review: ws.review, categorisation: ws.categorisation, audit: ws.audit, workspaceDir: ws.dir,
        throttle: new LoginThrottle(), secureCookies: false, hotline: desk,
      }));
      const admin = { id: null, name: 'test' };
      for (const [name, role] of [['ana', 'analyst'], ['pol', 'police'], ['nov', 'no-view'], ['adm', 'admin']] as const) {
        await ws.users.add(name, role, PASSWORD, admin);
        const r = await req('POST', '/api/auth/login', undefined, { name, password: PASSWORD });
        assert.equal(r.statusCode, 200, r.body);
        s[name] = { cookie: `winnow_session=${r.cookies.find((c) => c.name === 'winnow_session')!.value}`, csrf: (r.json() as { csrfToken: string }).csrfToken };
      }
    });
    after(async () => {
      await app?.close();
      await ws?.close();
      await Promise.all([site?.close(), dns?.close(), rdap?.close(), smtp?.close()]);
      if (pg) await dropPostgresSchema(PG_URL, pg.schema);
      tmp.cleanup();
    });

    let urlId = '';
    let number = '';
    let token = '';
    const siteUrl = () => `http://shop.example-host.test:${site.port}/gallery/1.png`;

    test('a public report (form, no JavaScript) and a duplicate by the JSON API become one piece of work', async () => {
      const page = await req('GET', '/report?lang=nl');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<html lang="nl"/);
      assert.doesNotMatch(page.body, /<script/i);
      // Same URL twice in different spellings (case, default port, fragment, dot segment) → one URL.
      const raw = `HTTP://Shop.Example-Host.TEST:${site.port}/gallery/./1.png#top`;
      const r = await req('POST', '/report', undefined, form({ urls: `${raw}\n${siteUrl()}`, description: 'found on a forum', contentType: 'image', contact: 'reporter@mail.test', lang: 'en' }), FORM);
      assert.equal(r.statusCode, 201, r.body);
      number = /WR-2026-\d{6}/.exec(r.body)![0];
      assert.equal(number, 'WR-2026-000001');
      token = /token=([A-Za-z0-9_-]+)/.exec(r.body)![1]!;
      const api = await req('POST', '/api/hotline/public/reports', undefined, { urls: [`shop.example-host.test:${site.port}/gallery/1.png`], language: 'de' });
      assert.equal(api.statusCode, 201, api.body);
      assert.equal((api.json() as { number: string }).number, 'WR-2026-000002');
      const list = await ok<{ urls: { id: string; canonical_url: string; status: string; received_at: string }[] }>('GET', '/api/hotline/urls', s.ana!);
      assert.equal(list.urls.length, 1);
      urlId = list.urls[0]!.id;
      assert.equal(list.urls[0]!.canonical_url, siteUrl());
      assert.equal(list.urls[0]!.received_at, at(0));
      const d = await ok<{ reports: { number: string; was_known: number }[] }>('GET', `/api/hotline/urls/${urlId}`, s.ana!);
      assert.deepEqual(d.reports.map((x) => [x.number, x.was_known]), [['WR-2026-000001', 0], ['WR-2026-000002', 1]]);
      // The reporter's confirmation mail, and the status page (progress only, never the URL).
      const [mail] = await smtp.waitFor(1);
      assert.equal(mail!.to && 'text' in mail!.to ? mail!.to.text : '', 'reporter@mail.test');
      assert.match(mail!.subject ?? '', /WR-2026-000001/);
      const st = await req('GET', `/report/status?number=${number}&token=${token}`);
      assert.equal(st.statusCode, 200);
      assert.ok(!st.body.includes('example-host'), 'the status page must not echo the URL');
      assert.equal((await req('GET', `/report/status?number=${number}&token=wrong`)).statusCode, 404);
    });

    test('bad reports get clear errors; huge reports are refused; the honeypot stores nothing', async () => {
      const bad = await req('POST', '/report', undefined, form({ urls: 'ftp://x.test/a\nhttp://exa mple.test/\n', lang: 'fr' }), FORM);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /aria-invalid="true"/);
      assert.match(bad.body, /only http and https/);
      const many = await req('POST', '/api/hotline/public/reports', undefined, { urls: Array.from({ length: 21 }, (_, i) => `http://h${i}.test/`) });
      assert.equal(many.statusCode, 400);
      const huge = await req('POST', '/report', undefined, form({ urls: 'http://a.test/', description: 'x'.repeat(70_000) }), FORM);
      assert.equal(huge.statusCode, 413);
      const noUrl = await req('POST', '/api/hotline/public/reports', undefined, { urls: ['   '] });
      assert.equal(noUrl.statusCode, 400);
      assert.match((noUrl.json() as { error: string }).error, /at least one web address/);
      const bot = await req('POST', '/report', undefined, form({ urls: 'http://bot.test/', website: 'http://spam.test' }), FORM);
      assert.equal(bot.statusCode, 200);
      assert.equal((await ok<{ urls: unknown[] }>('GET', '/api/hotline/urls', s.ana!)).urls.length, 1, 'nothing stored for the bot or the bad reports');
    });

    test('no-view mode: nobody can record having viewed content; roles are enforced server-side', async () => {
      const viewed = await req('POST', `/api/hotline/urls/${urlId}/assessments`, s.ana, { classification: 'baseline', viewedContent: true });
      assert.equal(viewed.statusCode, 403);
      assert.match(viewed.body, /no-view/);
      assert.equal((await req('GET', '/api/hotline/urls', s.nov)).statusCode, 403, 'the review no-view role has no desk access');
      assert.equal((await req('POST', `/api/hotline/urls/${urlId}/hold`, s.ana, { reason: 'x' })).statusCode, 403, 'analysts cannot hold');
      assert.equal((await req('PATCH', '/api/hotline/settings', s.ana, { noView: false })).statusCode, 403);
      clock = T0 + 1 * HOUR;
      const md5 = createHash('md5').update(png).digest('hex');
      const u = await ok<{ status: string; classification: string; assessed_at: string }>('POST', `/api/hotline/urls/${urlId}/assessments`, s.ana!, { classification: 'baseline', ageGroup: 'pre-pubescent', dedicatedDomain: true, hashes: [{ algorithm: 'md5', hash: md5 }] }, 201);
      assert.deepEqual([u.status, u.classification, u.assessed_at], ['assessed', 'baseline', at(1)]);
    });

    test('trace: CNAME chain → address → AS, country, organisation (offline data) → abuse contact (RDAP)', async () => {
      clock = T0 + 2 * HOUR;
      const r = await ok<{ trace: { version: number; ip: string; asn: number; country: string; org: string; cname_chain: string }; noticeContact: { email: string; approved: number; id: string } }>('POST', `/api/hotline/urls/${urlId}/trace`, s.ana!);
      assert.deepEqual([r.trace.version, r.trace.ip, r.trace.asn, r.trace.country], [1, '127.0.0.1', 64500, 'BE']);
      assert.deepEqual(JSON.parse(r.trace.cname_chain), ['edge.example-host.test']);
      assert.match(r.trace.org, /Example Hosting/);
      assert.equal(r.noticeContact.email, 'abuse@example-host.test');
      assert.equal(r.noticeContact.approved, 0, 'contacts found by RDAP wait for approval');
      assert.ok(rdap.requests.some((p) => p.endsWith('/ip/127.0.0.1')));
      await ok('PATCH', `/api/hotline/contacts/${r.noticeContact.id}`, s.ana!, { approved: true });
    });

    let packageId = '';
    test('routing: hosted in the hotline\'s country → national police package (JSON and PDF); notices wait for clearance and holds', async () => {
      clock = T0 + 3 * HOUR;
      const f = await ok<{ packages: { packageId: string; route: { kind: string }; urlIds: string[] }[] }>('POST', '/api/hotline/forwards', s.ana!, { urlIds: [urlId] }, 201);
      assert.equal(f.packages.length, 1);
      assert.equal(f.packages[0]!.route.kind, 'national-police');
      packageId = f.packages[0]!.packageId;
      const pdf = await req('GET', `/api/hotline/packages/${packageId}/pdf`, s.pol);
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      const json = await ok<{ format: string; urls: { canonicalUrl: string; hosting: { asn: number }; viewedContent: boolean }[] }>('GET', `/api/hotline/packages/${packageId}/json`, s.pol!);
      assert.deepEqual([json.format, json.urls[0]!.canonicalUrl, json.urls[0]!.hosting.asn, json.urls[0]!.viewedContent], ['winnow-lea-1', siteUrl(), 64500, false]);
      // Before clearance nothing is sent.
      let run = await ok<{ sent: unknown[]; waiting: { reason: string }[] }>('POST', '/api/hotline/notices/run', s.ana!, { force: true });
      assert.equal(run.sent.length, 0);
      assert.match(run.waiting[0]!.reason, /police clearance/);
      // The police hold it, then clear it: still nothing while the hold stands.
      await ok('POST', `/api/hotline/urls/${urlId}/hold`, s.pol!, { reason: 'do not notify: investigation 42' });
      await ok('POST', `/api/hotline/urls/${urlId}/clearance`, s.pol!, {});
      run = await ok('POST', '/api/hotline/notices/run', s.ana!, { force: true });
      assert.equal(run.sent.length, 0);
      assert.match(run.waiting[0]!.reason, /police hold/);
      clock = T0 + 3.5 * HOUR;
      await ok('DELETE', `/api/hotline/urls/${urlId}/hold`, s.pol!);
      // Inside the grouping window (60 min from clearance at 3 h) nothing goes; after it, the notice does.
      run = await ok('POST', '/api/hotline/notices/run', s.ana!, {});
      assert.equal(run.sent.length, 0, 'cleared at 3 h, window 60 min: not due before 4 h');
      assert.match(run.waiting[0]!.reason, /grouping window/);
    });

    test('notice by e-mail with a valid XARF v4 attachment; re-notice while online', async () => {
      clock = T0 + 5 * HOUR;
      const before = smtp.messages.length;
      const run = await ok<{ sent: { to: string; urls: number }[] }>('POST', '/api/hotline/notices/run', s.ana!, {});
      assert.deepEqual(run.sent.map((x) => [x.to, x.urls]), [['abuse@example-host.test', 1]]);
      const [m] = (await smtp.waitFor(before + 1)).slice(before);
      assert.match(m!.text ?? '', new RegExp(siteUrl().replace(/[.?]/g, '\\$&')));
      const xarf = m!.attachments.find((a) => a.filename?.endsWith('.json'));
      assert.ok(xarf, 'XARF attachment');
      const obj = JSON.parse(xarf.content.toString('utf8')) as Record<string, unknown>;
      assert.deepEqual(validateXarf(obj), []);
      assert.deepEqual([obj.category, obj.type, obj.url, obj.source_identifier], ['content', 'csam', siteUrl(), '127.0.0.1']);
      // Online at the first check: no transition.
      clock = T0 + 6 * HOUR;
      const c1 = await ok<{ checks: { result: string; transition: string | null }[] }>('POST', '/api/hotline/checks/run', s.ana!, { all: true });
      assert.deepEqual(c1.checks.map((c) => [c.result, c.transition]), [['online', null]]);
      assert.ok(site.requests.length >= 1);
      // 24 h after the notice, still online → re-notice (sequence 2).
      clock = T0 + 29 * HOUR;
      const again = await ok<{ sent: { renotices: number }[] }>('POST', '/api/hotline/notices/run', s.ana!, {});
      assert.deepEqual(again.sent.map((x) => x.renotices), [1]);
      const d = await ok<{ url: { notice_count: number; notice_first_sent_at: string; notice_last_sent_at: string } }>('GET', `/api/hotline/urls/${urlId}`, s.ana!);
      assert.deepEqual([d.url.notice_count, d.url.notice_first_sent_at, d.url.notice_last_sent_at], [2, at(5), at(29)]);
      const all = await ok<{ notices: { to_address: string; status: string; urls: number; renotices: number; sent_at: string }[] }>('GET', '/api/hotline/notices', s.pol!);
      assert.deepEqual(all.notices.map((n) => [n.to_address, n.status, n.urls, n.renotices, n.sent_at]), [
        ['abuse@example-host.test', 'sent', 1, 1, at(29)], ['abuse@example-host.test', 'sent', 1, 0, at(5)],
      ]);
    });

    test('blocking exports: RPZ zone of the dedicated domain, URL list and its SHA-256 form, hash list — each audited', async () => {
      const rpz = await req('GET', '/api/hotline/blocking/rpz', s.ana);
      assert.equal(rpz.statusCode, 200, rpz.body);
      assert.match(rpz.body, /^example-host\.test\.rpz\.winnow\.invalid\.\s+CNAME\s+\.$/m);
      const urls = await req('GET', '/api/hotline/blocking/urls', s.ana);
      assert.equal(urls.body.trim(), siteUrl());
      const hashed = await req('GET', '/api/hotline/blocking/url-hashes', s.ana);
      assert.equal(hashed.body.trim(), createHash('sha256').update(siteUrl()).digest('hex'));
      const hashes = await req('GET', '/api/hotline/blocking/hashes-csv', s.ana);
      assert.match(hashes.body, new RegExp(createHash('md5').update(png).digest('hex')));
      assert.equal((await req('GET', '/api/hotline/blocking/rpz', s.pol)).statusCode, 403, 'police have no blocking export permission');
      const audit = await ok<{ entries: { action: string; detail: unknown }[] }>('GET', '/api/audit?limit=200', s.adm!);
      const kinds = audit.entries.filter((e) => e.action === 'hotline-export').map((e) => (e.detail as unknown as { kind: string }).kind);
      for (const k of ['package', 'rpz', 'urls', 'url-hashes', 'hashes']) assert.ok(kinds.includes(k), `audit entry for ${k}: ${kinds.join(',')}`);
    });

    test('SSRF: loopback, metadata, private names and redirects to private addresses are refused, never fetched', async () => {
      const targets = ['http://127.0.0.2/x', 'http://169.254.169.254/latest/meta-data/', `http://intranet.example-host.test:${site.port}/`, `http://shop.example-host.test:${site.port}/go`];
      const rep = await ok<{ urls: { urlId: string }[] }>('POST', '/api/hotline/reports', s.ana!, { urls: targets }, 201);
      const seen = site.requests.length;
      for (const u of rep.urls) {
        const c = await ok<{ result: string; transition: string | null }>('POST', `/api/hotline/urls/${u.urlId}/check`, s.ana!, {});
        assert.equal(c.result, 'refused', JSON.stringify(c));
        assert.equal(c.transition, null);
      }
      assert.deepEqual(site.requests.slice(seen).map((r) => r.path), ['/go'], 'only the public-looking first hop of the redirect was fetched');
      for (const u of rep.urls) await ok('POST', `/api/hotline/urls/${u.urlId}/close`, s.ana!, { reason: 'unavailable' });
    });

    test('removal detected by checks (three offline in a row); the reporter is told; statistics on both clocks', async () => {
      site.set('/gallery/1.png', { status: 404 });
      for (const [h, want] of [[30, 'offline'], [31, null], [32, 'removed']] as const) {
        clock = T0 + h * HOUR;
        const c = await ok<{ result: string; transition: string | null }>('POST', `/api/hotline/urls/${urlId}/check`, s.ana!, {});
        assert.deepEqual([c.result, c.transition], ['offline', want]);
      }
      const d = await ok<{ url: Record<string, unknown>; events: { kind: string; at: string }[] }>('GET', `/api/hotline/urls/${urlId}`, s.pol!);
      const u = d.url;
      assert.deepEqual(
        [u.received_at, u.assessed_at, u.traced_at, u.forwarded_at, u.notice_first_sent_at, u.first_offline_at, u.closed_at, u.closure_reason, u.status],
        [at(0), at(1), at(2), at(3), at(5), at(30), at(32), 'removed', 'closed'],
      );
      const kinds = d.events.filter((e) => e.kind !== 'checked').map((e) => `${e.kind}@${(Date.parse(e.at) - T0) / HOUR}`);
      assert.deepEqual(kinds, ['received@0', 'linked@0', 'assessed@1', 'traced@2', 'forwarded@3', 'hold@3', 'cleared@3', 'release@3.5', 'notice-sent@5', 'notice-sent@29', 'offline@30', 'closed@32']);
      const update = await smtp.waitFor(smtp.messages.length);
      assert.ok(update.some((m) => /dealt with/.test(m.subject ?? '') && /WR-2026-000001/.test(m.subject ?? '')), 'the reporter who left an address is told');
      const st = await ok<{ urls: number; illegal: number; shareIllegal: number; fromReport: { medianHours: number; p90Hours: number; maxHours: number; within: Record<string, number> }; fromNotice: { medianHours: number; within: Record<string, number> }; hostingCountries: { country: string; urls: number }[]; renotices: { total: number }; reports: { period: string; reports: number }[] }>('GET', '/api/hotline/stats', s.pol!);
      assert.equal(st.illegal, 1);
      assert.equal(st.shareIllegal, 1);
      assert.deepEqual([st.fromReport.medianHours, st.fromReport.p90Hours, st.fromReport.maxHours], [30, 30, 30]);
      assert.deepEqual(st.fromReport.within, { '1d': 0, '3d': 1, '7d': 1, '28d': 1 });
      assert.equal(st.fromNotice.medianHours, 25);
      assert.deepEqual(st.fromNotice.within, { '1d': 0, '3d': 1, '7d': 1, '28d': 1 });
      assert.deepEqual(st.hostingCountries, [{ country: 'BE', urls: 1 }]);
      assert.equal(st.renotices.total, 1);
      assert.deepEqual(st.reports, [{ period: '2026-03', reports: 3, urls: 6 }]);
      const csv = await req('GET', '/api/hotline/stats.csv', s.ana);
      assert.match(csv.body, /from-report,median-hours,30/);
      // A closed URL leaves the blocking lists.
      assert.equal((await req('GET', '/api/hotline/blocking/urls', s.ana)).body.trim(), '');
    });

    test('partner intake: ICCAM-like JSON links known URLs, assesses new ones; bad files get clear errors', async () => {
      const file = JSON.stringify({ format: 'winnow-iccam-1', hotline: 'Partner', reports: [
        { reportId: 'P-1', receivedAt: '2026-03-03T10:00:00Z', urls: [siteUrl()], classification: 'baseline' },
        { reportId: 'P-2', receivedAt: '2026-03-03T11:00:00Z', urls: ['http://other.example-host.test/a.jpg'], classification: 'national', hostingCountry: 'NL' },
      ] });
      const r = await ok<{ reports: number; knownUrls: number; assessments: number; errors: unknown[] }>('POST', '/api/hotline/partner-imports', s.ana!, { format: 'iccam-json', partner: 'Offlimits', content: file }, 201);
      assert.deepEqual([r.reports, r.knownUrls, r.assessments, r.errors.length], [2, 1, 1, 0]);
      const again = await ok<{ reports: number; alreadyImported: number }>('POST', '/api/hotline/partner-imports', s.ana!, { format: 'iccam-json', partner: 'Offlimits', content: file }, 201);
      assert.deepEqual([again.reports, again.alreadyImported], [0, 2]);
      const bad = await req('POST', '/api/hotline/partner-imports', s.ana, { format: 'iccam-json', partner: 'Offlimits', content: '{"reports": 5' });
      assert.equal(bad.statusCode, 400);
      assert.match((bad.json() as { error: string }).error, /JSON/);
    });

    test('retention anonymises URLs and contacts but keeps the statistics; no response ever carried content', async () => {
      const stBefore = await ok<Record<string, unknown>>('GET', '/api/hotline/stats', s.ana!);
      await ok('PATCH', '/api/hotline/settings', s.adm!, { retentionDays: 1 });
      clock = T0 + 60 * HOUR;
      const r = await ok<{ urls: number; reports: number }>('POST', '/api/hotline/retention/run', s.adm!, {});
      assert.ok(r.urls >= 5, JSON.stringify(r));
      const d = await ok<{ url: { canonical_url: string; host: string; closure_reason: string }; traces: { ip: string | null }[]; reports: { raw_url: string }[] }>('GET', `/api/hotline/urls/${urlId}`, s.ana!);
      assert.deepEqual([d.url.canonical_url, d.url.host, d.url.closure_reason, d.traces[0]!.ip, d.reports[0]!.raw_url], ['(anonymised)', '(anonymised)', 'removed', null, '(anonymised)']);
      const stAfter = await ok<Record<string, unknown>>('GET', '/api/hotline/stats', s.ana!);
      assert.deepEqual(stAfter.fromReport, stBefore.fromReport);
      assert.deepEqual(stAfter.fromNotice, stBefore.fromNotice);
      const needle = png.subarray(0, 64);
      for (const b of bodies) {
        assert.ok(!/^(image|video|audio)\//.test(b.type), `${b.url} answered ${b.type}`);
        assert.ok(!b.raw.includes(needle), `${b.url} carried bytes of the hosted image`);
      }
    });
  });
}
