import type { Kysely } from 'kysely';
import type { ProcessedEntry, StageName } from '../../domain/entry.js';
import { fileId } from '../../util/ids.js';
import { nowIso } from '../../util/time.js';
import type { DatabaseHandle } from '../connection.js';
import { chunkForEngine } from '../engine.js';
import { upsertStages } from './stage-writes.js';
import type { Database, FileByteRunRow, FileRow, FileTriageRow, MediaMetadataRow, NewFile, NewMediaMetadata, NewThumbnail, NewVideoFrame, NewVideoInfo, ThumbnailRow, VideoInfoRow } from '../schema.js';
import { thumbnailRelPaths } from '../../domain/thumbnail-paths.js';

export interface DiscoveredFile {
  path: string;
  depth: number;
  entryType: string;
  size: number | null;
  times: ProcessedEntry['times'];
  /** Files inside a disk image: volume, TSK address, deleted flag and the recovery caveat. */
  image?: { volume: string; addr: string; deleted: boolean; recoveryNote: string | null };
}

/** A file of a disk image as byte-run matching needs it. */
export interface ImageFileKey {
  id: string;
  path: string;
  volume: string | null;
  fs_addr: string | null;
  entry_type: string;
}

/** One data run of a file (see migration 0010). */
export type ByteRun = Omit<FileByteRunRow, 'file_id' | 'seq'>;

export interface ExportMatch {
  set: string;
  role: string;
  algorithm: string;
  distance: number;
  /** vPDQ: share of the video's frames that matched. */
  percent: number | null;
  category: string | null;
  profile: string | null;
  baseline: boolean;
}

export interface ExportRow extends FileRow {
  media: MediaMetadataRow | null;
  pdq: { hash: string; quality: number; mode: string; usable: number } | null;
  /** Null until the match stage has run for the file. */
  triage: Omit<FileTriageRow, 'file_id' | 'updated_at'> | null;
  matches: ExportMatch[];
  video: Omit<VideoInfoRow, 'file_id'> | null;
  thumbnail: Pick<ThumbnailRow, 'kind' | 'width' | 'height' | 'safe_path'> | null;
  evidence_label: string;
}

function nameOf(path: string): string {
  const inner = path.slice(path.lastIndexOf('!/') + 1);
  return inner.slice(inner.lastIndexOf('/') + 1);
}

function extOf(name: string): string | null {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : null;
}

export class FileRepository {
  constructor(private readonly h: DatabaseHandle) {}

  /**
   * Record files the walk found, before they are processed (so a crash leaves them visible as pending). Existing
   * rows are left alone: a rerun after a crash inserts nothing twice.
   */
  async recordDiscovered(evidenceId: string, files: readonly DiscoveredFile[]): Promise<void> {
    const now = nowIso();
    const rows: NewFile[] = files.map((f) => ({
      id: fileId(evidenceId, f.path),
      evidence_id: evidenceId,
      parent_id: null,
      path: f.path,
      name: nameOf(f.path),
      extension: extOf(nameOf(f.path)),
      entry_type: f.entryType,
      depth: f.depth,
      size: f.size,
      mtime: f.times.mtime,
      atime: f.times.atime,
      ctime: f.times.ctime,
      birthtime: f.times.birthtime,
      extension_mismatch: 0,
      is_archive: 0,
      discovered_at: now,
      ...(f.image ? { volume: f.image.volume, fs_addr: f.image.addr, deleted: f.image.deleted ? 1 : 0, recovery_note: f.image.recoveryNote } : {}),
    }));
    await this.h.db.transaction().execute(async (tx) => {
      for (const chunk of chunkForEngine(this.h.caps, rows, 20)) {
        await tx.insertInto('file').values(chunk).onConflict((oc) => oc.column('id').doNothing()).execute();
      }
    });
  }

  /** Of the given paths, those whose `stage` has no outcome yet (never processed, or interrupted). */
  async pendingPaths(evidenceId: string, paths: readonly string[], stage: StageName, retryFailed = false): Promise<Set<string>> {
    const ids = new Map(paths.map((p) => [fileId(evidenceId, p), p]));
    const finished = new Set<string>();
    for (const chunk of chunkForEngine(this.h.caps, [...ids.keys()], 1)) {
      let q = this.h.db.selectFrom('file_stage').select('file_id').where('stage', '=', stage).where('file_id', 'in', chunk);
      if (retryFailed) q = q.where('status', '!=', 'failed');
      for (const r of await q.execute()) finished.add(r.file_id);
    }
    return new Set([...ids].filter(([id]) => !finished.has(id)).map(([, p]) => p));
  }

  /** Top-level files of an evidence item still missing `stage` (keyset-paged, for the final sweep). */
  async pendingTopLevel(evidenceId: string, stage: StageName, afterPath: string, limit: number): Promise<FileRow[]> {
    return this.h.db
      .selectFrom('file')
      .selectAll()
      .where('evidence_id', '=', evidenceId)
      .where('parent_id', 'is', null)
      .where('path', '>', afterPath)
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('file_stage').select('file_id').whereRef('file_stage.file_id', '=', 'file.id').where('file_stage.stage', '=', stage))),
      )
      .orderBy('path')
      .limit(limit)
      .execute();
  }

  /** Store processing results (files, archive members, metadata, stage outcomes) in one transaction. Idempotent. */
  async saveProcessed(evidenceId: string, entries: readonly ProcessedEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = nowIso();
    const files: NewFile[] = [];
    const media: NewMediaMetadata[] = [];
    const perceptual: { file_id: string; algorithm: string; hash: string; quality: number; mode: string; usable: number }[] = [];
    const stages: { file_id: string; stage: string; status: string; attempts: number; error: string | null; updated_at: string }[] = [];
    const thumbnails: NewThumbnail[] = [];
    const videos: NewVideoInfo[] = [];
    const frames: NewVideoFrame[] = [];
    for (const e of entries) {
      const id = fileId(evidenceId, e.path);
      if (e.thumbnail) {
        const rel = thumbnailRelPaths(id);
        thumbnails.push({
          file_id: id, kind: e.thumbnail.kind, format: e.thumbnail.format, width: e.thumbnail.width, height: e.thumbnail.height,
          safe_path: rel.safe, clear_path: rel.clear, created_at: now,
        });
      }
      if (e.video) {
        const v = e.video;
        videos.push({
          file_id: id, duration_sec: v.durationSec, codec: v.codec, container: v.container, width: v.width, height: v.height,
          frame_rate: v.frameRate, frames_hashed: v.frames.length, error: v.error,
        });
        for (const f of v.frames) frames.push({ file_id: id, frame_index: f.frameIndex, timestamp_sec: f.timestampSec, hash: f.hash, quality: f.quality });
      }
      const name = nameOf(e.path);
      files.push({
        id,
        evidence_id: evidenceId,
        parent_id: e.parentPath === null ? null : fileId(evidenceId, e.parentPath),
        path: e.path,
        name,
        extension: extOf(name),
        entry_type: e.entryType,
        depth: e.depth,
        size: e.size,
        mtime: e.times.mtime,
        atime: e.times.atime,
        ctime: e.times.ctime,
        birthtime: e.times.birthtime,
        md5: e.digests ? Buffer.from(e.digests.md5, 'hex') : null,
        sha1: e.digests ? Buffer.from(e.digests.sha1, 'hex') : null,
        sha256: e.digests ? Buffer.from(e.digests.sha256, 'hex') : null,
        mime_type: e.type?.mime ?? null,
        detected_ext: e.type?.ext ?? null,
        extension_mismatch: e.type?.mismatch ? 1 : 0,
        is_archive: e.isArchive ? 1 : 0,
        archive_status: e.archiveStatus,
        member_count: e.memberCount,
        error: e.error,
        error_code: e.errorCode,
        discovered_at: now,
      });
      if (e.media) {
        const m = e.media;
        media.push({
          file_id: id, width: m.width, height: m.height, make: m.make, model: m.model, body_serial: m.bodySerial,
          internal_serial: m.internalSerial, lens_serial: m.lensSerial, date_time_original: m.dateTimeOriginal,
          gps_lat: m.gpsLat, gps_lon: m.gpsLon, gps_alt: m.gpsAlt, software: m.software, orientation: m.orientation, error: m.error,
        });
      }
      if (e.perceptual) {
        const p = e.perceptual;
        perceptual.push({ file_id: id, algorithm: p.algorithm, hash: p.hash, quality: p.quality, mode: p.mode, usable: p.usable ? 1 : 0 });
      }
      for (const [stage, status] of Object.entries(e.stages)) {
        stages.push({ file_id: id, stage, status, attempts: 1, error: status === 'failed' ? e.error : null, updated_at: now });
      }
    }
    await this.h.db.transaction().execute(async (tx) => {
      await upsertFiles(tx, this.h, files);
      for (const chunk of chunkForEngine(this.h.caps, media, 16)) {
        await tx
          .insertInto('media_metadata')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('file_id').doUpdateSet((eb) => ({
              width: eb.ref('excluded.width'), height: eb.ref('excluded.height'), make: eb.ref('excluded.make'),
              model: eb.ref('excluded.model'), body_serial: eb.ref('excluded.body_serial'),
              internal_serial: eb.ref('excluded.internal_serial'), lens_serial: eb.ref('excluded.lens_serial'),
              date_time_original: eb.ref('excluded.date_time_original'), gps_lat: eb.ref('excluded.gps_lat'),
              gps_lon: eb.ref('excluded.gps_lon'), gps_alt: eb.ref('excluded.gps_alt'), software: eb.ref('excluded.software'),
              orientation: eb.ref('excluded.orientation'), error: eb.ref('excluded.error'),
            })),
          )
          .execute();
      }
      for (const chunk of chunkForEngine(this.h.caps, perceptual, 6)) {
        await tx
          .insertInto('perceptual_hash')
          .values(chunk)
          .onConflict((oc) =>
            oc.columns(['file_id', 'algorithm']).doUpdateSet((eb) => ({
              hash: eb.ref('excluded.hash'), quality: eb.ref('excluded.quality'), mode: eb.ref('excluded.mode'), usable: eb.ref('excluded.usable'),
            })),
          )
          .execute();
      }
      for (const chunk of chunkForEngine(this.h.caps, thumbnails, 8)) {
        await tx
          .insertInto('thumbnail')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('file_id').doUpdateSet((eb) => ({
              kind: eb.ref('excluded.kind'), format: eb.ref('excluded.format'), width: eb.ref('excluded.width'), height: eb.ref('excluded.height'),
              safe_path: eb.ref('excluded.safe_path'), clear_path: eb.ref('excluded.clear_path'), created_at: eb.ref('excluded.created_at'),
            })),
          )
          .execute();
      }
      if (videos.length) {
        // A video processed again replaces its frame list (idempotent).
        for (const chunk of chunkForEngine(this.h.caps, videos.map((v) => v.file_id), 1)) await tx.deleteFrom('video_frame').where('file_id', 'in', chunk).execute();
      }
      for (const chunk of chunkForEngine(this.h.caps, videos, 9)) {
        await tx
          .insertInto('video_info')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('file_id').doUpdateSet((eb) => ({
              duration_sec: eb.ref('excluded.duration_sec'), codec: eb.ref('excluded.codec'), container: eb.ref('excluded.container'),
              width: eb.ref('excluded.width'), height: eb.ref('excluded.height'), frame_rate: eb.ref('excluded.frame_rate'),
              frames_hashed: eb.ref('excluded.frames_hashed'), error: eb.ref('excluded.error'),
            })),
          )
          .execute();
      }
      for (const chunk of chunkForEngine(this.h.caps, frames, 5)) await tx.insertInto('video_frame').values(chunk).execute();
      await upsertStages(tx, this.h.caps, stages);
    });
  }

  /** Files of a case in (evidence, path) order, a page at a time (keyset paging: same on both engines). */
  async exportPage(caseId: string, after: { evidenceId: string; path: string } | null, limit: number): Promise<ExportRow[]> {
    let q = this.h.db
      .selectFrom('file')
      .innerJoin('evidence', 'evidence.id', 'file.evidence_id')
      .leftJoin('media_metadata', 'media_metadata.file_id', 'file.id')
      .leftJoin('perceptual_hash', (j) => j.onRef('perceptual_hash.file_id', '=', 'file.id').on('perceptual_hash.algorithm', '=', 'pdq'))
      .leftJoin('file_triage', 'file_triage.file_id', 'file.id')
      .leftJoin('video_info', 'video_info.file_id', 'file.id')
      .leftJoin('thumbnail', 'thumbnail.file_id', 'file.id')
      .selectAll('file')
      .select([
        'evidence.label as evidence_label',
        'media_metadata.file_id as m_file_id', 'media_metadata.width as m_width', 'media_metadata.height as m_height',
        'media_metadata.make as m_make', 'media_metadata.model as m_model', 'media_metadata.body_serial as m_body_serial',
        'media_metadata.internal_serial as m_internal_serial', 'media_metadata.lens_serial as m_lens_serial',
        'media_metadata.date_time_original as m_date_time_original', 'media_metadata.gps_lat as m_gps_lat',
        'media_metadata.gps_lon as m_gps_lon', 'media_metadata.gps_alt as m_gps_alt', 'media_metadata.software as m_software',
        'media_metadata.orientation as m_orientation', 'media_metadata.error as m_error',
        'perceptual_hash.hash as p_hash', 'perceptual_hash.quality as p_quality', 'perceptual_hash.mode as p_mode', 'perceptual_hash.usable as p_usable',
        'file_triage.status as t_status', 'file_triage.ignorable as t_ignorable', 'file_triage.category as t_category',
        'file_triage.category_profile as t_category_profile', 'file_triage.baseline as t_baseline', 'file_triage.cluster_id as t_cluster_id',
        'file_triage.cluster_size as t_cluster_size', 'file_triage.priority as t_priority', 'file_triage.priority_reasons as t_priority_reasons',
        'file_triage.workspace_cluster_id as t_workspace_cluster_id', 'file_triage.workspace_cluster_cases as t_workspace_cluster_cases',
        'video_info.file_id as v_file_id', 'video_info.duration_sec as v_duration_sec', 'video_info.codec as v_codec',
        'video_info.container as v_container', 'video_info.width as v_width', 'video_info.height as v_height',
        'video_info.frame_rate as v_frame_rate', 'video_info.frames_hashed as v_frames_hashed', 'video_info.error as v_error',
        'thumbnail.kind as h_kind', 'thumbnail.width as h_width', 'thumbnail.height as h_height', 'thumbnail.safe_path as h_safe_path',
      ])
      .where('evidence.case_id', '=', caseId);
    if (after) {
      q = q.where((eb) =>
        eb.or([eb('file.evidence_id', '>', after.evidenceId), eb.and([eb('file.evidence_id', '=', after.evidenceId), eb('file.path', '>', after.path)])]),
      );
    }
    const rows = await q.orderBy('file.evidence_id').orderBy('file.path').limit(limit).execute();
    const matches = await this.matchesFor(rows.filter((r) => r.t_status !== null && r.t_status !== 'unknown').map((r) => r.id));
    return rows.map((r) => {
      const media: MediaMetadataRow | null = r.m_file_id
        ? {
            file_id: r.m_file_id, width: r.m_width, height: r.m_height, make: r.m_make, model: r.m_model,
            body_serial: r.m_body_serial, internal_serial: r.m_internal_serial, lens_serial: r.m_lens_serial,
            date_time_original: r.m_date_time_original, gps_lat: r.m_gps_lat, gps_lon: r.m_gps_lon, gps_alt: r.m_gps_alt,
            software: r.m_software, orientation: r.m_orientation, error: r.m_error,
          }
        : null;
      const pdq = r.p_hash !== null && r.p_hash !== undefined ? { hash: r.p_hash, quality: Number(r.p_quality), mode: String(r.p_mode), usable: Number(r.p_usable) } : null;
      const triage = r.t_status !== null && r.t_status !== undefined
        ? {
            status: r.t_status, ignorable: Number(r.t_ignorable), category: r.t_category, category_profile: r.t_category_profile,
            baseline: Number(r.t_baseline), cluster_id: r.t_cluster_id, cluster_size: r.t_cluster_size,
            workspace_cluster_id: r.t_workspace_cluster_id, workspace_cluster_cases: r.t_workspace_cluster_cases, priority: r.t_priority,
            priority_reasons: r.t_priority_reasons,
          }
        : null;
      const video = r.v_file_id
        ? {
            duration_sec: r.v_duration_sec, codec: r.v_codec, container: r.v_container, width: r.v_width, height: r.v_height,
            frame_rate: r.v_frame_rate, frames_hashed: Number(r.v_frames_hashed), error: r.v_error,
          }
        : null;
      const thumbnail = r.h_kind ? { kind: r.h_kind, width: Number(r.h_width), height: Number(r.h_height), safe_path: String(r.h_safe_path) } : null;
      const file = Object.fromEntries(Object.entries(r).filter(([k]) => !/^[mptvh]_/.test(k))) as unknown as FileRow & { evidence_label: string };
      return { ...file, media, pdq, triage, matches: matches.get(r.id) ?? [], video, thumbnail };
    });
  }

  /** Matches of the given files with their set's name, role and profile. */
  private async matchesFor(fileIds: readonly string[]): Promise<Map<string, ExportMatch[]>> {
    const out = new Map<string, ExportMatch[]>();
    for (const chunk of chunkForEngine(this.h.caps, fileIds, 1)) {
      const rows = await this.h.db
        .selectFrom('file_match')
        .innerJoin('hash_set', 'hash_set.id', 'file_match.set_id')
        .select(['file_match.file_id', 'hash_set.name', 'hash_set.role', 'hash_set.profile', 'file_match.algorithm', 'file_match.distance', 'file_match.match_percent', 'file_match.category', 'file_match.baseline'])
        .where('file_match.file_id', 'in', chunk)
        .orderBy('hash_set.name')
        .orderBy('file_match.algorithm')
        .execute();
      for (const m of rows) {
        const list = out.get(m.file_id) ?? [];
        list.push({ set: m.name, role: m.role, algorithm: m.algorithm, distance: m.distance, percent: m.match_percent, category: m.category, profile: m.profile, baseline: m.baseline === 1 });
        out.set(m.file_id, list);
      }
    }
    return out;
  }

  /** Files with digests in (MD5, id) order, a page at a time (VICS export: one Media per MD5). */
  async vicsPage(caseId: string, after: { md5: Buffer; id: string } | null, limit: number): Promise<VicsFileRow[]> {
    let q = this.h.db
      .selectFrom('file')
      .innerJoin('evidence', 'evidence.id', 'file.evidence_id')
      .leftJoin('file as parent', 'parent.id', 'file.parent_id')
      .leftJoin('file_triage', 'file_triage.file_id', 'file.id')
      .leftJoin('perceptual_hash', (j) => j.onRef('perceptual_hash.file_id', '=', 'file.id').on('perceptual_hash.algorithm', '=', 'pdq'))
      .leftJoin('media_metadata', 'media_metadata.file_id', 'file.id')
      .select([
        'file.id as id', 'file.md5 as md5', 'file.sha1 as sha1', 'file.sha256 as sha256', 'file.size as size', 'file.path as path',
        'file.mime_type as mime_type', 'file.mtime as mtime', 'file.atime as atime', 'file.birthtime as birthtime',
        'evidence.label as evidence_label', 'parent.md5 as parent_md5', 'parent.path as parent_path',
        'file_triage.category as category', 'file_triage.category_profile as category_profile', 'file_triage.status as status',
        'perceptual_hash.hash as pdq', 'media_metadata.width as width', 'media_metadata.height as height',
        'media_metadata.make as make', 'media_metadata.model as model',
      ])
      .where('evidence.case_id', '=', caseId)
      .where('file.md5', 'is not', null);
    if (after) q = q.where((eb) => eb.or([eb('file.md5', '>', after.md5), eb.and([eb('file.md5', '=', after.md5), eb('file.id', '>', after.id)])]));
    const rows = await q.orderBy('file.md5').orderBy('file.id').limit(limit).execute();
    return rows as VicsFileRow[];
  }

  /** Top-level files of an evidence item at exactly these paths (byte-run matching). */
  async imageFilesAt(evidenceId: string, paths: readonly string[]): Promise<ImageFileKey[]> {
    const out: ImageFileKey[] = [];
    for (const chunk of chunkForEngine(this.h.caps, [...new Set(paths)], 1)) {
      out.push(...await this.h.db.selectFrom('file').select(['id', 'path', 'volume', 'fs_addr', 'entry_type'])
        .where('evidence_id', '=', evidenceId).where('parent_id', 'is', null).where('path', 'in', chunk).execute());
    }
    return out;
  }

  /**
   * Top-level files whose path has a `:` (NTFS named streams and indexes: `file:ADS`, `$ObjId:$O`) or a `;` (the
   * second of two names fls lists twice: `name;ADDR`), keyset-paged in path order. Few in any image; read once per
   * scan for the names byte-run matching did not find exactly.
   */
  async imageFilesSuffixed(evidenceId: string, afterPath: string, limit: number): Promise<ImageFileKey[]> {
    return this.h.db.selectFrom('file').select(['id', 'path', 'volume', 'fs_addr', 'entry_type'])
      .where('evidence_id', '=', evidenceId).where('parent_id', 'is', null).where('fs_addr', 'is not', null).where('path', '>', afterPath)
      .where((eb) => eb.or([eb('path', 'like', '%:%'), eb('path', 'like', '%;%')]))
      .orderBy('path').limit(limit).execute();
  }

  /** Replace the byte runs of these files (delete + insert in one transaction: a rescan writes the same rows). */
  async replaceByteRuns(items: readonly { fileId: string; runs: readonly ByteRun[] }[]): Promise<void> {
    if (items.length === 0) return;
    const rows = items.flatMap((it) => it.runs.map((r, seq) => ({ file_id: it.fileId, seq, ...r })));
    await this.h.db.transaction().execute(async (tx) => {
      for (const chunk of chunkForEngine(this.h.caps, items.map((i) => i.fileId), 1)) await tx.deleteFrom('file_byte_run').where('file_id', 'in', chunk).execute();
      for (const chunk of chunkForEngine(this.h.caps, rows, 9)) await tx.insertInto('file_byte_run').values(chunk).execute();
    });
  }

  /** Byte runs of the given files, in file order. */
  async byteRunsFor(fileIds: readonly string[]): Promise<Map<string, ByteRun[]>> {
    const out = new Map<string, ByteRun[]>();
    for (const chunk of chunkForEngine(this.h.caps, fileIds, 1)) {
      const rows = await this.h.db.selectFrom('file_byte_run').selectAll().where('file_id', 'in', chunk).orderBy('file_id').orderBy('seq').execute();
      for (const { file_id, seq: _seq, ...r } of rows) {
        const run: ByteRun = {
          file_offset: Number(r.file_offset), fs_offset: r.fs_offset === null ? null : Number(r.fs_offset), img_offset: r.img_offset === null ? null : Number(r.img_offset),
          len: r.len === null ? null : Number(r.len), uncompressed_len: r.uncompressed_len === null ? null : Number(r.uncompressed_len), fill: r.fill, type: r.type,
        };
        const list = out.get(file_id) ?? [];
        list.push(run);
        out.set(file_id, list);
      }
    }
    return out;
  }

  /** Totals for the scan summary. */
  async summary(evidenceIds: readonly string[]): Promise<{ files: number; bytes: number; errors: number; byType: { mime: string | null; n: number }[] }> {
    if (evidenceIds.length === 0) return { files: 0, bytes: 0, errors: 0, byType: [] };
    const base = this.h.db.selectFrom('file').where('evidence_id', 'in', evidenceIds);
    const t = await base
      .select((eb) => [eb.fn.countAll<number>().as('files'), eb.fn.coalesce(eb.fn.sum<number>('size'), eb.val(0)).as('bytes'), eb.fn.count<number>('error').as('errors')])
      .executeTakeFirstOrThrow();
    const byType = await base
      .select((eb) => ['mime_type as mime', eb.fn.countAll<number>().as('n')])
      .groupBy('mime_type')
      .orderBy('n', 'desc')
      .execute();
    return { files: Number(t.files), bytes: Number(t.bytes), errors: Number(t.errors), byType: byType.map((r) => ({ mime: r.mime, n: Number(r.n) })) };
  }
}

async function upsertFiles(tx: Kysely<Database>, h: DatabaseHandle, files: NewFile[]): Promise<void> {
  for (const chunk of chunkForEngine(h.caps, files, 27)) {
    await tx
      .insertInto('file')
      .values(chunk)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          parent_id: eb.ref('excluded.parent_id'), entry_type: eb.ref('excluded.entry_type'), depth: eb.ref('excluded.depth'),
          size: eb.ref('excluded.size'), mtime: eb.ref('excluded.mtime'), atime: eb.ref('excluded.atime'), ctime: eb.ref('excluded.ctime'),
          birthtime: eb.ref('excluded.birthtime'), md5: eb.ref('excluded.md5'), sha1: eb.ref('excluded.sha1'), sha256: eb.ref('excluded.sha256'),
          mime_type: eb.ref('excluded.mime_type'), detected_ext: eb.ref('excluded.detected_ext'),
          extension_mismatch: eb.ref('excluded.extension_mismatch'), is_archive: eb.ref('excluded.is_archive'),
          archive_status: eb.ref('excluded.archive_status'), member_count: eb.ref('excluded.member_count'),
          error: eb.ref('excluded.error'), error_code: eb.ref('excluded.error_code'),
        })),
      )
      .execute();
  }
}

/** One file as the VICS exporter reads it (ordered by MD5 so that all copies of one picture are adjacent). */
export interface VicsFileRow {
  id: string;
  md5: Buffer;
  sha1: Buffer | null;
  sha256: Buffer | null;
  size: number | null;
  path: string;
  mime_type: string | null;
  mtime: string | null;
  atime: string | null;
  birthtime: string | null;
  evidence_label: string;
  parent_md5: Buffer | null;
  parent_path: string | null;
  category: string | null;
  category_profile: string | null;
  status: string | null;
  pdq: string | null;
  width: number | null;
  height: number | null;
  make: string | null;
  model: string | null;
}
