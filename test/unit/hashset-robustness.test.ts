/**
 * Hash-set readers on bad and tricky input, all generated here in a temp dir (benign: hashes of short strings,
 * repeated letters): truncated/broken JSON and XML, wrong hash lengths, binary junk, a 96 MiB line and a 96 MiB
 * JSON string (memory must stay flat), case-insensitive VICS names, absent vs false booleans, line formats.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  detectHashSetFormat,
  HashSetFormatError,
  HashSetReadError,
  readHashSet,
  type HashSetFormat,
  type HashSetReadInfo,
  type HashSetRecord,
  type MalformedRecord,
  type ReadHashSetOptions,
} from '../../src/hashsets/index.js';
import { XmlTokenizer, type XmlEvent } from '../../src/hashsets/xml-tokenizer.js';
import { refdata, tempDir } from '../helpers/env.js';

const tmp = tempDir('winnow-hashset-');
after(() => tmp.cleanup());
let fileNo = 0;
function file(content: string | Buffer, name = `f${fileNo++}`): string {
  const p = join(tmp.dir, name);
  writeFileSync(p, content);
  return p;
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

async function readAll(path: string, format: HashSetFormat, options: ReadHashSetOptions = {}):
  Promise<{ records: HashSetRecord[]; malformed: MalformedRecord[]; info: HashSetReadInfo }> {
  const malformed: MalformedRecord[] = [];
  const reader = readHashSet(path, format, (m) => malformed.push(m), options);
  const records: HashSetRecord[] = [];
  for await (const r of reader) records.push(r);
  return { records, malformed, info: reader.info };
}

const VICS_MEDIA_CTX = 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media';

/** Peak growth of heap and external memory while `fn` runs, sampled every 2 ms and at every record. */
async function peakGrowth(fn: (sample: () => void) => Promise<void>): Promise<{ heap: number; external: number }> {
  const now = () => {
    const u = process.memoryUsage();
    return { heap: u.heapUsed, external: u.external + u.arrayBuffers };
  };
  const base = now();
  const peak = { heap: 0, external: 0 };
  const sample = () => {
    const u = now();
    peak.heap = Math.max(peak.heap, u.heap - base.heap);
    peak.external = Math.max(peak.external, u.external - base.external);
  };
  const timer = setInterval(sample, 2);
  try {
    await fn(sample);
  } finally {
    clearInterval(timer);
  }
  sample();
  return peak;
}

const MiB = 1024 * 1024;

test('a 96 MiB line is skipped as malformed while memory stays flat', async () => {
  const path = join(tmp.dir, 'overlong.md5');
  const fd = openSync(path, 'w');
  writeSync(fd, `${md5('a')}  a.jpg\n`);
  const block = Buffer.alloc(MiB, 0x61); // 'a' × 1 MiB, no newline
  for (let i = 0; i < 96; i++) writeSync(fd, block);
  writeSync(fd, `\n${md5('b')}  b.jpg\n`);
  for (let i = 0; i < 2; i++) writeSync(fd, block); // and an overlong last line without a final newline
  closeSync(fd);

  assert.deepEqual(await detectHashSetFormat(path), { format: 'md5sum' });
  const records: HashSetRecord[] = [];
  const malformed: MalformedRecord[] = [];
  const peak = await peakGrowth(async (sample) => {
    for await (const r of readHashSet(path, 'md5sum', (m) => malformed.push(m))) {
      records.push(r);
      sample();
    }
  });
  assert.deepEqual(records.map((r) => r.hashes.md5), [md5('a'), md5('b')]);
  assert.deepEqual(malformed, [
    { location: 'line 2', reason: `line is ${96 * MiB} bytes, longer than the 65536-byte limit (skipped)` },
    { location: 'line 4', reason: `line is ${2 * MiB} bytes, longer than the 65536-byte limit (skipped)` },
  ]);
  // Buffering the line would cost >= 96 MiB (and twice that as a string); the reader holds one 64 KiB chunk.
  assert.ok(peak.heap < 16 * MiB, `heap grew by ${(peak.heap / MiB).toFixed(1)} MiB`);
  assert.ok(peak.external < 16 * MiB, `external memory grew by ${(peak.external / MiB).toFixed(1)} MiB`);
});

test('a 96 MiB JSON string inside a VICS record does not blow memory; the record is kept', async () => {
  const path = join(tmp.dir, 'huge-string.json');
  const fd = openSync(path, 'w');
  writeSync(fd, `{"@odata.context":"${VICS_MEDIA_CTX}","value":[{"MD5":"${md5('a')}","Comments":"`);
  const block = Buffer.alloc(MiB, 0x61);
  for (let i = 0; i < 96; i++) writeSync(fd, block);
  writeSync(fd, `"},{"MD5":"${md5('b')}"}]}`);
  closeSync(fd);
  const records: HashSetRecord[] = [];
  const malformed: MalformedRecord[] = [];
  const peak = await peakGrowth(async (sample) => {
    for await (const r of readHashSet(path, 'vics', (m) => malformed.push(m))) {
      records.push(r);
      sample();
    }
  });
  assert.deepEqual(malformed, []);
  assert.deepEqual(records.map((r) => r.hashes.md5), [md5('a'), md5('b')]);
  assert.match(String(records[0]!.extra?.comments), /^a{4096}…\[truncated\]$/);
  assert.ok(peak.heap < 32 * MiB, `heap grew by ${(peak.heap / MiB).toFixed(1)} MiB`);
  assert.ok(peak.external < 16 * MiB, `external memory grew by ${(peak.external / MiB).toFixed(1)} MiB`);
});

test('truncated VICS JSON ends in a clear HashSetReadError at every cut point', async () => {
  const full = readFileSync(refdata('vics', 'synthetic-vics-2.0-case.json'));
  const end = full.lastIndexOf('}'); // cutting anywhere before the final brace leaves an incomplete document
  const cuts = [0, 1, 2, 10, 120, 2000, end - 1, end];
  for (let c = 3; c < end; c += 37) cuts.push(c);
  for (const cut of cuts) {
    const path = file(full.subarray(0, cut));
    await assert.rejects(readAll(path, 'vics'), (err: unknown) => {
      assert.ok(err instanceof HashSetReadError, `cut at ${cut}: ${String(err)}`);
      assert.match(err.message, /VICS JSON is (truncated|empty|malformed)/, `cut at ${cut}`);
      return true;
    });
  }
  const whole = await readAll(file(full.subarray(0, end + 1)), 'vics'); // only the trailing newline removed
  assert.equal(whole.records.length, 3);

  const truncated = file(full.subarray(0, 3000));
  await assert.rejects(readAll(truncated, 'vics'), /VICS JSON is truncated: the file ends after 3000 bytes/);
  // Broken syntax (a missing comma) is reported with a byte position.
  const broken = file(`{"@odata.context":"${VICS_MEDIA_CTX}","value":[{"MD5":"${md5('a')}"} {"MD5":"${md5('b')}"}]}`);
  await assert.rejects(readAll(broken, 'vics'), /VICS JSON is malformed near byte \d+ .*Parser/);
  // Valid JSON that is not VICS.
  await assert.rejects(readAll(file('{"foo": [1, 2]}'), 'vics'), /no "value" array/);
  await assert.rejects(readAll(file('[1, 2]'), 'vics'), /top level is not an object/);
});

test('truncated or ill-formed NCMEC XML throws; a bad fingerprint is malformed with its entry index', async () => {
  const full = readFileSync(refdata('ncmec-hashsharing', 'entries_xml.xml'), 'utf8');
  for (const cut of [40, 300, 900, 1500, full.lastIndexOf('</queryResult>') + 5]) {
    await assert.rejects(readAll(file(full.slice(0, cut)), 'ncmec-xml'), (err: unknown) => {
      assert.ok(err instanceof HashSetReadError, `cut at ${cut}: ${String(err)}`);
      assert.match(err.message, /NCMEC hash-sharing XML is malformed: (the document is truncated|the document ends inside a tag)/);
      return true;
    });
  }
  await assert.rejects(readAll(file(full.replace('</fingerprints>', '</fingerprint>')), 'ncmec-xml'),
    /<\/fingerprint> closes <fingerprints>/);
  const bad = await readAll(file(full.replace('<md5>a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1</md5>', '<md5>a1a1</md5>')), 'ncmec-xml');
  assert.equal(bad.records.length, 2);
  assert.deepEqual(bad.records[0]!.hashes, { sha1: 'a1'.repeat(20) });
  assert.deepEqual(bad.malformed, [
    { location: 'image[0]', reason: 'MD5: md5 "a1a1" has 4 hex digits, expected 32 (record kept with its valid hashes)' },
  ]);
});

test('the XML tokenizer gives the same events whatever the chunking', () => {
  const text = readFileSync(refdata('ncmec-hashsharing', 'entries_xml.xml'), 'utf8') +
    '<!-- tail --><x a="1 &amp; 2" b=\'&lt;\'><![CDATA[<raw> & ]]>t&#x41;&#66;&amp;</x>';
  const run = (size: number): XmlEvent[] => {
    const t = new XmlTokenizer();
    const events: XmlEvent[] = [];
    for (let i = 0; i < text.length; i += size) events.push(...t.push(text.slice(i, i + size)));
    events.push(...t.end());
    // Merge adjacent text events (chunking may split a text run).
    const merged: XmlEvent[] = [];
    for (const e of events) {
      const last = merged[merged.length - 1];
      if (e.type === 'text' && last?.type === 'text') merged[merged.length - 1] = { type: 'text', text: last.text + e.text };
      else merged.push(e);
    }
    return merged;
  };
  const whole = run(text.length);
  for (const size of [1, 2, 3, 7, 64]) assert.deepEqual(run(size), whole, `chunk size ${size}`);
  const x = whole.findIndex((e) => e.type === 'open' && e.name === 'x');
  assert.deepEqual(whole[x], { type: 'open', name: 'x', attrs: { a: '1 & 2', b: '<' }, selfClosing: false });
  assert.deepEqual(whole[x + 1], { type: 'text', text: '<raw> & tAB&' });
});

test('wrong hash lengths and bad lines are reported with line numbers and reasons, never dropped silently', async () => {
  const lines = [
    `${md5('a')}  a.jpg`, // 1 ok
    `${md5('b').slice(1)}  short.jpg`, // 2: 31 digits
    `${md5('c')}0  long.jpg`, // 3: 33 digits
    `${'zz'.repeat(16)}  nothex.jpg`, // 4
    `${sha1('d')}  sha1-in-md5sum.jpg`, // 5: a SHA-1 in an md5sum file
    'just some words', // 6
    '', // 7: blank, not a record
    `${md5('e').toUpperCase()} *binary mode.jpg`, // 8 ok (binary-mode marker, upper case)
    `\\${md5('f')}  back\\\\slash\\nnewline.jpg`, // 9 ok, escaped name
    `MD5 (bsd name.jpg) = ${md5('g')}`, // 10 ok, BSD style
    `SHA256 (other.jpg) = ${sha256('h')}`, // 11 ok, BSD style names its own algorithm
  ];
  const { records, malformed, info } = await readAll(file(`${lines.join('\r\n')}\r\n`), 'md5sum');
  assert.deepEqual(records.map((r) => [r.hashes, r.name]), [
    [{ md5: md5('a') }, 'a.jpg'],
    [{ md5: md5('e') }, 'binary mode.jpg'],
    [{ md5: md5('f') }, 'back\\slash\nnewline.jpg'],
    [{ md5: md5('g') }, 'bsd name.jpg'],
    [{ sha256: sha256('h') }, 'other.jpg'],
  ]);
  assert.deepEqual(malformed.map((m) => m.location), ['line 2', 'line 3', 'line 4', 'line 5', 'line 6']);
  assert.match(malformed[0]!.reason, /has 31 hex digits, expected 32/);
  assert.match(malformed[1]!.reason, /has 33 hex digits, expected 32/);
  assert.match(malformed[2]!.reason, /is not hexadecimal/);
  assert.match(malformed[3]!.reason, /has 40 hex digits, expected 32/);
  assert.match(malformed[4]!.reason, /not a "<hash>  <name>"/);
  assert.equal(info.malformed, 5);
  assert.equal(info.records, 5);

  const plain = await readAll(file([md5('a'), sha1('a'), sha256('a'), 'abc', md5('a').slice(0, 30) + 'zz', '# comment'].join('\n')), 'plain');
  assert.deepEqual(plain.records.map((r) => r.hashes), [{ md5: md5('a') }, { sha1: sha1('a') }, { sha256: sha256('a') }]);
  assert.deepEqual(plain.malformed.map((m) => m.location), ['line 4', 'line 5']);
  assert.match(plain.malformed[0]!.reason, /3 characters: not a 32\/40\/64-digit hex hash/);
  assert.match(plain.malformed[1]!.reason, /is not hexadecimal/);

  // X-Ways style header names the algorithm for every line.
  const xways = file(`MD5\n${md5('a')}\n${sha1('a')}\n`);
  assert.deepEqual(await detectHashSetFormat(xways), { format: 'plain', algorithm: 'md5' });
  const xw = await readAll(xways, 'plain');
  assert.equal(xw.records.length, 1);
  assert.deepEqual(xw.malformed.map((m) => [m.location, /expected 32/.test(m.reason)]), [['line 3', true]]);
});

test('wrong lengths inside CSV, hashdeep, VICS and NSRL records are reported by line or record index', async () => {
  const nsrl = file([
    '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"',
    `"${sha1('a').toUpperCase()}","${md5('a').toUpperCase()}","00000000","a.dll",10,1,"358",""`,
    `"${sha1('b').slice(2)}","${md5('b').slice(2)}","00000000","b.dll",10,1,"358",""`, // both short: dropped
    `"${sha1('c')}","${md5('c').slice(2)}","00000000","c.dll",10,1,"358",""`, // MD5 short: kept with SHA-1
    `"${sha1('d')}","${md5('d')}","00000000","d.dll",10`, // too few fields
    `"${sha1('e')}","${md5('e')}","00000000","unterminated.dll,10,1,"358",""`,
    '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"', // concatenated part
    `"${sha1('f')}","${md5('f')}","00000000","f ""quoted"", name.dll",12,1,"358",""`,
  ].join('\n'));
  const n = await readAll(nsrl, 'nsrl-rds2');
  assert.deepEqual(n.records.map((r) => r.name), ['a.dll', 'c.dll', 'f "quoted", name.dll']);
  assert.deepEqual(n.records[1]!.hashes, { sha1: sha1('c') });
  assert.deepEqual(n.malformed.map((m) => m.location), ['line 3', 'line 4', 'line 5', 'line 6']);
  assert.match(n.malformed[0]!.reason, /SHA-1: .*has 38 hex digits.*MD5: .*has 30 hex digits/);
  assert.match(n.malformed[1]!.reason, /record kept with its valid hashes/);
  assert.match(n.malformed[2]!.reason, /expected 8 fields separated by ",", found 5/);
  assert.match(n.malformed[3]!.reason, /unbalanced quotes|expected 8 fields/);

  const hd = file([
    '%%%% HASHDEEP-1.0',
    '%%%% size,md5,sha1,tiger,filename',
    '## Invoked from: /x',
    `5,${md5('a')},${sha1('a')},${'0'.repeat(48)},./a, with, commas.txt`,
    `x5,${md5('b')},${sha1('b')},${'0'.repeat(48)},./b.txt`,
    `5,${md5('c')}`,
    `6,${md5('d').slice(1)},${sha1('d')},${'0'.repeat(48)},./d.txt`,
  ].join('\n'));
  const h = await readAll(hd, 'hashdeep');
  assert.deepEqual(h.records.map((r) => [r.name, r.size, r.hashes]), [
    ['./a, with, commas.txt', 5, { md5: md5('a'), sha1: sha1('a') }],
    ['./d.txt', 6, { sha1: sha1('d') }],
  ]);
  assert.deepEqual(h.malformed.map((m) => m.location), ['line 5', 'line 6', 'line 7']);
  assert.match(h.malformed[0]!.reason, /size "x5" is not a non-negative integer/);
  assert.match(h.malformed[1]!.reason, /expected 5 comma-separated fields/);
  assert.deepEqual(h.info.notes, ['hashdeep tiger/whirlpool columns are read past and not kept']);

  const vics = file(JSON.stringify({
    '@odata.context': VICS_MEDIA_CTX,
    value: [
      { MD5: md5('a') },
      { MD5: md5('b').slice(1), SHA1: sha1('b') }, // kept with SHA1
      { MD5: md5('c').slice(1) }, // dropped
      42, // not an object
      { MediaID: 5, Category: 1 }, // no hash at all
      { MD5: 12345 },
    ],
  }));
  const v = await readAll(vics, 'vics');
  assert.deepEqual(v.records.map((r) => r.hashes), [{ md5: md5('a') }, { sha1: sha1('b') }]);
  assert.deepEqual(v.malformed, [
    { location: 'Media[1]', reason: 'MD5: md5 ' + JSON.stringify(md5('b').slice(1)) + ' has 31 hex digits, expected 32 (record kept with its valid hashes)' },
    { location: 'Media[2]', reason: 'MD5: md5 ' + JSON.stringify(md5('c').slice(1)) + ' has 31 hex digits, expected 32' },
    { location: 'Media[3]', reason: 'not a JSON object' },
    { location: 'Media[4]', reason: 'no MD5, SHA1, SHA256 or PDQ value' },
    { location: 'Media[5]', reason: 'MD5 is not a string' },
  ]);

  // An RDSv3-shaped database with a bad row.
  const dbPath = join(tmp.dir, 'rds.db');
  const db = new Database(dbPath);
  db.exec(`CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL, crc32 VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL, package_id INTEGER NOT NULL,
    CONSTRAINT PK_FILE__FILE PRIMARY KEY (sha256, sha1, md5, crc32, file_name, file_size, package_id));
    CREATE VIEW DISTINCT_HASH AS SELECT DISTINCT sha256, sha1, md5, crc32 FROM FILE;`);
  const ins = db.prepare('INSERT INTO FILE VALUES (?, ?, ?, ?, ?, ?, ?)');
  ins.run(sha256('a').toUpperCase(), sha1('a').toUpperCase(), md5('a').toUpperCase(), '0', 'a.dll', 1, 7);
  ins.run('00', '11', '22', '0', 'bad.dll', 1, 7);
  db.close();
  const rds = await readAll(dbPath, 'nsrl-rdsv3');
  assert.deepEqual(rds.records.map((r) => r.hashes), [{ sha256: sha256('a'), sha1: sha1('a'), md5: md5('a') }]);
  assert.equal(rds.malformed.length, 1);
  assert.equal(rds.malformed[0]!.location, 'FILE row 1'); // '00' sorts first
  assert.match(rds.malformed[0]!.reason, /sha256: sha256 "00" has 2 hex digits/);
});

test('binary junk, archives, UTF-16, empty files and foreign SQLite are refused by detection', async () => {
  let seed = 12345;
  const junk = Buffer.alloc(4096);
  for (let i = 0; i < junk.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    junk[i] = seed >>> 24;
  }
  const cases: [string, Buffer | string, RegExp][] = [
    ['junk.bin', junk, /binary data, not a hash-set file/],
    ['ctrl.txt', Buffer.from('\x01\x02\x03\x04abc\x05\x06\x07\x08'.repeat(100)), /binary data/],
    ['a.gz', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), /gzip-compressed file: decompress it first/],
    ['a.zip', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(26)]), /ZIP archive/],
    ['u16.txt', Buffer.from(`\ufeff${md5('a')}\n`, 'utf16le'), /UTF-16 text/],
    ['empty.txt', '', /the file is empty/],
    ['blank.txt', '\n\n  \n', /only blank lines/],
    ['noline.txt', 'x'.repeat(70 * 1024), /no line break in the first 65536 bytes/],
    ['array.json', '[{"MD5": "x"}]', /JSON array at top level/],
    ['other.json', '{"hello": "world"}', /JSON, but not a VICS document/],
    ['odata.json', '{"@odata.context": "https://example.invalid/odata/$metadata#People", "value": []}', /not a VICS data model/],
    ['other.xml', '<?xml version="1.0"?><!-- c --><root/>', /root element <root>: not a supported hash-set format/],
  ];
  for (const [name, content, message] of cases) {
    await assert.rejects(detectHashSetFormat(file(content, name)), (err: unknown) => {
      assert.ok(err instanceof HashSetFormatError, `${name}: ${String(err)}`);
      assert.match(err.message, message, name);
      return true;
    });
  }
  const foreign = join(tmp.dir, 'foreign.db');
  const db = new Database(foreign);
  db.exec('CREATE TABLE notes (id INTEGER, body TEXT)');
  db.close();
  await assert.rejects(detectHashSetFormat(foreign), /SQLite database, but not an NSRL RDSv3 set/);
  const kdb = join(tmp.dir, 'autopsy.kdb');
  const k = new Database(kdb);
  k.exec('CREATE TABLE db_properties (name TEXT, value TEXT); CREATE TABLE hashes (id INTEGER, md5 BLOB)');
  k.close();
  await assert.rejects(detectHashSetFormat(kdb), /Autopsy\/Sleuth Kit \.kdb hash database, which is not supported/);
  const corrupt = file(Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4080, 0x5a)]), 'corrupt.db');
  await assert.rejects(detectHashSetFormat(corrupt), (err: unknown) =>
    err instanceof HashSetFormatError && /SQLite database that cannot be (opened|read)/.test(err.message));
  const dir = join(tmp.dir, 'a-directory');
  mkdirSync(dir);
  await assert.rejects(detectHashSetFormat(dir), /is a directory/);
  await assert.rejects(readAll(join(tmp.dir, 'missing.txt'), 'md5sum'), (err: unknown) =>
    err instanceof HashSetReadError && /cannot read .*ENOENT/.test(err.message));
});

test('VICS field names are case-insensitive, annotations ignored, BOM accepted, odd values tolerated', async () => {
  const doc = {
    '@ODATA.CONTEXT': 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases',
    '@odata.count': 1,
    VALUE: [{
      caseid: 'c-1', CASENUMBER: 'N-1', contactemail: 'x@example.invalid',
      MEDIA: [
        {
          'odata.id': 'Media("x")', md5: md5('a').toUpperCase(), sha1: sha1('a'), 'SHA-256': sha256('a'), CATEGORY: 'CAT A',
          mediafiles: [{ FILENAME: 'x.jpg', FILEPATH: 'dir' }, { FileName: 'y.jpg' }], MEDIASIZE: '12',
          VICTIMIDENTIFIED: 1, isdistributed: 'TRUE', Tags: ['one', 'two'], Series: { name: 's' },
          exifs: [{ propertyname: 'Make', propertyvalue: 'Example' }],
          alternativehashes: [{ HASHNAME: 'pdq', HASHVALUE: 'AB'.repeat(32) }],
        },
        { MD5: md5('b'), Category: true },
      ],
    }],
  };
  // A "__proto__" key must stay an ordinary field (JSON.stringify cannot produce one from a literal: add it as text).
  const text = `\ufeff${JSON.stringify(doc).replace('"VICTIMIDENTIFIED"', '"__proto__":"not a prototype","VICTIMIDENTIFIED"')}`;
  const path = file(text);
  assert.deepEqual(await detectHashSetFormat(path), { format: 'vics', version: '2.0', profile: 'UK', shape: 'Cases' });
  const { records, malformed, info } = await readAll(path, 'vics');
  assert.equal(info.categoryScheme, 'VICS 2.0 UK');
  assert.equal(info.cases, 1);
  assert.equal(records.length, 2);
  const [a, b] = records as [HashSetRecord, HashSetRecord];
  assert.deepEqual(a.hashes, { md5: md5('a'), sha1: sha1('a'), sha256: sha256('a'), pdq: 'ab'.repeat(32) });
  assert.equal(a.category, 'CAT A'); // exactly as given
  assert.equal(a.name, 'x.jpg');
  assert.equal(a.size, 12);
  assert.equal(a.extra?.victimIdentified, true);
  assert.equal(a.extra?.isDistributed, true);
  assert.equal(a.extra?.tags, '["one","two"]');
  assert.equal(a.extra?.series, '{"name":"s"}');
  assert.equal(a.extra?.mediaFileCount, 2);
  assert.equal(a.extra?.filePath, 'dir');
  assert.equal(a.extra?.caseId, 'c-1');
  assert.equal(a.extra?.caseNumber, 'N-1');
  assert.equal(Object.getPrototypeOf(a.extra), Object.prototype);
  assert.equal(b.category, null);
  assert.deepEqual(malformed, [
    { location: 'Cases[0].Media[1]', reason: 'Category is not a number or a string (ignored) (record kept with its valid hashes)' },
  ]);
});

test('VICS booleans: absent and null stay null, never false; tolerant spellings are read', async () => {
  const spellings: [unknown, boolean | null][] = [
    [undefined, null], [null, null], [false, false], ['false', false], [0, false], ['no', false], ['N', false],
    [true, true], ['true', true], ['True', true], [1, true], ['yes', true], ['y', true], ['maybe', null], ['', null],
  ];
  const value = spellings.map(([v], i) => {
    const m: Record<string, unknown> = { MediaID: i, MD5: md5(String(i)) };
    if (v !== undefined) m.IsDistributed = v;
    return m;
  });
  const { records, malformed } = await readAll(file(JSON.stringify({ '@odata.context': VICS_MEDIA_CTX, value })), 'vics');
  assert.deepEqual(malformed, []);
  assert.deepEqual(records.map((r) => r.extra?.isDistributed), spellings.map(([, want]) => want));
  // Fields that were never in the file are null too (not false).
  assert.deepEqual(records.map((r) => r.extra?.victimIdentified), spellings.map(() => null));
  assert.deepEqual(records.map((r) => r.baseline), spellings.map(() => null));
});

test('VICS without a context URL: shape inferred from content (GLEAPP fallback)', async () => {
  const media = file(JSON.stringify({ value: [{ MD5: md5('a'), Category: 0 }] }));
  assert.deepEqual(await detectHashSetFormat(media), { format: 'vics' });
  const m = await readAll(media, 'vics');
  assert.equal(m.records.length, 1);
  assert.equal(m.info.shape, 'Media');
  assert.match(m.info.categoryScheme ?? '', /no context URL/);
  const cases = file(JSON.stringify({ value: [{ CaseID: 'k', Media: [{ MD5: md5('a') }, { MD5: md5('b') }] }] }));
  const c = await readAll(cases, 'vics');
  assert.deepEqual(c.records.map((r) => r.extra?.caseId), ['k', 'k']);
  assert.equal(c.info.shape, 'Cases');
  // Context after the value array: the document is still read (shape inferred while reading).
  const late = file(`{"value":[{"MD5":"${md5('a')}"}],"@odata.context":"${VICS_MEDIA_CTX}"}`);
  const l = await readAll(late, 'vics');
  assert.equal(l.records.length, 1);
  assert.equal(l.info.profile, 'Default');
});

test('PDQ lists: hash,quality,name lines, pdq-prefixed lines, bad quality kept and reported', async () => {
  const h1 = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
  const h2 = '0007001f003f003f007f00ff00ff00ff01ff01ff01ff03ff03ff03ff03ff03ff';
  const path = file(`# pdq-photo-hasher output\n${h1},100,bridge.jpg\n${h2},0,small.jpg\n${h1},101,x.jpg\n${h2}\n${h1.slice(2)},50,y.jpg\n`);
  assert.deepEqual(await detectHashSetFormat(path), { format: 'pdq-list' });
  const { records, malformed } = await readAll(path, 'pdq-list');
  assert.deepEqual(records.map((r) => [r.hashes.pdq, r.pdqQuality, r.name]), [
    [h1, 100, 'bridge.jpg'], [h2, 0, 'small.jpg'], [h1, null, 'x.jpg'], [h2, null, null],
  ]);
  assert.deepEqual(malformed.map((m) => m.location), ['line 4', 'line 6']);
  assert.match(malformed[0]!.reason, /"101,x.jpg"|quality/);
  assert.match(malformed[1]!.reason, /has 62 hex digits, expected 64/);

  const prefixed = file(`pdq ${h1}\npdq,${h2}\n`);
  assert.deepEqual(await detectHashSetFormat(prefixed), { format: 'pdq-list' });
  assert.deepEqual((await readAll(prefixed, 'pdq-list')).records.map((r) => r.hashes.pdq), [h1, h2]);

  const csv = file(`content_id,pdq_hash,quality\nc1,${h1},90\n`);
  assert.deepEqual(await detectHashSetFormat(csv), { format: 'pdq-list' });
  assert.deepEqual((await readAll(csv, 'pdq-list')).records.map((r) => [r.name, r.pdqQuality]), [['c1', 90]]);
});

test('line formats: lines straddling read chunks keep their numbers; CRLF; sha1sum/BSD detection', async () => {
  const count = 6000; // ~300 KB: several 64 KiB chunks
  const body = Array.from({ length: count }, (_, i) => `${sha1(String(i))}  dir/file ${i}.bin`).join('\r\n');
  const path = file(`${body}\r\n`);
  assert.deepEqual(await detectHashSetFormat(path), { format: 'sha1sum' });
  const { records, malformed } = await readAll(path, 'sha1sum');
  assert.deepEqual(malformed, []);
  assert.equal(records.length, count);
  assert.ok(records.every((r, i) => r.hashes.sha1 === sha1(String(i)) && r.name === `dir/file ${i}.bin`));

  assert.deepEqual(await detectHashSetFormat(file(`SHA256 (a) = ${sha256('a')}\n`)), { format: 'sha256sum' });
  assert.deepEqual(await detectHashSetFormat(file(`MD5(a)= ${md5('a')}\n`)), { format: 'md5sum' });
  assert.deepEqual(await detectHashSetFormat(file(`\ufeff${md5('a')}\r\n`)), { format: 'plain' });
  assert.deepEqual(await detectHashSetFormat(file(`# list\n${sha1('a')}\n`)), { format: 'plain' });

  // Latin-1 names (NSRL RDS 2.x, Windows tools) are decoded as Latin-1, UTF-8 ones as UTF-8.
  const mixed = file(Buffer.concat([
    Buffer.from(`${md5('a')}  caf`), Buffer.from([0xe9]), Buffer.from('.dll\n'),
    Buffer.from(`${md5('b')}  caf\u00e9-utf8.dll\n`),
  ]));
  assert.deepEqual((await readAll(mixed, 'md5sum')).records.map((r) => r.name), ['caf\u00e9.dll', 'caf\u00e9-utf8.dll']);

  // An overlong line mid-file (small cap via options) is skipped and counted, the rest still read.
  const capped = await readAll(file(`${md5('a')}\n${'f'.repeat(200)}\n${md5('b')}\n`), 'plain', { maxLineBytes: 100 });
  assert.equal(capped.records.length, 2);
  assert.deepEqual(capped.malformed, [{ location: 'line 2', reason: 'line is 200 bytes, longer than the 100-byte limit (skipped)' }]);
});

test('a reader is single-use, and stopping early is fine', async () => {
  const reader = readHashSet(refdata('hashsets', 'rdsv3-minimal-synthetic.db'), 'nsrl-rdsv3', () => undefined);
  for await (const r of reader) {
    assert.ok(r.hashes.sha256);
    break; // closes the database
  }
  assert.throws(() => reader[Symbol.asyncIterator](), /only once/);
  const again: HashSetRecord[] = [];
  for await (const r of readHashSet(refdata('hashsets', 'rdsv3-minimal-synthetic.db'), 'nsrl-rdsv3', () => undefined)) again.push(r);
  assert.equal(again.length, 3);
});
