import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { NetworkDatasets } from '../../src/adapters/hotline/network-datasets.js';
import { UserError } from '../../src/services/errors.js';
import { REPO, tempDir } from '../helpers/env.js';

const FIX = join(REPO, 'test', 'fixtures', 'hotline');
const RIR = join(FIX, 'delegated-ripencc-extended-sample.txt');
const V4 = join(FIX, 'ip2asn-v4-sample.tsv');
const V6 = join(FIX, 'ip2asn-v6-sample.tsv');

let tmp: { dir: string; cleanup: () => void };
let netdata: string;
let nd: NetworkDatasets;

before(async () => {
  tmp = tempDir('winnow-netdata-');
  netdata = join(tmp.dir, 'netdata');
  const rir = await NetworkDatasets.importFile(netdata, RIR, 'rir-delegated');
  // 9 allocated/assigned IP blocks; asn, header, summary, available and reserved lines are valid but not stored.
  assert.deepEqual(rir, { kind: 'rir-delegated', name: 'delegated-ripencc-extended-sample.txt', ranges: 8, skipped: 0, errors: [] });
  const v4 = await NetworkDatasets.importFile(netdata, V4, 'ip2asn');
  assert.equal(v4.ranges, 9); // the AS 0 line is not stored
  assert.equal(v4.skipped, 0);
  const v6 = await NetworkDatasets.importFile(netdata, V6, 'ip2asn');
  assert.equal(v6.ranges, 4);
  nd = await NetworkDatasets.load(netdata);
});

after(() => tmp.cleanup());

test('IPv4: ip2asn and RIR merged, with sources', () => {
  assert.deepEqual(nd.lookup('192.0.2.10'), {
    ip: '192.0.2.10', asn: 64500, prefix: '192.0.2.0/25', org: 'EXAMPLE-HOSTING-BE Example Hosting BV', country: 'BE',
    registry: 'ripencc', cdn: null,
    sources: ['ip2asn:ip2asn-v4-sample.tsv', 'rir:delegated-ripencc-extended-sample.txt'],
  });
});

test('IPv4 range edges', () => {
  assert.equal(nd.lookup('192.0.2.0').asn, 64500);
  assert.equal(nd.lookup('192.0.2.127').asn, 64500);
  assert.equal(nd.lookup('192.0.2.128').asn, 64501);
  assert.equal(nd.lookup('192.0.2.128').prefix, '192.0.2.128/25');
  assert.equal(nd.lookup('192.0.2.255').asn, 64501);
  assert.equal(nd.lookup('192.0.3.0').asn, null);
  const last = nd.lookup('203.0.113.191');
  assert.equal(last.asn, 64503);
  assert.equal(last.prefix, '203.0.113.0-203.0.113.191', 'a range that is not one CIDR block is given as start-end');
  const after = nd.lookup('203.0.113.192');
  assert.equal(after.asn, null);
  assert.equal(after.prefix, '203.0.113.0/24', 'the RIR block fills the prefix');
  assert.equal(after.country, 'DE');
  assert.deepEqual(after.sources, ['rir:delegated-ripencc-extended-sample.txt']);
  assert.equal(nd.lookup('2.15.255.255').country, 'FR');
  assert.equal(nd.lookup('2.15.255.255').registry, 'ripencc');
  assert.equal(nd.lookup('2.16.0.0').registry, null);
  // A non-power-of-two RIR block: 768 addresses.
  assert.equal(nd.lookup('185.10.2.255').country, 'GB');
  assert.equal(nd.lookup('185.10.3.0').registry, null);
});

test('IPv6 lookups and edges; IPv4-mapped IPv6 counts as IPv4', () => {
  const a = nd.lookup('2001:DB8:0:0::1');
  assert.equal(a.ip, '2001:db8::1');
  assert.equal(a.asn, 64500);
  assert.equal(a.prefix, '2001:db8::/32');
  assert.equal(a.registry, 'ripencc');
  assert.equal(nd.lookup('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff').asn, 64500);
  assert.equal(nd.lookup('2001:db9::').asn, null, 'AS 0 = not routed');
  assert.equal(nd.lookup('2a10:3787:ffff::1').country, 'NL');
  assert.equal(nd.lookup('2a10:3787:ffff::1').asn, null, 'RIR /29 is wider than the announced /32');
  assert.equal(nd.lookup('2a10:3780::5').asn, 64501);
  assert.equal(nd.lookup('2a02:18ff::1').country, 'BE');
  assert.equal(nd.lookup('2a02:1900::1').country, null);
  const mapped = nd.lookup('::ffff:192.0.2.200');
  assert.equal(mapped.ip, '192.0.2.200');
  assert.equal(mapped.asn, 64501);
});

test('not found and not an address', () => {
  assert.deepEqual(nd.lookup('8.8.8.8'), { ip: '8.8.8.8', asn: null, prefix: null, org: null, country: null, registry: null, cdn: null, sources: [] });
  assert.equal(nd.lookup('1.0.2.3').asn, null, 'AS 0 range');
  assert.deepEqual(nd.lookup('not-an-ip').sources, []);
  assert.equal(nd.lookup('999.1.1.1').asn, null);
});

test('merging: RIR country when ip2asn has none', () => {
  const r = nd.lookup('198.51.100.5');
  assert.equal(r.asn, 64502);
  assert.equal(r.country, 'NL');
  assert.equal(r.registry, 'ripencc');
  assert.equal(r.prefix, '198.51.100.0/24');
});

test('CDN flag from the built-in list, and from an imported list that overrides it', async () => {
  const cf = nd.lookup('104.16.1.1');
  assert.equal(cf.cdn, 'Cloudflare');
  assert.ok(cf.sources.includes('cdn:builtin'));
  assert.equal(nd.lookup('2606:4700::1111').cdn, 'Cloudflare');
  assert.equal(nd.lookup('151.101.1.1').cdn, 'Fastly');
  assert.equal(nd.lookup('2.16.5.5').cdn, 'Akamai');
  assert.equal(nd.lookup('192.0.2.200').cdn, null);

  const list = join(tmp.dir, 'my-cdns.txt');
  writeFileSync(list, '# local additions\n64501\tExample Edge\nAS13335 Cloudflare (reviewed)\n\nnot a line\n');
  const res = await NetworkDatasets.importFile(netdata, list, 'cdn-list');
  assert.equal(res.ranges, 2);
  assert.equal(res.skipped, 1);
  assert.match(res.errors[0]!, /^line 5: /);
  const nd2 = await NetworkDatasets.load(netdata);
  const edge = nd2.lookup('192.0.2.200');
  assert.equal(edge.cdn, 'Example Edge');
  assert.ok(edge.sources.includes('cdn:my-cdns.txt'));
  assert.equal(nd2.lookup('104.16.1.1').cdn, 'Cloudflare (reviewed)');
  assert.equal(nd2.lookup('151.101.1.1').cdn, 'Fastly', 'built-in entries remain');
});

test('bad lines are skipped and counted, the first 20 errors kept', async () => {
  const lines = ['192.0.2.0\t192.0.2.255\t64500\tBE\tGOOD-ONE', '10.0.0.0\t10.0.0.255\t64511\tBE\tOVERLAPS', '10.0.0.128\t10.0.1.255\t64512\tBE\tOVERLAPPED'];
  for (let i = 0; i < 24; i++) lines.push(`10.9.${i}.0\t10.9.${i}.x\t1\tBE\tbad`);
  lines.push('10.1.0.0\t10.0.0.0\t1\tBE\treversed', '10.2.0.0\t2001:db8::\t1\tBE\tmixed', '10.3.0.0\t10.3.0.9\tASX\tBE\tbad asn', '10.4.0.0\t10.4.0.9\t7\tBEL\tbad cc', 'short\tline');
  const file = join(tmp.dir, 'bad.tsv');
  writeFileSync(file, lines.join('\n') + '\n');
  const res = await NetworkDatasets.importFile(netdata, file, 'ip2asn');
  assert.equal(res.ranges, 2);
  assert.equal(res.skipped, 24 + 5 + 1);
  assert.equal(res.errors.length, 20);
  assert.equal(res.errors[0], 'line 4: not an IP address: 10.9.0.x');
  const stored = readFileSync(join(netdata, 'ip2asn', 'bad.tsv'), 'utf8').split('\n');
  assert.match(stored[0]!, /^# winnow-netdata kind=ip2asn name=bad\.tsv imported=\S+ entries=2$/);
  assert.deepEqual(stored.slice(1, 3), ['10.0.0.0\t10.0.0.255\t64511\tBE\tOVERLAPS', '192.0.2.0\t192.0.2.255\t64500\tBE\tGOOD-ONE'], 'sorted');

  const few = join(tmp.dir, 'few-bad.tsv');
  writeFileSync(few, '10.5.0.0\t10.5.0.255\t7\tBE\tok\n10.6.0.0\t10.5.0.0\t7\tBE\treversed\n10.7.0.0\t10.7.0.255\t8\tBE\tok\n10.7.0.5\t10.7.0.6\t9\tBE\tinside\n');
  const r2 = await NetworkDatasets.importFile(netdata, few, 'ip2asn');
  assert.deepEqual(r2.errors, ['line 2: range start is after range end', 'line 4: overlaps another range of the file']);
  assert.equal(r2.skipped, 2);

  const rirBad = join(tmp.dir, 'delegated-bad.txt');
  writeFileSync(rirBad, 'ripencc|BE|ipv4|192.0.2.0|256|20100101|allocated|x\nripencc|BE|ipv4|192.0.2.1|xyz|20100101|allocated|x\nfoonic|BE|ipv4|198.51.100.0|256|20100101|allocated|x\nripencc|BE|ipv6|2001:db8::1|32|20100101|allocated|x\n');
  const r3 = await NetworkDatasets.importFile(netdata, rirBad, 'rir-delegated');
  assert.equal(r3.ranges, 1);
  assert.deepEqual(r3.errors, ['line 2: value is not a number: xyz', 'line 3: unknown registry foonic', 'line 4: bad ipv6 block 2001:db8::1 32']);
});

test('a file that is not of the declared kind at all is refused; the source is never modified', async () => {
  const srcBefore = readFileSync(RIR);
  await assert.rejects(NetworkDatasets.importFile(netdata, RIR, 'ip2asn'), (e: unknown) => e instanceof UserError && /is not a ip2asn file/.test(e.message));
  await assert.rejects(NetworkDatasets.importFile(netdata, V4, 'rir-delegated'), UserError);
  await assert.rejects(NetworkDatasets.importFile(netdata, V4, 'cdn-list'), UserError);
  const empty = join(tmp.dir, 'empty.tsv');
  writeFileSync(empty, '');
  await assert.rejects(NetworkDatasets.importFile(netdata, empty, 'ip2asn'), /no data lines/);
  await assert.rejects(NetworkDatasets.importFile(netdata, join(tmp.dir, 'missing.tsv'), 'ip2asn'), (e: unknown) => e instanceof UserError && /cannot read/.test(e.message));
  assert.deepEqual(readFileSync(RIR), srcBefore);
  assert.ok(!readdirSync(join(netdata, 'ip2asn')).includes('delegated-ripencc-extended-sample.txt'));
});

test('re-import of the same file name replaces the earlier one; gzip is read', async () => {
  const dir = join(tmp.dir, 'netdata-replace');
  const a = join(tmp.dir, 'a');
  const b = join(tmp.dir, 'b');
  mkdirSync(a);
  mkdirSync(b);
  writeFileSync(join(a, 'iptoasn.tsv'), '192.0.2.0\t192.0.2.255\t64500\tBE\tOLD-HOST\n');
  writeFileSync(join(b, 'iptoasn.tsv.gz'), gzipSync('192.0.2.0\t192.0.2.255\t64599\tNL\tNEW-HOST\n'));
  await NetworkDatasets.importFile(dir, join(a, 'iptoasn.tsv'), 'ip2asn');
  assert.equal((await NetworkDatasets.load(dir)).lookup('192.0.2.1').org, 'OLD-HOST');
  const res = await NetworkDatasets.importFile(dir, join(b, 'iptoasn.tsv.gz'), 'ip2asn');
  assert.equal(res.name, 'iptoasn.tsv');
  const loaded = await NetworkDatasets.load(dir);
  const r = loaded.lookup('192.0.2.1');
  assert.equal(r.org, 'NEW-HOST');
  assert.equal(r.asn, 64599);
  assert.deepEqual(loaded.datasets.map((d) => `${d.kind}:${d.name}:${d.entries}`), ['ip2asn:iptoasn.tsv:1']);
  assert.deepEqual(readdirSync(join(dir, 'ip2asn')), ['iptoasn.tsv'], 'no temporary files left');
});

test('an empty or missing dataset directory loads; a foreign file in it is reported', async () => {
  const none = await NetworkDatasets.load(join(tmp.dir, 'nothing-here'));
  assert.equal(none.lookup('192.0.2.1').asn, null);
  assert.deepEqual(none.datasets, []);
  const dir = join(tmp.dir, 'netdata-foreign');
  mkdirSync(join(dir, 'ip2asn'), { recursive: true });
  writeFileSync(join(dir, 'ip2asn', 'dropped-by-hand.tsv'), '192.0.2.0\t192.0.2.255\t64500\tBE\tX\n');
  await assert.rejects(NetworkDatasets.load(dir), (e: unknown) => e instanceof UserError && /not a network dataset stored by Winnow/.test(e.message));
});
