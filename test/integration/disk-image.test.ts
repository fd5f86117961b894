/**
 * Disk images end to end through `winnow scan`, with The Sleuth Kit and libewf (Debian sleuthkit + ewf-tools), against
 * documented answers: DFTT's per-file MD5s, fiwalk's listings of the DFTT images, dfVFS's expected SHA-256 and path
 * lists per container format (E01, split E01, VHD, VMDK, split raw), E01 verification, and clear recorded failures
 * for images that cannot be read. The DFTT zips are unpacked into a temporary folder here.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, openSync, readFileSync, readdirSync, writeSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { attr, d, requireXmllint, validate, w, xpath } from '../helpers/dfxml.js';
import { cli, parseTsv, refdata, requireTool, tempDir } from '../helpers/env.js';

interface Row {
  label: string;
  path: string;
  size: number | null;
  md5: string | null;
  sha1: string | null;
  sha256: string | null;
  deleted: number;
  fs_addr: string | null;
  volume: string | null;
  parent_id: string | null;
  entry_type: string;
  error: string | null;
  error_code: string | null;
  recovery_note: string | null;
}

const t = tempDir('winnow-disk-');
after(() => t.cleanup());

function dbRows(ws: string): Row[] {
  const db = new BetterSqlite3(join(ws, 'winnow.sqlite'), { readonly: true });
  try {
    return db.prepare(`select e.label, f.path, f.size, lower(hex(f.md5)) md5, lower(hex(f.sha1)) sha1, lower(hex(f.sha256)) sha256, f.deleted,
      f.fs_addr, f.volume, f.parent_id, f.entry_type, f.error, f.error_code, f.recovery_note from file f join evidence e on e.id = f.evidence_id`).all() as Row[];
  } finally {
    db.close();
  }
}

function dbQuery<T>(ws: string, sql: string): T[] {
  const db = new BetterSqlite3(join(ws, 'winnow.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Find `name` anywhere below `dir`. */
function findFile(dir: string, name: string): string {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name === name) return join(e.parentPath, e.name);
  }
  throw new Error(`${name} not found under ${dir}`);
}

const ZIPS: Record<string, string[]> = {
  '6-undel-fat': ['6-fat-undel.dd'],
  '7-undel-ntfs': ['7-ntfs-undel.dd'],
  '8-jpeg-search': ['8-jpeg-search.dd'],
  '9-fat-label': ['9-fat-label.dd'],
  '5-fat-daylight': ['daylight.dd'],
  '2-kwsrch-fat': ['fat-img-kw.dd'],
  '4-kwsrch-ext3': ['ext3-img-kw-1.dd'],
  '14-iso9660-1': ['iso-dirtree1.iso', 'iso-dirtree2.iso', 'iso-endian.iso'],
  'nps-2009-hfsjtest1-image.gen1': ['image.gen1.dmg'],
  '1-extend-part': ['ext-part-test-2.dd'],
};

describe('DFTT images (raw dd, FAT/NTFS/ext3/ISO9660/HFS+, extended partitions)', () => {
  const ws = join(t.dir, 'ws-dftt');
  const images = new Map<string, string>();
  let rows: Row[] = [];
  let stdout = '';

  before(() => {
    requireTool('fls', 'sleuthkit');
    requireTool('icat', 'sleuthkit');
    requireTool('ewfverify', 'ewf-tools');
    requireTool('unzip', 'unzip');
    const unz = join(t.dir, 'dftt');
    for (const [zip, names] of Object.entries(ZIPS)) {
      mkdirSync(join(unz, zip), { recursive: true });
      execFileSync('unzip', ['-q', '-o', refdata('forensic', 'dftt-sleuthkit', 'zips', `${zip}.zip`), '-d', join(unz, zip)]);
      for (const n of names) images.set(n, findFile(join(unz, zip), n));
    }
    stdout = cli(['-w', ws, 'scan', '--case', 'dftt', '--create-case', '--no-match', ...images.values()]);
    rows = dbRows(ws);
  });

  const of = (label: string) => rows.filter((r) => r.label === label);

  test('every documented per-file MD5 of documented.tsv is reproduced (deleted, fragmented, ADS, in archives)', () => {
    const doc = parseTsv(readFileSync(refdata('forensic', 'dftt-sleuthkit', 'expected', 'documented.tsv'), 'utf8'));
    // FAT keeps no inode numbers DFTT could document; TSK's (verified_here column) for the deleted FAT files:
    const fatInode: Record<string, string> = {
      '\\sing.dat': '6', '\\mult1.dat': '7', '\\frag1.dat': '4', '\\frag2.dat': '5', '\\dir1\\mult2.dat': '870', '\\dir1\\dir2\\frag3.dat': '965',
    };
    let checked = 0;
    for (const d of doc) {
      if (!d.md5 || d.item === '(image)') continue;
      if (!images.has(d.image!)) continue; // 10-ntfs-autodetect: 280 MB unpacked, not scanned here
      // Deleted fragmented FAT files: TSK (like any contiguous recovery) gives the "naive recovery" answer, which DFTT
      // documents as the expected wrong answer; that documented naive MD5 is what we assert.
      const naive = /Naive(?: contiguous recovery gives)?:? ([0-9a-f]{32})/.exec(d.note ?? '');
      const want = d.test === '6-undel-fat' && naive ? naive[1]! : d.md5;
      const item = d.item!;
      let found: Row | undefined;
      if (item.includes('!')) {
        const [outer, inner] = item.split('!') as [string, string];
        const prefix = `${outer.replace(/\\/g, '/')}!/`;
        found = of(d.image!).find((r) => r.path.startsWith(prefix) && r.path.endsWith(inner) && r.md5 === want);
      } else {
        const addr = d.mft_or_inode || fatInode[item] || /inode (\d+)/.exec(d.verified_here ?? '')?.[1] || '';
        assert.ok(addr, `no address for ${d.image} ${item}`);
        found = of(d.image!).find((r) => r.parent_id === null && r.entry_type === 'file' && (r.fs_addr === addr || (!addr.includes('-') && r.fs_addr?.split('-')[0] === addr && (r.fs_addr.split('-')[1] ?? '128') === '128' && !/:[^/]+$/.test(r.path.slice(r.path.lastIndexOf('/'))))));
        if (found) assert.equal(found.md5, want, `${d.image} ${item} (${addr}) ${found.path}`);
      }
      assert.ok(found, `${d.image} ${item}: no file with md5 ${want}`);
      checked++;
    }
    assert.equal(checked, 33, 'documented files checked (6-undel-fat 6, 7-undel-ntfs 9, 8-jpeg-search 16, 9-fat-label 2)');
  });

  test('deleted files are recorded as deleted, with the recovery caveat', () => {
    const frag1 = of('7-ntfs-undel.dd').find((r) => r.path === 'frag1.dat')!;
    assert.equal(frag1.deleted, 1);
    assert.match(frag1.recovery_note ?? '', /recovered by The Sleuth Kit/);
    const live = of('7-ntfs-undel.dd').find((r) => r.path === 'System Volume Information/tracking.log')!;
    assert.equal(live.deleted, 0);
    assert.equal(live.recovery_note, null);
    const ads = of('7-ntfs-undel.dd').find((r) => r.path === 'mult1.dat:ADS')!;
    assert.equal(ads.fs_addr, '32-128-6');
    assert.equal(ads.md5, 'ba1b9eedb1c091ddca253d35dde8f616');
    assert.equal(of('8-jpeg-search.dd').find((r) => r.path === 'misc/file13.dll:here')?.md5, '9b787e63e3b64562730c5aecaab1e1f8');
  });

  test('every file of the fiwalk outputs is found: same path, size, MD5 and SHA-1, deleted included', () => {
    const fw = parseTsv(readFileSync(refdata('forensic', 'dftt-sleuthkit', 'expected', 'tsk-4.11.1-fiwalk-files.tsv'), 'utf8'));
    let n = 0;
    for (const f of fw) {
      if (!images.has(f.image!)) continue;
      // fiwalk lists the `.`/`..` entries of directories; fls -r (and so Winnow) lists each directory once, by its name
      if (/(^|\/)\.\.?$/.test(f.path!)) continue;
      const sector = Number(f.partition_byte_offset) / 512;
      const vols = dbQuery<{ label: string; start_sector: number }>(ws, `select v.label, v.start_sector from disk_volume v join evidence e on e.id = v.evidence_id where e.label = '${f.image}' and v.status = 'scanned'`);
      const vol = vols.find((v) => Number(v.start_sector) === sector);
      assert.ok(vol, `${f.image}: no scanned volume at byte ${f.partition_byte_offset}`);
      const path = vol.label ? `${vol.label}/${f.path}` : f.path!;
      // fiwalk names an NTFS file by its default stream; TSK's fls adds the attribute name for named $DATA/$INDEX streams.
      // Names with control characters: the TSV escapes them as \xNN, fls prints them as ^; those are matched by inode.
      const sameName = (r: Row) => r.path === path || r.path.startsWith(`${path}:`) || r.path.startsWith(`${path};`) || /\\x[0-9A-F]{2}/.test(path);
      const cands = of(f.image!).filter((r) => r.parent_id === null && sameName(r) && r.fs_addr?.split('-')[0] === f.inode);
      assert.ok(cands.length > 0, `${f.image} ${path} (inode ${f.inode}) not found`);
      // Winnow does not hash directory content (fiwalk hashes the raw directory blocks): directories are checked by presence.
      if (f.md5 && f.name_type !== 'd' && !cands.every((c) => c.entry_type === 'directory')) {
        const hit = cands.find((r) => r.md5 === f.md5);
        assert.ok(hit, `${f.image} ${path}: md5 ${f.md5} not among ${cands.map((c) => c.md5).join(',')}`);
        assert.equal(hit.sha1, f.sha1, path);
        // fiwalk gives an NTFS file without an unnamed $DATA (e.g. $Secure) size 0 and the hash of its first stream
        if (hit.path === path) assert.equal(hit.size, Number(f.size), path);
        assert.equal(hit.deleted, f.allocated === '1' ? 0 : 1, `${path} deleted flag`);
      }
      n++;
    }
    assert.equal(n, 171, "every fiwalk entry of the scanned images except the ./.. directory entries");
  });

  test('every partition of the extended-partition disk is a volume; unallocated space is recorded as skipped', () => {
    const vols = dbQuery<{ label: string; start_sector: number; status: string; fs_type: string | null; note: string | null; description: string }>(ws,
      `select v.* from disk_volume v join evidence e on e.id = v.evidence_id where e.label = 'ext-part-test-2.dd' order by idx`);
    const scanned = vols.filter((v) => v.status === 'scanned');
    assert.deepEqual(scanned.map((v) => Number(v.start_sector)), [63, 52416, 104832, 157311, 209727, 262143]);
    assert.deepEqual(scanned.map((v) => v.label), ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    assert.ok(scanned.every((v) => v.fs_type === 'fat16'));
    const unalloc = vols.filter((v) => v.description === 'Unallocated');
    assert.ok(unalloc.length >= 4 && unalloc.every((v) => v.status === 'skipped' && /unallocated space/.test(v.note ?? '')));
    const ev = dbQuery<{ image_format: string; verify_status: string; computed_md5: string; kind: string }>(ws, `select * from evidence where label = 'ext-part-test-2.dd'`)[0]!;
    assert.equal(ev.kind, 'disk-image');
    assert.equal(ev.image_format, 'raw');
    assert.equal(ev.verify_status, 'computed');
    assert.equal(ev.computed_md5, 'ea19519fc310835dd1fc20fc3cf36481'); // documented.tsv: computed image MD5
  });

  test('DFXML export: one volume per partition with offset, sector size and file system; deleted files unallocated, with inode', () => {
    requireXmllint();
    const out = join(t.dir, 'dftt.dfxml');
    cli(['-w', ws, 'export', '--case', 'dftt', '--format', 'dfxml', '--out', out]);
    const v = validate(out);
    assert.equal(v.status, 0, v.output);
    const vol = (label: string) => `//${d('volume')}[${attr('evidence')}='ext-part-test-2.dd' and ${attr('volume')}='${label}']`;
    assert.equal(Number(xpath(out, `count(//${d('volume')}[${attr('evidence')}='ext-part-test-2.dd'])`)), 6);
    assert.equal(xpath(out, `string(${vol('p2')}/${d('partition_offset')})`), String(52416 * 512));
    assert.equal(xpath(out, `string(${vol('p2')}/${d('sector_size')})`), '512');
    assert.equal(xpath(out, `string(${vol('p2')}/${d('ftype_str')})`), 'fat16');
    // a deleted FAT file (FAT overwrites the first letter of a deleted name: sing.dat → _ing.dat): alloc 0, inode, caveat
    const sing = `//${d('volume')}[${attr('evidence')}='6-fat-undel.dd']/${d('fileobject')}[${d('filename')}='_ing.dat']`;
    assert.equal(xpath(out, `string(${sing}/${d('alloc')})`), '0');
    assert.equal(xpath(out, `string(${sing}/${d('inode')})`), '6');
    assert.match(xpath(out, `string(${sing}/${w('recovery_note')})`), /./);
  });

  test('image formats are detected by content; ISO9660 and HFS+ file systems are read', () => {
    const ev = dbQuery<{ label: string; image_format: string; computed_md5: string }>(ws, 'select label, image_format, computed_md5 from evidence');
    const fmt = new Map(ev.map((e) => [e.label, e]));
    assert.equal(fmt.get('iso-dirtree1.iso')?.image_format, 'iso9660');
    assert.equal(fmt.get('iso-dirtree1.iso')?.computed_md5, '481c16151a64ef7cb86bee07aab6115b');
    assert.equal(fmt.get('6-fat-undel.dd')?.computed_md5, '4aeb06ecd361777242ab78735d51ace6');
    // documented.tsv: TSK 4.11.1 shows this image's files only as orphans; they are still hashed
    assert.ok(of('iso-dirtree2.iso').filter((r) => r.path.startsWith('$OrphanFiles/') && r.md5).length >= 2);
    assert.ok(of('image.gen1.dmg').filter((r) => r.md5).length >= 10);
    assert.match(stdout, /disk image: {5}6-fat-undel\.dd: raw, verification computed/);
  });
});

describe('dfVFS containers: E01, split E01, VHD, VMDK, split raw, MBR in split E01', () => {
  const ws = join(t.dir, 'ws-dfvfs');
  const dir = () => refdata('forensic', 'dfvfs', 'test_data');
  const containers = ['ext2.E01', 'ext2.split.E01', 'ext2.vhd', 'ext2.vmdk', 'ext2.splitraw.000', 'image.dd', 'image.E01', 'image.raw.000', 'image.vhd', 'image.vmdk', 'image-split.E01'];
  let rows: Row[] = [];
  before(() => {
    requireTool('fls', 'sleuthkit');
    requireTool('ewfinfo', 'ewf-tools');
    cli(['-w', ws, 'scan', '--case', 'dfvfs', '--create-case', '-q', '--no-match', ...containers.map((c) => join(dir(), c))]);
    rows = dbRows(ws);
  });

  const expected = (name: string) => {
    const hashes = readFileSync(join(dir(), 'end_to_end', `${name}.hashes`), 'utf8').trim().split('\n').map((l) => l.split('\t') as [string, string]);
    // the qcow2 path list was made by a back end that omits the symbolic link; the vmdk one of the same volume has it
    const pathsOf = name === 'image.qcow2' ? 'image.vmdk' : name;
    const paths = readFileSync(join(dir(), 'end_to_end', `${pathsOf}.paths`), 'utf8').trim().split('\n');
    return { hashes, paths };
  };

  test('SHA-256 and path lists of dfVFS end_to_end reproduced for every container', () => {
    for (const [label, ref] of [
      ['ext2.E01', 'ext2.E01'], ['ext2.split.E01', 'ext2.E01'], ['ext2.vhd', 'ext2.E01'], ['ext2.vmdk', 'ext2.E01'], ['ext2.splitraw.000', 'ext2.E01'],
      ['image.dd', 'image.qcow2'], ['image.raw.000', 'image.qcow2'], ['image.vhd', 'image.qcow2'], ['image.vmdk', 'image.qcow2'], ['image.E01', 'image.qcow2'],
    ] as const) {
      const want = expected(ref);
      const mine = rows.filter((r) => r.label === label && r.parent_id === null);
      assert.ok(mine.length > 0, `${label}: nothing scanned`);
      for (const [sha256, path] of want.hashes) {
        assert.equal(mine.find((r) => `/${r.path}` === path)?.sha256, sha256, `${label} ${path}`);
      }
      // image.E01 and image.vhd are an older acquisition of the volume (a_link deleted): dfVFS gives no path list for them.
      if (label === 'image.E01' || label === 'image.vhd') continue;
      // dfVFS lists allocated names (and the root); deleted names are Winnow's extra.
      const allocated = new Set(['/', ...mine.filter((r) => r.deleted === 0).map((r) => `/${r.path}`)]);
      assert.deepEqual([...allocated].sort(), [...want.paths].sort(), label);
    }
  });

  test('split raw and split E01 are read as one image; formats and verification recorded', () => {
    const ev = new Map(dbQuery<{ label: string; image_format: string; image_segments: string; verify_status: string; stored_md5: string | null; computed_md5: string }>(ws,
      'select label, image_format, image_segments, verify_status, stored_md5, computed_md5 from evidence').map((e) => [e.label, e]));
    assert.equal(ev.get('ext2.splitraw.000')?.image_format, 'split-raw');
    assert.equal(JSON.parse(ev.get('ext2.splitraw.000')!.image_segments).length, 2);
    assert.equal(ev.get('ext2.splitraw.000')?.computed_md5, '196066add11fb71c4c49cf1bb50d6d24');
    assert.equal(ev.get('ext2.split.E01')?.image_format, 'ewf');
    assert.equal(JSON.parse(ev.get('ext2.split.E01')!.image_segments).length, 2);
    assert.equal(ev.get('ext2.split.E01')?.verify_status, 'verified');
    assert.equal(ev.get('ext2.E01')?.computed_md5, '196066add11fb71c4c49cf1bb50d6d24');
    assert.equal(ev.get('ext2.vhd')?.image_format, 'vhd');
    // a VHD's media is the volume rounded up to its CHS geometry (4,212,736 bytes here), so its MD5 is not the raw one's
    assert.match(ev.get('ext2.vhd')?.computed_md5 ?? '', /^[0-9a-f]{32}$/);
    assert.equal(ev.get('ext2.vmdk')?.computed_md5, '196066add11fb71c4c49cf1bb50d6d24');
    assert.equal(ev.get('ext2.vmdk')?.image_format, 'vmdk');
    assert.equal(ev.get('image-split.E01')?.stored_md5, '38ea5af8a80e16e46c095c9110242fc0');
    assert.equal(ev.get('image-split.E01')?.verify_status, 'verified');
  });

  test('MBR disk in a split E01: both Linux partitions (primary and inside the extended one) are volumes p1, p2', () => {
    const mine = rows.filter((r) => r.label === 'image-split.E01');
    const vols = dbQuery<{ label: string; start_sector: number; status: string; note: string | null }>(ws,
      `select v.* from disk_volume v join evidence e on e.id = v.evidence_id where e.label = 'image-split.E01' and v.label != '' order by idx`);
    // p1 (sector 1, 350 sectors) holds no file system TSK recognises: recorded as failed with why, not silently dropped
    assert.deepEqual(vols.map((v) => [v.label, Number(v.start_sector), v.status]), [['p1', 1, 'failed'], ['p2', 352, 'scanned']]);
    assert.match(vols[0]!.note ?? '', /cannot determine the file system/);
    assert.ok(mine.some((r) => r.path === 'p2/lost+found'), 'p2 files');
    assert.ok(mine.every((r) => r.volume === r.path.split('/')[0]));
  });
});

describe('E01 acquisition metadata and verification', () => {
  const ws = join(t.dir, 'ws-e01');
  test('stored hashes verified with ewfverify; examiner, case number and date recorded; tampered copy is a loud mismatch', () => {
    requireTool('ewfverify', 'ewf-tools');
    const e01 = refdata('forensic', 'dftt-sleuthkit', 'derived-e01', '8-jpeg-search.E01');
    cli(['-w', ws, 'scan', '--case', 'e01', '--create-case', '-q', '--no-match', e01]);
    const ev = dbQuery<{ acquisition: string; verify_status: string; stored_md5: string; computed_md5: string; stored_sha1: string; computed_sha1: string; error: string | null }>(ws, `select * from evidence where label = '8-jpeg-search.E01'`)[0]!;
    assert.equal(ev.verify_status, 'verified');
    assert.equal(ev.stored_md5, '9bdb9c76b80e90d155806a1fc7846db5');
    assert.equal(ev.computed_md5, '9bdb9c76b80e90d155806a1fc7846db5');
    assert.equal(ev.stored_sha1, '7e9a3852fc53f3871d2f89a0a72c939405febbae');
    assert.equal(ev.computed_sha1, '7e9a3852fc53f3871d2f89a0a72c939405febbae');
    assert.equal(ev.error, null);
    const acq = JSON.parse(ev.acquisition) as { ewf: { caseNumber: string; examiner: string; acquisitionDate: string } };
    assert.equal(acq.ewf.caseNumber, 'DFTT-8');
    assert.equal(acq.ewf.examiner, 'refdata');
    assert.match(acq.ewf.acquisitionDate, /2026/);
    // the same documented files as the raw image, read through libewf from two segments
    const rows = dbRows(ws);
    assert.equal(rows.find((r) => r.path === 'alloc/file1.jpg')?.md5, '75b8d00568815a36c3809b46fc84ba6d');
    assert.equal(rows.find((r) => r.path === 'del1/file6.jpg')?.md5, 'afd55222024a4e22f7f5a3a665320763');

    // Tampered copy: one byte of the compressed media data changed.
    const src = refdata('forensic', 'dftt-sleuthkit', 'derived-e01', '7-ntfs-undel.E01');
    const bad = join(t.dir, 'tampered', '7-ntfs-undel.E01');
    mkdirSync(join(t.dir, 'tampered'), { recursive: true });
    copyFileSync(src, bad);
    const fd = openSync(bad, 'r+');
    const size = statSync(bad).size;
    writeSync(fd, Buffer.from([0x5a, 0xa5, 0x5a, 0xa5]), 0, 4, Math.floor(size / 2));
    closeSync(fd);
    // shown even with -q: a mismatch is never hidden
    const { stderr } = spawnSync(process.execPath, [cliPath(), '-w', ws, 'scan', '--case', 'e01', '-q', '--no-match', bad], { encoding: 'utf8' });
    assert.match(stderr, /WARNING: IMAGE HASH MISMATCH for .*7-ntfs-undel\.E01/);
    const tampered = dbQuery<{ verify_status: string; verify_detail: string; error: string | null; status: string }>(ws, `select * from evidence where label = '7-ntfs-undel.E01'`)[0]!;
    assert.equal(tampered.verify_status, 'mismatch', tampered.verify_detail);
    assert.match(tampered.error ?? '', /ewfverify: FAILURE/);
  });
});

function cliPath(): string {
  return join(new URL('../../../bin/winnow.js', import.meta.url).pathname);
}

describe('images that cannot be read', () => {
  const ws = join(t.dir, 'ws-bad');
  const scanFails = (path: string, pattern: RegExp) => {
    assert.throws(() => cli(['-w', ws, 'scan', '--case', 'bad', '-q', '--no-match', path]), pattern);
  };
  before(() => cli(['-w', ws, 'case', 'create', 'bad']));

  test('zero-byte bogus E01 segments: clear error and a failed evidence item', () => {
    scanFails(refdata('forensic', 'sleuthkit-repo', 'test', 'data', 'bogus.E01'), /bogus\.E01: named as a disk image \(\.E01\) but is empty \(0 bytes\)/);
    const ev = dbQuery<{ status: string; error: string; kind: string }>(ws, `select * from evidence where label = 'bogus.E01'`)[0]!;
    assert.equal(ev.status, 'failed');
    assert.equal(ev.kind, 'disk-image');
    assert.match(ev.error, /empty/);
  });

  test('truncated E01: clear error and a failed evidence item', () => {
    const src = refdata('forensic', 'dfvfs', 'test_data', 'ext2.E01');
    const cut = join(t.dir, 'truncated.E01');
    copyFileSync(src, cut);
    execFileSync('truncate', ['-s', '4096', cut]);
    scanFails(cut, /truncated\.E01: .*(cannot be opened|neither a partition table)/);
    assert.equal(dbQuery<{ status: string }>(ws, `select * from evidence where label = 'truncated.E01'`)[0]?.status, 'failed');
  });

  test('qcow2 is refused as unsupported, with what to do', () => {
    scanFails(refdata('forensic', 'dfvfs', 'test_data', 'ext2.qcow2'), /qcow.*not readable by the Debian build of The Sleuth Kit.*qemu-img convert/);
    assert.equal(dbQuery<{ status: string }>(ws, `select * from evidence where label = 'ext2.qcow2'`)[0]?.status, 'failed');
  });
});
