import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { AddressPolicy } from '../../src/adapters/hotline/address-policy.js';
import { SafeUrlChecker, type SafeUrlCheckerOptions } from '../../src/adapters/hotline/safe-url-checker.js';
import type { HostResolution, HostResolver } from '../../src/services/hotline/ports.js';
import { startFakeHost, type FakeHost } from '../helpers/hotline/fake-host.js';
import { mulberry32 } from '../helpers/prng.js';

/** Answers from a table; a function entry is called per lookup (for rebinding). Counts the lookups per name. */
class FakeResolver implements HostResolver {
  readonly calls = new Map<string, number>();
  constructor(private readonly table: Record<string, string[] | { error: string } | ((call: number) => string[]) | 'hang'>) {}

  async resolve(host: string): Promise<HostResolution> {
    const call = (this.calls.get(host) ?? 0) + 1;
    this.calls.set(host, call);
    const entry = this.table[host];
    if (entry === 'hang') return new Promise<HostResolution>(() => { /* never answers */ });
    if (entry === undefined) return { host, cnameChain: [], addresses: [], error: 'ENOTFOUND' };
    if (typeof entry === 'function') return { host, cnameChain: [], addresses: entry(call) };
    if (Array.isArray(entry)) return { host, cnameChain: [], addresses: entry };
    return { host, cnameChain: [], addresses: [], error: entry.error };
  }
}

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('hex');

/** A benign test image: 48×32 pixels of seeded RGB noise, as PNG. */
async function noisePng(seed: number): Promise<Buffer> {
  const rnd = mulberry32(seed);
  const raw = Buffer.alloc(48 * 32 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(rnd() * 256);
  return sharp(raw, { raw: { width: 48, height: 32, channels: 3 } }).png().toBuffer();
}

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('SafeUrlChecker against a fake hosting site', () => {
  let host: FakeHost;
  let png: Buffer;
  let big: Buffer;
  let base: string;
  const pdqCalls: Buffer[] = [];
  const resolver = new FakeResolver({
    'host.test': ['127.0.0.1'],
    'other.test': ['127.0.0.1'],
    'evil.test': ['192.168.1.10'],
    'mixed.test': ['127.0.0.1', '10.0.0.5'],
    'v6.test': ['::1'],
    'mapped.test': ['::ffff:127.0.0.1'],
    'meta6.test': ['fd00:ec2::254'],
    'rebind.test': (call) => (call === 1 ? ['127.0.0.1'] : ['192.168.1.10']),
    'servfail.test': { error: 'ESERVFAIL' },
    'empty.test': [],
    'hang.test': 'hang',
  });
  const policy = new AddressPolicy(['127.0.0.1']);
  const checker = (extra: Partial<SafeUrlCheckerOptions> = {}): SafeUrlChecker => new SafeUrlChecker({
    resolver, policy, timeoutMs: 5000,
    pdq: async (bytes) => { pdqCalls.push(Buffer.from(bytes)); return 'f'.repeat(64); },
    ...extra,
  });
  const requestsTo = (path: string): number => host.requests.filter((r) => r.path === path).length;

  before(async () => {
    png = await noisePng(7);
    const rnd = mulberry32(11);
    big = Buffer.alloc(256 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = Math.floor(rnd() * 256);
    host = await startFakeHost({
      '/page': { status: 200, body: 'a benign page', headers: { 'content-type': 'text/html' } },
      '/img.png': { status: 200, body: png, headers: { 'content-type': 'image/png' } },
      '/big': { status: 200, body: big, headers: { 'content-type': 'application/octet-stream' }, bodyDelayMs: 150 },
      '/gone404': { status: 404 },
      '/gone410': { status: 410 },
      '/gone451': { status: 451 },
      '/broken': { status: 500 },
      '/forbidden': { status: 403 },
      '/slow': { status: 200, body: 'late', delayMs: 3000 },
      '/large': { status: 200, body: Buffer.alloc(5000, 7), headers: { 'content-type': 'image/png' } },
      '/large-chunked': { status: 200, body: Buffer.alloc(5000, 9), headers: { 'transfer-encoding': 'chunked' } },
      '/to-meta': { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } },
      '/to-private': { status: 301, headers: { location: 'http://10.0.0.1/' } },
      '/to-evil': { status: 307, headers: { location: 'http://evil.test/x' } },
      '/to-file': { status: 302, headers: { location: 'file:///etc/passwd' } },
      '/no-location': { status: 302 },
      '/loop1': { status: 302, headers: { location: '/loop2' } },
      '/loop2': { status: 302, headers: { location: '/loop1' } },
    });
    base = `http://host.test:${host.port}`;
    host.set('/a', { status: 301, headers: { location: '/b?step=2' } });
    host.set('/b', { status: 302, headers: { location: `http://other.test:${host.port}/c` } });
    host.set('/c', { status: 307, headers: { location: '/d' } });
    host.set('/d', { status: 200, body: 'end of chain' });
    for (let i = 0; i < 10; i++) host.set(`/hop${i}`, { status: 303, headers: { location: `/hop${i + 1}` } });
  });

  after(async () => {
    await host.close();
  });

  it('with the deployment default (no allow list) 127.0.0.1 itself is refused and the site sees no request', async () => {
    const strict = new SafeUrlChecker({ resolver, policy: new AddressPolicy([]), timeoutMs: 5000 });
    const seen = host.requests.length;
    for (const url of [`http://127.0.0.1:${host.port}/page`, `http://host.test:${host.port}/img.png`]) {
      const r = await strict.check(url, { hashBody: true });
      assert.equal(r.result, 'refused', `${url}: ${JSON.stringify(r)}`);
      assert.match(r.error ?? '', /127\.0\.0\.1.*loopback/);
      assert.equal(r.hashes, null);
    }
    assert.equal(host.requests.length, seen);
  });

  it('reports a 200 as online, pinned to the checked address, with the original Host header', async () => {
    const before = host.requests.length;
    const r = await checker().check(`${base}/page`, { hashBody: false });
    assert.equal(r.result, 'online');
    assert.equal(r.httpStatus, 200);
    assert.deepEqual(r.addresses, ['127.0.0.1']);
    assert.deepEqual(r.redirects, []);
    assert.equal(r.finalUrl, `${base}/page`);
    assert.equal(r.hashes, null);
    assert.equal(r.error, null);
    assert.equal(r.dnsError, null);
    assert.ok(Number.isInteger(r.durationMs) && r.durationMs >= 0);
    assert.deepEqual(host.requests.slice(before).map((q) => [q.path, q.host]), [['/page', `host.test:${host.port}`]]);
  });

  it('reads no body on a plain check, and the whole body on a hash-only fetch', async () => {
    const plain = await checker().check(`${base}/big`, { hashBody: false });
    assert.equal(plain.result, 'online');
    assert.equal(plain.hashes, null);
    await host.settled();
    const plainReq = host.requests.filter((q) => q.path === '/big').at(-1);
    assert.equal(plainReq?.completed, false, 'the checker hung up after the headers, before the body was sent');

    const hashed = await checker().check(`${base}/big`, { hashBody: true });
    assert.equal(hashed.result, 'online');
    assert.deepEqual(hashed.hashes, { md5: md5(big), sha1: sha1(big), pdq: null, bytes: big.length });
    await host.settled();
    assert.equal(host.requests.filter((q) => q.path === '/big').at(-1)?.completed, true);
  });

  it('hashes an image body in memory and hands it to the PDQ function', async () => {
    pdqCalls.length = 0;
    const r = await checker().check(`${base}/img.png`, { hashBody: true });
    assert.equal(r.result, 'online');
    assert.deepEqual(r.hashes, { md5: md5(png), sha1: sha1(png), pdq: 'f'.repeat(64), bytes: png.length });
    assert.equal(pdqCalls.length, 1);
    assert.equal(md5(pdqCalls[0]!), md5(png));

    pdqCalls.length = 0;
    const page = await checker().check(`${base}/page`, { hashBody: true });
    assert.equal(page.hashes?.pdq, null);
    assert.equal(page.hashes?.md5, md5(Buffer.from('a benign page')));
    assert.equal(pdqCalls.length, 0, 'PDQ only for image/* bodies');
  });

  it('keeps the hashes when PDQ fails, with the reason', async () => {
    const r = await checker({ pdq: async () => { throw new Error('not decodable'); } }).check(`${base}/img.png`, { hashBody: true });
    assert.equal(r.result, 'online');
    assert.equal(r.hashes?.sha1, sha1(png));
    assert.equal(r.hashes?.pdq, null);
    assert.match(r.error ?? '', /PDQ not computed: not decodable/);
  });

  it('reports 404, 410 and 451 as offline, other statuses as errors', async () => {
    for (const [path, status] of [['/gone404', 404], ['/gone410', 410], ['/gone451', 451]] as const) {
      const r = await checker().check(`${base}${path}`, { hashBody: true });
      assert.equal(r.result, 'offline', path);
      assert.equal(r.httpStatus, status);
      assert.equal(r.hashes, null);
      assert.equal(r.error, null);
    }
    for (const [path, status] of [['/broken', 500], ['/forbidden', 403]] as const) {
      const r = await checker().check(`${base}${path}`, { hashBody: false });
      assert.equal(r.result, 'error', path);
      assert.equal(r.httpStatus, status);
      assert.equal(r.error, `HTTP ${status}`);
    }
  });

  it('reports NXDOMAIN and names without addresses as offline, other DNS failures as errors', async () => {
    const before = host.requests.length;
    const nx = await checker().check(`http://nowhere.test:${host.port}/x`, { hashBody: false });
    assert.equal(nx.result, 'offline');
    assert.equal(nx.dnsError, 'ENOTFOUND');
    assert.equal(nx.httpStatus, null);
    const empty = await checker().check(`http://empty.test:${host.port}/x`, { hashBody: false });
    assert.equal(empty.result, 'offline');
    assert.equal(empty.dnsError, 'ENODATA');
    const servfail = await checker().check(`http://servfail.test:${host.port}/x`, { hashBody: false });
    assert.equal(servfail.result, 'error');
    assert.equal(servfail.dnsError, 'ESERVFAIL');
    assert.match(servfail.error ?? '', /ESERVFAIL/);
    assert.equal(host.requests.length, before, 'nothing was fetched');
  });

  it('reports a refused connection as offline', async () => {
    const port = await closedPort();
    const r = await checker().check(`http://host.test:${port}/`, { hashBody: false });
    assert.equal(r.result, 'offline');
    assert.equal(r.httpStatus, null);
    assert.match(r.error ?? '', /connection refused by 127\.0\.0\.1/);
  });

  it('follows a redirect chain across hosts, re-resolving each hop', async () => {
    const before = host.requests.length;
    const otherLookups = resolver.calls.get('other.test') ?? 0;
    const r = await checker().check(`${base}/a`, { hashBody: true });
    assert.equal(r.result, 'online');
    assert.equal(r.httpStatus, 200);
    assert.deepEqual(r.redirects, [
      { url: `${base}/a`, status: 301 },
      { url: `${base}/b?step=2`, status: 302 },
      { url: `http://other.test:${host.port}/c`, status: 307 },
    ]);
    assert.equal(r.finalUrl, `http://other.test:${host.port}/d`);
    assert.equal(r.hashes?.md5, md5(Buffer.from('end of chain')));
    assert.equal(resolver.calls.get('other.test'), otherLookups + 2);
    assert.deepEqual(host.requests.slice(before).map((q) => [q.path, q.host]), [
      ['/a', `host.test:${host.port}`],
      ['/b?step=2', `host.test:${host.port}`],
      ['/c', `other.test:${host.port}`],
      ['/d', `other.test:${host.port}`],
    ]);
  });

  it('refuses a redirect to the metadata service or a private address', async () => {
    const meta = await checker().check(`${base}/to-meta`, { hashBody: false });
    assert.equal(meta.result, 'refused');
    assert.match(meta.error ?? '', /169\.254\.169\.254.*\(metadata\)/);
    assert.deepEqual(meta.redirects, [{ url: `${base}/to-meta`, status: 302 }]);
    assert.equal(meta.finalUrl, 'http://169.254.169.254/latest/meta-data/');
    assert.deepEqual(meta.addresses, ['169.254.169.254']);
    assert.equal(meta.httpStatus, null);

    const priv = await checker().check(`${base}/to-private`, { hashBody: false });
    assert.equal(priv.result, 'refused');
    assert.match(priv.error ?? '', /10\.0\.0\.1.*\(private\)/);

    const evil = await checker().check(`${base}/to-evil`, { hashBody: false });
    assert.equal(evil.result, 'refused');
    assert.match(evil.error ?? '', /evil\.test resolves to 192\.168\.1\.10.*\(private\)/);

    const file = await checker().check(`${base}/to-file`, { hashBody: false });
    assert.equal(file.result, 'refused');
    assert.match(file.error ?? '', /scheme "file"/);
  });

  it('refuses names resolving to forbidden addresses, even when only one of them is', async () => {
    const before = host.requests.length;
    const cases: [string, RegExp][] = [
      ['evil.test', /192\.168\.1\.10\b.*\(private\)/],
      ['mixed.test', /10\.0\.0\.5\b.*\(private\)/],
      ['v6.test', /::1\b.*\(loopback\)/],
      ['mapped.test', /::ffff:127\.0\.0\.1\b.*\(IPv4-mapped loopback\)/],
      ['meta6.test', /fd00:ec2::254\b.*\(metadata\)/],
    ];
    for (const [name, reason] of cases) {
      const r = await checker().check(`http://${name}:${host.port}/page`, { hashBody: false });
      assert.equal(r.result, 'refused', name);
      assert.match(r.error ?? '', reason);
      assert.equal(r.httpStatus, null);
    }
    assert.equal(host.requests.length, before, 'no request reached the host');
  });

  it('refuses literal loopback addresses that are not on the allow list', async () => {
    const before = host.requests.length;
    const v4 = await checker().check(`http://127.0.0.2:${host.port}/page`, { hashBody: false });
    assert.equal(v4.result, 'refused');
    assert.match(v4.error ?? '', /address 127\.0\.0\.2 is not allowed \(loopback\)/);
    const v6 = await checker().check(`http://[::1]:${host.port}/page`, { hashBody: false });
    assert.equal(v6.result, 'refused');
    assert.match(v6.error ?? '', /address ::1 is not allowed \(loopback\)/);
    const decimal = await checker().check(`http://2130706434:${host.port}/page`, { hashBody: false }); // 127.0.0.2
    assert.equal(decimal.result, 'refused');
    assert.equal(host.requests.length, before);
    const allowed = await checker().check(`http://127.0.0.1:${host.port}/page`, { hashBody: false });
    assert.equal(allowed.result, 'online', 'the allowed address itself is reachable');
  });

  it('connects to the address it checked when DNS changes its answer (rebinding)', async () => {
    const before = host.requests.length;
    const first = await checker().check(`http://rebind.test:${host.port}/page`, { hashBody: false });
    assert.equal(first.result, 'online');
    assert.equal(resolver.calls.get('rebind.test'), 1, 'one lookup per hop: the connection reused the checked answer');
    // The request arrived with the name in Host: Node did not resolve "rebind.test" itself (it would fail: .test is
    // reserved), it took the address handed over by the checker's pinned lookup.
    assert.deepEqual(host.requests.slice(before).map((q) => q.host), [`rebind.test:${host.port}`]);
    const second = await checker().check(`http://rebind.test:${host.port}/page`, { hashBody: false });
    assert.equal(second.result, 'refused');
    assert.match(second.error ?? '', /192\.168\.1\.10/);
    assert.equal(host.requests.length, before + 1);
  });

  it('gives up on a redirect loop and on too many redirects', async () => {
    const loop = await checker().check(`${base}/loop1`, { hashBody: false });
    assert.equal(loop.result, 'error');
    assert.match(loop.error ?? '', /redirect loop/);
    assert.equal(loop.redirects.length, 2);

    const before = requestsTo('/hop0');
    const many = await checker({ maxRedirects: 3 }).check(`${base}/hop0`, { hashBody: false });
    assert.equal(many.result, 'error');
    assert.match(many.error ?? '', /too many redirects \(more than 3\)/);
    assert.equal(many.redirects.length, 4);
    assert.equal(requestsTo('/hop0'), before + 1);
    assert.equal(requestsTo('/hop4'), 0, 'the fifth redirect target was not fetched');

    const noLocation = await checker().check(`${base}/no-location`, { hashBody: false });
    assert.equal(noLocation.result, 'error');
    assert.equal(noLocation.httpStatus, 302);
  });

  it('times out on a slow server and on a hung resolver', async () => {
    const slow = await checker({ timeoutMs: 300 }).check(`${base}/slow`, { hashBody: false });
    assert.equal(slow.result, 'error');
    assert.match(slow.error ?? '', /timed out after 300 ms/);
    assert.ok(slow.durationMs >= 250 && slow.durationMs < 2000, `took ${slow.durationMs} ms`);

    const dns = await checker({ timeoutMs: 200 }).check('http://hang.test/', { hashBody: false });
    assert.equal(dns.result, 'error');
    assert.match(dns.error ?? '', /timed out after 200 ms resolving hang\.test/);
  });

  it('stops reading a body over the limit and computes no hashes', async () => {
    pdqCalls.length = 0;
    for (const path of ['/large', '/large-chunked']) {
      const r = await checker({ maxBodyBytes: 1000 }).check(`${base}${path}`, { hashBody: true });
      assert.equal(r.result, 'online', path);
      assert.equal(r.httpStatus, 200);
      assert.equal(r.hashes, null);
      assert.equal(r.error, 'body over 1000 bytes: hashes not computed');
    }
    assert.equal(pdqCalls.length, 0);
    const fits = await checker({ maxBodyBytes: 5000 }).check(`${base}/large`, { hashBody: true });
    assert.equal(fits.hashes?.bytes, 5000);
  });

  it('refuses schemes other than http and https, and ports of other protocols', async () => {
    const lookups = [...resolver.calls.values()].reduce((a, b) => a + b, 0);
    for (const url of ['ftp://host.test/x', 'file:///etc/passwd', 'gopher://host.test/', 'javascript:alert(1)', 'data:text/plain,hi']) {
      const r = await checker().check(url, { hashBody: false });
      assert.equal(r.result, 'refused', url);
      assert.match(r.error ?? '', /is not allowed \(http and https only\)/);
    }
    const smtp = await checker().check('http://host.test:25/', { hashBody: false });
    assert.equal(smtp.result, 'refused');
    assert.match(smtp.error ?? '', /port 25/);
    assert.equal([...resolver.calls.values()].reduce((a, b) => a + b, 0), lookups, 'nothing was resolved');

    const bad = await checker().check('not a url', { hashBody: false });
    assert.equal(bad.result, 'error');
    assert.match(bad.error ?? '', /not a valid URL/);
  });

  it('reports a TLS failure as an error', async () => {
    // An https URL pointing at the plain-HTTP fake host: the TLS handshake cannot succeed.
    const r = await checker().check(`https://host.test:${host.port}/page`, { hashBody: false });
    assert.equal(r.result, 'error');
    assert.match(r.error ?? '', /^TLS error/);
  });
});

/** A throw-away self-signed certificate for `name` (openssl must be installed: the test fails without it). */
function selfSignedCert(name: string): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'winnow-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'pipe' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SafeUrlChecker over https', () => {
  let server: https.Server;
  let port: number;
  let cert: string;
  const sniNames: string[] = [];
  const hostHeaders: (string | undefined)[] = [];
  const body = Buffer.from('benign bytes over TLS');
  const resolver = new FakeResolver({ 'tls.test': ['127.0.0.1'], 'wrongname.test': ['127.0.0.1'] });
  const policy = new AddressPolicy(['127.0.0.1']);

  before(async () => {
    const pair = selfSignedCert('tls.test');
    cert = pair.cert;
    const ctx = tls.createSecureContext(pair);
    server = https.createServer({ ...pair, SNICallback: (name, cb) => { sniNames.push(name); cb(null, ctx); } }, (req, res) => {
      hostHeaders.push(req.headers.host);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('connects to the pinned address with the name as SNI, Host and certificate name', async () => {
    const r = await new SafeUrlChecker({ resolver, policy, ca: [cert], timeoutMs: 5000 }).check(`https://tls.test:${port}/p`, { hashBody: true });
    assert.equal(r.result, 'online', r.error ?? '');
    assert.equal(r.hashes?.sha1, sha1(body));
    assert.deepEqual(sniNames, ['tls.test']);
    assert.deepEqual(hostHeaders, [`tls.test:${port}`]);
  });

  it('verifies the certificate against the original name, not the address', async () => {
    const r = await new SafeUrlChecker({ resolver, policy, ca: [cert], timeoutMs: 5000 }).check(`https://wrongname.test:${port}/p`, { hashBody: false });
    assert.equal(r.result, 'error');
    assert.match(r.error ?? '', /^TLS error ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('rejects a certificate no trusted CA signed', async () => {
    const r = await new SafeUrlChecker({ resolver, policy, timeoutMs: 5000 }).check(`https://tls.test:${port}/p`, { hashBody: false });
    assert.equal(r.result, 'error');
    assert.match(r.error ?? '', /^TLS error .*self[- ]signed/i);
    assert.equal(hostHeaders.length, 1, 'no request was sent over the untrusted connection');
  });
});
