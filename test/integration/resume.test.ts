import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import yazl from 'yazl';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { cli, exportJsonl, tempDir } from '../helpers/env.js';
import { killScanAfter } from '../helpers/kill-scan.js';

const t = tempDir();
after(() => t.cleanup());

/**
 * kill -9 in the middle of a scan, then the same command again: every file is there exactly once, with the right
 * digests, and nothing finished by the first run is processed again.
 */
test('a scan killed with SIGKILL resumes with no file missing and none counted twice', async () => {
  const src = join(t.dir, 'src');
  const expected = new Map<string, string>();
  const N = 12_000;
  for (let d = 0; d < 24; d++) mkdirSync(join(src, `d${String(d).padStart(2, '0')}`), { recursive: true });
  for (let i = 0; i < N; i++) {
    const data = randomBytes(1024 + ((i * 7919) % 16384));
    const rel = `d${String(i % 24).padStart(2, '0')}/f${String(i).padStart(6, '0')}.bin`;
    writeFileSync(join(src, rel), data);
    expected.set(rel, createHash('md5').update(data).digest('hex'));
  }
  const zip = new yazl.ZipFile();
  for (let i = 0; i < 300; i++) {
    const data = randomBytes(2048);
    zip.addBuffer(data, `m/${i}.bin`);
    expected.set(`d00/archive.zip!/m/${i}.bin`, createHash('md5').update(data).digest('hex'));
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(join(src, 'd00', 'archive.zip')));
  const ws = join(t.dir, 'ws');
  cli(['-w', ws, 'case', 'create', 'resume']);

  const doneAtKill = await killScanAfter(['-w', ws, 'scan', '--case', 'resume', '-q', '--workers', '1', src], join(ws, 'winnow.sqlite'), 'digest', 2000);
  assert.ok(doneAtKill >= 2000 && doneAtKill < N, `killed after ${doneAtKill} files: not in the middle of the scan`);

  const out = cli(['-w', ws, 'scan', '--case', 'resume', '--workers', '2', src]);
  const already = Number(/(\d+) already done by an earlier run/.exec(out)?.[1] ?? 0);
  assert.ok(already >= doneAtKill - 300, `rerun skipped only ${already} of ${doneAtKill} finished files`);

  const records = exportJsonl(ws, 'resume');
  const paths = records.map((r) => r.path);
  assert.equal(new Set(paths).size, paths.length, 'a file is listed twice');
  for (const [rel, md5] of expected) {
    const r = records.find((x) => x.path === rel);
    assert.ok(r, `${rel} missing after resume`);
    assert.equal(r.md5, md5, rel);
  }
  assert.equal(records.length, expected.size + 1, 'unexpected extra records'); // + the zip itself
  const db = new BetterSqlite3(join(ws, 'winnow.sqlite'), { readonly: true });
  try {
    const rehashed = (db.prepare("select count(*) as n from file_stage where stage = 'digest' and attempts > 1 and file_id not in (select id from file where path like 'd00/archive.zip%')").get() as { n: number }).n;
    assert.equal(rehashed, 0, 'files finished before the kill were hashed again');
    const ev = db.prepare('select status, started_at, finished_at from evidence').all() as { status: string; finished_at: string | null }[];
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.status, 'done');
  } finally {
    db.close();
  }
});

/** kill -9 while pictures are being PDQ-hashed: afterwards every picture has exactly one hash, the right one. */
test('a scan killed during the PDQ stage resumes: no picture hashed twice, none missing', async () => {
  const { default: sharp } = await import('sharp');
  const { pdqHashImage } = await import('../../src/adapters/pdq-image-decoder.js');
  const src = join(t.dir, 'pics');
  mkdirSync(src, { recursive: true });
  const N = 500;
  for (let i = 0; i < N; i++) {
    const w = 320;
    const h = 240;
    const noise = randomBytes((w / 8) * (h / 8) * 3);
    // blocky random colour noise, upscaled: textured enough for PDQ quality ≥ 50, cheap to make
    await sharp(noise, { raw: { width: w / 8, height: h / 8, channels: 3 } }).resize(w, h, { kernel: 'nearest' }).jpeg({ quality: 85 }).toFile(join(src, `p${String(i).padStart(4, '0')}.jpg`));
  }
  const ws = join(t.dir, 'ws-pdq');
  cli(['-w', ws, 'case', 'create', 'pdq-resume']);
  const doneAtKill = await killScanAfter(['-w', ws, 'scan', '--case', 'pdq-resume', '-q', '--workers', '1', src], join(ws, 'winnow.sqlite'), 'pdq', 100);
  assert.ok(doneAtKill >= 100 && doneAtKill < N, `killed after ${doneAtKill} pictures: not in the middle of the PDQ stage`);
  cli(['-w', ws, 'scan', '--case', 'pdq-resume', '-q', src]);

  const db = new BetterSqlite3(join(ws, 'winnow.sqlite'), { readonly: true });
  try {
    const hashes = db.prepare("select file.path as path, perceptual_hash.hash as hash from perceptual_hash join file on file.id = perceptual_hash.file_id where algorithm = 'pdq' order by path").all() as { path: string; hash: string }[];
    assert.equal(hashes.length, N, 'a picture is missing its PDQ hash');
    assert.equal(new Set(hashes.map((h) => h.path)).size, N);
    const twice = (db.prepare("select count(*) as n from file_stage where stage = 'pdq' and attempts > 1").get() as { n: number }).n;
    assert.equal(twice, 0, 'pictures finished before the kill were hashed again');
    for (const i of [0, 137, N - 1]) {
      const rel = `p${String(i).padStart(4, '0')}.jpg`;
      assert.equal(hashes.find((h) => h.path === rel)?.hash, (await pdqHashImage(join(src, rel))).hash, rel);
    }
  } finally {
    db.close();
  }
});
