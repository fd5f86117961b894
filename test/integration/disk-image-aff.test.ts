import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cli, exportJsonl, refdata, requireTool, tempDir } from '../helpers/env.js';

// AFF (Advanced Forensic Format) through Debian's TSK (built with afflib): a DFTT NTFS image converted to AFF with
// afflib-tools' `affconvert` in the test gives exactly the files, hashes, deleted flags and alternate data streams of
// the raw image it came from. No AFF file is in the reference data; making one from a documented raw image is the
// honest way to test the format.

const t = tempDir('winnow-aff-');
after(() => t.cleanup());

test('an AFF image scans to the same files, hashes, deleted entries and ADS as its raw original', () => {
  requireTool('affconvert', 'afflib-tools');
  requireTool('fls', 'sleuthkit');
  const unz = join(t.dir, 'unz');
  mkdirSync(unz);
  execFileSync('unzip', ['-q', refdata('forensic', 'dftt-sleuthkit', 'zips', '7-undel-ntfs.zip'), '-d', unz]);
  const dd = readdirSync(unz, { recursive: true, withFileTypes: true }).find((e) => e.isFile() && e.name === '7-ntfs-undel.dd')!;
  const work = join(t.dir, 'img');
  mkdirSync(work);
  copyFileSync(join(dd.parentPath, dd.name), join(work, 'ntfs.raw'));
  // affconvert writes <name>.aff beside its input, in the current directory
  execFileSync('affconvert', ['-q', 'ntfs.raw'], { cwd: work });
  const ws = join(t.dir, 'ws');
  cli(['-w', ws, 'case', 'create', 'aff']);
  const out = cli(['-w', ws, 'scan', '--case', 'aff', '--no-match', join(work, 'ntfs.aff'), join(work, 'ntfs.raw')]);
  assert.match(out, /ntfs\.aff: aff/);
  const records = exportJsonl(ws, 'aff');
  const view = (label: string) => records.filter((r) => r.evidence === label).map((r) => JSON.stringify([r.path, r.md5, r.sha256, r.image?.deleted, r.image?.address, r.size])).sort();
  const aff = view('ntfs.aff');
  assert.ok(aff.length >= 20, `${aff.length} files from the AFF image`);
  assert.deepEqual(aff, view('ntfs.raw'));
  const fromAff = records.filter((r) => r.evidence === 'ntfs.aff');
  assert.ok(fromAff.some((r) => r.image?.deleted === true), 'deleted files are found in the AFF image');
  assert.ok(fromAff.some((r) => /:[^/\\]+$/.test(r.path) && !r.path.endsWith(':$Bad')), 'alternate data streams are found in the AFF image');
});
