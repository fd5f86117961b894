/**
 * kill -9 in the middle of a disk-image scan, then the same command again: every file of the image is there exactly
 * once with the right digest, and none finished by the first run is hashed again. The image is an ext4 file system
 * made here with `mke2fs -d` from generated random files (e2fsprogs).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { cli, requireTool, tempDir } from '../helpers/env.js';
import { killScanAfter } from '../helpers/kill-scan.js';

const t = tempDir('winnow-disk-resume-');
after(() => t.cleanup());

test('a disk-image scan killed with SIGKILL resumes with no file missing and none hashed twice', async () => {
  requireTool('mke2fs', 'e2fsprogs');
  requireTool('icat', 'sleuthkit');
  const src = join(t.dir, 'src');
  const expected = new Map<string, string>();
  const N = 3000;
  for (let d = 0; d < 10; d++) mkdirSync(join(src, `d${d}`), { recursive: true });
  for (let i = 0; i < N; i++) {
    const data = randomBytes(512 + ((i * 7919) % 8192));
    const rel = `d${i % 10}/f${String(i).padStart(5, '0')}.bin`;
    writeFileSync(join(src, rel), data);
    expected.set(rel, createHash('md5').update(data).digest('hex'));
  }
  const img = join(t.dir, 'disk.img');
  execFileSync('mke2fs', ['-q', '-t', 'ext4', '-d', src, '-b', '4096', img, '64M'], { stdio: 'ignore' });

  const ws = join(t.dir, 'ws');
  cli(['-w', ws, 'case', 'create', 'img']);
  const dbFile = join(ws, 'winnow.sqlite');
  const doneAtKill = await killScanAfter(['-w', ws, 'scan', '--case', 'img', '-q', '--no-match', '--workers', '1', img], dbFile, 'digest', 600);
  assert.ok(doneAtKill >= 600 && doneAtKill < N, `killed after ${doneAtKill} files: not in the middle of the scan`);

  const out = cli(['-w', ws, 'scan', '--case', 'img', '--no-match', img]);
  const already = Number(/(\d+) already done by an earlier run/.exec(out)?.[1] ?? 0);
  assert.ok(already >= doneAtKill - 100, `rerun skipped only ${already} of ${doneAtKill} finished files`);

  const db = new BetterSqlite3(dbFile, { readonly: true });
  try {
    const rows = db.prepare("select path, lower(hex(md5)) md5 from file where entry_type = 'file'").all() as { path: string; md5: string | null }[];
    const paths = rows.map((r) => r.path);
    assert.equal(new Set(paths).size, paths.length, 'a file is listed twice');
    for (const [rel, md5] of expected) assert.equal(rows.find((r) => r.path === rel)?.md5, md5, rel);
    const unfinished = (db.prepare("select count(*) n from file f where not exists (select 1 from file_stage s where s.file_id = f.id and s.stage = 'digest')").get() as { n: number }).n;
    assert.equal(unfinished, 0, 'files without a digest outcome after the rerun');
    const rehashed = (db.prepare("select count(*) as n from file_stage where stage = 'digest' and attempts > 1").get() as { n: number }).n;
    assert.ok(rehashed <= 100, `${rehashed} files finished before the kill were hashed again`);
    const ev = db.prepare('select status, image_format, verify_status from evidence').get() as { status: string; image_format: string; verify_status: string };
    assert.deepEqual([ev.status, ev.image_format, ev.verify_status], ['done', 'raw', 'computed']);
  } finally {
    db.close();
  }
});
