/**
 * vPDQ video hashing end to end with the real ffmpeg/ffprobe (Debian `ffmpeg`; the tests fail, never skip, without
 * it). All test videos are generated here by ffmpeg's lavfi sources (testsrc2, mandelbrot, smptebars + drawtext
 * text): benign synthetic patterns only.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { downscaleRgb, hashVideo, sampleIndices, type VideoHashResult } from '../../src/adapters/video-frames.js';
import { probeVideo, runTool, VideoToolError } from '../../src/adapters/video-probe.js';
import { hammingDistance, pdqFromRgb } from '../../src/hashing/pdq.js';
import { vpdqCompare } from '../../src/hashing/vpdq.js';
import { requireTool, tempDir } from '../helpers/env.js';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const tmp = tempDir('winnow-video-');
after(() => tmp.cleanup());
const p = (name: string): string => join(tmp.dir, name);

function ffmpeg(...args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20,
  });
}

const X264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-threads', '1'];

before(() => {
  requireTool('ffmpeg', 'ffmpeg');
  requireTool('ffprobe', 'ffmpeg');
  // 10 s, 25 fps, 640x360, H.264 in MP4 with the index (moov) at the front
  ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=10', ...X264, '-crf', '23', '-movflags', '+faststart', p('orig.mp4'));
  // same stream, index at the end (ffmpeg's default layout)
  ffmpeg('-i', p('orig.mp4'), '-c', 'copy', p('orig-moov-end.mp4'));
  // re-encodes: another codec and container (MPEG-4 part 2 in AVI), a low-bitrate H.264, a half-size copy
  ffmpeg('-i', p('orig.mp4'), '-c:v', 'mpeg4', '-q:v', '8', '-threads', '1', p('copy-mpeg4.avi'));
  ffmpeg('-i', p('orig.mp4'), ...X264, '-crf', '35', p('copy-crf35.mkv'));
  ffmpeg('-i', p('orig.mp4'), '-vf', 'scale=320:180', ...X264, '-crf', '28', p('copy-half.mp4'));
  // a different video
  ffmpeg('-f', 'lavfi', '-i', 'mandelbrot=size=320x240:rate=25', '-t', '8', ...X264, p('mandelbrot.mp4'));
  // a still picture for 6 s (colour bars, with a caption if the font is there)
  const caption = existsSync(FONT) ? `,drawtext=fontfile=${FONT}:text='WINNOW':fontsize=40:x=20:y=20:fontcolor=white` : '';
  ffmpeg('-f', 'lavfi', '-i', `smptebars=size=320x240:rate=25:duration=6${caption}`, ...X264, p('still.mp4'));
  // damaged files
  const orig = readFileSync(p('orig.mp4'));
  writeFileSync(p('truncated.mp4'), orig.subarray(0, orig.length >> 1));
  const moovEnd = readFileSync(p('orig-moov-end.mp4'));
  writeFileSync(p('truncated-moov-end.mp4'), moovEnd.subarray(0, moovEnd.length >> 1));
  writeFileSync(p('junk.mp4'), randomBytes(64 * 1024));
  // a concat playlist disguised as a video: must not make ffmpeg open other files
  writeFileSync(p('playlist.mp4'), `ffconcat version 1.0\nfile '${p('orig.mp4')}'\n`);
  // a fake ffmpeg that hangs, to exercise the decode deadline
  writeFileSync(p('hanging-ffmpeg'), '#!/bin/sh\nexec sleep 60\n');
  chmodSync(p('hanging-ffmpeg'), 0o755);
});

const cache = new Map<string, VideoHashResult>();
async function hashed(name: string): Promise<VideoHashResult> {
  let r = cache.get(name);
  if (!r) {
    r = await hashVideo(p(name), { timeoutMs: 60_000 });
    cache.set(name, r);
  }
  return r;
}

/** The decoded frame number `n`, converted exactly like hashVideo converts (independent of the fps filter). */
function referenceFrame(name: string, n: number, width: number, height: number): Uint8Array {
  return ffmpeg(
    '-threads', '1', '-i', p(name),
    '-vf', `select=eq(n\\,${n}),scale=${width}:${height}:flags=area`, '-frames:v', '1',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  );
}

test('probeVideo reports duration, codec, size, frame rate and container', async () => {
  const probe = await probeVideo(p('orig.mp4'), { timeoutMs: 30_000 });
  assert.equal(probe.codec, 'h264');
  assert.equal(probe.width, 640);
  assert.equal(probe.height, 360);
  assert.equal(probe.frameRate, 25);
  assert.ok(probe.durationSec !== null && Math.abs(probe.durationSec - 10) < 0.05, `duration ${probe.durationSec}`);
  assert.match(probe.container, /mp4/);
  assert.equal(probe.rotation, 0);
  const avi = await probeVideo(p('copy-mpeg4.avi'), { timeoutMs: 30_000 });
  assert.equal(avi.codec, 'mpeg4');
  assert.equal(avi.container, 'avi');
});

test('1 frame per second: ceil(duration) frames, timestamps k seconds, frame k = decoded frame k·fps', async () => {
  const r = await hashed('orig.mp4');
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.framesDecoded, 10);
  assert.equal(r.expectedFrames, 10);
  assert.equal(r.frames.length, 10, 'testsrc2 changes every second: nothing to dedupe');
  assert.deepEqual(r.frames.map((f) => f.frameIndex), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(r.frames.map((f) => f.timestampSec), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(r.hashedWidth, 640);
  assert.equal(r.hashedHeight, 360);
  for (const f of r.frames) {
    assert.match(f.hash, /^[0-9a-f]{64}$/);
    assert.ok(f.quality >= 50, `frame ${f.frameIndex} quality ${f.quality}`);
  }
  // vpdq hashes every fps-th decoded frame: second 3 is decoded frame 75 (25 fps), bit for bit
  for (const k of [0, 3, 9]) {
    const ref = pdqFromRgb(referenceFrame('orig.mp4', k * 25, 640, 360), 640, 360, 3);
    assert.equal(r.frames[k]!.hash, ref.hash, `frame ${k}`);
    assert.equal(r.frames[k]!.quality, ref.quality);
  }
  assert.deepEqual(r.warnings, []);
});

test('sample frames: evenly spaced, downscaled to <= 256 px, the same pixels as the hashed frame', async () => {
  const r = await hashVideo(p('orig.mp4'), { timeoutMs: 60_000, sampleFrames: 9 });
  assert.equal(r.error, undefined);
  assert.deepEqual(r.samples.map((s) => s.frameIndex), sampleIndices(10, 9));
  assert.deepEqual(sampleIndices(10, 9), [0, 1, 2, 3, 5, 6, 7, 8, 9]);
  for (const s of r.samples) {
    assert.equal(s.width, 256);
    assert.equal(s.height, 144);
    assert.equal(s.rgb.length, 256 * 144 * 3);
    assert.equal(s.timestampSec, s.frameIndex);
  }
  const s3 = r.samples.find((s) => s.frameIndex === 3)!;
  assert.deepEqual(s3.rgb, downscaleRgb(referenceFrame('orig.mp4', 75, 640, 360), 640, 360, 256).rgb);
  // samples never change the hashes
  assert.deepEqual(r.frames, (await hashed('orig.mp4')).frames);
  // more samples asked than frames: one per frame
  const still = await hashVideo(p('still.mp4'), { timeoutMs: 60_000, sampleFrames: 9, sampleMaxSide: 100 });
  assert.deepEqual(still.samples.map((s) => [s.frameIndex, s.width, s.height]), [0, 1, 2, 3, 4, 5].map((i) => [i, 100, 75]));
});

for (const copy of ['copy-mpeg4.avi', 'copy-crf35.mkv', 'copy-half.mp4']) {
  test(`a re-encoded copy matches frame by frame and with vpdqCompare both ways: ${copy}`, async () => {
    const a = await hashed('orig.mp4');
    const b = await hashed(copy);
    assert.equal(b.error, undefined, b.error?.message);
    assert.equal(b.frames.length, a.frames.length);
    const distances = a.frames.map((f, i) => hammingDistance(f.hash, b.frames[i]!.hash));
    for (const [i, d] of distances.entries()) assert.ok(d <= 31, `${copy} frame ${i}: distance ${d} (${distances.join(',')})`);
    const ab = vpdqCompare(a.frames, b.frames);
    const ba = vpdqCompare(b.frames, a.frames);
    for (const c of [ab, ba]) {
      assert.ok(c.queryMatchPercent >= 80, `query ${c.queryMatchPercent}`);
      assert.ok(c.targetMatchPercent >= 80, `target ${c.targetMatchPercent}`);
      assert.equal(c.isMatch, true);
    }
  });
}

test('a different video does not match', async () => {
  const a = await hashed('orig.mp4');
  const m = await hashed('mandelbrot.mp4');
  assert.equal(m.error, undefined, m.error?.message);
  assert.equal(m.framesDecoded, 8);
  const c = vpdqCompare(a.frames, m.frames);
  assert.equal(c.isMatch, false);
  assert.ok(c.queryMatchPercent < 80 && c.targetMatchPercent < 80, JSON.stringify(c));
  assert.equal(vpdqCompare(m.frames, a.frames).isMatch, false);
});

test('a still picture video dedupes to its first frame', async () => {
  const r = await hashed('still.mp4');
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.framesDecoded, 6);
  assert.equal(r.frames.length, 1);
  assert.equal(r.frames[0]!.frameIndex, 0);
  assert.equal(r.frames[0]!.timestampSec, 0);
});

test('a file cut in half inside the media data: decode error, frames before the cut kept', async () => {
  const r = await hashVideo(p('truncated.mp4'), { timeoutMs: 60_000 });
  assert.ok(r.error, 'expected an error');
  assert.equal(r.error.kind, 'decode');
  assert.match(r.error.message, /truncated/);
  assert.equal(r.error.partial, true);
  assert.ok(r.probe !== null);
  assert.ok(r.framesDecoded >= 2 && r.framesDecoded < 10, `decoded ${r.framesDecoded}`);
  // what was kept is the start of the real video
  const full = await hashed('orig.mp4');
  for (const f of r.frames) assert.ok(hammingDistance(f.hash, full.frames[f.frameIndex]!.hash) <= 31);
});

test('a file cut before its index, junk named .mp4 and a playlist named .mp4: unreadable, no throw', async () => {
  for (const name of ['truncated-moov-end.mp4', 'junk.mp4', 'playlist.mp4', 'does-not-exist.mp4']) {
    const r = await hashVideo(p(name), { timeoutMs: 60_000 });
    assert.ok(r.error, `${name}: expected an error`);
    assert.equal(r.error.kind, 'unreadable', `${name}: ${r.error.message}`);
    assert.equal(r.error.partial, false);
    assert.equal(r.probe, null);
    assert.deepEqual(r.frames, []);
  }
  await assert.rejects(probeVideo(p('junk.mp4')), (e: unknown) => e instanceof VideoToolError && e.kind === 'unreadable');
});

test('deadlines: a tiny timeout on a real video, and a hanging decoder, give timeout errors', async () => {
  const r = await hashVideo(p('orig.mp4'), { timeoutMs: 1 });
  assert.equal(r.error?.kind, 'timeout');
  assert.match(r.error.message, /timed out/);

  const hang = await hashVideo(p('orig.mp4'), { timeoutMs: 3_000, ffmpegPath: p('hanging-ffmpeg') });
  assert.equal(hang.error?.kind, 'timeout');
  assert.ok(hang.probe !== null, 'the probe finished before the deadline');
  assert.equal(hang.framesDecoded, 0);

  const slept = await runTool('sleep', ['60'], { timeoutMs: 200 });
  assert.equal(slept.timedOut, true);
  assert.equal(slept.code, null, 'killed');
});

test('abort signal and missing binaries end in error results', async () => {
  const ac = new AbortController();
  ac.abort();
  const aborted = await hashVideo(p('orig.mp4'), { signal: ac.signal });
  assert.equal(aborted.error?.kind, 'aborted');
  const noProbe = await hashVideo(p('orig.mp4'), { ffprobePath: p('no-such-ffprobe') });
  assert.equal(noProbe.error?.kind, 'spawn');
  const noFfmpeg = await hashVideo(p('orig.mp4'), { ffmpegPath: p('no-such-ffmpeg') });
  assert.equal(noFfmpeg.error?.kind, 'spawn');
  assert.ok(noFfmpeg.probe !== null);
});

test('maxDimension hashes a reduced frame; maxPixels refuses oversized frames', async () => {
  const r = await hashVideo(p('orig.mp4'), { timeoutMs: 60_000, maxDimension: 320 });
  assert.equal(r.error, undefined);
  assert.equal(r.hashedWidth, 320);
  assert.equal(r.hashedHeight, 180);
  assert.equal(r.framesDecoded, 10);
  assert.equal(vpdqCompare(r.frames, (await hashed('orig.mp4')).frames).isMatch, true);
  const big = await hashVideo(p('orig.mp4'), { timeoutMs: 60_000, maxPixels: 100_000 });
  assert.equal(big.error?.kind, 'too-large');
  assert.deepEqual(big.frames, []);
});
