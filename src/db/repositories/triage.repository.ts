import { nowIso } from '../../util/time.js';
import type { DatabaseHandle } from '../connection.js';
import type { Kysely, Updateable } from 'kysely';
import { chunkForEngine, type EngineCapabilities } from '../engine.js';
import { upsertStages } from './stage-writes.js';
import type { Database, FileMatchRow, FileTriageTable } from '../schema.js';

/** What the matcher needs of one file. */
export interface MatchInputRow {
  id: string;
  md5: Buffer | null;
  sha1: Buffer | null;
  sha256: Buffer | null;
  pdq_hash: string | null;
  pdq_usable: number | null;
  /** Number of vPDQ frames stored (videos); null for other files. */
  video_frames: number | null;
}

export interface TriageVerdict {
  fileId: string;
  status: string;
  ignorable: boolean;
  category: string | null;
  categoryProfile: string | null;
  baseline: boolean;
  matches: Omit<FileMatchRow, 'file_id'>[];
}

/** Facts the priority rules look at, per file. */
export interface PriorityFactsRow {
  id: string;
  mime_type: string | null;
  status: string | null;
  cluster_size: number | null;
  workspace_cluster_cases: number | null;
  make: string | null;
  model: string | null;
  body_serial: string | null;
  software: string | null;
  date_time_original: string | null;
  gps_lat: number | null;
  gps_lon: number | null;
}

export class TriageRepository {
  constructor(private readonly h: DatabaseHandle) {}

  /** Files of a case that have digests, keyset-paged by id; `pendingOnly` skips files whose match stage is done. */
  async matchInputsPage(caseId: string, afterId: string, limit: number, pendingOnly: boolean): Promise<MatchInputRow[]> {
    let q = this.h.db
      .selectFrom('file')
      .innerJoin('evidence', 'evidence.id', 'file.evidence_id')
      .leftJoin('perceptual_hash', (j) => j.onRef('perceptual_hash.file_id', '=', 'file.id').on('perceptual_hash.algorithm', '=', 'pdq'))
      .leftJoin('video_info', 'video_info.file_id', 'file.id')
      .select([
        'file.id as id', 'file.md5 as md5', 'file.sha1 as sha1', 'file.sha256 as sha256', 'perceptual_hash.hash as pdq_hash',
        'perceptual_hash.usable as pdq_usable', 'video_info.frames_hashed as video_frames',
      ])
      .where('evidence.case_id', '=', caseId)
      .where('file.md5', 'is not', null)
      .where('file.id', '>', afterId);
    if (pendingOnly) {
      q = q.where((eb) =>
        eb.not(eb.exists(eb.selectFrom('file_stage').select('file_stage.file_id').whereRef('file_stage.file_id', '=', 'file.id').where('file_stage.stage', '=', 'match'))),
      );
    }
    return q.orderBy('file.id').limit(limit).execute();
  }

  /** Replace the matches and verdicts of these files and mark their match stage done, in one transaction. */
  async saveVerdicts(verdicts: readonly TriageVerdict[]): Promise<void> {
    if (verdicts.length === 0) return;
    const now = nowIso();
    const ids = verdicts.map((v) => v.fileId);
    const matches = verdicts.flatMap((v) => v.matches.map((m) => ({ ...m, file_id: v.fileId })));
    const triage = verdicts.map((v) => ({
      file_id: v.fileId, status: v.status, ignorable: v.ignorable ? 1 : 0, category: v.category, category_profile: v.categoryProfile,
      baseline: v.baseline ? 1 : 0, cluster_id: null, cluster_size: null, workspace_cluster_id: null, workspace_cluster_cases: null,
      priority: null, priority_reasons: null, updated_at: now,
    }));
    const stages = ids.map((id) => ({ file_id: id, stage: 'match', status: 'done', attempts: 1, error: null, updated_at: now }));
    await this.h.db.transaction().execute(async (tx) => {
      for (const chunk of chunkForEngine(this.h.caps, ids, 1)) await tx.deleteFrom('file_match').where('file_id', 'in', chunk).execute();
      for (const chunk of chunkForEngine(this.h.caps, matches, 8)) await tx.insertInto('file_match').values(chunk).execute();
      for (const chunk of chunkForEngine(this.h.caps, triage, 14)) {
        await tx
          .insertInto('file_triage')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('file_id').doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'), ignorable: eb.ref('excluded.ignorable'), category: eb.ref('excluded.category'),
              category_profile: eb.ref('excluded.category_profile'), baseline: eb.ref('excluded.baseline'), updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
      await upsertStages(tx, this.h.caps, stages);
    });
  }

  /** vPDQ frames of the given files (videos), in frame order. */
  async videoFrames(fileIds: readonly string[]): Promise<Map<string, { frameIndex: number; timestampSec: number; hash: string; quality: number }[]>> {
    const out = new Map<string, { frameIndex: number; timestampSec: number; hash: string; quality: number }[]>();
    for (const chunk of chunkForEngine(this.h.caps, fileIds, 1)) {
      const rows = await this.h.db
        .selectFrom('video_frame')
        .select(['file_id', 'frame_index', 'timestamp_sec', 'hash', 'quality'])
        .where('file_id', 'in', chunk)
        .orderBy('file_id')
        .orderBy('frame_index')
        .execute();
      for (const r of rows) {
        const list = out.get(r.file_id) ?? [];
        list.push({ frameIndex: r.frame_index, timestampSec: r.timestamp_sec, hash: r.hash, quality: r.quality });
        out.set(r.file_id, list);
      }
    }
    return out;
  }

  /** Ids of a case's videos with frame hashes whose verdict is unknown (video clustering input). */
  async unknownVideoIds(caseId: string): Promise<string[]> {
    const rows = await this.h.db
      .selectFrom('video_info')
      .innerJoin('file', 'file.id', 'video_info.file_id')
      .innerJoin('evidence', 'evidence.id', 'file.evidence_id')
      .innerJoin('file_triage', 'file_triage.file_id', 'file.id')
      .select('file.id as id')
      .where('evidence.case_id', '=', caseId)
      .where('file_triage.status', '=', 'unknown')
      .where('video_info.frames_hashed', '>', 0)
      .orderBy('file.id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Usable PDQ hashes of a case's files whose verdict is unknown, keyset-paged by file id (clustering input). */
  async clusterInputsPage(caseId: string, afterId: string, limit: number): Promise<{ id: string; hash: string }[]> {
    return this.h.db
      .selectFrom('perceptual_hash')
      .innerJoin('file', 'file.id', 'perceptual_hash.file_id')
      .innerJoin('evidence', 'evidence.id', 'file.evidence_id')
      .innerJoin('file_triage', 'file_triage.file_id', 'file.id')
      .select(['file.id as id', 'perceptual_hash.hash as hash'])
      .where('file_triage.status', '=', 'unknown')
      .where('evidence.case_id', '=', caseId)
      .where('perceptual_hash.algorithm', '=', 'pdq')
      .where('perceptual_hash.usable', '=', 1)
      .where('file.id', '>', afterId)
      .orderBy('file.id')
      .limit(limit)
      .execute();
  }

  /** Usable PDQ hashes of unknown files of every case, with their case, keyset-paged by file id. */
  async workspaceClusterInputsPage(afterId: string, limit: number): Promise<{ id: string; hash: string; case_id: string }[]> {
    return this.h.db
      .selectFrom('perceptual_hash')
      .innerJoin('file', 'file.id', 'perceptual_hash.file_id')
      .innerJoin('evidence', 'evidence.id', 'file.evidence_id')
      .innerJoin('file_triage', 'file_triage.file_id', 'file.id')
      .select(['file.id as id', 'perceptual_hash.hash as hash', 'evidence.case_id as case_id'])
      .where('file_triage.status', '=', 'unknown')
      .where('perceptual_hash.algorithm', '=', 'pdq')
      .where('perceptual_hash.usable', '=', 1)
      .where('file.id', '>', afterId)
      .orderBy('file.id')
      .limit(limit)
      .execute();
  }

  /** Clear every workspace cluster, then set the given ones. */
  async saveWorkspaceClusters(assignments: readonly { fileId: string; clusterId: string; cases: number }[]): Promise<void> {
    await this.h.db.transaction().execute(async (tx) => {
      await tx.updateTable('file_triage').set({ workspace_cluster_id: null, workspace_cluster_cases: null }).where('workspace_cluster_id', 'is not', null).execute();
      await updateByCluster(tx, this.h.caps, assignments, (a) => ({ workspace_cluster_id: a.clusterId, workspace_cluster_cases: a.cases }));
    });
  }

  /** Clear the case's clusters, then set the given ones (cluster id and member count per file). */
  async saveClusters(caseId: string, assignments: readonly { fileId: string; clusterId: string; size: number }[]): Promise<void> {
    await this.h.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('file_triage')
        .set({ cluster_id: null, cluster_size: null })
        .where('file_id', 'in', (eb) => eb.selectFrom('file').innerJoin('evidence', 'evidence.id', 'file.evidence_id').select('file.id').where('evidence.case_id', '=', caseId))
        .execute();
      await updateByCluster(tx, this.h.caps, assignments, (a) => ({ cluster_id: a.clusterId, cluster_size: a.size }));
    });
  }

  /** Facts for the priority rules, keyset-paged by file id (files with a triage verdict). */
  async priorityFactsPage(caseId: string, afterId: string, limit: number): Promise<PriorityFactsRow[]> {
    return this.h.db
      .selectFrom('file_triage')
      .innerJoin('file', 'file.id', 'file_triage.file_id')
      .innerJoin('evidence', 'evidence.id', 'file.evidence_id')
      .leftJoin('media_metadata', 'media_metadata.file_id', 'file.id')
      .select([
        'file.id as id', 'file.mime_type as mime_type', 'file_triage.status as status', 'file_triage.cluster_size as cluster_size',
        'file_triage.workspace_cluster_cases as workspace_cluster_cases',
        'media_metadata.make as make', 'media_metadata.model as model', 'media_metadata.body_serial as body_serial',
        'media_metadata.software as software', 'media_metadata.date_time_original as date_time_original',
        'media_metadata.gps_lat as gps_lat', 'media_metadata.gps_lon as gps_lon',
      ])
      .where('evidence.case_id', '=', caseId)
      .where('file.id', '>', afterId)
      .orderBy('file.id')
      .limit(limit)
      .execute();
  }

  /** Number of files per camera body serial in a case (for "serial seen on other files"). */
  async serialCounts(caseId: string): Promise<Map<string, number>> {
    const rows = await this.h.db
      .selectFrom('media_metadata')
      .innerJoin('file', 'file.id', 'media_metadata.file_id')
      .innerJoin('evidence', 'evidence.id', 'file.evidence_id')
      .select((eb) => ['media_metadata.body_serial as serial', eb.fn.countAll<number>().as('n')])
      .where('evidence.case_id', '=', caseId)
      .where('media_metadata.body_serial', 'is not', null)
      .groupBy('media_metadata.body_serial')
      .execute();
    return new Map(rows.map((r) => [String(r.serial), Number(r.n)]));
  }

  async savePriorities(rows: readonly { fileId: string; priority: number | null; reasons: string | null }[]): Promise<void> {
    await this.h.db.transaction().execute(async (tx) => {
      for (const r of rows) {
        await tx.updateTable('file_triage').set({ priority: r.priority, priority_reasons: r.reasons }).where('file_id', '=', r.fileId).execute();
      }
    });
  }

  /** Counts per status and category for a case (the match summary). */
  async statusCounts(caseId: string): Promise<{ status: string; category: string | null; n: number }[]> {
    const rows = await this.h.db
      .selectFrom('file_triage')
      .innerJoin('file', 'file.id', 'file_triage.file_id')
      .innerJoin('evidence', 'evidence.id', 'file.evidence_id')
      .select((eb) => ['file_triage.status as status', 'file_triage.category as category', eb.fn.countAll<number>().as('n')])
      .where('evidence.case_id', '=', caseId)
      .groupBy(['file_triage.status', 'file_triage.category'])
      .orderBy('file_triage.status')
      .orderBy('file_triage.category')
      .execute();
    return rows.map((r) => ({ status: r.status, category: r.category, n: Number(r.n) }));
  }
}

/** Set the cluster columns of every member, one UPDATE per cluster (all members of a cluster get the same values). */
async function updateByCluster<A extends { fileId: string; clusterId: string }>(
  tx: Kysely<Database>,
  caps: EngineCapabilities,
  assignments: readonly A[],
  values: (first: A) => Updateable<FileTriageTable>,
): Promise<void> {
  const byCluster = new Map<string, { first: A; ids: string[] }>();
  for (const a of assignments) {
    const c = byCluster.get(a.clusterId) ?? { first: a, ids: [] };
    c.ids.push(a.fileId);
    byCluster.set(a.clusterId, c);
  }
  for (const c of byCluster.values()) {
    for (const chunk of chunkForEngine(caps, c.ids, 1)) {
      await tx.updateTable('file_triage').set(values(c.first)).where('file_id', 'in', chunk).execute();
    }
  }
}
