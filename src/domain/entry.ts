/**
 * What the pipeline learns about one entry of an evidence item (a file on disk or a member of an archive).
 * These plain objects cross worker-thread boundaries, so they hold only structured-clone-friendly values.
 */
export type EntryType = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'char-device' | 'block-device' | 'unknown';

export interface Digests {
  md5: string;
  sha1: string;
  sha256: string;
}

export interface TypeInfo {
  /** MIME type from content (magic bytes); null when the content matches no known signature. */
  mime: string | null;
  /** Canonical extension of the detected type. */
  ext: string | null;
  /** The file's own extension disagrees with its content. */
  mismatch: boolean;
}

export interface MediaInfo {
  width: number | null;
  height: number | null;
  make: string | null;
  model: string | null;
  bodySerial: string | null;
  /** Maker-note internal serial (Canon, Olympus, Panasonic), distinct from the body serial. */
  internalSerial: string | null;
  lensSerial: string | null;
  dateTimeOriginal: string | null;
  gpsLat: number | null;
  gpsLon: number | null;
  gpsAlt: number | null;
  software: string | null;
  orientation: number | null;
  /** Why metadata could not be (fully) read; digests are still valid. */
  error: string | null;
}

export type StageName = 'digest' | 'metadata' | 'extract' | 'pdq' | 'thumbnail' | 'video' | 'match';
export type StageStatus = 'done' | 'failed' | 'skipped';

export interface EntryTimes {
  mtime: string | null;
  atime: string | null;
  ctime: string | null;
  birthtime: string | null;
}

export interface PerceptualHash {
  algorithm: 'pdq';
  hash: string;
  quality: number;
  /** 'exact' (full-resolution decode) or 'fast' (shrink-on-load): hashes record how they were made. */
  mode: string;
  /** Quality high enough to match on (PDQ: ≥ 50). */
  usable: boolean;
}

/** Review thumbnails made by a worker; the main thread stores them in the workspace (never in the evidence). */
export interface ThumbnailImages {
  kind: 'image' | 'contact-sheet';
  format: 'webp';
  width: number;
  height: number;
  /** Greyscale, strongly blurred: what displays get by default. */
  safe: Uint8Array;
  /** The clear picture: only ever served on an explicit, audited reveal. */
  clear: Uint8Array;
}

/** A video's facts and its vPDQ frame hashes (1 frame per second, consecutive duplicates dropped). */
export interface VideoFacts {
  durationSec: number | null;
  codec: string | null;
  container: string | null;
  width: number | null;
  height: number | null;
  frameRate: number | null;
  frames: { frameIndex: number; timestampSec: number; hash: string; quality: number }[];
  /** Why the video could not be (fully) read; frames decoded before the problem are kept. */
  error: string | null;
}

export interface ProcessedEntry {
  /** Path inside the evidence item; archive members as `outer.zip!/dir/inner.tar!/a.jpg`. */
  path: string;
  parentPath: string | null;
  entryType: EntryType;
  depth: number;
  size: number | null;
  times: EntryTimes;
  digests: Digests | null;
  type: TypeInfo | null;
  isArchive: boolean;
  /** opened | encrypted | refused:<reason> | corrupt | unsupported | too-deep; null when not an archive. */
  archiveStatus: string | null;
  memberCount: number | null;
  error: string | null;
  errorCode: string | null;
  media: MediaInfo | null;
  perceptual?: PerceptualHash | null;
  thumbnail?: ThumbnailImages | null;
  video?: VideoFacts | null;
  stages: Partial<Record<StageName, StageStatus>>;
}

/** Separator between an archive and a path inside it. */
export const ARCHIVE_SEPARATOR = '!/';

export function memberPath(archivePath: string, inner: string): string {
  return `${archivePath}${ARCHIVE_SEPARATOR}${inner}`;
}

/** A top-level file that could not be processed at all: recorded with why, never lost. */
export function failedEntry(
  file: { relPath: string; depth: number; size: number | null; times: EntryTimes },
  error: string,
  errorCode: string,
): ProcessedEntry {
  return {
    path: file.relPath, parentPath: null, entryType: 'file', depth: file.depth, size: file.size, times: file.times,
    digests: null, type: null, isArchive: false, archiveStatus: null, memberCount: null,
    error, errorCode, media: null, stages: { digest: 'failed' },
  };
}
