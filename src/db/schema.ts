/**
 * The Kysely view of Winnow's tables. Hand-written from the migrations (not introspected from one engine),
 * so that SQLite and PostgreSQL share one type. Conventions, the same on both engines:
 * - ids are application-generated text (UUID-shaped), so no engine-specific sequences;
 * - times are ISO-8601 UTC text;
 * - booleans are integers 0/1 (SQLite has no boolean; one representation everywhere);
 * - digests are raw bytes (BLOB / BYTEA), lowercase hex only at the edges.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';


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

export interface HashSetTable {
  id: string;
  name: string;
  /** known-bad | known-good | alert */
  role: string;
  format: string;
  format_version: string | null;
  /** Category system the set's codes belong to (VICS US / UK / Default …); codes are kept exactly as given. */
  profile: string | null;
  /** Set-level baseline flag: material illegal in every country (INTERPOL "worst of" idea). */
  baseline: number;
  source_name: string;
  source_sha256: string | null;
  record_count: BigIntCol;
  entry_count: BigIntCol;
  malformed_count: BigIntCol;
  /** Bumped on every re-import; matching indexes are keyed by the generations they were built from. */
  generation: number;
  imported_at: string;
  imported_by: string | null;
}

export interface HashSetEntryTable {
  set_id: string;
  /** md5 | sha1 | sha256 | pdq */
  algorithm: string;
  hash: Buffer;
  category: string | null;
  baseline: number | null;
  name: string | null;
  size: BigIntCol | null;
  pdq_quality: number | null;
  photodna: string | null;
  /** Small JSON object of other fields worth keeping (series, victim identified, …). */
  extra: string | null;
}

export interface FileMatchTable {
  file_id: string;
  set_id: string;
  algorithm: string;
  /** 0 for exact digests; Hamming distance for PDQ (for vPDQ: the largest distance among the matched frames). */
  distance: number;
  /** vPDQ: share of the video's unique usable frames that matched the set (HMA: a match needs ≥ 80 %). */
  match_percent: number | null;
  category: string | null;
  baseline: number;
  matched_hash: string;
}

export interface FileTriageTable {
  file_id: string;
  /** known-bad | alert | known-good | unknown */
  status: string;
  ignorable: number;
  category: string | null;
  category_profile: string | null;
  baseline: number;
  cluster_id: string | null;
  cluster_size: number | null;
  /** Near-duplicate cluster across every case of the workspace (`winnow match --across-cases`). */
  workspace_cluster_id: string | null;
  /** Number of distinct cases that cluster spans. */
  workspace_cluster_cases: number | null;
  priority: number | null;
  /** JSON array of { rule, points, detail }. */
  priority_reasons: string | null;
  updated_at: string;
}

export interface VideoInfoTable {
  file_id: string;
  duration_sec: number | null;
  codec: string | null;
  container: string | null;
  width: number | null;
  height: number | null;
  frame_rate: number | null;
  frames_hashed: number;
  error: string | null;
}

export interface VideoFrameTable {
  file_id: string;
  frame_index: number;
  timestamp_sec: number;
  hash: string;
  quality: number;
}

export interface ThumbnailTable {
  file_id: string;
  /** image | contact-sheet */
  kind: string;
  format: string;
  width: number;
  height: number;
  /** Paths relative to the workspace. The safe (blurred, greyscale) one is what displays get by default. */
  safe_path: string;
  clear_path: string;
  created_at: string;
}

export interface Database {
  case: CaseTable;
  evidence: EvidenceTable;
  file: FileTable;
  media_metadata: MediaMetadataTable;
  file_stage: FileStageTable;
  perceptual_hash: PerceptualHashTable;
  hash_set: HashSetTable;
  hash_set_entry: HashSetEntryTable;
  file_match: FileMatchTable;
  file_triage: FileTriageTable;
  video_info: VideoInfoTable;
  video_frame: VideoFrameTable;
  thumbnail: ThumbnailTable;
}

export type CaseRow = Selectable<CaseTable>;
export type EvidenceRow = Selectable<EvidenceTable>;
export type NewEvidence = Insertable<EvidenceTable>;
export type EvidenceUpdate = Updateable<EvidenceTable>;
export type FileRow = Selectable<FileTable>;
export type NewFile = Insertable<FileTable>;
export type NewMediaMetadata = Insertable<MediaMetadataTable>;
export type MediaMetadataRow = Selectable<MediaMetadataTable>;
export type HashSetRow = Selectable<HashSetTable>;
export type NewHashSetEntry = Insertable<HashSetEntryTable>;
export type FileMatchRow = Selectable<FileMatchTable>;
export type FileTriageRow = Selectable<FileTriageTable>;
export type NewThumbnail = Insertable<ThumbnailTable>;
export type NewVideoInfo = Insertable<VideoInfoTable>;
export type NewVideoFrame = Insertable<VideoFrameTable>;
export type ThumbnailRow = Selectable<ThumbnailTable>;
export type VideoInfoRow = Selectable<VideoInfoTable>;

// ---- Review server and hotline desk (issue 6/7): users, sessions, audit chain, exposure, categories ----
// Declared as a second `Database` interface so that the declarations merge (appending keeps edits conflict-free).

export interface AppUserTable {
  id: string;
  name: string;
  /** admin | investigator | reviewer | no-view */
  role: string;
  /** scrypt$N$r$p$salt$key (base64). */
  password_hash: string;
  disabled: number;
  created_at: string;
  created_by: string | null;
}

export interface UserSessionTable {
  /** SHA-256 (hex) of the cookie token: a database dump does not yield live sessions. */
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
}

export interface CaseMemberTable {
  case_id: string;
  user_id: string;
  added_at: string;
  added_by: string | null;
}

export interface AuditLogTable {
  seq: BigIntCol;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  case_id: string | null;
  file_id: string | null;
  ip: string | null;
  /** Canonical JSON (sorted keys). */
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: BigIntCol;
  hash: string;
  updated_at: string;
}

export interface ExposureDayTable {
  user_id: string;
  /** UTC date YYYY-MM-DD. */
  day: string;
  reveals: number;
  revealed_seconds: number;
}

export interface ServerSettingTable {
  key: string;
  /** JSON. */
  value: string;
  updated_at: string;
  updated_by: string | null;
}

export interface FileCategoryTable {
  case_id: string;
  md5: Buffer;
  category: string;
  profile: string;
  set_by: string;
  set_at: string;
}

export interface CategoryActionTable {
  id: string;
  case_id: string;
  user_id: string;
  at: string;
  /** items | cluster */
  scope: string;
  category: string | null;
  undone_at: string | null;
  undone_by: string | null;
}

export interface CategoryChangeTable {
  action_id: string;
  md5: Buffer;
  before_category: string | null;
  after_category: string | null;
}

export interface ItemNoteTable {
  id: string;
  case_id: string;
  file_id: string;
  user_id: string;
  at: string;
  text: string;
}

export interface ItemTagTable {
  case_id: string;
  file_id: string;
  tag: string;
  added_by: string;
  added_at: string;
}

export interface Database {
  app_user: AppUserTable;
  user_session: UserSessionTable;
  case_member: CaseMemberTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  exposure_day: ExposureDayTable;
  server_setting: ServerSettingTable;
  file_category: FileCategoryTable;
  category_action: CategoryActionTable;
  category_change: CategoryChangeTable;
  item_note: ItemNoteTable;
  item_tag: ItemTagTable;
}

export type AppUserRow = Selectable<AppUserTable>;
export type UserSessionRow = Selectable<UserSessionTable>;
export type AuditLogRow = Selectable<AuditLogTable>;

// --- Disk images (migration 0005, issue 5): appended by declaration merging so that other additions stay untouched.

export interface EvidenceTable {
  /** raw | split-raw | ewf | vhd | vmdk | aff | iso9660; null for folders and files. */
  image_format: string | null;
  /** JSON array of the image's segment files. */
  image_segments: string | null;
  /** JSON object: E01 acquisition metadata (examiner, case number, acquisition date …) and the partition scheme. */
  acquisition: string | null;
  /** verified | mismatch | computed | failed; null until verified. */
  verify_status: string | null;
  stored_md5: string | null;
  stored_sha1: string | null;
  computed_md5: string | null;
  computed_sha1: string | null;
  verify_detail: string | null;
  verified_at: string | null;
}

export interface FileTable {
  /** Volume of a disk image the file came from (`p1` …, '' for a bare file system); null elsewhere. */
  volume: string | null;
  /** TSK metadata address (inode / MFT entry, `32-128-6` for an NTFS stream). */
  fs_addr: string | null;
  /** 1 when the file's name was deleted (content recovered by TSK; see recovery_note). */
  deleted: import('kysely').Generated<number>;
  recovery_note: string | null;
}

export interface DiskVolumeTable {
  evidence_id: string;
  idx: number;
  label: string;
  slot: string | null;
  start_sector: BigIntCol;
  length_sectors: BigIntCol | null;
  sector_size: number;
  description: string;
  scheme: string | null;
  fs_type: string | null;
  /** scanned | skipped (unallocated space, tables) | failed */
  status: string;
  note: string | null;
}

export interface Database {
  disk_volume: DiskVolumeTable;
}

export type DiskVolumeRow = Selectable<DiskVolumeTable>;
export type NewDiskVolume = Insertable<DiskVolumeTable>;

/**
 * Lab mode (issue 8): one row per `winnow worker` process, refreshed by its heartbeat. The job queue itself is
 * disposable (pg-boss tables); what a worker did is in file_stage, and this table only tells who is working.
 */
export interface LabWorkerTable {
  id: string;
  host: string;
  pid: number;
  /** Comma-separated stages the worker runs (hash,match). */
  stages: string;
  concurrency: number;
  started_at: string;
  heartbeat_at: string;
  /** Top-level files (with their archive members) this worker stored. */
  files_done: BigIntCol;
  bytes_done: BigIntCol;
  /** running | stopped (a worker killed without stopping stays `running`; its heartbeat tells). */
  status: string;
}

export interface Database {
  lab_worker: LabWorkerTable;
}

export type LabWorkerRow = Selectable<LabWorkerTable>;

// --- Hotline desk (migration 0008, issue 7). Column meanings are documented in the migration. ---

export interface HlReportTable {
  id: string;
  number: string;
  received_at: string;
  source: string;
  partner: string | null;
  external_ref: string | null;
  description: string | null;
  content_type_hint: string | null;
  where_found: string | null;
  referrer: string | null;
  language: string | null;
  reporter_contact: string | null;
  reporter_token_hash: string | null;
  created_by: string | null;
  anonymised_at: string | null;
}

export interface HlUrlTable {
  id: string;
  canonical_sha256: string;
  canonical_url: string;
  host: string;
  first_report_id: string;
  status: string;
  classification: string | null;
  dedicated_domain: Generated<number>;
  hosting_country: string | null;
  hosting_org: string | null;
  hosting_asn: number | null;
  behind_cdn: Generated<number>;
  notice_contact_id: string | null;
  hold_reason: string | null;
  hold_by: string | null;
  hold_at: string | null;
  received_at: string;
  assessed_at: string | null;
  traced_at: string | null;
  forwarded_at: string | null;
  notice_first_sent_at: string | null;
  notice_last_sent_at: string | null;
  notice_count: Generated<number>;
  first_offline_at: string | null;
  last_check_at: string | null;
  last_check_result: string | null;
  offline_streak: Generated<number>;
  closed_at: string | null;
  closure_reason: string | null;
  moved_to_url_id: string | null;
  gone_before_notice: Generated<number>;
  anonymised_at: string | null;
}

export interface HlReportUrlTable {
  report_id: string;
  position: number;
  url_id: string;
  raw_url: string;
  was_known: Generated<number>;
}

export interface HlAssessmentTable {
  id: string;
  url_id: string;
  classification: string;
  decided_by_kind: string;
  decided_by: string | null;
  decided_at: string;
  viewed_content: Generated<number>;
  age_group: string | null;
  content_kind: string | null;
  note: string | null;
}

export interface HlTraceTable {
  id: string;
  url_id: string;
  version: number;
  traced_at: string;
  host: string;
  cname_chain: string;
  addresses: string;
  ip: string | null;
  asn: number | null;
  prefix: string | null;
  org: string | null;
  country: string | null;
  registry: string | null;
  cdn: Generated<number>;
  cdn_name: string | null;
  contacts: string;
  evidence: string;
  error: string | null;
  moved: Generated<number>;
}

export interface HlContactTable {
  id: string;
  org: string;
  asn: number | null;
  scope: string;
  email: string;
  country: string | null;
  language: string | null;
  source: string;
  approved: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface HlForwardTable {
  id: string;
  url_id: string;
  destination_kind: string;
  destination: string;
  country: string | null;
  format: string;
  package_id: string | null;
  created_at: string;
  created_by: string | null;
  cleared_at: string | null;
  cleared_by: string | null;
}

export interface HlNoticeTable {
  id: string;
  contact_id: string;
  to_address: string;
  created_at: string;
  status: string;
  sent_at: string | null;
  message_id: string | null;
  xarf_report_id: string | null;
  error: string | null;
  attempts: Generated<number>;
}

export interface HlNoticeUrlTable {
  notice_id: string;
  url_id: string;
  sequence: number;
}

export interface HlCheckTable {
  id: string;
  url_id: string;
  checked_at: string;
  method: string;
  result: string;
  http_status: number | null;
  dns: string | null;
  redirects: string | null;
  final_url: string | null;
  body_md5: string | null;
  body_sha1: string | null;
  body_pdq: string | null;
  hash_match: string | null;
  duration_ms: number | null;
  error: string | null;
}

export interface HlUrlHashTable {
  url_id: string;
  algorithm: string;
  hash: string;
  source: string;
  recorded_at: string;
}

export interface HlEventTable {
  id: string;
  url_id: string;
  at: string;
  kind: string;
  actor: string | null;
  detail: string;
}

export interface Database {
  hl_report: HlReportTable;
  hl_url: HlUrlTable;
  hl_report_url: HlReportUrlTable;
  hl_assessment: HlAssessmentTable;
  hl_trace: HlTraceTable;
  hl_contact: HlContactTable;
  hl_forward: HlForwardTable;
  hl_notice: HlNoticeTable;
  hl_notice_url: HlNoticeUrlTable;
  hl_check: HlCheckTable;
  hl_url_hash: HlUrlHashTable;
  hl_event: HlEventTable;
}

export type HlReportRow = Selectable<HlReportTable>;
export type HlUrlRow = Selectable<HlUrlTable>;
export type HlTraceRow = Selectable<HlTraceTable>;
export type HlContactRow = Selectable<HlContactTable>;
export type HlNoticeRow = Selectable<HlNoticeTable>;
export type HlCheckRow = Selectable<HlCheckTable>;
export type HlEventRow = Selectable<HlEventTable>;

// --- Series and victims (migration 0009, issue 6). No personal data of victims: flags, dates and a free note only. ---

export interface SeriesTable {
  id: string;
  name: string;
  description: string | null;
  /** open | closed */
  status: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  victim_identified: number;
  victim_identified_at: string | null;
  victim_identified_by: string | null;
  victim_note: string | null;
  offender_identified: number;
  offender_identified_at: string | null;
  offender_identified_by: string | null;
  offender_note: string | null;
}

export interface SeriesItemTable {
  series_id: string;
  /** sha256 | md5 */
  algorithm: string;
  hash: Buffer;
  md5: Buffer | null;
  pdq: string | null;
  file_id: string | null;
  case_id: string | null;
  added_by: string;
  added_at: string;
}

export interface SeriesClueTable {
  id: string;
  series_id: string;
  /** location | language | object | other */
  kind: string;
  text: string;
  added_by: string;
  added_at: string;
}

export interface Database {
  series: SeriesTable;
  series_item: SeriesItemTable;
  series_clue: SeriesClueTable;
}

export type SeriesRow = Selectable<SeriesTable>;
export type SeriesItemRow = Selectable<SeriesItemTable>;
export type SeriesClueRow = Selectable<SeriesClueTable>;

// --- Byte runs of files inside disk images (migration 0010, issue 5). Column meanings are in the migration. ---

export interface FileByteRunTable {
  file_id: string;
  seq: number;
  file_offset: BigIntCol;
  fs_offset: BigIntCol | null;
  img_offset: BigIntCol | null;
  len: BigIntCol | null;
  uncompressed_len: BigIntCol | null;
  fill: string | null;
  type: string | null;
}

export interface Database {
  file_byte_run: FileByteRunTable;
}

export type FileByteRunRow = Selectable<FileByteRunTable>;
