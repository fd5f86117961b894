/**
 * fiwalk DFXML parsing (every byte_run form TSK 4.11's fiwalk prints, chunk boundaries anywhere, the inode facet
 * ignored, truncation detected) and the matching of fiwalk fileobjects to our files by (volume, inode).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FiwalkParser, fiwalkFiles } from '../../src/adapters/sleuthkit/fiwalk.js';
import type { VolumeLayout } from '../../src/adapters/sleuthkit/sleuthkit.js';
import type { DetectedImage } from '../../src/adapters/sleuthkit/disk-image-detect.js';
import type { ByteRun, ImageFileKey } from '../../src/db/repositories/file.repository.js';
import { collectByteRuns, type ByteRunStore } from '../../src/sources/disk-image-source.js';

const fo = (name: string, inode: number, runs: string, extra = '') =>
  `<fileobject><parent_object><inode>5</inode></parent_object><filename>${name}</filename><inode>${inode}</inode>${extra}` +
  (runs ? `<byte_runs>\n${runs}</byte_runs>` : '') + `<hashdigest type='md5'>00</hashdigest></fileobject>\n`;

const doc = (volumes: string) =>
  `<?xml version='1.0' encoding='UTF-8'?>\n<dfxml xmlns='http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML' version='1.0'>` +
  `<metadata><dc:type>Disk Image</dc:type></metadata><!-- fs start: 0 -->${volumes}</dfxml>\n`;

const SAMPLE = doc(
  `<volume offset='32256'><partition_offset>32256</partition_offset>` +
    fo('a.txt', 4, `<byte_run file_offset='0' fs_offset='1024' img_offset='33280' len='2048'/>\n<byte_run file_offset='2048' fs_offset='9216' img_offset='41472' len='100'/>`) +
    fo('sparse', 7, `<byte_run file_offset='0' fill='0' len='4096'/>`) +
    fo('comp', 8, `<byte_run file_offset='0' fs_offset='5' img_offset='32261' uncompressed_len='65536'/><byte_run file_offset='65536' uncompressed_len='10'/>`) +
    fo('res', 9, `<byte_run file_offset='0' fs_offset='0' img_offset='0' len='344' type='resident'/>`) +
    fo('empty', 10, '') +
    // newer fiwalks: where the metadata entry lies, a facet that is not file data
    fo('facet', 11, '', `<byte_runs facet='inode'><byte_run fs_offset='4096' img_offset='36352'/></byte_runs>`) +
    `</volume><volume offset='1048576'>` + fo('dir/b &amp; c', 4, `<byte_run file_offset='0' fs_offset='0' img_offset='1048576' len='512'/>`) + `</volume>`,
);

describe('fiwalk DFXML parser', () => {
  test('every run form, per volume, with the inode of the fileobject (not of its parent)', () => {
    const p = new FiwalkParser();
    const files = [...p.push(SAMPLE), ...p.end()];
    assert.deepEqual(files.map((f) => [f.volumeOffset, f.filename, f.inode, f.runs.length]), [
      [32256, 'a.txt', 4, 2], [32256, 'sparse', 7, 1], [32256, 'comp', 8, 2], [32256, 'res', 9, 1], [1048576, 'dir/b & c', 4, 1],
    ]);
    assert.deepEqual(files[0]!.runs[1], { fileOffset: 2048, fsOffset: 9216, imgOffset: 41472, len: 100, uncompressedLen: null, fill: null, type: null });
    assert.deepEqual(files[1]!.runs[0], { fileOffset: 0, fsOffset: null, imgOffset: null, len: 4096, uncompressedLen: null, fill: '0', type: null });
    assert.deepEqual(files[2]!.runs.map((r) => [r.imgOffset, r.len, r.uncompressedLen]), [[32261, null, 65536], [null, null, 10]]);
    assert.equal(files[3]!.runs[0]!.type, 'resident');
    assert.deepEqual(p.summary, { volumeOffsets: [32256, 1048576], fileobjects: 7 });
  });

  test('chunk boundaries anywhere give the same result', () => {
    const whole = new FiwalkParser();
    const want = [...whole.push(SAMPLE), ...whole.end()];
    for (const size of [1, 7, 64]) {
      const p = new FiwalkParser();
      const got = [];
      for (let i = 0; i < SAMPLE.length; i += size) got.push(...p.push(SAMPLE.slice(i, i + size)));
      got.push(...p.end());
      assert.deepEqual(got, want, `chunks of ${size}`);
    }
  });

  test('truncated output (fiwalk killed) is an error, not a short list', async () => {
    const cut = SAMPLE.slice(0, SAMPLE.indexOf("<volume offset='1048576'>"));
    await assert.rejects(async () => { for await (const _ of fiwalkFiles([cut])) { /* drain */ } }, /truncated|ends inside/);
  });

  test('an image without a file system fiwalk can walk is an error', async () => {
    await assert.rejects(async () => { for await (const _ of fiwalkFiles([doc('<!-- TSK_Error x -->')])) { /* drain */ } }, /no file system/);
  });
});

describe('matching fiwalk fileobjects to our files by (volume, inode)', () => {
  const layout: VolumeLayout = {
    scheme: 'DOS', sectorSize: 512,
    volumes: [
      { label: 'p1', slot: '000:000', startSector: 63, lengthSectors: 100, description: 'NTFS', fsType: 'ntfs', status: 'scanned', note: null },
      { label: '', slot: '-------', startSector: 163, lengthSectors: 1885, description: 'Unallocated', fsType: null, status: 'skipped', note: null },
      { label: 'p2', slot: '000:001', startSector: 2048, lengthSectors: 100, description: 'FAT', fsType: 'fat16', status: 'scanned', note: null },
    ],
  };
  const img = { tskArgs: [] } as unknown as DetectedImage; // never opened: the fiwalk output is given
  const ours: ImageFileKey[] = [
    { id: 'A', path: 'p1/a.txt', volume: 'p1', fs_addr: '4-128-1', entry_type: 'file' },
    { id: 'ADS', path: 'p1/a.txt:secret', volume: 'p1', fs_addr: '4-128-3', entry_type: 'file' },
    { id: 'O', path: 'p1/$Extend/$ObjId:$O', volume: 'p1', fs_addr: '24-144-2', entry_type: 'directory' },
    { id: 'DEL', path: 'p2/x.dat', volume: 'p2', fs_addr: '900', entry_type: 'file' },
    { id: 'DEL2', path: 'p2/x.dat;901', volume: 'p2', fs_addr: '901', entry_type: 'file' },
    { id: 'OTHER', path: 'p2/y.dat', volume: 'p2', fs_addr: '77', entry_type: 'file' },
  ];
  const run = (off: number) => `<byte_run file_offset='0' fs_offset='0' img_offset='${off}' len='512'/>`;
  const fiwalk = doc(
    `<volume offset='32256'>` + fo('a.txt', 4, run(40000)) + fo('$Extend/$ObjId', 24, run(50000)) + fo('.', 5, run(1)) + `</volume>` +
      `<volume offset='1048576'>` + fo('x.dat', 900, run(1100000)) + fo('x.dat', 901, run(1200000)) + fo('y.dat', 78, run(1300000)) + fo('gone.dat', 5, run(1)) + `</volume>`,
  );

  test('the default stream, a named index, and both of a name listed twice get runs; an ADS or another inode do not', async () => {
    const stored = new Map<string, ByteRun[]>();
    const store: ByteRunStore = {
      filesAt: async (paths) => ours.filter((f) => paths.includes(f.path)),
      filesSuffixed: async (after, limit) => ours.filter((f) => /[:;]/.test(f.path) && f.path > after).sort((a, b) => (a.path < b.path ? -1 : 1)).slice(0, limit),
      replace: async (items) => { for (const i of items) stored.set(i.fileId, [...i.runs]); },
    };
    const o = await collectByteRuns(img, layout, store, [fiwalk]);
    assert.deepEqual([...stored.keys()].sort(), ['A', 'DEL', 'DEL2', 'O']);
    assert.equal(stored.get('A')![0]!.img_offset, 40000);
    assert.equal(stored.get('DEL2')![0]!.img_offset, 1200000);
    assert.equal(stored.get('O')![0]!.img_offset, 50000);
    assert.deepEqual(o, { volumes: 2, notWalked: [], withRuns: 6, matched: 4, files: 4, runs: 4 });
  });

  test('a scanned volume fiwalk did not walk is reported', async () => {
    const store: ByteRunStore = { filesAt: async () => [], filesSuffixed: async () => [], replace: async () => {} };
    const o = await collectByteRuns(img, layout, store, [doc(`<volume offset='32256'></volume>`)]);
    assert.deepEqual(o.notWalked, ['p2']);
  });
});
