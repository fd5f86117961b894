/**
 * vPDQ frame hashing: ffmpeg decodes a video to 1 frame per second of raw RGB24 on a pipe, and each frame is
 * hashed with our PDQ (src/hashing/pdq.ts). Matching lives in src/hashing/vpdq.ts.
 *
 * Choices, following vpdq (facebook/ThreatExchange `vpdq/`, shared/notes/pdq-hma.md §4.3, §5) where it is known:
 *  - Sampling: vpdq hashes every `round(fps)`-th decoded frame (frame 0, fps, 2·fps, ...), timestamp = frame / fps.
 *    We use ffmpeg's `fps=1:round=up` filter, which for constant-rate video picks exactly those frames (checked on a
 *    frame-numbered test video: frames 0, 25, 50, ... at 25 fps, and ceil(duration) frames in all) and for variable
 *    frame rate picks the frame on screen at each whole second, which frame counting cannot do. Frame k of the
 *    sequence has `timestampSec = k`, measured from the first video frame (a stream start offset, e.g. MPEG-TS's,
 *    is not added).
 *  - Resolution: vpdq hashes frames at native resolution by default; downscaling first moves hashes by 17-18 bits
 *    on average (vpdq benchmark, notes §4.3) and PDQ's own tests show the same (notes §3.4). We hash the stored
 *    frame size. `maxDimension` exists for speed on huge videos, with that cost documented.
 *  - Pixels: always RGB through PDQ's RGB luma path (vpdq hands RGB frames to the PDQ core); ffmpeg's default
 *    swscale YUV->RGB conversion. Rotation metadata is NOT applied (`-noautorotate`): the stored pixel order is
 *    hashed, like PDQ images ignore EXIF orientation. The probe reports the rotation.
 *  - Dedupe: consecutive frames with an identical hash keep only the first (its frameIndex/timestamp survive).
 *    HMA's matcher dedupes all repeats anyway (src/hashing/vpdq.ts), so this only shrinks what we store;
 *    `framesDecoded` still counts every 1-fps frame.
 *  - Frame size: `scale=W:H` is forced in the filter chain so every frame on the pipe has the probed size even if
 *    the stream changes resolution mid-way (otherwise the byte stream would silently misalign).
 *  - Resources: `-threads 1` for the decoder and `-filter_threads 1` (the scan's worker pool already occupies all
 *    cores), `-nostdin`, only the chosen video stream is mapped (no audio/subtitle decoding), one deadline for
 *    probe + decode + hashing (SIGKILL on expiry), hostile-input guards from video-probe.ts.
 *
 * Errors never throw out of hashVideo: the result carries `error` (kind + message). Corrupt/truncated video:
 *  - cut before the index (MP4 with the moov box at the end): ffprobe cannot open it -> 'unreadable', no frames;
 *  - cut or damaged inside the media data: ffmpeg decodes what it can, logs errors and often still exits 0. If it
 *    logged errors AND delivered fewer frames than the duration promises (more than one short), the result is a
 *    'decode' error with `partial: true`. A non-zero exit or a timeout is also an error.
 *  In every error case the frames hashed before the failure are KEPT in `frames` (with `error.partial`): they are
 *  genuine hashes of the part that plays, and a carved or half-downloaded video matching a hash list is exactly
 *  what an investigator needs to see. Callers that want all-or-nothing check `error` first. Decoder errors that did
 *  not cost frames end up in `warnings`.
 *
 * Sample frames (contact sheet): the 1-fps frame count is known from the duration, so up to `sampleFrames`
 * indices are chosen up front at the centres of equal slices of the video (first and last frames are often black
 * fades) and those frames are area-downscaled to <= `sampleMaxSide` px on the long side while streaming. Without a
 * known duration no samples are taken; if fewer frames arrive than the duration promised (truncated file), the
 * samples planned past the end are simply missing.
 */
import { pdqFromRgb } from '../hashing/pdq.js';
import { vpdqDedupeConsecutive, type VideoFrameHash } from '../hashing/vpdq.js';
import {
  DEFAULT_VIDEO_TIMEOUT_MS,
  probeVideo,
  runFailure,
  runTool,
  safeInputArgs,
  stderrTail,
  VideoToolError,
  type VideoErrorKind,
  type VideoProbe,
} from './video-probe.js';

export interface VideoSampleFrame {
  frameIndex: number;
  timestampSec: number;
  width: number;
  height: number;
  /** Interleaved RGB, width × height × 3 bytes. */
  rgb: Uint8Array;
}

export interface VideoHashError {
  kind: VideoErrorKind;
  message: string;
  /** Some frames were hashed before the failure (they are in `frames`). */
  partial: boolean;
}

export interface VideoHashResult {
  /** null when the file could not be probed. */
  probe: VideoProbe | null;
  /** 1-fps frame hashes with consecutive duplicates removed. */
  frames: VideoFrameHash[];
  /** 1-fps frames decoded and hashed (before dedupe). */
  framesDecoded: number;
  /** ceil(duration) frames expected at 1 fps; null if the duration is unknown. */
  expectedFrames: number | null;
  /** Frame size that was hashed (the stored size unless maxDimension reduced it); 0 when not probed. */
  hashedWidth: number;
  hashedHeight: number;
  samples: VideoSampleFrame[];
  /** Decoder messages that did not make the result an error. */
  warnings: string[];
  error?: VideoHashError;
}

export interface HashVideoOptions {
  /** Deadline for the whole job: probe + decode + hashing (default 10 min). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** How many evenly spaced sample frames to return (default 0, at most 64). */
  sampleFrames?: number;
  /** Long side of sample frames, px (default 256; never upscaled). */
  sampleMaxSide?: number;
  /** Hash frames downscaled to this long side (default: native size, as vpdq; see the header). */
  maxDimension?: number;
  /** Refuse frames larger than this many pixels (default 8192 × 8192). */
  maxPixels?: number;
  /** Allowed demuxers (default VIDEO_DEMUXERS). */
  formats?: readonly string[];
  ffmpegPath?: string;
  ffprobePath?: string;
}

export const VPDQ_FRAMES_PER_SECOND = 1;
const DEFAULT_MAX_PIXELS = 8192 * 8192;
const MAX_SAMPLES = 64;

/** Evenly spaced frame indices: centres of `count` equal slices of `total` frames (distinct, ascending). */
export function sampleIndices(total: number, count: number): number[] {
  const n = Math.min(Math.max(0, Math.floor(count)), Math.max(0, Math.floor(total)));
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.floor(((i + 0.5) * total) / n));
  return out;
}

/** Area-average downscale of interleaved RGB so the long side is <= maxSide (copy if already small enough). */
export function downscaleRgb(src: Uint8Array, w: number, h: number, maxSide: number): { rgb: Uint8Array; width: number; height: number } {
  const k = Math.min(1, maxSide / Math.max(w, h));
  const ow = Math.max(1, Math.round(w * k));
  const oh = Math.max(1, Math.round(h * k));
  if (ow === w && oh === h) return { rgb: src.slice(0, w * h * 3), width: w, height: h };
  const out = new Uint8Array(ow * oh * 3);
  const xs = new Int32Array(ow + 1);
  for (let x = 0; x <= ow; x++) xs[x] = Math.floor((x * w) / ow);
  for (let oy = 0; oy < oh; oy++) {
    const y0 = Math.floor((oy * h) / oh);
    const y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * h) / oh));
    for (let ox = 0; ox < ow; ox++) {
      const x0 = xs[ox]!;
      const x1 = Math.max(x0 + 1, xs[ox + 1]!);
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = y0; y < y1; y++) {
        let p = (y * w + x0) * 3;
        for (let x = x0; x < x1; x++, p += 3) {
          r += src[p]!;
          g += src[p + 1]!;
          b += src[p + 2]!;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (oy * ow + ox) * 3;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(b / n);
    }
  }
  return { rgb: out, width: ow, height: oh };
}

/** Hashed frame size: the stored size, or reduced so the long side is <= maxDimension. */
function hashSize(probe: VideoProbe, maxDimension: number | undefined): { width: number; height: number } {
  const { width, height } = probe;
  if (maxDimension === undefined || Math.max(width, height) <= maxDimension) return { width, height };
  const k = maxDimension / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

function errorResult(base: Omit<VideoHashResult, 'error'>, kind: VideoErrorKind, message: string): VideoHashResult {
  return { ...base, error: { kind, message, partial: base.framesDecoded > 0 } };
}

/**
 * Hash a video file with vPDQ (1 fps, PDQ per frame). Never rejects; failures are in `result.error`
 * (see the header for which partial results are kept).
 */
export async function hashVideo(path: string, options: HashVideoOptions = {}): Promise<VideoHashResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_VIDEO_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const result: VideoHashResult = {
    probe: null, frames: [], framesDecoded: 0, expectedFrames: null, hashedWidth: 0, hashedHeight: 0, samples: [], warnings: [],
  };

  try {
    result.probe = await probeVideo(path, {
      timeoutMs, signal: options.signal, ffprobePath: options.ffprobePath, formats: options.formats,
    });
  } catch (err) {
    if (err instanceof VideoToolError) return errorResult(result, err.kind, err.message);
    return errorResult(result, 'unreadable', `ffprobe: ${(err as Error).message}`);
  }
  const probe = result.probe;
  const { width, height } = hashSize(probe, options.maxDimension);
  result.hashedWidth = width;
  result.hashedHeight = height;
  if (width * height > (options.maxPixels ?? DEFAULT_MAX_PIXELS)) {
    return errorResult(result, 'too-large', `frame ${width}x${height} exceeds the ${options.maxPixels ?? DEFAULT_MAX_PIXELS}-pixel limit`);
  }
  if (probe.durationSec !== null) result.expectedFrames = Math.max(1, Math.ceil(probe.durationSec * VPDQ_FRAMES_PER_SECOND - 1e-6));

  const wantSamples = Math.min(MAX_SAMPLES, Math.max(0, Math.floor(options.sampleFrames ?? 0)));
  const sampleAt = new Set(result.expectedFrames !== null ? sampleIndices(result.expectedFrames, wantSamples) : []);
  if (wantSamples > 0 && result.expectedFrames === null) result.warnings.push('duration unknown: no sample frames');
  const sampleMaxSide = options.sampleMaxSide ?? 256;

  const frameBytes = width * height * 3;
  const frame = new Uint8Array(frameBytes);
  let filled = 0;
  const hashed: VideoFrameHash[] = [];
  const onFrame = (): void => {
    const frameIndex = result.framesDecoded++;
    const timestampSec = frameIndex / VPDQ_FRAMES_PER_SECOND;
    const { hash, quality } = pdqFromRgb(frame, width, height, 3);
    hashed.push({ frameIndex, timestampSec, hash, quality });
    if (sampleAt.has(frameIndex)) result.samples.push({ frameIndex, timestampSec, ...downscaleRgb(frame, width, height, sampleMaxSide) });
  };
  const onStdout = (chunk: Buffer): void => {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(frameBytes - filled, chunk.length - off);
      frame.set(chunk.subarray(off, off + n), filled);
      filled += n;
      off += n;
      if (filled === frameBytes) {
        onFrame();
        filled = 0;
      }
    }
  };

  const remaining = Math.max(0, deadline - Date.now());
  const args = [
    '-nostdin', '-hide_banner', '-nostats', '-v', 'error',
    '-threads', '1', '-filter_threads', '1', '-noautorotate',
    ...safeInputArgs(path, options.formats),
    '-map', `0:${probe.streamIndex}`, '-an', '-sn', '-dn',
    '-vf', `fps=${VPDQ_FRAMES_PER_SECOND}:round=up,scale=${width}:${height}:flags=area`,
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
  const r = await runTool(options.ffmpegPath ?? 'ffmpeg', args, { timeoutMs: remaining, signal: options.signal, onStdout });
  result.frames = vpdqDedupeConsecutive(hashed);

  const failed = runFailure('ffmpeg', r, timeoutMs);
  if (failed) return errorResult(result, failed.kind, failed.message);
  const messages = r.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  if (r.code !== 0) {
    return errorResult(result, 'decode', `ffmpeg exited with code ${r.code}: ${stderrTail(r.stderr) || 'no message'}`);
  }
  if (filled > 0) messages.push(`incomplete last frame (${filled} of ${frameBytes} bytes) ignored`);
  if (result.framesDecoded === 0) {
    return errorResult(result, 'decode', `no frame decoded${messages.length ? `: ${stderrTail(r.stderr)}` : ''}`);
  }
  const short = result.expectedFrames !== null && result.framesDecoded < result.expectedFrames - 1;
  if (messages.length > 0 && short) {
    return errorResult(
      result,
      'decode',
      `corrupt or truncated video: ${result.framesDecoded} of ${result.expectedFrames} frames decoded (${stderrTail(r.stderr)})`,
    );
  }
  result.warnings.push(...messages.slice(0, 20));
  return result;
}
