import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Reader, type Response } from 'mmdb-lib';
import { NetworkDatasets } from '../../src/adapters/hotline/network-datasets.js';
import { UserError } from '../../src/services/errors.js';
import { REPO, tempDir } from '../helpers/env.js';
import { METADATA_MARKER, u16, writeMmdb, type MmdbNetwork } from '../helpers/hotline/mmdb-writer.js';

const FIX = join(REPO, 'test', 'fixtures', 'hotline');
const RIR = join(FIX, 'delegated-ripencc-extended-sample.txt');
const V4 = join(FIX, 'ip2asn-v4-sample.tsv');

let tmp: { dir: string; cleanup: () => void };
let asnFile: string;
let countryFile: string;

const asnRec = (asn: number, org: string) => ({ autonomous_system_number: asn, autonomous_system_organization: org });
const countryRec = (iso: string) => ({ continent: { code: 'EU', names: { en: 'Europe' } }, country: { geoname_id: 1, iso_code: iso, names: { en: `Land ${iso}` } } });

/** GeoLite2-ASN style, IPv6 tree. */
const ASN_NETWORKS: MmdbNetwork[] = [
  { network: '192.0.2.0/24', data: asnRec(65001, 'MMDB-ASN-192') },
  { network: '198.51.100.0/24', data: asnRec(64502, 'MMDB-ORG-FOR-64502') },
  { network: '100.64.0.0/16', data: asnRec(65010, 'MMDB-ONLY-HOSTING') },
  { network: '100.65.0.0/16', data: asnRec(13335, 'CLOUDFLARENET') },
  { network: '2001:db8:1::/48', data: asnRec(65020, 'MMDB-V6-HOSTING') },
];
/** GeoLite2-Country style, IPv4-only tree; one record has only registered_country. */
const COUNTRY_NETWORKS: MmdbNetwork[] = [
  { network: '192.0.2.0/24', data: countryRec('FR') },
  { network: '198.51.100.0/24', data: countryRec('LU') },
  { network: '100.64.0.0/10', data: countryRec('SE') },
  { network: '100.64.8.0/22', data: { registered_country: { iso_code: 'NO' } } },
  { network: '203.0.113.192/26', data: countryRec('AT') },
  { network: '10.20.0.0/16', data: countryRec('PT') },
];

before(() => {
  tmp = tempDir('winnow-mmdb-');
  asnFile = join(tmp.dir, 'GeoLite2-ASN.mmdb');
  writeFileSync(asnFile, writeMmdb(ASN_NETWORKS, { ipVersion: 6, databaseType: 'GeoLite2-ASN' }));
  countryFile = join(tmp.dir, 'GeoLite2-Country.mmdb');
  writeFileSync(countryFile, writeMmdb(COUNTRY_NETWORKS, { ipVersion: 4, databaseType: 'GeoLite2-Country', languages: ['en', 'de'] }));
});

after(() => tmp.cleanup());

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);

test('writer round trip through mmdb-lib: IPv6 tree with IPv4 at ::/96, value types, prefixes, metadata', () => {
  const long = 'x'.repeat(300);
  const huge = 'y'.repeat(70_000);
  const buf = writeMmdb([
    { network: '10.0.0.0/8', data: { name: 'wide', n: 7, flag: true, list: ['a', 'b'], nested: { deeper: { v: 1.5 } } } },
    { network: '10.1.2.0/24', data: { name: 'narrow', big: 2n ** 40n, small: u16(65535), neg: -5, long } },
    { network: '2001:db8::/32', data: { name: 'v6', huge } },
    { network: '2001:db8:ff00::/40', data: { name: 'v6-narrow' } },
    { network: '192.0.2.1/32', data: { name: 'wide', n: 7, flag: true, list: ['a', 'b'], nested: { deeper: { v: 1.5 } } } },
  ], { ipVersion: 6, databaseType: 'Winnow-Test', description: { en: 'round trip' }, buildEpoch: 1_750_000_000 });
  const r = new Reader<Response>(buf);
  assert.equal(r.metadata.databaseType, 'Winnow-Test');
  assert.equal(r.metadata.ipVersion, 6);
  assert.equal(r.metadata.recordSize, 24);
  assert.equal(r.metadata.binaryFormatMajorVersion, 2);
  assert.equal(r.metadata.binaryFormatMinorVersion, 0);
  assert.deepEqual(r.metadata.languages, ['en']);
  assert.deepEqual(r.metadata.description, { en: 'round trip' });
  assert.equal(r.metadata.buildEpoch.toISOString(), new Date(1_750_000_000_000).toISOString());

  const [wide, wideLen] = r.getWithPrefixLength('10.200.3.4') as [unknown, number];
  assert.deepEqual(wide, { name: 'wide', n: 7, flag: true, list: ['a', 'b'], nested: { deeper: { v: 1.5 } } });
  assert.equal(wideLen, 9, 'the /8 is split along the path to the /24: 10.128.0.0/9 is one of its pieces');
  const [narrow, narrowLen] = r.getWithPrefixLength('10.1.2.255') as [Record<string, unknown>, number];
  assert.equal(narrowLen, 24);
  assert.equal(narrow.name, 'narrow');
  assert.equal(BigInt(narrow.big as bigint | number | string), 2n ** 40n);
  assert.equal(narrow.small, 65535);
  assert.equal(narrow.neg, -5);
  assert.equal(narrow.long, long);
  assert.equal((r.get('10.1.3.0') as Record<string, unknown>).name, 'wide', 'the wider network remains around the narrower one');
  assert.equal(r.getWithPrefixLength('10.1.3.0')[1], 24, 'the split wide network: 10.1.3.0/24 is its own record');
  assert.equal(r.getWithPrefixLength('192.0.2.1')[1], 32);
  assert.deepEqual(r.get('192.0.2.1'), wide, 'an identical record is shared');
  assert.equal(r.get('192.0.2.2'), null);
  assert.equal(r.get('11.0.0.1'), null);
  const [v6, v6Len] = r.getWithPrefixLength('2001:db8:1::1') as [Record<string, unknown>, number];
  assert.equal(v6.name, 'v6');
  assert.equal(v6.huge, huge);
  assert.equal(v6Len, 33, '2001:db8::/32 split by the /40: 2001:db8::/33 is the lower piece');
  assert.deepEqual(r.getWithPrefixLength('2001:db8:ff12::1'), [{ name: 'v6-narrow' }, 40]);
  assert.equal(r.get('2001:db9::1'), null);
  assert.equal((r.get('::ffff:10.1.2.3') as Record<string, unknown>).name, 'narrow', '::ffff:0:0/96 is aliased to the IPv4 subtree');
  assert.equal((r.get('::10.1.2.3') as Record<string, unknown>).name, 'narrow');
});

test('writer round trip: IPv4-only tree', () => {
  const buf = writeMmdb([
    { network: '0.0.0.0/1', data: { half: 'low' } },
    { network: '128.0.0.0/1', data: { half: 'high' } },
    { network: '255.255.255.255/32', data: { half: 'last' } },
  ], { ipVersion: 4, databaseType: 'V4-Only' });
  const r = new Reader<Response>(buf);
  assert.equal(r.metadata.ipVersion, 4);
  assert.deepEqual(r.getWithPrefixLength('1.2.3.4'), [{ half: 'low' }, 1]);
  assert.deepEqual(r.getWithPrefixLength('200.1.1.1'), [{ half: 'high' }, 3], '128.0.0.0/1 split along the path to the /32: 192.0.0.0/3');
  assert.deepEqual(r.getWithPrefixLength('255.255.255.254'), [{ half: 'high' }, 32]);
  assert.deepEqual(r.getWithPrefixLength('255.255.255.255'), [{ half: 'last' }, 32]);
  assert.throws(() => writeMmdb([{ network: '2001:db8::/32', data: {} }], { ipVersion: 4, databaseType: 'x' }), /IPv6 network/);
  assert.equal(buf.indexOf(METADATA_MARKER) > 0, true);
});

test('28- and 32-bit records: read by mmdb-lib and walked by the import', async () => {
  for (const recordSize of [28, 32] as const) {
    const file = join(tmp.dir, `GeoLite2-ASN-${recordSize}.mmdb`);
    writeFileSync(file, writeMmdb(ASN_NETWORKS, { ipVersion: 6, databaseType: 'GeoLite2-ASN', recordSize }));
    const r = new Reader<Response>(readFileSync(file));
    assert.equal(r.metadata.recordSize, recordSize);
    assert.deepEqual(r.getWithPrefixLength('2001:db8:1::9'), [asnRec(65020, 'MMDB-V6-HOSTING'), 48]);
    const dir = join(tmp.dir, `netdata-${recordSize}`);
    assert.equal((await NetworkDatasets.importFile(dir, file, 'mmdb')).ranges, 5);
    assert.equal((await NetworkDatasets.load(dir)).lookup('100.64.3.3').asn, 65010);
  }
});

test('without the ::ffff:0:0/96 alias an IPv4-mapped address finds nothing in mmdb-lib (the alias is what answers)', () => {
  const net = [{ network: '10.0.0.0/8', data: { v: 'x' } }];
  assert.equal(new Reader<Response>(writeMmdb(net, { ipVersion: 6, databaseType: 't', aliasIpv4Mapped: false })).get('::ffff:10.1.1.1'), null);
  assert.deepEqual(new Reader<Response>(writeMmdb(net, { ipVersion: 6, databaseType: 't' })).get('::ffff:10.1.1.1'), { v: 'x' });
});

test('import an ASN and a Country database; lookups merge ASN from one and country from the other', async () => {
  const dir = join(tmp.dir, 'netdata-merge');
  const a = await NetworkDatasets.importFile(dir, asnFile, 'mmdb');
  assert.deepEqual(a, { kind: 'mmdb', name: 'GeoLite2-ASN.mmdb', ranges: 5, skipped: 0, errors: [], databaseType: 'GeoLite2-ASN' });
  const c = await NetworkDatasets.importFile(dir, countryFile, 'mmdb');
  // Networks as stored in the tree: the /10 is split around its /22 into 12 blocks (one per level from /11 to /22).
  assert.equal(c.ranges, 4 + 1 + 12);
  assert.equal(c.databaseType, 'GeoLite2-Country');
  assert.deepEqual(readdirSync(join(dir, 'mmdb')).sort(), ['GeoLite2-ASN.mmdb', 'GeoLite2-ASN.mmdb.winnow.json', 'GeoLite2-Country.mmdb', 'GeoLite2-Country.mmdb.winnow.json']);
  assert.deepEqual(readFileSync(join(dir, 'mmdb', 'GeoLite2-ASN.mmdb')), readFileSync(asnFile), 'stored byte for byte');

  const nd = await NetworkDatasets.load(dir);
  assert.deepEqual(nd.datasets.map((d) => `${d.kind}:${d.name}:${d.entries}`).sort(), ['mmdb:GeoLite2-ASN.mmdb:5', `mmdb:GeoLite2-Country.mmdb:${c.ranges}`]);
  const hit = nd.lookup('100.64.1.2');
  assert.equal(hit.asn, 65010);
  assert.equal(hit.org, 'MMDB-ONLY-HOSTING');
  assert.equal(hit.country, 'SE');
  assert.equal(hit.prefix, '100.64.0.0/16', 'the prefix of the ASN record, not the country block');
  assert.equal(hit.registry, null);
  assert.deepEqual([...hit.sources].sort(), ['mmdb:GeoLite2-ASN.mmdb', 'mmdb:GeoLite2-Country.mmdb']);
  assert.equal(nd.lookup('100.64.9.9').country, 'NO', 'registered_country when there is no country');
  const v6 = nd.lookup('2001:DB8:1:0::5');
  assert.deepEqual(v6, {
    ip: '2001:db8:1::5', asn: 65020, prefix: '2001:db8:1::/48', org: 'MMDB-V6-HOSTING', country: null, registry: null, cdn: null,
    sources: ['mmdb:GeoLite2-ASN.mmdb'],
  }, 'the IPv4-only Country database is not asked about IPv6');
  const mapped = nd.lookup('::ffff:100.64.1.2');
  assert.equal(mapped.asn, 65010);
  const countryOnly = nd.lookup('10.20.30.40');
  assert.deepEqual(countryOnly, {
    ip: '10.20.30.40', asn: null, prefix: '10.20.0.0/16', org: null, country: 'PT', registry: null, cdn: null, sources: ['mmdb:GeoLite2-Country.mmdb'],
  }, 'with nothing else, the Country database block is the prefix');
  assert.equal(nd.lookup('100.65.1.1').cdn, 'Cloudflare', 'an ASN from an mmdb is checked against the CDN list');
  assert.deepEqual(nd.lookup('8.8.8.8').sources, []);
  assert.equal(nd.lookup('2001:db9::1').asn, null);
});

test('precedence: ip2asn first, mmdb fills what it lacks, RIR after; prefix rules', async () => {
  const dir = join(tmp.dir, 'netdata-precedence');
  await NetworkDatasets.importFile(dir, V4, 'ip2asn');
  await NetworkDatasets.importFile(dir, RIR, 'rir-delegated');
  await NetworkDatasets.importFile(dir, asnFile, 'mmdb');
  await NetworkDatasets.importFile(dir, countryFile, 'mmdb');
  const nd = await NetworkDatasets.load(dir);

  assert.deepEqual(nd.lookup('192.0.2.10'), {
    ip: '192.0.2.10', asn: 64500, prefix: '192.0.2.0/25', org: 'EXAMPLE-HOSTING-BE Example Hosting BV', country: 'BE',
    registry: 'ripencc', cdn: null, sources: ['ip2asn:ip2asn-v4-sample.tsv', 'rir:delegated-ripencc-extended-sample.txt'],
  }, 'ip2asn answers everything: the mmdb ASN 65001 and country FR are not used');

  const noCountry = nd.lookup('198.51.100.5');
  assert.equal(noCountry.asn, 64502);
  assert.equal(noCountry.org, 'EXAMPLE-NO-COUNTRY', 'the ip2asn organisation stays');
  assert.equal(noCountry.country, 'LU', 'the mmdb country comes before the RIR country (NL)');
  assert.equal(noCountry.registry, 'ripencc');
  assert.equal(noCountry.prefix, '198.51.100.0/24');
  assert.deepEqual(noCountry.sources, ['ip2asn:ip2asn-v4-sample.tsv', 'mmdb:GeoLite2-Country.mmdb', 'rir:delegated-ripencc-extended-sample.txt']);

  const rirPrefix = nd.lookup('203.0.113.200');
  assert.equal(rirPrefix.asn, null);
  assert.equal(rirPrefix.country, 'AT', 'country from the Country database');
  assert.equal(rirPrefix.prefix, '203.0.113.0/24', 'the RIR block is preferred to a Country database block');
  assert.deepEqual(rirPrefix.sources, ['mmdb:GeoLite2-Country.mmdb', 'rir:delegated-ripencc-extended-sample.txt']);

  const mmdbOnly = nd.lookup('100.64.1.2');
  assert.equal(mmdbOnly.asn, 65010);
  assert.equal(mmdbOnly.prefix, '100.64.0.0/16');
});

test('IPinfo / DB-IP lite style keys: asn as "AS123", as_name, country_code', async () => {
  const dir = join(tmp.dir, 'netdata-ipinfo');
  const file = join(tmp.dir, 'ipinfo_lite.mmdb');
  writeFileSync(file, writeMmdb([
    { network: '192.0.2.0/24', data: { asn: 'AS64999', as_name: 'Example Lite Net', as_domain: 'example.net', country: 'Sweden', country_code: 'se', continent: 'Europe' } },
    { network: '2001:db8::/32', data: { asn: 'not-an-asn', as_name: '', country_code: 'Sweden' } },
    { network: '198.51.100.0/24', data: { asn: 'AS0', country_code: 'DK' } },
  ], { ipVersion: 6, databaseType: 'ipinfo ipinfo_lite.mmdb' }));
  await NetworkDatasets.importFile(dir, file, 'mmdb');
  const nd = await NetworkDatasets.load(dir);
  const r = nd.lookup('192.0.2.77');
  assert.equal(r.asn, 64999);
  assert.equal(r.org, 'Example Lite Net');
  assert.equal(r.country, 'SE');
  assert.equal(r.prefix, '192.0.2.0/24');
  assert.deepEqual(r.sources, ['mmdb:ipinfo_lite.mmdb']);
  const bad = nd.lookup('2001:db8::1');
  assert.deepEqual([bad.asn, bad.org, bad.country, bad.sources], [null, null, null, []], 'malformed values are not used');
  const as0 = nd.lookup('198.51.100.1');
  assert.equal(as0.asn, null, 'AS 0 = not routed');
  assert.equal(as0.country, 'DK');
});

test('files that are not usable MaxMind databases are refused; nothing is stored', async () => {
  const dir = join(tmp.dir, 'netdata-refused');
  const text = join(tmp.dir, 'not-a-db.mmdb');
  writeFileSync(text, 'just some text\n'.repeat(50));
  await assert.rejects(NetworkDatasets.importFile(dir, text, 'mmdb'), userError(/not-a-db\.mmdb is not a MaxMind DB \(\.mmdb\) file: no metadata marker/));
  await assert.rejects(NetworkDatasets.importFile(dir, V4, 'mmdb'), userError(/is not a MaxMind DB/));
  const empty = join(tmp.dir, 'empty.mmdb');
  writeFileSync(empty, '');
  await assert.rejects(NetworkDatasets.importFile(dir, empty, 'mmdb'), userError(/is not a MaxMind DB/));
  const garbage = join(tmp.dir, 'garbage.mmdb');
  writeFileSync(garbage, Buffer.concat([Buffer.alloc(64, 7), METADATA_MARKER, Buffer.from([0xe1, 0x42, 0x61, 0x62])]));
  await assert.rejects(NetworkDatasets.importFile(dir, garbage, 'mmdb'), userError(/garbage\.mmdb is not a MaxMind DB/));

  const wrongVersion = join(tmp.dir, 'v3.mmdb');
  const v3 = writeMmdb(ASN_NETWORKS, { ipVersion: 6, databaseType: 'GeoLite2-ASN' });
  const at = v3.lastIndexOf(Buffer.from('binary_format_major_version'));
  v3[at + 'binary_format_major_version'.length + 1] = 3; // the uint16 value byte after its control byte
  writeFileSync(wrongVersion, v3);
  await assert.rejects(NetworkDatasets.importFile(dir, wrongVersion, 'mmdb'), userError(/binary format version 3/));

  const damaged = join(tmp.dir, 'damaged.mmdb');
  const d = writeMmdb(ASN_NETWORKS, { ipVersion: 6, databaseType: 'GeoLite2-ASN' });
  const nodeCount = new Reader<Response>(d).metadata.nodeCount;
  d.writeUIntBE(nodeCount + 16 + 0xfffff, 3, 3); // the root's right record points far past the data section
  writeFileSync(damaged, d);
  await assert.rejects(NetworkDatasets.importFile(dir, damaged, 'mmdb'), userError(/damaged MaxMind DB: record of node 0 points outside the data section/));

  const anon = join(tmp.dir, 'GeoIP2-Anonymous-IP.mmdb');
  writeFileSync(anon, writeMmdb([{ network: '192.0.2.0/24', data: { is_anonymous: true, is_anonymous_vpn: true } }], { ipVersion: 6, databaseType: 'GeoIP2-Anonymous-IP' }));
  await assert.rejects(NetworkDatasets.importFile(dir, anon, 'mmdb'), userError(/\(GeoIP2-Anonymous-IP\) has no ASN, organisation or country data/));

  const tar = join(tmp.dir, 'GeoLite2-ASN.tar.gz');
  const header = Buffer.alloc(1024);
  header.write('GeoLite2-ASN_20260101/GeoLite2-ASN.mmdb', 0, 'latin1');
  header.write('ustar', 257, 'latin1');
  writeFileSync(tar, gzipSync(header));
  await assert.rejects(NetworkDatasets.importFile(dir, tar, 'mmdb'), userError(/is a tar archive; extract the \.mmdb file/));
  await assert.rejects(NetworkDatasets.importFile(dir, join(tmp.dir, 'missing.mmdb'), 'mmdb'), userError(/cannot read/));
  await assert.rejects(NetworkDatasets.importFile(dir, asnFile, 'maxmind' as 'mmdb'), userError(/unknown dataset kind "maxmind".*mmdb/));

  assert.deepEqual(existsSync(join(dir, 'mmdb')) ? readdirSync(join(dir, 'mmdb')) : [], [], 'nothing stored, no temporary files');
  // A file of the right kind is still refused as another kind.
  await assert.rejects(NetworkDatasets.importFile(dir, asnFile, 'ip2asn'), UserError);
});

test('the source is never modified; gzip is read; re-import replaces; a changed or foreign stored file fails the load', async () => {
  const dir = join(tmp.dir, 'netdata-source');
  const before = sha(asnFile);
  await NetworkDatasets.importFile(dir, asnFile, 'mmdb');
  assert.equal(sha(asnFile), before, 'source unchanged');
  await assert.rejects(NetworkDatasets.importFile(dir, join(dir, 'mmdb', 'GeoLite2-ASN.mmdb'), 'mmdb'), userError(/is the stored copy itself/));

  // A newer release of the same database, gzip-compressed and with a name without .mmdb: stored uncompressed as .mmdb.
  const sub = join(tmp.dir, 'newer');
  mkdirSync(sub);
  const gz = join(sub, 'GeoLite2-ASN.gz');
  writeFileSync(gz, gzipSync(writeMmdb([{ network: '192.0.2.0/24', data: asnRec(65999, 'NEWER-RELEASE') }], { ipVersion: 6, databaseType: 'GeoLite2-ASN' })));
  const gzBefore = sha(gz);
  const res = await NetworkDatasets.importFile(dir, gz, 'mmdb');
  assert.equal(res.name, 'GeoLite2-ASN.mmdb');
  assert.equal(res.ranges, 1);
  assert.equal(sha(gz), gzBefore, 'gzip source unchanged');
  let nd = await NetworkDatasets.load(dir);
  assert.equal(nd.lookup('192.0.2.1').org, 'NEWER-RELEASE');
  assert.equal(nd.lookup('100.64.1.1').asn, null, 'the earlier release was replaced');
  assert.deepEqual(readdirSync(join(dir, 'mmdb')).sort(), ['GeoLite2-ASN.mmdb', 'GeoLite2-ASN.mmdb.winnow.json']);

  const stored = join(dir, 'mmdb', 'GeoLite2-ASN.mmdb');
  const original = readFileSync(stored);
  const changed = Buffer.from(original);
  changed.writeUInt8(changed.readUInt8(changed.length - 1) ^ 1, changed.length - 1);
  writeFileSync(stored, changed);
  await assert.rejects(NetworkDatasets.load(dir), userError(/changed since it was imported/));
  writeFileSync(stored, original);
  nd = await NetworkDatasets.load(dir);
  assert.equal(nd.lookup('192.0.2.1').asn, 65999);

  writeFileSync(join(dir, 'mmdb', 'dropped-by-hand.mmdb'), readFileSync(asnFile));
  await assert.rejects(NetworkDatasets.load(dir), userError(/dropped-by-hand\.mmdb is not a network dataset stored by Winnow/));
});
