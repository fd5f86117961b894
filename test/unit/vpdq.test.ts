/**
 * vPDQ matching rule (src/hashing/vpdq.ts) on synthetic frame lists, plus the pure helpers of the video adapters
 * (ffprobe JSON interpretation, sample indices, RGB downscale). No ffmpeg needed here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downscaleRgb, sampleIndices } from '../../src/adapters/video-frames.js';
import { parseFfprobe, VideoToolError } from '../../src/adapters/video-probe.js';
import { hammingDistance } from '../../src/hashing/pdq.js';
import {
  vpdqCompare,
  vpdqDedupeConsecutive,
  vpdqPrepare,
  type VideoFrameHash,
} from '../../src/hashing/vpdq.js';
import { mulberry32 } from '../helpers/prng.js';

const rng = mulberry32;

const rand = rng(20240611);

function randomHash(): string {
  let s = '';
  for (let i = 0; i < 64; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

/** Flip `bits` distinct bits of a hash. */
function flip(hash: string, bits: number): string {
  const nibbles = hash.split('').map((c) => parseInt(c, 16));
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(rand() * 256));
  for (const b of chosen) nibbles[b >> 2] = nibbles[b >> 2]! ^ (1 << (b & 3));
  return nibbles.map((n) => n.toString(16)).join('');
}

function frames(hashes: string[], quality: number | number[] = 100): VideoFrameHash[] {
  return hashes.map((hash, i) => ({
    frameIndex: i, timestampSec: i, hash, quality: Array.isArray(quality) ? quality[i]! : quality,
  }));
}

/** n random hashes far apart from each other (a random pair is ~128 bits apart; check > 31 anyway). */
function distinctHashes(n: number): string[] {
  const out: string[] = [];
  while (out.length < n) {
    const h = randomHash();
    if (out.every((o) => hammingDistance(o, h) > 64)) out.push(h);
  }
  return out;
}

test('flip() test helper flips exactly the requested number of bits', () => {
  const h = randomHash();
  for (const n of [0, 1, 31, 32, 100]) assert.equal(hammingDistance(h, flip(h, n)), n);
});

test('identical and near-identical videos match 100 % both ways', () => {
  const base = distinctHashes(12);
  const same = vpdqCompare(frames(base), frames(base));
  assert.deepEqual(same, {
    queryMatchPercent: 100, targetMatchPercent: 100, isMatch: true, queryFrames: 12, targetFrames: 12, queryMatched: 12, targetMatched: 12,
  });
  const noisy = vpdqCompare(frames(base), frames(base.map((h) => flip(h, 20))));
  assert.equal(noisy.queryMatchPercent, 100);
  assert.equal(noisy.isMatch, true);
});

test('frame distance threshold: 31 bits matches, 32 does not (and is configurable)', () => {
  const base = distinctHashes(5);
  const at31 = vpdqCompare(frames(base), frames(base.map((h) => flip(h, 31))));
  assert.equal(at31.queryMatched, 5);
  const at32 = vpdqCompare(frames(base), frames(base.map((h) => flip(h, 32))));
  assert.equal(at32.queryMatched, 0);
  assert.equal(at32.isMatch, false);
  assert.equal(vpdqCompare(frames(base), frames(base.map((h) => flip(h, 32))), { distanceThreshold: 32 }).isMatch, true);
});

test('unrelated videos do not match', () => {
  const all = distinctHashes(20);
  const c = vpdqCompare(frames(all.slice(0, 10)), frames(all.slice(10)));
  assert.equal(c.queryMatchPercent, 0);
  assert.equal(c.targetMatchPercent, 0);
  assert.equal(c.isMatch, false);
});

test('quality filter: frames below 50 do not count on either side; 50 does', () => {
  const [a, b, c, d, e] = distinctHashes(5) as [string, string, string, string, string];
  // query: a, b, c usable (matching), d and e at quality 49 and not in the target
  const query = frames([a, b, c, d, e], [100, 50, 80, 49, 0]);
  const target = frames([a, b, c], 100);
  const r = vpdqCompare(query, target);
  assert.equal(r.queryFrames, 3);
  assert.equal(r.queryMatchPercent, 100);
  assert.equal(r.isMatch, true);
  // quality 49 on the target side: b no longer counts there, and the query's b has nothing left to match
  const r2 = vpdqCompare(query, frames([a, b, c], [100, 49, 100]));
  assert.equal(r2.targetFrames, 2);
  assert.equal(r2.targetMatchPercent, 100);
  assert.equal(r2.queryMatched, 2);
  assert.ok(Math.abs(r2.queryMatchPercent - 200 / 3) < 1e-9);
  assert.equal(r2.isMatch, false);
  // a low-quality frame never matches even an identical low-quality frame
  const flat = vpdqCompare(frames([d], 10), frames([d], 10));
  assert.equal(flat.queryFrames, 0);
  assert.equal(flat.queryMatchPercent, 0);
  assert.equal(flat.isMatch, false);
  // the threshold is an option
  assert.equal(vpdqCompare(frames([d], 10), frames([d], 10), { qualityThreshold: 0 }).isMatch, true);
});

test('80 % boundary on the query side: 4/5 and 80/100 match, 3/4 and 79/100 do not', () => {
  const cases: [number, number, boolean][] = [[5, 4, true], [4, 3, false], [100, 80, true], [100, 79, false], [10, 10, true], [10, 0, false]];
  for (const [total, matching, expected] of cases) {
    const hashes = distinctHashes(total * 2);
    const query = hashes.slice(0, total);
    const target = [...query.slice(0, matching).map((h) => flip(h, 10)), ...hashes.slice(total, total + total - matching)];
    const r = vpdqCompare(frames(query), frames(target));
    assert.equal(r.queryMatched, matching);
    assert.equal(r.queryMatchPercent, (matching * 100) / total);
    assert.equal(r.isMatch, expected, `${matching}/${total}`);
  }
});

test('percentages both ways: a clip inside a longer video', () => {
  const long = distinctHashes(20);
  const clip = long.slice(5, 10).map((h) => flip(h, 8));
  const r = vpdqCompare(frames(clip), frames(long));
  assert.equal(r.queryMatchPercent, 100);
  assert.equal(r.targetMatchPercent, 25);
  assert.equal(r.isMatch, true, 'HMA only requires the query side (target threshold 0)');
  assert.equal(vpdqCompare(frames(clip), frames(long), { targetMatchThresholdPercent: 80 }).isMatch, false);
  const reverse = vpdqCompare(frames(long), frames(clip));
  assert.equal(reverse.queryMatchPercent, 25);
  assert.equal(reverse.targetMatchPercent, 100);
  assert.equal(reverse.isMatch, false);
});

test('percentages are over unique hashes: repeats of one matching frame do not inflate the score', () => {
  const [a, b, c] = distinctHashes(3) as [string, string, string];
  // 4 × a (matching) + b (not matching): naive counting says 80 %, unique counting says 50 %
  const r = vpdqCompare(frames([a, a, b, a, a]), frames([a, c]));
  assert.equal(r.queryFrames, 2);
  assert.equal(r.queryMatchPercent, 50);
  assert.equal(r.targetFrames, 2);
  assert.equal(r.targetMatchPercent, 50);
  assert.equal(r.isMatch, false);
  // case of the hex digits does not create a second "unique" hash
  assert.equal(vpdqPrepare(frames([a, a.toUpperCase()])).length, 1);
});

test('empty inputs give 0 % and no match; malformed hashes are rejected', () => {
  const [a] = distinctHashes(1) as [string];
  assert.deepEqual(vpdqCompare([], frames([a])), {
    queryMatchPercent: 0, targetMatchPercent: 0, isMatch: false, queryFrames: 0, targetFrames: 1, queryMatched: 0, targetMatched: 0,
  });
  assert.equal(vpdqCompare(frames([a]), []).isMatch, false);
  assert.throws(() => vpdqCompare(frames(['abc']), frames([a])), RangeError);
});

test('consecutive dedupe keeps the first of each run (its index and timestamp), not later repeats', () => {
  const [a, b] = distinctHashes(2) as [string, string];
  const out = vpdqDedupeConsecutive(frames([a, a, a, b, b, a]));
  assert.deepEqual(out.map((f) => [f.frameIndex, f.timestampSec, f.hash]), [[0, 0, a], [3, 3, b], [5, 5, a]]);
  assert.deepEqual(vpdqDedupeConsecutive([]), []);
});

test('parseFfprobe: first non-cover video stream, rates, rotation, which duration', () => {
  const probe = parseFfprobe(JSON.stringify({
    streams: [
      { index: 0, codec_type: 'audio', codec_name: 'aac' },
      { index: 1, codec_type: 'video', codec_name: 'mjpeg', width: 300, height: 300, disposition: { attached_pic: 1 } },
      {
        index: 2, codec_type: 'video', codec_name: 'hevc', width: 1920, height: 1080, avg_frame_rate: '30000/1001',
        r_frame_rate: '30/1', side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }],
      },
    ],
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '12.480000' },
  }));
  assert.equal(probe.streamIndex, 2);
  assert.equal(probe.codec, 'hevc');
  assert.equal(probe.width, 1920);
  assert.equal(probe.height, 1080);
  assert.ok(Math.abs(probe.frameRate! - 29.97) < 0.001);
  assert.equal(probe.durationSec, 12.48);
  assert.equal(probe.rotation, -90);
  const raw = parseFfprobe(JSON.stringify({
    streams: [{ index: 0, codec_type: 'video', codec_name: 'h264', width: 64, height: 48, avg_frame_rate: '0/0', r_frame_rate: '25/1' }],
    format: { format_name: 'h264' },
  }));
  assert.equal(raw.durationSec, null);
  const withAudio = parseFfprobe(JSON.stringify({
    streams: [{ index: 0, codec_type: 'video', codec_name: 'vp9', width: 64, height: 48, duration: '7.960000' }],
    format: { format_name: 'matroska,webm', duration: '9.500000' },
  }));
  assert.equal(withAudio.durationSec, 7.96, 'the video stream duration wins over the container (longer audio)');
  assert.equal(raw.frameRate, 25);
  assert.throws(() => parseFfprobe(JSON.stringify({ streams: [{ index: 0, codec_type: 'audio' }], format: {} })),
    (e: unknown) => e instanceof VideoToolError && e.kind === 'no-video-stream');
  assert.throws(() => parseFfprobe('not json'), (e: unknown) => e instanceof VideoToolError && e.kind === 'unreadable');
});

test('sampleIndices: centres of equal slices, never more than the frames', () => {
  assert.deepEqual(sampleIndices(90, 9), [5, 15, 25, 35, 45, 55, 65, 75, 85]);
  assert.deepEqual(sampleIndices(3, 9), [0, 1, 2]);
  assert.deepEqual(sampleIndices(1, 9), [0]);
  assert.deepEqual(sampleIndices(10, 0), []);
});

test('downscaleRgb averages blocks and keeps the aspect ratio', () => {
  // 4x2 image: left 2x2 block red/black checker, right 2x2 block white
  const src = new Uint8Array([
    255, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255,
    0, 0, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255,
  ]);
  const out = downscaleRgb(src, 4, 2, 2);
  assert.equal(out.width, 2);
  assert.equal(out.height, 1);
  assert.deepEqual([...out.rgb], [128, 0, 0, 255, 255, 255]);
  const same = downscaleRgb(src, 4, 2, 256);
  assert.equal(same.width, 4);
  assert.deepEqual(same.rgb, src);
  assert.notEqual(same.rgb, src, 'a copy, not the caller buffer');
});
