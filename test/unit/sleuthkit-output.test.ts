/** Parsing of The Sleuth Kit / libewf tool output, against the reference data's recorded listings. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseEwfinfo, parseEwfverify, parseFls, parseFlsLine, parseMmls, tskTime } from '../../src/adapters/sleuthkit/tsk-output.js';
import { refdata } from '../helpers/env.js';

const MMLS_EXTENDED = `DOS Partition Table
Offset Sector: 0
Units are in 512-byte sectors

      Slot      Start        End          Length       Description
000:  Meta      0000000000   0000000000   0000000001   Primary Table (#0)
001:  -------   0000000000   0000000062   0000000063   Unallocated
002:  000:000   0000000063   0000052415   0000052353   DOS FAT16 (0x04)
003:  000:001   0000052416   0000104831   0000052416   DOS FAT16 (0x04)
004:  000:002   0000104832   0000157247   0000052416   DOS FAT16 (0x04)
005:  Meta      0000157248   0000312479   0000155232   DOS Extended (0x05)
006:  Meta      0000157248   0000157248   0000000001   Extended Table (#1)
007:  -------   0000157248   0000157310   0000000063   Unallocated
008:  001:000   0000157311   0000209663   0000052353   DOS FAT16 (0x04)
009:  -------   0000209664   0000209726   0000000063   Unallocated
010:  001:001   0000209727   0000262079   0000052353   DOS FAT16 (0x04)
011:  Meta      0000262080   0000312479   0000050400   DOS Extended (0x05)
012:  Meta      0000262080   0000262080   0000000001   Extended Table (#2)
013:  -------   0000262080   0000262142   0000000063   Unallocated
014:  002:000   0000262143   0000312479   0000050337   DOS FAT16 (0x06)
`;

test('mmls: every partition of a DOS table with nested extended tables (DFTT 1-extend-part layout)', () => {
  const m = parseMmls(MMLS_EXTENDED);
  assert.equal(m.scheme, 'DOS Partition Table');
  assert.equal(m.sectorSize, 512);
  const parts = m.rows.filter((r) => r.kind === 'partition');
  // documented.tsv: primary 63+52353, 52416+52416, 104832+52416; extended 157311+52353, 209727+52353, 262143+50337
  assert.deepEqual(parts.map((p) => [p.startSector, p.lengthSectors]), [[63, 52353], [52416, 52416], [104832, 52416], [157311, 52353], [209727, 52353], [262143, 50337]]);
  assert.equal(m.rows.filter((r) => r.kind === 'unallocated').length, 4);
  assert.equal(m.rows.filter((r) => r.kind === 'meta').length, 5);
  assert.equal(parts[5]!.description, 'DOS FAT16 (0x06)');
});

test('fls -l: allocated, deleted, NTFS streams, virtual entries, zero times', () => {
  const lines = [
    'r/r 4-128-4:\t$AttrDef\t2004-02-29 19:57:57 (UTC)\t2004-02-29 19:57:57 (UTC)\t2004-02-29 19:57:57 (UTC)\t2004-02-29 19:57:57 (UTC)\t2560\t0\t48',
    '-/r * 32-128-6:\tmult1.dat:ADS\t2004-02-29 20:02:22 (UTC)\t2004-02-29 20:02:22 (UTC)\t2004-02-29 20:02:22 (UTC)\t2004-02-29 20:01:37 (UTC)\t1234\t0\t0',
    'r/r * 4:\t_rag1.dat\t2004-02-14 12:51:16 (UTC)\t2004-02-14 00:00:00 (UTC)\t0000-00-00 00:00:00 (UTC)\t2004-02-14 12:50:48 (UTC)\t1584\t0\t0',
    'v/v 191619:\t$MBR\t0000-00-00 00:00:00 (UTC)\t0000-00-00 00:00:00 (UTC)\t0000-00-00 00:00:00 (UTC)\t0000-00-00 00:00:00 (UTC)\t512\t0\t0',
    '-/d * 33-144-1:\tdir1\t2004-02-29 20:03:00 (UTC)\t2004-02-29 20:03:00 (UTC)\t2004-02-29 20:03:00 (UTC)\t2004-02-29 20:03:00 (UTC)\t48\t0\t0',
    'r/r 7:\tname\twith tab\t2004-02-29 20:03:00 (UTC)\t2004-02-29 20:03:00 (UTC)\t2004-02-29 20:03:00 (UTC)\t2004-02-29 20:03:00 (UTC)\t5\t0\t0',
    'not an fls line',
  ];
  const e = parseFls(lines.join('\n'));
  assert.equal(e.length, 6);
  assert.deepEqual([e[0]!.addr, e[0]!.inode, e[0]!.deleted, e[0]!.type, e[0]!.size], ['4-128-4', 4, false, 'file', 2560]);
  assert.equal(e[0]!.crtime, '2004-02-29T19:57:57.000Z');
  assert.deepEqual([e[1]!.path, e[1]!.addr, e[1]!.deleted, e[1]!.type], ['mult1.dat:ADS', '32-128-6', true, 'file']);
  assert.deepEqual([e[2]!.path, e[2]!.deleted, e[2]!.ctime, e[2]!.size], ['_rag1.dat', true, null, 1584]);
  assert.equal(e[3]!.type, 'virtual');
  assert.equal(e[4]!.type, 'directory');
  assert.equal(e[5]!.path, 'name\twith tab');
  assert.equal(parseFlsLine('r/r 5(realloc):\tx\t0000-00-00 00:00:00 (UTC)\t0000-00-00 00:00:00 (UTC)\t0000-00-00 00:00:00 (UTC)\t0000-00-00 00:00:00 (UTC)\t0\t0\t0')?.reallocated, true);
  assert.equal(tskTime('0000-00-00 00:00:00 (UTC)'), null);
});

test('fls: TSK\'s own expected listing of its test image parses (test/tools/fstools/fls_output/2)', () => {
  // That file is plain `fls` output (no -l): one line per entry, parsed here only for its type/address column.
  const text = readFileSync(refdata('forensic', 'sleuthkit-repo', 'test', 'tools', 'fstools', 'fls_output', '2'), 'utf8');
  const lines = text.split('\n').filter((l) => /^[-a-zA-Z]\/[-a-zA-Z] /.test(l));
  assert.ok(lines.length >= 5);
  // add the seven -l columns to each and parse
  const withL = lines.map((l) => `${l}\t0000-00-00 00:00:00 (UTC)\t0000-00-00 00:00:00 (UTC)\t0000-00-00 00:00:00 (UTC)\t0000-00-00 00:00:00 (UTC)\t0\t0\t0`);
  const parsed = parseFls(withL.join('\n'));
  assert.equal(parsed.length, lines.length);
  assert.ok(parsed.some((p) => p.path === 'passwords.txt'));
});

test('ewfinfo: acquisition metadata and stored hashes', () => {
  const info = parseEwfinfo(`ewfinfo 20140813

Acquiry information
\tCase number:\t\tDFTT-8
\tDescription:\t\tDFTT #8 JPEG search, re-packed as multi-segment E01
\tExaminer name:\t\trefdata
\tEvidence number:\t1
\tNotes:\t\t\tderived from 8-jpeg-search.dd md5 9bdb9c76b80e90d155806a1fc7846db5
\tAcquisition date:\tSun Nov 22 07:30:39 2026
\tSystem date:\t\tSun Nov 22 07:30:39 2026
\tPassword:\t\tN/A

EWF information
\tFile format:\t\tEnCase 6

Media information
\tBytes per sector:\t512
\tMedia size:\t\t9.8 MiB (10289152 bytes)

Digest hash information
\tMD5:\t\t\t9bdb9c76b80e90d155806a1fc7846db5
\tSHA1:\t\t\t7e9a3852fc53f3871d2f89a0a72c939405febbae
`);
  assert.equal(info.caseNumber, 'DFTT-8');
  assert.equal(info.examiner, 'refdata');
  assert.equal(info.acquisitionDate, 'Sun Nov 22 07:30:39 2026');
  assert.equal(info.mediaSize, 10289152);
  assert.equal(info.storedMd5, '9bdb9c76b80e90d155806a1fc7846db5');
  assert.equal(info.storedSha1, '7e9a3852fc53f3871d2f89a0a72c939405febbae');
  assert.equal(info.fileFormat, 'EnCase 6');
});

test('ewfverify: success, stored/computed hashes, failure', () => {
  const ok = parseEwfverify(`MD5 hash stored in file:\t\t196066add11fb71c4c49cf1bb50d6d24
MD5 hash calculated over data:\t\t196066add11fb71c4c49cf1bb50d6d24
SHA1 hash stored in file:\t\tN/A
SHA1 hash calculated over data:\t\t4766c63c7acd5175015e3e8b90013a827e63f4ee

ewfverify: SUCCESS
`);
  assert.equal(ok.success, true);
  assert.equal(ok.storedSha1, null);
  assert.equal(ok.computedSha1, '4766c63c7acd5175015e3e8b90013a827e63f4ee');
  const bad = parseEwfverify(`MD5 hash stored in file:\t\t196066add11fb71c4c49cf1bb50d6d24
MD5 hash calculated over data:\t\t0123456789abcdef0123456789abcdef

ewfverify: FAILURE
`);
  assert.equal(bad.success, false);
  assert.notEqual(bad.storedMd5, bad.computedMd5);
});
