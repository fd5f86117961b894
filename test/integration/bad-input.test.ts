import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { CLI, cli, exportJsonl, refdata, tempDir } from '../helpers/env.js';

/** Snapshot of a tree: path → size, mtime and content hash (to prove a scan never writes into its source). */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, ent.name);
      if (ent.isDirectory()) {
        try { readdirSync(p); } catch { out.set(relative(root, p), 'unreadable-dir'); continue; }
      }
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile()) out.set(relative(root, p), `${statSync(p).size}:${statSync(p).mtimeMs}:${(() => { try { return createHash('sha1').update(readFileSync(p)).digest('hex'); } catch { return 'unreadable'; } })()}`);
      else out.set(relative(root, p), ent.isSymbolicLink() ? 'symlink' : 'special');
    }
  };
  walk(root);
  return out;
}

describe('bad input is recorded with a clear error and the scan goes on', () => {
  const t = tempDir();
  after(() => t.cleanup());

  test('unreadable files, special files, symlink loops, corrupt images; the source is never written', () => {
    const src = join(t.dir, 'evidence');
    mkdirSync(join(src, 'locked-dir'), { recursive: true });
    writeFileSync(join(src, 'ok.txt'), 'fine\n');
    writeFileSync(join(src, 'secret.txt'), 'no access\n');
    writeFileSync(join(src, 'locked-dir', 'inside.txt'), 'x');
    chmodSync(join(src, 'secret.txt'), 0o000);
    chmodSync(join(src, 'locked-dir'), 0o000);
    execFileSync('mkfifo', [join(src, 'pipe')]);
    symlinkSync('loop-b', join(src, 'loop-a'));
    symlinkSync('loop-a', join(src, 'loop-b'));
    symlinkSync('.', join(src, 'self'));
    writeFileSync(join(src, 'photo.txt'), readFileSync(refdata('forensic', 'exifr-fixtures', 'test', 'fixtures', 'canon-dslr.jpg')));
    // corrupt images: PngSuite's must-reject x*.png and the fuzzed JPEG corpus
    const pngs = refdata('forensic', 'pngsuite', 'png');
    const corrupt = readdirSync(pngs).filter((n) => n.startsWith('x'));
    assert.ok(corrupt.length >= 10);
    mkdirSync(join(src, 'corrupt'));
    for (const n of corrupt) writeFileSync(join(src, 'corrupt', n), readFileSync(join(pngs, n)));
    const ws = join(t.dir, 'ws');
    mkdirSync(ws);
    // Permission checks mean nothing to root: scan as an unprivileged user when we are root.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if (process.getuid?.() === 0) {
      chownSync(ws, 65534, 65534);
      chmodSync(t.dir, 0o755);
      // The unprivileged user must be able to run Winnow itself: say so plainly instead of a MODULE_NOT_FOUND later.
      const probe = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(CLI)}, require('fs').constants.R_OK)`], asUser);
      assert.equal(probe.status, 0, `this test scans as uid 65534 (nobody) because permission checks mean nothing to root; that user cannot read ${CLI}: make the checkout's parent folders world-readable (chmod o+rx)`);
    }
    const before = snapshot(src);
    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, [CLI, '-w', ws, ...args], { encoding: 'utf8', ...asUser });
      assert.equal(r.status, 0, `winnow ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    run(['scan', '--case', 'bad', '--create-case', '-q', src, refdata('forensic', 'imagetestsuite')]);
    const records = exportJsonl(ws, 'bad');
    const byPath = new Map(records.filter((r) => r.evidence === 'evidence').map((r) => [r.path, r]));
    assert.equal(byPath.get('ok.txt')?.md5, createHash('md5').update('fine\n').digest('hex'));
    if (process.getuid?.() === 0) {
      assert.equal(byPath.get('secret.txt')?.error, 'permission denied');
      assert.equal(byPath.get('secret.txt')?.errorCode, 'EACCES');
      assert.equal(byPath.get('locked-dir')?.errorCode, 'EACCES', 'an unreadable directory is recorded');
    }
    assert.match(byPath.get('pipe')?.error ?? '', /fifo/);
    assert.match(byPath.get('loop-a')?.error ?? '', /symbolic link/);
    assert.match(byPath.get('self')?.error ?? '', /symbolic link/);
    const renamed = byPath.get('photo.txt');
    assert.equal(renamed?.mimeType, 'image/jpeg');
    assert.equal(renamed?.extensionMismatch, true);
    assert.equal(renamed?.exif?.serial, '223073000724');
    for (const n of corrupt) assert.ok(byPath.get(`corrupt/${n}`)?.md5, `corrupt/${n} hashed`);
    // every file of the fuzzed corpus was recorded with a digest
    const fuzz = records.filter((r) => r.evidence === 'imagetestsuite');
    assert.ok(fuzz.length > 300);
    assert.ok(fuzz.every((r) => r.md5 !== null), 'a corrupt image lost its digest');
    assert.deepEqual(snapshot(src), before, 'the source tree changed');
  });

  test('a source that does not exist is a clear error, not a crash', () => {
    const r = spawnSync(process.execPath, [CLI, '-w', join(t.dir, 'ws2'), 'scan', '--case', 'x', '--create-case', '-q', join(t.dir, 'nope')], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot read source .*nope/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace for a user error');
  });

  test('scanning into a missing case says how to create it', () => {
    const r = spawnSync(process.execPath, [CLI, '-w', join(t.dir, 'ws3'), 'scan', '--case', 'nocase', '-q', t.dir], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /winnow case create "nocase"/);
  });

  test('files that vanish between listing and reading are recorded as vanished', async () => {
    const { openDatabase } = await import('../../src/db/connection.js');
    const { FileRepository } = await import('../../src/db/repositories/file.repository.js');
    const ws = join(t.dir, 'ws4');
    const src = join(t.dir, 'vanish');
    mkdirSync(src);
    writeFileSync(join(src, 'stays.txt'), 'a');
    cli(['-w', ws, 'scan', '--case', 'v', '--create-case', '-q', src]);
    // an earlier run listed a file that is gone now (deleted mid-scan): the rerun must record it, not lose it
    const h = await openDatabase(join(ws, 'winnow.sqlite'));
    const ev = await h.db.selectFrom('evidence').select('id').executeTakeFirstOrThrow();
    await new FileRepository(h).recordDiscovered(ev.id, [{ path: 'gone.txt', depth: 0, entryType: 'file', size: 5, times: { mtime: null, atime: null, ctime: null, birthtime: null } }]);
    await h.close();
    cli(['-w', ws, 'scan', '--case', 'v', '-q', src]);
    const gone = exportJsonl(ws, 'v').find((r) => r.path === 'gone.txt');
    assert.equal(gone?.errorCode, 'ENOENT');
    assert.match(gone?.error ?? '', /vanished/);
  });
});
