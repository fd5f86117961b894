import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { DnsHostResolver } from '../../src/adapters/hotline/dns-resolver.js';
import { startFakeDns, type FakeDns } from '../helpers/hotline/fake-dns.js';

let dns: FakeDns;
let resolver: DnsHostResolver;

before(async () => {
  dns = await startFakeDns({
    'site.example': { A: ['192.0.2.10', '192.0.2.11'] },
    'v6only.example': { AAAA: ['2001:db8::10'] },
    'dual.example': { A: ['198.51.100.7'], AAAA: ['2001:db8:1::7'] },
    'www.shop.example': { CNAME: 'shop.cdn.example' },
    'shop.cdn.example': { CNAME: 'edge7.cdn.example.' },
    'edge7.cdn.example': { A: ['203.0.113.77'] },
    'loop-a.example': { CNAME: 'loop-b.example' },
    'loop-b.example': { CNAME: 'loop-a.example' },
    'empty.example': {},
    'c1.example': { CNAME: 'c2.example' },
    'c2.example': { CNAME: 'c3.example' },
    'c3.example': { CNAME: 'c4.example' },
    'c4.example': { A: ['192.0.2.44'] },
  });
  resolver = new DnsHostResolver({ servers: [dns.address], timeoutMs: 2000 });
});

after(async () => {
  await dns.close();
});

test('A records, in server order, no CNAME', async () => {
  const r = await resolver.resolve('Site.Example.');
  assert.deepEqual(r, { host: 'site.example', cnameChain: [], addresses: ['192.0.2.10', '192.0.2.11'] });
});

test('AAAA only, and IPv4 before IPv6 when both exist', async () => {
  assert.deepEqual((await resolver.resolve('v6only.example')).addresses, ['2001:db8::10']);
  const dual = await resolver.resolve('dual.example');
  assert.deepEqual(dual.addresses, ['198.51.100.7', '2001:db8:1::7']);
  assert.equal(dual.error, undefined);
});

test('a CNAME chain of 2 is followed step by step and recorded', async () => {
  const r = await resolver.resolve('www.shop.example');
  assert.deepEqual(r.cnameChain, ['shop.cdn.example', 'edge7.cdn.example']);
  assert.deepEqual(r.addresses, ['203.0.113.77']);
  assert.equal(r.error, undefined);
  assert.ok(dns.queries.includes('CNAME shop.cdn.example'));
  assert.ok(dns.queries.includes('A edge7.cdn.example'));
});

test('a CNAME loop stops with ECNAMELOOP', async () => {
  const r = await resolver.resolve('loop-a.example');
  assert.equal(r.error, 'ECNAMELOOP');
  assert.deepEqual(r.cnameChain, ['loop-b.example', 'loop-a.example']);
  assert.deepEqual(r.addresses, []);
});

test('the CNAME depth is bounded', async () => {
  const shallow = new DnsHostResolver({ servers: [dns.address], timeoutMs: 2000, maxCnameDepth: 2 });
  const r = await shallow.resolve('c1.example');
  assert.equal(r.error, 'ECNAMEDEPTH');
  assert.deepEqual(r.cnameChain, ['c2.example', 'c3.example']);
  assert.deepEqual((await resolver.resolve('c1.example')).addresses, ['192.0.2.44']);
});

test('NXDOMAIN → ENOTFOUND; a name without addresses → ENODATA', async () => {
  const nx = await resolver.resolve('nope.example');
  assert.equal(nx.error, 'ENOTFOUND');
  assert.deepEqual(nx.addresses, []);
  assert.equal((await resolver.resolve('empty.example')).error, 'ENODATA');
});

test('IP literals resolve to themselves without any query', async () => {
  const before = dns.queries.length;
  assert.deepEqual(await resolver.resolve('192.0.2.1'), { host: '192.0.2.1', cnameChain: [], addresses: ['192.0.2.1'] });
  assert.deepEqual((await resolver.resolve('[2001:db8::1]')).addresses, ['2001:db8::1']);
  assert.equal(dns.queries.length, before);
});

test('answers that change later are seen (hosting move / rebinding)', async () => {
  assert.deepEqual((await resolver.resolve('site.example')).addresses, ['192.0.2.10', '192.0.2.11']);
  dns.set('site.example', { A: ['127.0.0.1'] });
  assert.deepEqual((await resolver.resolve('site.example')).addresses, ['127.0.0.1']);
  dns.set('site.example', null);
  assert.equal((await resolver.resolve('site.example')).error, 'ENOTFOUND');
});

test('an invalid name is refused without a query', async () => {
  const before = dns.queries.length;
  assert.equal((await resolver.resolve('bad name!.example')).error, 'EBADNAME');
  assert.equal(dns.queries.length, before);
});

test('a server that never answers → ETIMEOUT within the timeout', async () => {
  const silent: Socket = createSocket('udp4');
  await new Promise<void>((res) => silent.bind(0, '127.0.0.1', () => res()));
  try {
    const r = new DnsHostResolver({ servers: [`127.0.0.1:${silent.address().port}`], timeoutMs: 300 });
    const t0 = Date.now();
    const ans = await r.resolve('site.example');
    assert.equal(ans.error, 'ETIMEOUT');
    assert.ok(Date.now() - t0 < 5000, 'bounded time');
  } finally {
    await new Promise<void>((res) => silent.close(() => res()));
  }
});
