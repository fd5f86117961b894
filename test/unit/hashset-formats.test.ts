/**
 * Hash-set readers against the public reference samples (shared/refdata/{vics,hashsets,ncmec-hashsharing,pdq}).
 * Expected values come from the files and their SOURCE.md: the synthetic sets are all hashes of the three benign
 * strings in refdata/vics/synthetic-inputs.txt, which are re-hashed here so the readers are checked against real
 * digests, not against numbers copied from the readers' own output.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  detectHashSetFormat,
  HashSetFormatError,
  readHashSet,
  type HashSetFormat,
  type HashSetReadInfo,
  type HashSetRecord,
  type MalformedRecord,
  type ReadHashSetOptions,
} from '../../src/hashsets/index.js';
import { refdata } from '../helpers/env.js';

const INPUTS = [
  'benign-fixture-001: a photo of a red bicycle (text stand-in)\n',
  'benign-fixture-002: a screenshot of a calculator (text stand-in)\n',
  'benign-fixture-003: a holiday landscape (text stand-in)\n',
];
const digest = (alg: string, s: string): string => createHash(alg).update(s, 'utf8').digest('hex');
const MD5 = INPUTS.map((s) => digest('md5', s));
const SHA1 = INPUTS.map((s) => digest('sha1', s));
const SHA256 = INPUTS.map((s) => digest('sha256', s));
const NAMES = ['IMG_0001.JPG', 'Screenshot 2025-08-01.png', 'clip.mp4'];
const SIZES = [61, 65, 56];

interface ReadResult {
  records: HashSetRecord[];
  malformed: MalformedRecord[];
  info: HashSetReadInfo;
}

async function readAll(path: string, format: HashSetFormat, options: ReadHashSetOptions = {}): Promise<ReadResult> {
  const malformed: MalformedRecord[] = [];
  const reader = readHashSet(path, format, (m) => malformed.push(m), options);
  const records: HashSetRecord[] = [];
  for await (const r of reader) records.push(r);
  return { records, malformed, info: reader.info };
}

test('the synthetic digests are what SOURCE.md says they are', () => {
  assert.equal(MD5[0], '83ce16e801aaad33b04154736f918146');
  assert.equal(SHA1[1], '8819e04da868ce5b7316958d49bb182e61b9430f');
  assert.equal(SHA256[2], '4d2ed65dc5402851b65978df38102bcc6060dd3e6d0bc12e6a59ee29123b66ef');
});

test('detection: every hash-list sample is recognised by content', async () => {
  const cases: [string[], Record<string, unknown>][] = [
    [['vics', 'example-VIC-data.json'], { format: 'vics', version: '2.0', profile: 'Default', shape: 'Media' }],
    [['vics', 'synthetic-vics-2.0-case.json'], { format: 'vics', version: '2.0', profile: 'US', shape: 'Cases' }],
    [['vics', 'synthetic-vics-2.0-hashset.json'], { format: 'vics', version: '2.0', profile: 'Default', shape: 'Media' }],
    [['vics', 'synthetic-vics-1.3-hashset.json'], { format: 'vics', version: '1.3', shape: 'Media' }],
    [['hashsets', 'nist-caid-style-1.2.json'], { format: 'vics', version: '1.2', shape: 'Media' }],
    [['hashsets', 'rdsv3-minimal-synthetic.db'], { format: 'nsrl-rdsv3', version: '2099.01.1' }],
    [['hashsets', 'NSRLFile.txt'], { format: 'nsrl-rds2' }],
    [['hashsets', 'md5sum.txt'], { format: 'md5sum' }],
    [['hashsets', 'sha256sum.txt'], { format: 'sha256sum' }],
    [['hashsets', 'hashdeep.txt'], { format: 'hashdeep', version: '1.0' }],
    [['hashsets', 'hashkeeper.hsh'], { format: 'hashkeeper' }],
    [['hashsets', 'icse-export-style.csv'], { format: 'icse-csv' }],
    [['ncmec-hashsharing', 'entries_xml.xml'], { format: 'ncmec-xml', version: 'v2' }],
    [['ncmec-hashsharing', 'entries_xml2.xml'], { format: 'ncmec-xml', version: 'v2' }],
    [['ncmec-hashsharing', 'entries_xml3.xml'], { format: 'ncmec-xml', version: 'v2' }],
    [['ncmec-hashsharing', 'entries_xml4.xml'], { format: 'ncmec-xml', version: 'v2' }],
    [['ncmec-hashsharing', 'entries_large_fingerprints.xml'], { format: 'ncmec-xml', version: 'v2' }],
    // A bare 64-hex list is SHA-256 by default; detection says it may be PDQ instead.
    [['pdq', 'pdq', 'data', 'reg-test-input', 'haystack.txt'], { format: 'plain', alternatives: ['pdq-list'] }],
  ];
  for (const [parts, expected] of cases) {
    assert.deepEqual(await detectHashSetFormat(refdata(...parts)), expected, parts.join('/'));
  }
});

test('detection: samples that are not hash lists are refused with a message saying what they are', async () => {
  const cases: [string[], RegExp][] = [
    [['hashsets', 'encase-legacy.hash'], /legacy EnCase binary hash set.*not supported/],
    [['hashsets', 'NSRLProd.txt'], /NSRLProd\.txt \(the product table\), not a hash list/],
    [['hashsets', 'NSRLOS.txt'], /NSRLOS\.txt .*not a hash list/],
    [['hashsets', 'NSRLMfg.txt'], /NSRLMfg\.txt .*not a hash list/],
    [['ncmec-hashsharing', 'status_xml.xml'], /API status reply.*not a hash list/],
    [['ncmec-hashsharing', 'affirmative_feedback_xml.xml'], /feedback submission body.*not a hash list/],
    [['ncmec-hashsharing', 'negative_feedback_xml.xml'], /feedback submission body.*not a hash list/],
    [['ncmec-hashsharing', 'feedback_reasons_xml.xml'], /feedback reasons.*not a hash list/],
    [['ncmec-hashsharing', 'update_feedback_result_xml.xml'], /submission result.*not a hash list/],
    [['vics', 'ProjectVicDataModel.2.0.xml'], /root element <Edmx>: not a supported hash-set format/],
    [['vics', 'synthetic-inputs.txt'], /unrecognised text/],
    [['pdq', 'pdq', 'data', 'reg-test-input', 'pen-and-coaster.png'], /binary data/],
    // FilePath,Hash with 64-hex values: SHA-256 or PDQ cannot be told apart, so the user must say.
    [['pdq', 'pdq', 'wasm', 'test', 'TestData', 'PDQMD5TestData.csv'], /generic "hash" column.*pdq-list/],
  ];
  for (const [parts, message] of cases) {
    await assert.rejects(detectHashSetFormat(refdata(...parts)), (err: unknown) => {
      assert.ok(err instanceof HashSetFormatError, `${parts.join('/')}: ${String(err)}`);
      assert.match(err.message, message, parts.join('/'));
      return true;
    });
  }
  // The refusal also holds when the caller skips detection and forces the NCMEC reader.
  await assert.rejects(readAll(refdata('ncmec-hashsharing', 'status_xml.xml'), 'ncmec-xml'), HashSetFormatError);
});

test('VICS 2.0 hash set (real Project VIC excerpt): 2 media, category 0, upper-case hex normalised', async () => {
  const { records, malformed, info } = await readAll(refdata('vics', 'example-VIC-data.json'), 'vics');
  assert.deepEqual(malformed, []);
  assert.equal(records.length, 2);
  assert.deepEqual(records[0]!.hashes, { md5: 'adebf3fa3c9be7f73825e1cb9e2dea09' });
  assert.equal(records[0]!.size, 2835);
  assert.deepEqual(records[1]!.hashes, { md5: '192db5cecd7ac2a2fd02f903a27a5fcd', sha1: '1407c5674dc7da55419c64c5375907991ec6011f' });
  assert.equal(records[1]!.size, 4190);
  assert.deepEqual(records.map((r) => r.category), ['0', '0']);
  assert.equal(records[0]!.extra?.isPrecategorized, false); // the string "false"
  assert.equal(records[0]!.extra?.dateUpdated, '2023-06-07T02:31:49.8300Z');
  assert.equal(info.version, '2.0');
  assert.equal(info.profile, 'Default');
  assert.equal(info.shape, 'Media');
  assert.equal(info.categoryScheme, 'VICS 2.0 Default');
  assert.equal(info.contextUrl, 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media');
  assert.equal(info.records, 2);
});

test('VICS 2.0 hash set with quirks: string booleans, mixed-case hex, PhotoDNA field and AlternativeHashes', async () => {
  const { records, malformed } = await readAll(refdata('vics', 'synthetic-vics-2.0-hashset.json'), 'vics');
  assert.deepEqual(malformed, []);
  assert.equal(records.length, 3);
  const [a, b, c] = records as [HashSetRecord, HashSetRecord, HashSetRecord];
  assert.deepEqual(a.hashes, { md5: MD5[0], sha1: SHA1[0] });
  assert.equal(a.category, '0');
  // Record 2: lower-case MD5 in the file, Category 1, "true"/"false" strings, PhotoDNA as a Media field.
  assert.deepEqual(b.hashes, { md5: MD5[1] });
  assert.equal(b.category, '1');
  assert.equal(b.extra?.victimIdentified, true);
  assert.equal(b.extra?.offenderIdentified, false);
  assert.equal(b.extra?.isDistributed, true);
  assert.equal(b.extra?.series, 'SYNTHETIC-SERIES-B');
  const placeholder = Buffer.alloc(144).toString('base64'); // SOURCE.md: 192-char base64 of 144 zero bytes
  assert.equal(b.photoDna, placeholder);
  assert.equal(placeholder.length, 192);
  // Record 3: no Category (uncategorized = null, not "0"); SHA256 and PhotoDNA only in AlternativeHashes.
  assert.equal(c.category, null);
  assert.deepEqual(c.hashes, { md5: MD5[2], sha1: SHA1[2], sha256: SHA256[2] });
  assert.equal(c.photoDna, placeholder);
  assert.equal(c.extra?.victimIdentified, null); // absent stays null
  assert.deepEqual(records.map((r) => r.size), SIZES);
});

test('VICS 2.0 case export: Media inside Cases, MediaFiles names, case ids, categories 0 / absent / 2', async () => {
  const { records, malformed, info } = await readAll(refdata('vics', 'synthetic-vics-2.0-case.json'), 'vics');
  assert.deepEqual(malformed, []);
  assert.equal(info.shape, 'Cases');
  assert.equal(info.profile, 'US');
  assert.equal(info.categoryScheme, 'VICS 2.0 US');
  assert.equal(info.cases, 1);
  assert.equal(records.length, 3);
  assert.deepEqual(records.map((r) => r.category), ['0', null, '2']);
  assert.deepEqual(records.map((r) => r.name), NAMES);
  assert.deepEqual(records.map((r) => r.size), SIZES);
  assert.deepEqual(records[0]!.hashes, { md5: MD5[0], sha1: SHA1[0], sha256: SHA256[0] });
  assert.deepEqual(records[1]!.hashes, { md5: MD5[1], sha1: SHA1[1] });
  const first = records[0]!.extra!;
  assert.equal(first.caseId, '6f1c7a52-2b1e-4c0e-9d7a-000000000001');
  assert.equal(first.caseNumber, 'SYNTH-2026-0001');
  assert.equal(first.mediaFileCount, 2);
  assert.equal(first.filePath, 'Partition 1\\DCIM\\100EXAMP\\');
  assert.equal(first.victimIdentified, false); // real JSON false
  assert.equal(first.mimeType, 'image/jpeg');
  assert.equal(records[1]!.extra?.victimIdentified, null); // field absent in Media 2
  assert.equal(records[2]!.extra?.series, 'SYNTHETIC-SERIES-A');
  assert.equal(records[2]!.extra?.tags, 'tag1|tag2');
});

test('VICS 1.3 and NIST CAID 1.2: odata.metadata, OData annotations ignored, MediaSize as a string', async () => {
  const v13 = await readAll(refdata('vics', 'synthetic-vics-1.3-hashset.json'), 'vics');
  assert.deepEqual(v13.malformed, []);
  assert.equal(v13.info.version, '1.3');
  assert.equal(v13.info.profile, null);
  assert.equal(v13.info.categoryScheme, 'VICS 1.3');
  assert.equal(v13.records.length, 2);
  assert.deepEqual(v13.records.map((r) => r.category), ['0', '2']);
  assert.deepEqual(v13.records.map((r) => r.size), [61, 65]);
  assert.equal(v13.records[0]!.name, 'IMG_0001.JPG');
  assert.equal(v13.records[0]!.extra?.isDistributed, false);
  assert.equal(v13.records[0]!.extra?.series, null); // "" means none
  assert.deepEqual(v13.records[1]!.hashes, { md5: MD5[1] });

  const caid = await readAll(refdata('hashsets', 'nist-caid-style-1.2.json'), 'vics');
  assert.deepEqual(caid.malformed, []);
  assert.equal(caid.info.version, '1.2');
  assert.equal(caid.records.length, 3);
  assert.deepEqual(caid.records.map((r) => r.name), NAMES);
  assert.deepEqual(caid.records.map((r) => r.size), SIZES);
  assert.deepEqual(caid.records.map((r) => r.hashes), MD5.map((md5, i) => ({ md5, sha1: SHA1[i] })));
  assert.deepEqual(caid.records.map((r) => r.category), [null, null, null]);
});

test('NSRL RDSv3 minimal SQLite: distinct hashes with names and packages; every FILE row on request', async () => {
  const path = refdata('hashsets', 'rdsv3-minimal-synthetic.db');
  const distinct = await readAll(path, 'nsrl-rdsv3');
  assert.deepEqual(distinct.malformed, []);
  assert.equal(distinct.records.length, 3); // SOURCE.md: 4 FILE rows, one hash in two packages
  assert.equal(distinct.info.version, '2099.01.1');
  assert.equal(distinct.info.description, 'SYNTHETIC fixture, not a NIST release');
  const byMd5 = new Map(distinct.records.map((r) => [r.hashes.md5, r]));
  const img = byMd5.get(MD5[0])!;
  assert.deepEqual(img.hashes, { md5: MD5[0], sha1: SHA1[0], sha256: SHA256[0] });
  assert.equal(img.name, 'IMG_0001.JPG');
  assert.equal(img.size, 61);
  assert.deepEqual(img.extra, { packageIds: [1000, 1001], rows: 2 });
  assert.deepEqual(byMd5.get(MD5[2])!.extra, { packageIds: [1002], rows: 1 });

  const rows = await readAll(path, 'nsrl-rdsv3', { nsrlRows: 'file' });
  assert.equal(rows.records.length, 4);
  assert.equal(rows.records.filter((r) => r.hashes.md5 === MD5[0]).length, 2);
});

test('NSRL RDS 2.x NSRLFile.txt: quoted CSV, upper-case hex, product codes kept', async () => {
  const { records, malformed } = await readAll(refdata('hashsets', 'NSRLFile.txt'), 'nsrl-rds2');
  assert.deepEqual(malformed, []);
  assert.equal(records.length, 3);
  assert.deepEqual(records.map((r) => r.hashes), MD5.map((md5, i) => ({ sha1: SHA1[i], md5 })));
  assert.deepEqual(records.map((r) => r.name), NAMES);
  assert.deepEqual(records.map((r) => r.size), SIZES);
  assert.deepEqual(records[0]!.extra, { productCode: '1000', opSystemCode: '358' });
});

test('md5sum, sha256sum, hashdeep, HashKeeper: counts, names, sizes', async () => {
  const md5 = await readAll(refdata('hashsets', 'md5sum.txt'), 'md5sum');
  assert.deepEqual(md5.malformed, []);
  assert.deepEqual(md5.records.map((r) => r.hashes), MD5.map((m) => ({ md5: m })));
  assert.deepEqual(md5.records.map((r) => r.name), NAMES);

  const sha = await readAll(refdata('hashsets', 'sha256sum.txt'), 'sha256sum');
  assert.deepEqual(sha.records.map((r) => r.hashes), SHA256.map((s) => ({ sha256: s })));
  assert.equal(sha.records[1]!.name, 'Screenshot 2025-08-01.png');

  const hd = await readAll(refdata('hashsets', 'hashdeep.txt'), 'hashdeep');
  assert.deepEqual(hd.malformed, []);
  assert.equal(hd.info.version, '1.0');
  assert.equal(hd.info.description, '$ hashdeep -c md5,sha256 -r .');
  assert.deepEqual(hd.records.map((r) => r.hashes), MD5.map((m, i) => ({ md5: m, sha256: SHA256[i] })));
  assert.deepEqual(hd.records.map((r) => r.size), SIZES);
  assert.deepEqual(hd.records.map((r) => r.name), NAMES.map((n) => `./${n}`));

  const hk = await readAll(refdata('hashsets', 'hashkeeper.hsh'), 'hashkeeper');
  assert.deepEqual(hk.malformed, []);
  assert.deepEqual(hk.records.map((r) => r.hashes), MD5.map((m) => ({ md5: m })));
  assert.deepEqual(hk.records.map((r) => r.name), NAMES);
  assert.deepEqual(hk.records.map((r) => r.size), SIZES);
  assert.deepEqual(hk.records[0]!.extra, { directory: 'C:\\example\\', hashsetId: '1', comments: 'synthetic' });
});

test('ICSE-style CSV: MD5 + SHA1, Baseline flag as an entry-level boolean, other flags in extra', async () => {
  const { records, malformed } = await readAll(refdata('hashsets', 'icse-export-style.csv'), 'icse-csv');
  assert.deepEqual(malformed, []);
  assert.equal(records.length, 3);
  assert.deepEqual(records.map((r) => r.hashes), MD5.map((md5, i) => ({ md5, sha1: SHA1[i] })));
  assert.deepEqual(records.map((r) => r.baseline), [false, false, false]);
  assert.deepEqual(records.map((r) => r.extra?.imageId), ['5000', '5001', '5002']);
  assert.equal(records[0]!.photoDna, null); // empty column
  assert.equal(records[0]!.category, null); // ICSE exports carry no category code
  assert.equal(records[0]!.extra?.isDistributed, false);
  assert.equal(records[0]!.extra?.series, null);
  assert.equal(records[0]!.extra?.fileAvailable, true);
  assert.equal(records[0]!.extra?.submissions, 1);
});

test('NCMEC entries XML: images and videos, classification as category, deletions, paging, linked fingerprints', async () => {
  const deletions: unknown[] = [];
  const main = await readAll(refdata('ncmec-hashsharing', 'entries_xml.xml'), 'ncmec-xml', { onDeletion: (d) => deletions.push(d) });
  assert.deepEqual(main.malformed, []);
  assert.equal(main.records.length, 2);
  const [image, video] = main.records as [HashSetRecord, HashSetRecord];
  assert.deepEqual(image.hashes, { md5: 'a1'.repeat(16), sha1: 'a1'.repeat(20) });
  assert.equal(image.category, 'A1');
  assert.equal(image.photoDna, `${'a1'.repeat(27)}...`); // placeholder, kept opaque as given
  assert.deepEqual(image.extra, {
    ncmecId: 'image1', entryType: 'image', memberId: '42', memberName: 'Example Member', timestamp: '2017-10-24T15:00:00Z',
  });
  assert.deepEqual(video.hashes, { md5: 'b1'.repeat(16), sha1: 'b1'.repeat(20) });
  assert.equal(video.category, null); // no <classification>
  assert.equal(main.info.categoryScheme, 'NCMEC classification');
  assert.equal(main.info.deletions, 2);
  assert.deepEqual(deletions, [
    { location: 'deletedImage[0]', entryType: 'image', id: 'image4', memberId: '43', timestamp: '2017-10-24T15:10:00Z' },
    { location: 'deletedVideo[0]', entryType: 'video', id: 'video4', memberId: '42', timestamp: '2017-10-24T15:20:00Z' },
  ]);
  assert.equal(main.info.nextPage,
    '/v2/entries?from=2017-10-20T00%3A00%3A00.000Z&to=2017-10-30T00%3A00%3A00.000Z&start=2001&size=1000&max=3000');

  const large = await readAll(refdata('ncmec-hashsharing', 'entries_large_fingerprints.xml'), 'ncmec-xml');
  assert.equal(large.records.length, 1);
  assert.deepEqual(large.records[0]!.hashes, { md5: 'face'.repeat(8) });
  assert.equal(large.records[0]!.category, 'A2');
  assert.deepEqual(large.records[0]!.extra?.linkedFingerprints, {
    'tmk-pdqf': '/v2/entries/1/fingerprints/TMK_PDQF', videntifier: '/v2/entries/1/fingerprints/VIDENTIFIER',
  });

  const x2 = await readAll(refdata('ncmec-hashsharing', 'entries_xml2.xml'), 'ncmec-xml');
  assert.deepEqual(x2.records.map((r) => r.hashes.md5), ['b1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1']);
  const x3 = await readAll(refdata('ncmec-hashsharing', 'entries_xml3.xml'), 'ncmec-xml');
  assert.deepEqual(x3.records.map((r) => r.extra?.ncmecId), ['willupdate', 'willdelete']);
  assert.deepEqual(x3.records.map((r) => r.category), ['A1', 'A1']);
  const x4 = await readAll(refdata('ncmec-hashsharing', 'entries_xml4.xml'), 'ncmec-xml');
  assert.deepEqual(x4.records.map((r) => [r.extra?.ncmecId, r.category]), [['willupdate', 'A2']]);
  assert.equal(x4.info.deletions, 1);
  assert.equal(x4.info.nextPage, null);
});

test('PDQ lists: ThreatExchange haystack as pdq-list (and as plain SHA-256 by default), the WASM FilePath,Hash CSV', async () => {
  const haystack = refdata('pdq', 'pdq', 'data', 'reg-test-input', 'haystack.txt');
  const pdq = await readAll(haystack, 'pdq-list');
  assert.deepEqual(pdq.malformed, []);
  assert.equal(pdq.records.length, 1350); // notes/pdq-hma.md §2.2
  assert.deepEqual(pdq.records[0]!.hashes, { pdq: 'f162eb9daab170c0567fe3632d9a5548c5612982dd5e374a7424ebbc8a835c95' });
  assert.equal(pdq.records[0]!.pdqQuality, null);
  const asSha = await readAll(haystack, 'plain');
  assert.equal(asSha.records.length, 1350);
  assert.deepEqual(Object.keys(asSha.records[0]!.hashes), ['sha256']);
  const forced = await readAll(haystack, 'plain', { plainAlgorithm: 'pdq' });
  assert.deepEqual(forced.records[0]!.hashes, pdq.records[0]!.hashes);
  const needles = await readAll(refdata('pdq', 'pdq', 'data', 'reg-test-input', 'needles.txt'), 'pdq-list');
  assert.equal(needles.records.length, 100);

  // FilePath,Hash: 16 PDQ image hashes (lines 2-17), then 2 video MD5s (lines 18-19) which are not PDQ hashes.
  const wasm = await readAll(refdata('pdq', 'pdq', 'wasm', 'test', 'TestData', 'PDQMD5TestData.csv'), 'pdq-list');
  assert.equal(wasm.records.length, 16);
  assert.equal(wasm.records[0]!.name, '../../../../data/misc-images/b.jpg');
  assert.deepEqual(wasm.records[0]!.hashes, { pdq: 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22' });
  assert.deepEqual(wasm.malformed.map((m) => m.location), ['line 18', 'line 19']);
  assert.match(wasm.malformed[0]!.reason, /has 32 hex digits, expected 64/);
});
