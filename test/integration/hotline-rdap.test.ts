import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RdapClient } from '../../src/adapters/hotline/rdap-client.js';
import { UserError } from '../../src/services/errors.js';
import { startFakeRdap, type FakeRdap } from '../helpers/hotline/fake-rdap.js';
import { tempDir } from '../helpers/env.js';

const vcard = (...props: [string, object, string, string][]) => ['vcard', [['version', {}, 'text', '4.0'], ...props]];

/** RIPE style: the abuse role at top level beside the registrant. */
const ripeNet = {
  rdapConformance: ['rdap_level_0'], objectClassName: 'ip network', handle: '192.0.2.0 - 192.0.2.127',
  startAddress: '192.0.2.0', endAddress: '192.0.2.127', ipVersion: 'v4', name: 'EXAMPLE-HOSTING-BE', country: 'BE',
  entities: [
    { objectClassName: 'entity', handle: 'ORG-EH1-RIPE', roles: ['registrant'], vcardArray: vcard(['fn', {}, 'text', 'Example Hosting BV'], ['kind', {}, 'text', 'org']) },
    { objectClassName: 'entity', handle: 'AR1-RIPE', roles: ['abuse'], vcardArray: vcard(['fn', {}, 'text', 'Abuse contact role'], ['email', {}, 'text', 'abuse@hosting.example']) },
  ],
};
/** ARIN style: the abuse entity nested under the registrant, beside a technical contact. */
const arinNet = {
  objectClassName: 'ip network', handle: 'NET6-2001-DB8-1', startAddress: '2001:db8::', endAddress: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', name: 'EXAMPLE-CLOUD-V6',
  entities: [{
    objectClassName: 'entity', handle: 'EC-1', roles: ['registrant'], vcardArray: vcard(['fn', {}, 'text', 'Example Cloud Inc.']),
    entities: [
      { objectClassName: 'entity', handle: 'ABUSE-EC', roles: ['abuse'], vcardArray: vcard(['fn', {}, 'text', 'Abuse'], ['email', {}, 'text', 'abuse@cloud.example']) },
      { objectClassName: 'entity', handle: 'NOC-EC', roles: ['technical'], vcardArray: vcard(['email', {}, 'text', 'noc@cloud.example']) },
    ],
  }],
};
/** APNIC style: two mailboxes with pref (string and number), the abuse entity repeated, a technical+abuse entity with no e-mail. */
const apnicNet = {
  objectClassName: 'ip network', handle: '203.0.113.0 - 203.0.113.127', name: 'EXAMPLE-ISP-AP',
  entities: [
    { roles: ['abuse'], vcardArray: vcard(['email', { pref: '2' }, 'text', 'helpdesk@isp.example'], ['email', { pref: 1 }, 'text', 'abuse@isp.example']) },
    { roles: ['registrant'], vcardArray: vcard(['fn', {}, 'text', 'Example ISP Pty Ltd']), entities: [{ roles: ['abuse'], vcardArray: vcard(['email', {}, 'text', 'ABUSE@isp.example']) }] },
    { roles: ['technical', 'abuse'], vcardArray: vcard(['fn', {}, 'text', 'NOC']) },
  ],
};
const subnetNet = { objectClassName: 'ip network', name: 'EXAMPLE-SUB', entities: [{ roles: ['abuse'], vcardArray: vcard(['email', {}, 'text', 'abuse@sub.example']) }] };
const domainRec = {
  objectClassName: 'domain', ldhName: 'shop.example',
  entities: [
    { roles: ['registrant'], vcardArray: vcard(['fn', {}, 'text', 'REDACTED FOR PRIVACY'], ['email', {}, 'text', 'REDACTED FOR PRIVACY']) },
    { roles: ['registrar'], vcardArray: vcard(['fn', {}, 'text', 'Example Registrar SA']), entities: [{ roles: ['abuse'], vcardArray: vcard(['email', {}, 'text', 'abuse@registrar.example']) }] },
  ],
};
const oversized = { objectClassName: 'ip network', remarks: [{ description: ['x'.repeat(1_200_000)] }] };

let tmp: { dir: string; cleanup: () => void };
let a: FakeRdap;
let b: FakeRdap;
let slow: Server;
let slowBase: string;
let boot: string;
let client: RdapClient;

function writeJson(name: string, json: unknown): string {
  const p = join(tmp.dir, name);
  writeFileSync(p, typeof json === 'string' ? json : JSON.stringify(json));
  return p;
}

const bootFile = (services: [string[], string[]][]) => ({ version: '1.0', publication: '2026-11-30T18:00:01Z', description: 'test', services });

before(async () => {
  tmp = tempDir('winnow-rdap-');
  const bRedirects: Record<string, string> = {};
  b = await startFakeRdap({ ip: { '203.0.113.0/25': apnicNet, '192.0.2.128/25': subnetNet }, redirect: bRedirects });
  a = await startFakeRdap({
    ip: { '192.0.2.0/24': ripeNet, '2001:db8::/32': arinNet, '198.18.0.0/15': oversized },
    domain: { 'shop.example': domainRec },
    redirect: { '203.0.113.0/24': b.baseUrl },
  });
  // b sends the upper half of 203.0.113.0/24 back to a: a second redirect, which the client must not follow.
  bRedirects['203.0.113.128/25'] = a.baseUrl;
  // A server that never answers, except one path that streams without end (no Content-Length).
  slow = createServer((req, res) => {
    if (req.url === '/rdap/ip/100.64.0.2') {
      res.writeHead(200, { 'content-type': 'application/rdap+json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => { while (res.write(chunk)); };
      res.on('drain', pump);
      pump();
    }
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
  slowBase = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/rdap/`;

  boot = join(tmp.dir, 'bootstrap');
  await RdapClient.importBootstrap(boot, writeJson('ipv4.json', bootFile([
    [['192.0.2.0/24', '198.18.0.0/15', '203.0.113.0/24', '10.0.0.0/8'], [a.baseUrl]],
    [['192.0.2.128/25'], [b.baseUrl.replace(/\/$/, '')]],
    [['100.64.0.0/10'], [slowBase]],
  ])));
  await RdapClient.importBootstrap(boot, writeJson('ipv6.json', bootFile([[['2001:db8::/32'], [a.baseUrl]]])));
  await RdapClient.importBootstrap(boot, writeJson('dns.json', bootFile([[['example', 'shop.test'], [a.baseUrl]], [['test'], [slowBase]]])));
  client = new RdapClient({ bootstrapDir: boot, allowHttp: true, timeoutMs: 700 });
});

after(async () => {
  await a.close();
  await b.close();
  slow.closeAllConnections();
  await new Promise<void>((r) => slow.close(() => r()));
  tmp.cleanup();
});

test('bootstrap import: good files are stored by kind, bad files refused', async () => {
  const dir = join(tmp.dir, 'boot2');
  const r = await RdapClient.importBootstrap(dir, writeJson('some-name.json', bootFile([[['2001:db8::/32', '2001:db9::/32'], ['https://rdap.example.net/']]])));
  assert.deepEqual(r, { kind: 'ipv6', services: 1, publication: '2026-11-30T18:00:01Z' });
  assert.ok(existsSync(join(dir, 'ipv6.json')));
  const asn = await RdapClient.importBootstrap(dir, writeJson('asn.json', bootFile([[['1-1876', '64496-64511'], ['https://rdap.example.net/']]])));
  assert.equal(asn.kind, 'asn');

  const bad: [string, unknown, RegExp][] = [
    ['notjson.json', '{ "version": ', /invalid JSON/],
    ['noservices.json', { version: '1.0', publication: '2026-11-30T18:00:01Z', services: [] }, /no "services"/],
    ['nopub.json', { version: '1.0', services: [[['example'], ['https://x.example/']]] }, /publication/],
    ['mixed.json', bootFile([[['192.0.2.0/24', 'example'], ['https://x.example/']]]), /several kinds/],
    ['badurl.json', bootFile([[['example'], ['ftp://x.example/']]]), /not an http\(s\) URL/],
    ['badkey.json', bootFile([[['192.0.2.1/8'], ['https://x.example/']]]), /is not a CIDR prefix/],
    ['shape.json', { version: '1.0', publication: '2026-11-30T18:00:01Z', services: [['example', 'https://x.example/']] }, /not \[\[keys\], \[urls\]\]/],
  ];
  for (const [name, json, why] of bad) {
    await assert.rejects(RdapClient.importBootstrap(dir, writeJson(name, json)), (e: unknown) => e instanceof UserError && why.test(e.message), name);
  }
  await assert.rejects(RdapClient.importBootstrap(dir, join(tmp.dir, 'missing.json')), /cannot read/);
  assert.equal(JSON.parse(readFileSync(join(dir, 'ipv6.json'), 'utf8')).services[0][0][1], '2001:db9::/32', 'bad imports left the stored file alone');
});

test('IPv4: RIPE-style top-level abuse entity', async () => {
  const r = await client.abuseContacts('192.0.2.10', null);
  assert.deepEqual(r, {
    contacts: [{ email: 'abuse@hosting.example', scope: 'hosting', org: 'Example Hosting BV', source: `${a.baseUrl}ip/192.0.2.10` }],
    queried: [{ url: `${a.baseUrl}ip/192.0.2.10`, status: 200 }],
  });
});

test('the longest bootstrap prefix wins (base URL without trailing slash too)', async () => {
  const r = await client.abuseContacts('192.0.2.200', null);
  assert.deepEqual(r.contacts.map((c) => c.email), ['abuse@sub.example']);
  assert.equal(r.queried[0]!.url, `${b.baseUrl}ip/192.0.2.200`);
});

test('IPv6: ARIN-style abuse entity nested under the registrant', async () => {
  const r = await client.abuseContacts('2001:DB8::0:42', null);
  assert.deepEqual(r.contacts, [{ email: 'abuse@cloud.example', scope: 'hosting', org: 'Example Cloud Inc.', source: `${a.baseUrl}ip/2001:db8::42` }]);
});

test('domain: the registrar\'s abuse contact; with an IP both, hosting first', async () => {
  const r = await client.abuseContacts('192.0.2.10', 'Shop.Example.');
  assert.deepEqual(r.contacts.map((c) => [c.scope, c.email, c.org]), [
    ['hosting', 'abuse@hosting.example', 'Example Hosting BV'],
    ['registrar', 'abuse@registrar.example', 'Example Registrar SA'],
  ]);
  assert.deepEqual(r.queried.map((q) => [q.url, q.status]), [[`${a.baseUrl}ip/192.0.2.10`, 200], [`${a.baseUrl}domain/shop.example`, 200]]);
});

test('one redirect is followed (RIR to RIR); pref order and duplicates handled', async () => {
  const r = await client.abuseContacts('203.0.113.10', null);
  assert.deepEqual(r.queried, [{ url: `${a.baseUrl}ip/203.0.113.10`, status: 302 }, { url: `${b.baseUrl}ip/203.0.113.10`, status: 200 }]);
  assert.deepEqual(r.contacts.map((c) => c.email), ['abuse@isp.example', 'helpdesk@isp.example']);
  assert.ok(r.contacts.every((c) => c.source === `${b.baseUrl}ip/203.0.113.10`));
  assert.equal(r.contacts[0]!.org, 'Example ISP Pty Ltd');
});

test('a second redirect is not followed', async () => {
  const r = await client.abuseContacts('203.0.113.200', null);
  assert.equal(r.queried.length, 2);
  assert.deepEqual(r.queried.map((q) => q.status), [302, 302]);
  assert.match(r.queried[1]!.error ?? '', /second redirect/);
  assert.deepEqual(r.contacts, []);
});

test('404 is recorded, not thrown', async () => {
  const r = await client.abuseContacts('10.1.2.3', 'unknown.example');
  assert.deepEqual(r.contacts, []);
  assert.deepEqual(r.queried, [
    { url: `${a.baseUrl}ip/10.1.2.3`, status: 404, error: 'HTTP 404' },
    { url: `${a.baseUrl}domain/unknown.example`, status: 404, error: 'HTTP 404' },
  ]);
});

test('a server that never answers: bounded by the timeout', async () => {
  const t0 = Date.now();
  const r = await client.abuseContacts('100.64.1.1', 'slow.test');
  assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  assert.deepEqual(r.queried.map((q) => [q.url, q.status]), [[`${slowBase}ip/100.64.1.1`, null], [`${slowBase}domain/slow.test`, null]]);
  for (const q of r.queried) assert.match(q.error ?? '', /no answer within 700 ms/);
  assert.equal((await client.abuseContacts(null, 'www.shop.test')).queried[0]!.status, 404, 'the longest label suffix wins');
});

test('oversized answers are refused: declared length and endless stream', async () => {
  const r = await client.abuseContacts('198.18.0.1', null);
  assert.deepEqual(r.queried, [{ url: `${a.baseUrl}ip/198.18.0.1`, status: 200, error: 'response larger than 1048576 bytes' }]);
  const t0 = Date.now();
  const s = await client.abuseContacts('100.64.0.2', null);
  assert.equal(s.queried[0]!.error, 'response larger than 1048576 bytes');
  assert.ok(Date.now() - t0 < 700, 'stopped at the size limit, before the time limit');
});

test('missing bootstrap, uncovered address, http refused, bad input, connection errors: all in `queried`', async () => {
  const empty = new RdapClient({ bootstrapDir: join(tmp.dir, 'no-bootstrap'), allowHttp: true });
  assert.deepEqual((await empty.abuseContacts('192.0.2.1', null)).queried, [{ url: 'rdap-bootstrap:ipv4.json', status: null, error: 'no ipv4 RDAP bootstrap file imported' }]);
  assert.match((await client.abuseContacts('8.8.8.8', null)).queried[0]!.error!, /no RDAP server in the bootstrap file covers it/);
  const corrupt = join(tmp.dir, 'corrupt-bootstrap');
  mkdirSync(corrupt);
  writeFileSync(join(corrupt, 'ipv4.json'), '{"version": "1.0"');
  assert.match((await new RdapClient({ bootstrapDir: corrupt }).abuseContacts('192.0.2.1', null)).queried[0]!.error!, /stored ipv4 bootstrap file is unusable/);
  const strict = new RdapClient({ bootstrapDir: boot });
  assert.match((await strict.abuseContacts('192.0.2.1', null)).queried[0]!.error!, /only plain-http RDAP servers/);
  assert.match((await client.abuseContacts('not-an-ip', 'bad domain')).queried.map((q) => q.error).join('|'), /not an IP address\|not a domain name/);
  const refusing = new RdapClient({
    bootstrapDir: boot, allowHttp: true,
    fetch: (async () => { throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }); }) as typeof fetch,
  });
  assert.deepEqual((await refusing.abuseContacts('192.0.2.1', null)).queried, [{ url: `${a.baseUrl}ip/192.0.2.1`, status: null, error: 'ECONNREFUSED' }]);
});
