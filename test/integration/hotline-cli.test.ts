import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { parseIccamJson } from '../../src/formats/hotline/partner-report.js';
import { CLI, tempDir } from '../helpers/env.js';
import { startFakeDns, type FakeDns } from '../helpers/hotline/fake-dns.js';
import { startFakeHost, type FakeHost } from '../helpers/hotline/fake-host.js';
import { startSmtpSink, type SmtpSink } from '../helpers/hotline/smtp-sink.js';

// The hotline desk from the command line (`winnow hotline …`, separate processes, SQLite): offline network data,
// hash-only checks matching a known-bad hash set (automatic assessment), versioned traces with a hosting move that
// changes the route, the partner-hotline package, CDN detection, the INTERPOL route, a "moved" closure, partner CSV
// errors, statistics CSV and the RPZ export. Loopback servers only; the child processes get their addresses by env.

const run = promisify(execFile);
const tmp = tempDir('winnow-hlcli-');
const ws = join(tmp.dir, 'ws');
let dns: FakeDns;
let site: FakeHost;
let smtp: SmtpSink;
let env: NodeJS.ProcessEnv;
let png: Buffer;

async function hl(...args: string[]): Promise<string> {
  try {
    return (await run(process.execPath, [CLI, '-w', ws, 'hotline', ...args], { env, encoding: 'utf8', maxBuffer: 1 << 26 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; code?: number };
    throw new Error(`winnow hotline ${args.join(' ')} exited ${e.code}: ${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}
const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await hl(...args)) as T;
const failure = async (...args: string[]): Promise<string> => {
  try {
    await hl(...args);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`winnow hotline ${args.join(' ')} should have failed`);
};

interface Detail {
  url: { id: string; canonical_url: string; classification: string | null; behind_cdn: number; hosting_country: string | null; moved_to_url_id: string | null; closure_reason: string | null };
  route: { kind: string; destination: string } | null;
  assessments: { decided_by_kind: string; classification: string }[];
  traces: { version: number; moved: number; country: string | null; cdn_name: string | null }[];
  checks: { result: string; hash_match: string | null; body_md5: string | null }[];
}
const idOf = async (canonical: string) => (await hl('list')).split('\n').find((l) => l.endsWith(`\t${canonical}`))!.split('\t')[0]!;

before(async () => {
  const px = Buffer.alloc(32 * 32 * 3, 90);
  for (let i = 0; i < px.length; i += 7) px[i] = (i * 31) & 255;
  png = await sharp(px, { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer();
  site = await startFakeHost({ '/p/1.png': { status: 200, body: png, headers: { 'content-type': 'image/png' } } });
  dns = await startFakeDns({ 'files.move.test': { A: ['127.0.0.1'] }, 'cdn.site.test': { A: ['127.0.0.70'] }, 'far.site.test': { A: ['127.0.0.100'] } });
  smtp = await startSmtpSink();
  env = { ...process.env, WINNOW_DNS_SERVERS: dns.address, WINNOW_FETCH_ALLOW: '127.0.0.1', WINNOW_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, WINNOW_HOTLINE_NAME: 'CLI Hotline' };
  const table = join(tmp.dir, 'ip2asn.tsv');
  writeFileSync(table, [
    '127.0.0.0\t127.0.0.31\t64500\tBE\tEXAMPLE-BE Example Hosting BV',
    '127.0.0.32\t127.0.0.63\t64501\tNL\tEXAMPLE-NL Dutch Hosting BV',
    '127.0.0.64\t127.0.0.95\t13335\tUS\tCLOUDFLARENET - Cloudflare, Inc.',
    '127.0.0.96\t127.0.0.127\t64999\tVG\tFAR-AWAY Far Hosting',
  ].join('\n') + '\n');
  const imported = await json<{ ranges: number; skipped: number }>('netdata', 'import', table, '--kind', 'ip2asn');
  assert.deepEqual([imported.ranges, imported.skipped], [4, 0]);
  const bad = join(tmp.dir, 'known-bad.md5');
  writeFileSync(bad, `${createHash('md5').update(png).digest('hex')}  p/1.png\n`);
  await run(process.execPath, [CLI, '-w', ws, 'hashset', 'import', bad, '--name', 'test-known-bad', '--role', 'known-bad'], { env });
});
after(async () => {
  await Promise.all([site?.close(), dns?.close(), smtp?.close()]);
  tmp.cleanup();
});

const moveUrl = () => `http://files.move.test:${site.port}/p/1.png`;

test('settings are validated; a hash-only check matching a known-bad set assesses the URL by hash match', async () => {
  const r = await json<{ number: string; urls: { urlId: string }[] }>('report', moveUrl(), '--description', 'from the CLI');
  assert.match(r.number, /^WR-\d{4}-000001$/);
  const s = await json<{ noView: boolean; hashOnlyFetch: boolean }>('settings');
  assert.deepEqual([s.noView, s.hashOnlyFetch], [true, false]);
  assert.match(await failure('settings', '--set', 'offlineConfirmations="three"'), /must be a number/);
  assert.match(await failure('settings', '--set', 'nope=1'), /unknown hotline setting/);
  await hl('settings', '--set', 'hashOnlyFetch=true');
  const id = await idOf(moveUrl());
  const line = (await hl('check', '--all')).replace(/\n$/, '');
  assert.equal(line, `${id}\tonline\t200\tknown-bad\t`);
  const d = await json<Detail>('show', id);
  assert.deepEqual(d.assessments.map((a) => [a.decided_by_kind, a.classification]), [['hash-match', 'baseline']]);
  assert.deepEqual([d.checks[0]!.hash_match, d.checks[0]!.body_md5], ['known-bad', createHash('md5').update(png).digest('hex')]);
});

test('traces are versioned: a hosting move to another country is recorded and changes the route', async () => {
  const id = await idOf(moveUrl());
  assert.match(await hl('trace', id), /\tv1\t127\.0\.0\.1\tAS64500\tBE\t/);
  assert.equal((await json<Detail>('show', id)).route?.kind, 'national-police');
  dns.set('files.move.test', { A: ['127.0.0.40'] });
  assert.match(await hl('trace', id), /\tv2\t127\.0\.0\.40\tAS64501\tNL\t/);
  const d = await json<Detail>('show', id);
  assert.deepEqual(d.traces.map((t) => [t.version, t.moved, t.country]), [[1, 0, 'BE'], [2, 1, 'NL']]);
  assert.equal(d.route?.kind, 'partner-hotline');
  // Forwarded to the partner hotline as ICCAM-like JSON, which our own partner reader accepts.
  const f = await json<{ packageId: string; route: { kind: string; format: string } }[]>('forward', id);
  assert.deepEqual([f[0]!.route.kind, f[0]!.route.format], ['partner-hotline', 'iccam-json']);
  const file = join(tmp.dir, 'pkg.json');
  await hl('package', f[0]!.packageId, '--format', 'json', '--out', file);
  const back = parseIccamJson(readFileSync(file, 'utf8'), { partner: 'us' });
  assert.deepEqual(back.errors, []);
  assert.deepEqual([back.reports[0]!.urls, back.reports[0]!.hostingCountry, back.reports[0]!.classification], [[d.url.canonical_url], 'NL', 'baseline']);
  assert.match(await failure('package', f[0]!.packageId, '--format', 'pdf'), /ICCAM-like JSON only/);
  // The partner notifies in its own country: this desk sends nothing.
  const n = await json<{ sent: unknown[]; waiting: unknown[] }>('notices', '--force');
  assert.deepEqual([n.sent.length, n.waiting.length], [0, 0]);
});

test('CDN detection and the INTERPOL route; a "moved" closure links the new URL', async () => {
  const r = await json<{ urls: { urlId: string }[] }>('report', 'http://cdn.site.test/a.jpg', 'http://far.site.test/b.jpg');
  const [cdn, far] = r.urls.map((u) => u.urlId);
  assert.match(await hl('trace', cdn!), /CDN Cloudflare/);
  const c = await json<Detail>('show', cdn!);
  assert.deepEqual([c.url.behind_cdn, c.traces[0]!.cdn_name], [1, 'Cloudflare']);
  await hl('trace', far!);
  assert.equal((await json<Detail>('show', far!)).route?.kind, 'interpol');
  const closed = await json<Detail['url']>('close', far!, '--reason', 'moved', '--moved-to', 'http://far.site.test/new/b.jpg');
  assert.equal(closed.closure_reason, 'moved');
  assert.equal(await idOf('http://far.site.test/new/b.jpg'), closed.moved_to_url_id);
  assert.match(await failure('close', far!, '--reason', 'removed'), /already closed/);
  assert.match(await failure('close', cdn!, '--reason', 'vanished'), /reason must be one of/);
});

test('partner CSV with a bad row: the good rows are imported, the bad one reported with its line', async () => {
  const csv = join(tmp.dir, 'partner.csv');
  writeFileSync(csv, 'url,reported_at,external_ref,classification\nhttp://p1.test/x,2026-03-01T10:00:00Z,A-1,baseline\nhttp://p2.test/y,yesterday,A-2,baseline\n');
  const r = await json<{ reports: number; assessments: number; errors: { line: number; message: string }[] }>('import-partner', csv, '--partner', 'Partner CSV');
  assert.deepEqual([r.reports, r.assessments, r.errors.length, r.errors[0]?.line], [1, 1, 1, 3]);
  assert.match(await failure('import-partner', join(tmp.dir, 'missing.json'), '--partner', 'X'), /ENOENT|no such file/);
});

test('statistics as CSV and the RPZ zone are written; the zone lists only dedicated domains', async () => {
  const csv = await hl('stats', '--csv');
  assert.match(csv, /^section,key,value\r?\n/);
  assert.match(csv, /totals,illegal,2/);
  const zone = join(tmp.dir, 'zone.rpz');
  await hl('export', 'rpz', '--out', zone);
  const text = readFileSync(zone, 'utf8');
  assert.match(text, /SOA/);
  assert.doesNotMatch(text, /CNAME \.\s*$/m, 'no domain was marked as dedicated');
  const id = await idOf('http://p1.test/x');
  await hl('assess', id, '--classification', 'baseline', '--dedicated-domain');
  await hl('export', 'rpz', '--out', zone);
  assert.match(readFileSync(zone, 'utf8'), /^p1\.test\.rpz\.winnow\.invalid\.\s+CNAME\s+\.$/m);
  assert.match(await failure('assess', id, '--classification', 'baseline', '--viewed-content'), /no-view mode/);
});

test('"not illegal" closes a URL; a later assessment finding it illegal reopens it', async () => {
  const r = await json<{ urls: { urlId: string }[] }>('report', 'http://second-look.test/page');
  const id = r.urls[0]!.urlId;
  const closed = await json<{ status: string; closure_reason: string | null }>('assess', id, '--classification', 'not-illegal');
  assert.deepEqual([closed.status, closed.closure_reason], ['closed', 'not-illegal']);
  const reopened = await json<{ status: string; closure_reason: string | null; classification: string }>('assess', id, '--classification', 'baseline', '--decided-by', 'police');
  assert.deepEqual([reopened.status, reopened.closure_reason, reopened.classification], ['assessed', null, 'baseline']);
  const d = await json<{ events: { kind: string }[]; assessments: { classification: string; decided_by_kind: string }[] }>('show', id);
  assert.deepEqual(d.events.map((e) => e.kind), ['received', 'assessed', 'closed', 'assessed', 'reopened']);
  assert.deepEqual(d.assessments.map((a) => [a.classification, a.decided_by_kind]), [['not-illegal', 'analyst'], ['baseline', 'police']]);
});

test('the scheduler traces new URLs by itself (DNS and datasets only), then checks and notifies', async () => {
  dns.set('auto.site.test', { A: ['127.0.0.70'] });
  const r = await json<{ urls: { urlId: string }[] }>('report', 'http://auto.site.test/new.jpg');
  const id = r.urls[0]!.urlId;
  const line = await hl('run', '--once');
  const traced = Number(/\ttraced (\d+)\t/.exec(line)?.[1]);
  assert.ok(traced >= 1, line);
  const d = await json<Detail>('show', id);
  assert.deepEqual(d.traces.map((t) => [t.version, t.cdn_name]), [[1, 'Cloudflare']]);
  assert.match(await hl('run', '--once'), /\ttraced 0\t/, 'a URL is traced once, not every round');
});
