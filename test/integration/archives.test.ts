import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli, exportJsonl, parseTsv, refdata, requireTool, tempDir, type JsonlRecord } from '../helpers/env.js';

/**
 * Archives from microsoft/RecursiveExtractor's test data: every format we read, nested archives, encrypted and
 * corrupt archives, zip-slip names and decompression bombs. Nothing is ever extracted to disk.
 */
describe('archives (RecursiveExtractor test data)', () => {
  const ws = tempDir();
  let records: JsonlRecord[] = [];
  const root = refdata('forensic', 'recursiveextractor', 'RecursiveExtractor.Tests', 'TestData');
  const top = (name: string) => {
    const r = records.find((x) => x.path === name);
    assert.ok(r, `${name} not recorded`);
    return r;
  };
  /** Regular files anywhere below an archive that are not themselves archives (RecursiveExtractor's "leaf files"). */
  const leaves = (name: string) => records.filter((r) => r.path.startsWith(`${name}!/`) && r.archive === null && r.md5 !== null);

  before(() => {
    requireTool('bsdtar', 'libarchive-tools');
    cli(['-w', ws.dir, 'scan', '--case', 'archives', '--create-case', '-q', join(root, 'TestDataArchives'), join(root, 'Bombs')]);
    records = exportJsonl(ws.dir, 'archives');
  });
  after(() => ws.cleanup());

  test('leaf-file counts equal RecursiveExtractor’s expected counts', () => {
    const expected = parseTsv(readFileSync(refdata('forensic', 'recursiveextractor', 'expected', 'expected.tsv'), 'utf8'));
    const want = new Map(expected.map((r) => [r.file!.replace('TestDataArchives/', ''), r.expected_files_recursive!]));
    for (const name of ['100trees.7z', 'TestData.zip', 'TestData.7z', 'TestData.rar', 'TestData.rar4', 'TestData.tar.xz', 'TestData.a', 'TestData.bsd.ar', 'TestData.iso', 'UdfTestWithMultiSystem.iso']) {
      assert.equal(String(leaves(name).length), want.get(name), `${name}`);
      assert.equal(top(name).archive?.status, 'opened', name);
    }
  });

  test('tar family: every regular file bsdtar lists, through gzip/bzip2/xz layers', () => {
    // RecursiveExtractor expects 6 for TestData.tar; the archive holds 5 regular files (bsdtar's own listing),
    // and we count what the archive holds.
    const listing = execFileSync('bsdtar', ['-tvf', join(root, 'TestDataArchives', 'TestData.tar')], { encoding: 'utf8' });
    const regular = listing.split('\n').filter((l) => l.startsWith('-')).length;
    for (const name of ['TestData.tar', 'TestData.tar.gz', 'TestData.tar.bz2']) assert.equal(leaves(name).length, regular, name);
    assert.ok(records.some((r) => r.path === 'TestData.tar.gz!/TestData.tar!/TestData/Foo/Bar/Lorem.txt'));
  });

  test('nested archives are opened recursively with the !/ notation', () => {
    const nested = leaves('TestDataArchivesNested.zip');
    assert.ok(nested.length >= 45, `only ${nested.length} leaves`);
    assert.ok(nested.some((r) => r.path.split('!/').length >= 4), 'no member three archives deep');
    const deb = leaves('sysvbanner_1.0-17fakesync1_amd64.deb').map((r) => r.path);
    assert.ok(deb.includes('sysvbanner_1.0-17fakesync1_amd64.deb!/data.tar.xz!/data.tar!/./usr/bin/banner'));
  });

  test('encrypted archives and members are recorded as encrypted and hashed as stored', () => {
    for (const name of ['TestDataEncrypted.7z', 'TestDataEncrypted.rar', 'TestDataEncrypted.rar4']) {
      assert.match(top(name).archive?.status ?? '', /^encrypted/, name);
      assert.ok(top(name).md5, `${name} itself is hashed`);
    }
    for (const name of ['TestDataEncryptedZipCrypto.zip', 'TestDataEncryptedAES.zip']) {
      const members = records.filter((r) => r.path.startsWith(`${name}!/`));
      assert.equal(members.length, 3, name);
      for (const m of members) {
        assert.equal(m.errorCode, 'EENCRYPTED', m.path);
        assert.match(m.md5 ?? '', /^[0-9a-f]{32}$/, `${m.path} hashed as stored`);
      }
    }
  });

  test('corrupt and unsupported archives are recorded and the scan goes on', () => {
    assert.ok(top('TestDataCorrupt.tar').md5);
    assert.match(top('TestData.arj').archive?.status ?? '', /^unsupported/);
    assert.equal(top('TestDataCorrupt.tar.zip').archive?.status, 'opened');
  });

  test('zip-slip names are recorded as stored and flagged, never extracted', () => {
    for (const name of ['zip-slip.zip', 'zip-slip.tar', 'zip-slip-win.zip', 'zip-slip-win.tar']) {
      const members = records.filter((r) => r.path.startsWith(`${name}!/`));
      assert.equal(members.length, 2, name);
      const evil = members.find((m) => m.path.includes('evil.txt'))!;
      assert.equal(evil.errorCode, 'WHOSTILE_NAME');
      assert.match(evil.path, /\.\.[\\/]/);
      assert.ok(evil.md5);
    }
    // nothing landed outside the workspace: the traversal targets do not exist
    assert.throws(() => readFileSync('/tmp/evil.txt'));
  });

  test('decompression bombs are refused by ratio/size limits, quickly', () => {
    for (const name of ['zbsm.zip', '10GB.bz2', '10GB.gz.bz2', '10GB.xz.bz2', '10GB.zip.bz2', '10GB.7z.bz2', '10GB.rar.bz2']) {
      const r = top(name);
      assert.match(r.archive?.status ?? '', /^refused: decompression bomb/, name);
      assert.equal(r.errorCode, 'EARCHIVE_REFUSED', name);
      assert.ok(r.md5, `${name} itself is hashed`);
    }
    const bytes = records.reduce((a, r) => a + (r.size ?? 0), 0);
    assert.ok(bytes < 2 * 1024 ** 3, `recorded ${bytes} bytes: limits did not hold`);
  });
});
