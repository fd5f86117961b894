/**
 * Video probing with ffprobe (Debian `ffmpeg`), plus the process and input-safety plumbing shared with
 * src/adapters/video-frames.ts.
 *
 * Why the ffmpeg binaries and not a Node library: there is no maintained pure-JS decoder for H.264/HEVC/VP9/AV1,
 * and native bindings would put codec crashes inside our worker. A child process can be killed on a deadline and
 * its crash is just an exit code. Everything here is spawned with an argument array (no shell), stdin ignored.
 *
 * Evidence files are hostile input, so every ffmpeg/ffprobe run gets:
 *  - `-protocol_whitelist file` and a `file:` prefixed absolute path: no network, no `pipe:`/`subfile:` tricks,
 *    and a file named `http:x.mp4` is still a file;
 *  - `-format_whitelist` = the video container demuxers below: playlist/indirection demuxers (hls, dash, concat,
 *    image2 patterns, ffconcat, lavfi, sdp/rtp) could otherwise make ffmpeg read other files or hosts. A container
 *    not in the list fails with a clear "format not allowed" error rather than being decoded.
 *  - a hard deadline (SIGKILL), bounded stdout/stderr capture.
 * Inputs are only ever opened for reading (ffmpeg has no output file here; ours writes to a pipe).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** Demuxers allowed to open evidence (ffmpeg names; a multi-name demuxer matches if any of its names is listed). */
export const VIDEO_DEMUXERS: readonly string[] = [
  'mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', 'matroska', 'webm', 'avi', 'flv', 'asf', 'mpeg', 'mpegts', 'mpegvideo',
  'm4v', 'h264', 'hevc', 'ogg', 'rm', 'mxf', 'nut', 'ivf', 'obu', 'dv', 'wtv', 'gxf', 'nsv', 'swf', 'gif', 'mjpeg',
  'yuv4mpegpipe', 'vc1', 'bink', 'smk', 'flic', 'dirac', 'cavsvideo',
];

export const DEFAULT_VIDEO_TIMEOUT_MS = 600_000;

export interface VideoProbe {
  /** The video stream's duration (the container's if the stream has none, e.g. Matroska); null if unknown. */
  durationSec: number | null;
  /** ffmpeg codec name of the video stream, e.g. 'h264', 'mpeg4', 'vp9'. */
  codec: string;
  /** Stored (coded) frame size; rotation metadata is reported, not applied. */
  width: number;
  height: number;
  /** Average frame rate (falls back to the nominal rate); null if unknown or variable without an average. */
  frameRate: number | null;
  /** ffmpeg demuxer name, e.g. 'mov,mp4,m4a,3gp,3g2,mj2', 'matroska,webm'. */
  container: string;
  /** Absolute stream index of the video stream chosen (first one that is not an attached cover picture). */
  streamIndex: number;
  /** Display rotation in degrees from the stream's display matrix (0 if none); not applied to hashed frames. */
  rotation: number;
}

export type VideoErrorKind =
  | 'spawn' // ffmpeg/ffprobe could not be started (not installed?)
  | 'timeout'
  | 'aborted'
  | 'unreadable' // ffprobe cannot open/parse the file (junk, truncated before the index, format not allowed)
  | 'no-video-stream'
  | 'too-large'
  | 'decode'; // ffmpeg failed or hit corrupt data while decoding

/** Thrown by probeVideo; hashVideo turns it into an error result. */
export class VideoToolError extends Error {
  constructor(readonly kind: VideoErrorKind, message: string) {
    super(message);
    this.name = 'VideoToolError';
  }
}

export interface ToolRunOptions {
  /** Kill the process (SIGKILL) when it runs longer. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** stdout bytes kept (more is an error). Ignored when `onStdout` is given. */
  maxStdout?: number;
  /** Stream stdout instead of collecting it. Exceptions thrown here kill the process and are reported. */
  onStdout?: (chunk: Buffer) => void;
}

export interface ToolRunResult {
  /** Exit code, null if killed by a signal or never started. */
  code: number | null;
  stdout: Buffer;
  /** stderr text (first 64 KiB). */
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** Spawn failure (ENOENT...), stdout overflow or an exception from onStdout. */
  failure: Error | null;
}

const MAX_STDERR = 64 * 1024;
const EXIT_GRACE_MS = 2_000;

/** Run a tool; never rejects. */
export function runTool(command: string, args: readonly string[], options: ToolRunOptions): Promise<ToolRunResult> {
  return new Promise((done) => {
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    let failure: Error | null = null;
    let settled = false;
    const maxStdout = options.maxStdout ?? 16 * 1024 * 1024;

    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, Math.max(0, options.timeoutMs));
    const onAbort = (): void => {
      aborted = true;
      kill();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    let grace: NodeJS.Timeout | undefined;
    const finish = (code: number | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      options.signal?.removeEventListener('abort', onAbort);
      done({ code, stdout: Buffer.concat(stdoutChunks), stderr, timedOut, aborted, failure });
    };

    child.stdout.on('data', (chunk: Buffer) => {
      if (failure || timedOut || aborted) return;
      if (options.onStdout) {
        try {
          options.onStdout(chunk);
        } catch (err) {
          failure = err instanceof Error ? err : new Error(String(err));
          kill();
        }
        return;
      }
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        failure = new Error(`${command}: more than ${maxStdout} bytes of output`);
        kill();
        return;
      }
      stdoutChunks.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      if (stderr.length < MAX_STDERR) stderr += s.slice(0, MAX_STDERR - stderr.length);
    });
    child.on('error', (err) => {
      failure ??= err;
      finish(null);
    });
    child.on('close', (code) => finish(code));
    // 'close' waits for stdout/stderr to end; a grandchild that inherited them (a wrapper script) could hold them
    // open after the tool itself was killed, so do not wait for more than a moment after the exit.
    child.on('exit', (code) => {
      grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code);
      }, EXIT_GRACE_MS);
    });
  });
}

/** The input half of an ffmpeg/ffprobe command line (see the header). */
export function safeInputArgs(path: string, formats: readonly string[] = VIDEO_DEMUXERS): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', formats.join(','), '-i', `file:${resolve(path)}`];
}

/** Last non-empty stderr lines, for an error message. */
export function stderrTail(stderr: string, lines = 3): string {
  return stderr
    .split('\n')
    .map((l) => l.replace(/ @ 0x[0-9a-f]+\]/g, ']').trim())
    .filter(Boolean)
    .slice(-lines)
    .join(' | ');
}

/** Shared mapping of a failed run to a VideoToolError (null when the run itself was fine). */
export function runFailure(tool: string, r: ToolRunResult, timeoutMs: number): VideoToolError | null {
  if (r.timedOut) return new VideoToolError('timeout', `${tool} timed out after ${timeoutMs} ms`);
  if (r.aborted) return new VideoToolError('aborted', `${tool} aborted`);
  if (r.failure && r.code === null && (r.failure as NodeJS.ErrnoException).code !== undefined) {
    return new VideoToolError('spawn', `${tool} could not be started: ${r.failure.message} (apt-get install -y ffmpeg)`);
  }
  if (r.failure) return new VideoToolError('decode', `${tool}: ${r.failure.message}`);
  return null;
}

interface FfprobeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

function rate(s: string | undefined): number | null {
  if (!s) return null;
  const [n, d] = s.split('/').map(Number);
  if (n === undefined || !Number.isFinite(n) || n <= 0) return null;
  const v = d === undefined ? n : n / d;
  return Number.isFinite(v) && v > 0 ? v : null;
}

function seconds(s: string | undefined): number | null {
  if (s === undefined) return null;
  const v = Number(s);
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** Interpret ffprobe's JSON (exported for tests). */
export function parseFfprobe(json: string): VideoProbe {
  let out: FfprobeOutput;
  try {
    out = JSON.parse(json) as FfprobeOutput;
  } catch {
    throw new VideoToolError('unreadable', 'ffprobe: output is not JSON');
  }
  const video = (out.streams ?? []).find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!video || video.index === undefined) throw new VideoToolError('no-video-stream', 'no video stream');
  const width = video.width ?? 0;
  const height = video.height ?? 0;
  if (!(width > 0 && height > 0)) throw new VideoToolError('no-video-stream', 'video stream has no frame size');
  const matrix = video.side_data_list?.find((d) => d.side_data_type === 'Display Matrix');
  const rotation = matrix?.rotation ?? (video.tags?.rotate !== undefined ? Number(video.tags.rotate) : 0);
  return {
    durationSec: seconds(video.duration) ?? seconds(out.format?.duration),
    codec: video.codec_name ?? 'unknown',
    width,
    height,
    frameRate: rate(video.avg_frame_rate) ?? rate(video.r_frame_rate),
    container: out.format?.format_name ?? 'unknown',
    streamIndex: video.index,
    rotation: Number.isFinite(rotation) ? rotation : 0,
  };
}

export interface ProbeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  ffprobePath?: string;
  /** Allowed demuxers (default VIDEO_DEMUXERS). */
  formats?: readonly string[];
}

/** Probe a video file. Rejects with VideoToolError (kind tells why). */
export async function probeVideo(path: string, options: ProbeOptions = {}): Promise<VideoProbe> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_VIDEO_TIMEOUT_MS;
  const args = [
    '-v', 'error', '-hide_banner',
    '-print_format', 'json', '-show_format', '-show_streams',
    ...safeInputArgs(path, options.formats),
  ];
  const r = await runTool(options.ffprobePath ?? 'ffprobe', args, { timeoutMs, signal: options.signal, maxStdout: 8 * 1024 * 1024 });
  const failed = runFailure('ffprobe', r, timeoutMs);
  if (failed) throw failed;
  if (r.code !== 0) {
    const why = stderrTail(r.stderr) || `exit code ${r.code}`;
    throw new VideoToolError('unreadable', `ffprobe cannot read the file: ${why}`);
  }
  return parseFfprobe(r.stdout.toString('utf8'));
}
