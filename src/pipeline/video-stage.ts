import { renderContactSheet } from '../adapters/thumbnail-renderer.js';
import { hashVideo } from '../adapters/video-frames.js';
import type { ProcessedEntry } from '../domain/entry.js';

/** Frames sampled for a video's contact sheet (a 3×3 grid). */
const CONTACT_SHEET_FRAMES = 9;

/** Per-video deadline for probe + decode + hashing: a hostile or huge video must not hold a worker forever. */
export const VIDEO_TIMEOUT_MS = 10 * 60_000;

export function isVideoMime(mime: string | null): boolean {
  return mime !== null && mime.startsWith('video/');
}

/**
 * The video stage: vPDQ frame hashes at 1 frame per second (consecutive duplicates dropped), the video's facts
 * (duration, codec, resolution), and a contact sheet of sampled frames as review thumbnails (blurred greyscale by
 * default). A corrupt, truncated or over-long video is recorded with its error — frames hashed before the problem
 * are kept — and never stops the scan. Reads the file only (ffmpeg writes to a pipe, never next to the evidence).
 */
export async function addVideoDerivatives(entry: ProcessedEntry, path: string): Promise<void> {
  const r = await hashVideo(path, { timeoutMs: VIDEO_TIMEOUT_MS, sampleFrames: CONTACT_SHEET_FRAMES });
  const p = r.probe;
  entry.video = {
    durationSec: p?.durationSec ?? null,
    codec: p?.codec ?? null,
    container: p?.container ?? null,
    width: p?.width ?? null,
    height: p?.height ?? null,
    frameRate: p?.frameRate ?? null,
    frames: r.frames.map((f) => ({ frameIndex: f.frameIndex, timestampSec: f.timestampSec, hash: f.hash, quality: f.quality })),
    error: r.error ? `${r.error.kind}: ${r.error.message}` : null,
  };
  entry.stages.video = r.error ? 'failed' : 'done';
  if (r.error && !entry.error) {
    entry.error = `video: ${r.error.message}${r.error.partial ? ` (${r.frames.length} frame hashes kept from before the problem)` : ''}`;
    entry.errorCode = r.error.kind === 'timeout' ? 'ETIMEOUT' : 'EVIDEO';
  }
  if (r.samples.length === 0) {
    entry.stages.thumbnail = 'skipped';
    return;
  }
  try {
    const sheet = await renderContactSheet(r.samples.map((s) => ({ rgb: s.rgb, width: s.width, height: s.height, timestampSec: s.timestampSec })));
    entry.thumbnail = { kind: 'contact-sheet', format: sheet.format, width: sheet.width, height: sheet.height, safe: sheet.safe, clear: sheet.clear };
    entry.stages.thumbnail = 'done';
  } catch (err) {
    entry.stages.thumbnail = 'failed';
    if (!entry.error) {
      entry.error = `contact sheet: ${(err as Error).message}`;
      entry.errorCode = 'ETHUMBNAIL';
    }
  }
}
