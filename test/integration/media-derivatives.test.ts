/**
 * The scan's media stages end to end: pictures get a PDQ hash and review thumbnails (blurred greyscale by default,
 * stored in the workspace, never in the evidence); videos get vPDQ frame hashes, their facts and a contact sheet;
 * a video inside a zip is handled like one on disk; a truncated video is recorded with its error and the scan goes
 * on. All media are generated here (sharp scenes, ffmpeg testsrc2 patterns).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import sharp from 'sharp';
import yazl from 'yazl';
import { renderTexturedScene } from '../../src/adapters/demo-evidence.js';
import { hammingDistance, pdqFromRgb } from '../../src/hashing/pdq.js';
import { vpdqCompare, type VideoFrameHash } from '../../src/hashing/vpdq.js';
import { cli, exportJsonl, requireTool, tempDir } from '../helpers/env.js';

const tmp = tempDir('winnow-media-');
after(() => tmp.cleanup());
const ev = join(tmp.dir, 'evidence');
const ws = join(tmp.dir, 'ws');

function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${p}:${statSync(p).size}:${statSync(p).mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort();
}

let before_: string[] = [];

before(async () => {
  requireTool('ffmpeg', 'ffmpeg');
  mkdirSync(join(ev, 'videos'), { recursive: true });
  mkdirSync(join(ev, 'pics'), { recursive: true });
  const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-threads', '1'];
  ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=480x270:rate=25:duration=6', ...x264, '-crf', '23', '-movflags', '+faststart', join(ev, 'videos/clip.mp4'));
  ffmpeg('-i', join(ev, 'videos/clip.mp4'), '-vf', 'scale=320:180', ...x264, '-crf', '30', join(tmp.dir, 'copy.mp4'));
  const whole = readFileSync(join(ev, 'videos/clip.mp4'));
  writeFileSync(join(ev, 'videos/cut.mp4'), whole.subarray(0, whole.length >> 1));
  // the re-encoded copy travels inside a zip
  const zip = new yazl.ZipFile();
  zip.addBuffer(readFileSync(join(tmp.dir, 'copy.mp4')), 'inside/copy.mp4');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  writeFileSync(join(ev, 'videos/bundle.zip'), Buffer.concat(chunks));
  await (await renderTexturedScene(31, 1200, 800)).jpeg({ quality: 90 }).toFile(join(ev, 'pics/wide.jpg'));
  before_ = listing(ev);
  cli(['-w', ws, 'scan', '--case', 'media', '--create-case', '-q', ev]);
});

test('pictures: review thumbnails in the workspace, the blurred one exported, the evidence untouched', async () => {
  const by = new Map(exportJsonl(ws, 'media').map((r) => [r.path, r]));
  const pic = by.get('pics/wide.jpg')!;
  assert.deepEqual([pic.thumbnail?.kind, pic.thumbnail?.width, pic.thumbnail?.height], ['image', 256, 171]);
  assert.match(pic.thumbnail!.safe, /^thumbnails\/.+\.safe\.webp$/);
  const safe = join(ws, pic.thumbnail!.safe);
  const clear = safe.replace(/\.safe\.webp$/, '.clear.webp');
  assert.ok(existsSync(safe) && existsSync(clear));
  assert.ok(!JSON.stringify(pic).includes('.clear.'), 'the clear thumbnail is not named in the export');
  // the safe variant is greyscale and far (in PDQ terms) from the clear one
  const [s, c] = await Promise.all([safe, clear].map((f) => sharp(f).removeAlpha().raw().toBuffer({ resolveWithObject: true })));
  let chroma = 0;
  for (let i = 0; i < s!.data.length; i += 3) chroma = Math.max(chroma, Math.abs(s!.data[i]! - s!.data[i + 1]!), Math.abs(s!.data[i]! - s!.data[i + 2]!));
  assert.ok(chroma <= 2, `safe thumbnail has colour (max channel difference ${chroma})`);
  const d = hammingDistance(pdqFromRgb(s!.data, s!.info.width, s!.info.height, 3).hash, pdqFromRgb(c!.data, c!.info.width, c!.info.height, 3).hash);
  assert.ok(d >= 60, `safe vs clear PDQ distance ${d}`);
  assert.deepEqual(listing(ev), before_, 'nothing was written into the evidence');
});

test('videos: facts, vPDQ frames, contact sheet; the copy inside a zip matches frame by frame', () => {
  const by = new Map(exportJsonl(ws, 'media').map((r) => [r.path, r]));
  const clip = by.get('videos/clip.mp4')!;
  assert.equal(clip.error, null);
  assert.equal(clip.video?.codec, 'h264');
  assert.deepEqual([clip.video?.width, clip.video?.height], [480, 270]);
  assert.ok(Math.abs((clip.video?.durationSec ?? 0) - 6) < 0.1, `duration ${clip.video?.durationSec}`);
  assert.ok(clip.video!.framesHashed >= 2 && clip.video!.framesHashed <= 6, `frames ${clip.video!.framesHashed}`);
  assert.equal(clip.thumbnail?.kind, 'contact-sheet');
  assert.ok(existsSync(join(ws, clip.thumbnail!.safe)));
  const inner = by.get('videos/bundle.zip!/inside/copy.mp4')!;
  assert.equal(inner.video?.codec, 'h264');
  assert.deepEqual([inner.video?.width, inner.video?.height], [320, 180]);

  const db = new BetterSqlite3(join(ws, 'winnow.sqlite'), { readonly: true });
  try {
    const frames = (path: string): VideoFrameHash[] =>
      db.prepare(`SELECT frame_index AS frameIndex, timestamp_sec AS timestampSec, hash, quality FROM video_frame
                  JOIN file ON file.id = video_frame.file_id WHERE file.path = ? ORDER BY frame_index`).all(path) as VideoFrameHash[];
    const a = frames('videos/clip.mp4');
    const b = frames('videos/bundle.zip!/inside/copy.mp4');
    assert.equal(a.length, clip.video!.framesHashed);
    const cmp = vpdqCompare(a, b);
    assert.ok(cmp.isMatch, JSON.stringify(cmp));
    assert.equal(cmp.queryMatchPercent, 100);
    assert.equal(cmp.targetMatchPercent, 100);
  } finally {
    db.close();
  }
});

test('a truncated video is recorded with its error and the scan went on', () => {
  const by = new Map(exportJsonl(ws, 'media').map((r) => [r.path, r]));
  const cut = by.get('videos/cut.mp4')!;
  assert.equal(cut.errorCode, 'EVIDEO');
  assert.match(cut.error ?? '', /video/);
  assert.ok(cut.md5, 'still hashed');
  assert.ok(by.get('pics/wide.jpg')?.pdq);
});

test('vPDQ: near-duplicate videos are clustered; a video matches a PDQ list holding ≥ 80 % of its frames', () => {
  let by = new Map(exportJsonl(ws, 'media').map((r) => [r.path, r]));
  const clip = by.get('videos/clip.mp4')!;
  const copy = by.get('videos/bundle.zip!/inside/copy.mp4')!;
  assert.ok(clip.cluster, 'the video and its re-encoded copy form a cluster');
  assert.equal(clip.cluster, copy.cluster);

  // a known list holding the original's frames: the copy (other size, codec settings, inside a zip) matches it
  const db = new BetterSqlite3(join(ws, 'winnow.sqlite'), { readonly: true });
  const hashes = db.prepare(`SELECT hash, quality FROM video_frame JOIN file ON file.id = video_frame.file_id WHERE file.path = 'videos/clip.mp4'`).all() as { hash: string; quality: number }[];
  db.close();
  const list = join(tmp.dir, 'frames.pdq.csv');
  writeFileSync(list, hashes.map((h) => `${h.hash},${h.quality}`).join('\n') + '\n');
  cli(['-w', ws, 'hashset', 'import', list, '--name', 'known-video', '--role', 'known-bad', '--format', 'pdq-list']);
  cli(['-w', ws, 'match', '--case', 'media']);
  by = new Map(exportJsonl(ws, 'media').map((r) => [r.path, r]));
  const m = by.get('videos/bundle.zip!/inside/copy.mp4')!;
  assert.equal(m.triage, 'known-bad');
  const v = m.matches!.find((x) => x.algorithm === 'vpdq')!;
  assert.equal(v.set, 'known-video');
  assert.ok(v.percent! >= 80, JSON.stringify(v));
  assert.ok(v.distance <= 31);
  assert.equal(by.get('pics/wide.jpg')!.triage, 'unknown', 'a picture is not matched by a video list it is not in');
});
