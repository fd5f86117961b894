import type { ExportMatch, ExportRow } from '../db/repositories/file.repository.js';
import { toHex } from '../util/hex.js';

/**
 * The public, documented per-file record (JSONL / CSV). Keys that later pipeline stages fill (`pdq`,
 * `pdqQuality`, `matches`) are always present and null until then.
 */
export interface ExportRecord {
  evidence: string;
  path: string;
  parent: string | null;
  entryType: string;
  size: number | null;
  mtime: string | null;
  atime: string | null;
  ctime: string | null;
  crtime: string | null;
  md5: string | null;
  sha1: string | null;
  sha256: string | null;
  mimeType: string | null;
  detectedExtension: string | null;
  extensionMismatch: boolean;
  archive: { status: string | null; members: number | null } | null;
  error: string | null;
  errorCode: string | null;
  exif: {
    make: string | null;
    model: string | null;
    serial: string | null;
    internalSerial: string | null;
    lensSerial: string | null;
    dateTimeOriginal: string | null;
    software: string | null;
    orientation: number | null;
    width: number | null;
    height: number | null;
    gps: { lat: number; lon: number; alt: number | null } | null;
    error: string | null;
  } | null;
  pdq: string | null;
  pdqQuality: number | null;
  /** How the PDQ hash was made ('exact' | 'fast') and whether its quality allows matching. */
  pdqMode: string | null;
  pdqUsable: boolean | null;
  /** Set matches; null until the match stage ran for this file, [] when it matched nothing. */
  matches: ExportMatch[] | null;
  /** known-bad | alert | known-good | unknown; null until matched. */
  triage: string | null;
  /** Matched only known-good sets: hidden from review by default. */
  ignorable: boolean | null;
  category: string | null;
  categoryProfile: string | null;
  baseline: boolean | null;
  /** Near-duplicate cluster (id of its smallest member) and member count; null when the file is in none. */
  cluster: string | null;
  clusterSize: number | null;
  /** Near-duplicate cluster across the workspace's cases and how many cases it spans (`match --across-cases`). */
  workspaceCluster: string | null;
  workspaceClusterCases: number | null;
  /** Priority of an unknown picture or video, with the rules that gave it (see docs/triage.md). */
  priority: number | null;
  priorityReasons: { rule: string; points: number; detail: string }[] | null;
  /** Video facts and how many vPDQ frame hashes (1 per second, consecutive duplicates dropped) were stored. */
  video: {
    durationSec: number | null;
    codec: string | null;
    container: string | null;
    width: number | null;
    height: number | null;
    frameRate: number | null;
    framesHashed: number;
    error: string | null;
  } | null;
  /**
   * The review thumbnail (a contact sheet for videos). Only the blurred greyscale variant's path (relative to the
   * workspace) is exported; the clear one is served only through an audited reveal.
   */
  thumbnail: { kind: string; width: number; height: number; safe: string } | null;
  /**
   * Files read from a disk image: the volume (`p1`…, '' for a bare file system), TSK's metadata address (inode / MFT
   * entry, `-type-id` for an NTFS stream), whether the name was deleted, and the recovery caveat for deleted content.
   */
  image: { volume: string; address: string; deleted: boolean; recoveryNote: string | null } | null;
}

export function toExportRecord(r: ExportRow, parentPath: string | null): ExportRecord {
  const m = r.media;
  const t = r.triage;
  return {
    evidence: r.evidence_label,
    path: r.path,
    parent: parentPath,
    entryType: r.entry_type,
    size: r.size === null ? null : Number(r.size),
    mtime: r.mtime,
    atime: r.atime,
    ctime: r.ctime,
    crtime: r.birthtime,
    md5: toHex(r.md5),
    sha1: toHex(r.sha1),
    sha256: toHex(r.sha256),
    mimeType: r.mime_type,
    detectedExtension: r.detected_ext,
    extensionMismatch: r.extension_mismatch === 1,
    archive: r.is_archive === 1 ? { status: r.archive_status, members: r.member_count } : null,
    error: r.error,
    errorCode: r.error_code,
    exif: m
      ? {
          make: m.make, model: m.model, serial: m.body_serial, internalSerial: m.internal_serial, lensSerial: m.lens_serial,
          dateTimeOriginal: m.date_time_original, software: m.software, orientation: m.orientation, width: m.width, height: m.height,
          gps: m.gps_lat !== null && m.gps_lon !== null ? { lat: m.gps_lat, lon: m.gps_lon, alt: m.gps_alt } : null,
          error: m.error,
        }
      : null,
    pdq: r.pdq?.hash ?? null,
    pdqQuality: r.pdq?.quality ?? null,
    pdqMode: r.pdq?.mode ?? null,
    pdqUsable: r.pdq ? r.pdq.usable === 1 : null,
    matches: t ? r.matches : null,
    triage: t?.status ?? null,
    ignorable: t ? t.ignorable === 1 : null,
    category: t?.category ?? null,
    categoryProfile: t?.category_profile ?? null,
    baseline: t ? t.baseline === 1 : null,
    cluster: t?.cluster_id ?? null,
    clusterSize: t?.cluster_size ?? null,
    workspaceCluster: t?.workspace_cluster_id ?? null,
    workspaceClusterCases: t?.workspace_cluster_cases ?? null,
    priority: t?.priority ?? null,
    priorityReasons: t?.priority_reasons ? (JSON.parse(t.priority_reasons) as ExportRecord['priorityReasons']) : null,
    video: r.video
      ? {
          durationSec: r.video.duration_sec, codec: r.video.codec, container: r.video.container, width: r.video.width,
          height: r.video.height, frameRate: r.video.frame_rate, framesHashed: r.video.frames_hashed, error: r.video.error,
        }
      : null,
    image: r.volume !== null && r.volume !== undefined
      ? { volume: r.volume, address: r.fs_addr ?? '', deleted: r.deleted === 1, recoveryNote: r.recovery_note }
      : null,
    thumbnail: r.thumbnail ? { kind: r.thumbnail.kind, width: r.thumbnail.width, height: r.thumbnail.height, safe: r.thumbnail.safe_path } : null,
  };
}

/** Parent of an archive member, from the `!/` path notation. */
export function parentOf(path: string): string | null {
  const i = path.lastIndexOf('!/');
  return i < 0 ? null : path.slice(0, i);
}
