import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hammingDistance } from '../../src/hashing/pdq.js';
import { cli, exportJsonl, refdata, tempDir } from '../helpers/env.js';

test('every command has --help', () => {
  for (const cmd of [[], ['case'], ['case', 'create'], ['case', 'list'], ['scan'], ['export'], ['demo'], ['pdq'], ['hashset'], ['hashset', 'import'], ['hashset', 'list'], ['hashset', 'remove'], ['match']]) {
    const out = cli([...cmd, '--help']);
    assert.match(out, /Usage: winnow/, cmd.join(' '));
  }
});

test('demo generates benign evidence, scans it and reports every planted property', () => {
  const ws = tempDir();
  try {
    const out = cli(['-w', ws.dir, 'demo', '-q']);
    assert.match(out, /Scan summary/);
    const recs = exportJsonl(ws.dir, 'demo');
    const by = new Map(recs.map((r) => [r.path, r]));
    // exact duplicate: same digests
    assert.equal(by.get('backup/IMG_1000 (copy).JPG')?.sha256, by.get('DCIM/100CAMERA/IMG_1000.JPG')?.sha256);
    // near duplicate: different bytes
    assert.notEqual(by.get('Downloads/IMG_1001-small.jpg')?.sha256, by.get('DCIM/100CAMERA/IMG_1001.JPG')?.sha256);
    assert.equal(by.get('DCIM/100CAMERA/IMG_1000.JPG')?.exif?.gps?.lat, 50.846667);
    assert.equal(by.get('DCIM/100CAMERA/IMG_1000.JPG')?.exif?.serial, 'WN-4242');
    assert.equal(by.get('Documents/notes.txt')?.extensionMismatch, true);
    assert.equal(by.get('Downloads/broken.jpg')?.errorCode, 'ETRUNCATED');
    assert.ok(by.get('Documents/holiday.zip!/more/inner.zip!/deeper/scene.png')?.md5);
    assert.ok(by.get('Documents/export.tar.gz!/export.tar!/export/chart.png')?.md5);
    // the demo hash lists: known-good text files hidden, a stand-in "known" picture by MD5 (VICS) and one by PDQ
    assert.match(out, /Match summary/);
    assert.equal(by.get('Documents/letter.txt')?.triage, 'known-good');
    assert.equal(by.get('Documents/letter.txt')?.ignorable, true);
    assert.equal(by.get('Documents/holiday.zip!/photos/readme.txt')?.triage, 'known-good');
    assert.equal(by.get('DCIM/100CAMERA/IMG_1003.JPG')?.triage, 'known-bad');
    assert.equal(by.get('DCIM/100CAMERA/IMG_1003.JPG')?.category, '1');
    assert.equal(by.get('Downloads/picture-5.png')?.triage, 'known-bad');
    assert.deepEqual(by.get('Downloads/picture-5.png')?.matches?.map((m) => [m.set, m.algorithm, m.distance]), [['demo-known-pdq', 'pdq', 0]]);
    // unknown pictures: the resized copy and its original form a cluster, and both are prioritised with reasons
    const nearCopy = by.get('Downloads/IMG_1001-small.jpg')!;
    assert.equal(nearCopy.triage, 'unknown');
    assert.ok(nearCopy.cluster && nearCopy.cluster === by.get('DCIM/100CAMERA/IMG_1001.JPG')?.cluster);
    assert.ok(by.get('DCIM/100CAMERA/IMG_1001.JPG')!.priorityReasons!.some((r) => r.rule === 'gps'));
    for (const r of recs) if (r.md5) assert.notEqual(r.triage, null, `${r.path} was matched`);
    // every decodable picture has a PDQ hash; the truncated one does not
    assert.match(by.get('DCIM/100CAMERA/IMG_1000.JPG')?.pdq ?? '', /^[0-9a-f]{64}$/);
    assert.equal(by.get('backup/IMG_1000 (copy).JPG')?.pdq, by.get('DCIM/100CAMERA/IMG_1000.JPG')?.pdq);
    // the resized, re-encoded copy is a near-duplicate: within PDQ's match distance, unlike an unrelated picture
    const near = hammingDistance(by.get('Downloads/IMG_1001-small.jpg')!.pdq!, by.get('DCIM/100CAMERA/IMG_1001.JPG')!.pdq!);
    const far = hammingDistance(by.get('DCIM/100CAMERA/IMG_1002.JPG')!.pdq!, by.get('DCIM/100CAMERA/IMG_1001.JPG')!.pdq!);
    assert.ok(near <= 31, `near-duplicate distance ${near}`);
    assert.ok(far > 31, `unrelated pictures at distance ${far}`);
    assert.equal(by.get('Downloads/broken.jpg')?.pdq, null);
    assert.ok(by.get('Documents/holiday.zip!/photos/beach.jpg')?.pdq, 'archive members are hashed too');
    const csv = cli(['-w', ws.dir, 'export', '--case', 'demo', '--format', 'csv']);
    assert.equal(csv.trim().split('\r\n').length, recs.length + 1);
    const cases = cli(['-w', ws.dir, 'case', 'list']);
    assert.match(cases, /^demo\t1 evidence\t13 files/m);
  } finally {
    ws.cleanup();
  }
});

test('winnow pdq prints reference-compatible "hash,quality,path" lines and fails on unreadable input', () => {
  const img = refdata('pdq', 'pdq', 'data', 'bridge-mods', 'aaa-orig.jpg');
  const out = cli(['pdq', img]);
  assert.equal(out, `f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,100,${img}\n`);
  assert.throws(() => cli(['pdq', img, '/nonexistent.jpg']), /exited 1/);
});
