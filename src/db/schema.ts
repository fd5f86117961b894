/**
 * The Kysely view of Winnow's tables. Hand-written from the migrations (not introspected from one engine),
 * so that SQLite and PostgreSQL share one type. Conventions, the same on both engines:
 * - ids are application-generated text (UUID-shaped), so no engine-specific sequences;
 * - times are ISO-8601 UTC text;
 * - booleans are integers 0/1 (SQLite has no boolean; one representation everywhere);
 * - digests are raw bytes (BLOB / BYTEA), lowercase hex only at the edges.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';


type BigIntCol = number; // int8 is parsed to number on pg (see db/connection.ts); sizes stay below 2^53

export interface CaseTable {
  id: string;
  name: string;
  description: string | null;
  created_at: string;
  created_by: string | null;
}

export interface EvidenceTable {
  id: string;
  case_id: string;
  label: string;
  source_path: string;
  kind: string;
  size: BigIntCol | null;
  acquisition_notes: string | null;
  examiner: string | null;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  enumerated_at: string | null;
  error: string | null;
  created_at: string;
}

export interface FileTable {
  id: string;
  evidence_id: string;
  parent_id: string | null;
  path: string;
  name: string;
  extension: string | null;
  entry_type: string;
  depth: number;
  size: BigIntCol | null;
  mtime: string | null;
  atime: string | null;
  ctime: string | null;
  birthtime: string | null;
  md5: Buffer | null;
  sha1: Buffer | null;
  sha256: Buffer | null;
  mime_type: string | null;
  detected_ext: string | null;
  extension_mismatch: number;
  is_archive: number;
  archive_status: string | null;
  member_count: number | null;
  error: string | null;
  error_code: string | null;
  discovered_at: string;
}

export interface MediaMetadataTable {
  file_id: string;
  width: number | null;
  height: number | null;
  make: string | null;
  model: string | null;
  body_serial: string | null;
  internal_serial: string | null;
  lens_serial: string | null;
  date_time_original: string | null;
  gps_lat: number | null;
  gps_lon: number | null;
  gps_alt: number | null;
  software: string | null;
  orientation: number | null;
  error: string | null;
}

export interface FileStageTable {
  file_id: string;
  stage: string;
  status: string;
  attempts: number;
  error: string | null;
  updated_at: string;
}

export interface PerceptualHashTable {
  file_id: string;
  algorithm: string;
  hash: string;
  quality: number;
  mode: string;
  usable: number;
}

export interface Database {
  case: CaseTable;
  evidence: EvidenceTable;
  file: FileTable;
  media_metadata: MediaMetadataTable;
  file_stage: FileStageTable;
  perceptual_hash: PerceptualHashTable;
}

export type CaseRow = Selectable<CaseTable>;
export type EvidenceRow = Selectable<EvidenceTable>;
export type NewEvidence = Insertable<EvidenceTable>;
export type EvidenceUpdate = Updateable<EvidenceTable>;
export type FileRow = Selectable<FileTable>;
export type NewFile = Insertable<FileTable>;
export type NewMediaMetadata = Insertable<MediaMetadataTable>;
export type MediaMetadataRow = Selectable<MediaMetadataTable>;
