import type { DatabaseHandle } from '../connection.js';
import { chunkForEngine } from '../engine.js';
import type { SeriesClueRow, SeriesItemRow, SeriesRow, SeriesTable } from '../schema.js';

/** A file as the series code needs it: its digests, usable PDQ and where it is. */
export interface SeriesFile {
  id: string;
  case_id: string;
  md5: Buffer | null;
  sha256: Buffer | null;
  pdq: string | null;
}

/** A file found somewhere in the workspace, with what the UI shows of it (never bytes). */
export interface PlacedFile {
  id: string;
  case_id: string;
  case_name: string;
  evidence_label: string;
  path: string;
  name: string;
  mime_type: string | null;
  md5: Buffer | null;
  sha256: Buffer | null;
  status: string | null;
  cluster_id: string | null;
  thumb_kind: string | null;
}

export interface SeriesSummaryRow extends SeriesRow {
  items: number;
  clues: number;
}

export type SeriesPatch = Partial<Pick<SeriesTable,
  'name' | 'description' | 'status' | 'updated_at' | 'victim_identified' | 'victim_identified_at' | 'victim_identified_by' | 'victim_note' |
  'offender_identified' | 'offender_identified_at' | 'offender_identified_by' | 'offender_note'>>;

/**
 * Series, their items (keyed by file hash) and scene clues; plus the workspace-wide lookups that occurrences need:
 * files by digest (indexed: file_md5_idx, file_sha256_idx) and a keyset-paged read of every usable PDQ for the
 * near-duplicate scan (a linear pass; see SeriesService.occurrences for its cost).
 */
export class SeriesRepository {
  constructor(private readonly h: DatabaseHandle) {}

  async create(row: SeriesRow): Promise<void> {
    await this.h.db.insertInto('series').values(row).execute();
  }

  byId(id: string): Promise<SeriesRow | undefined> {
    return this.h.db.selectFrom('series').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byName(name: string): Promise<SeriesRow | undefined> {
    return this.h.db.selectFrom('series').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async list(ids?: readonly string[]): Promise<SeriesSummaryRow[]> {
    if (ids && ids.length === 0) return [];
    let q = this.h.db
      .selectFrom('series as s')
      .selectAll('s')
      .select((eb) => [
        eb.selectFrom('series_item as i').select(eb.fn.countAll<number>().as('n')).whereRef('i.series_id', '=', 's.id').as('items'),
        eb.selectFrom('series_clue as c').select(eb.fn.countAll<number>().as('n')).whereRef('c.series_id', '=', 's.id').as('clues'),
      ])
      .orderBy('s.name');
    if (ids) q = q.where('s.id', 'in', ids);
    return (await q.execute()).map((r) => ({ ...r, items: Number(r.items ?? 0), clues: Number(r.clues ?? 0) }));
  }

  /** Apply a change; false when no such series. */
  async update(id: string, patch: SeriesPatch): Promise<boolean> {
    const r = await this.h.db.updateTable('series').set(patch).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The case's files with these ids, with digests and usable PDQ. */
  async filesInCase(caseId: string, fileIds: readonly string[]): Promise<SeriesFile[]> {
    const out: SeriesFile[] = [];
    for (const chunk of chunkForEngine(this.h.caps, fileIds, 1)) out.push(...(await this.filesQuery(caseId).where('f.id', 'in', chunk).execute()));
    return out;
  }

  /** The case's files in a near-duplicate cluster. */
  clusterFiles(caseId: string, clusterId: string): Promise<SeriesFile[]> {
    return this.filesQuery(caseId).innerJoin('file_triage as t', 't.file_id', 'f.id').where('t.cluster_id', '=', clusterId).execute();
  }

  private filesQuery(caseId: string) {
    return this.h.db
      .selectFrom('file as f')
      .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
      .leftJoin('perceptual_hash as p', (j) => j.onRef('p.file_id', '=', 'f.id').on('p.algorithm', '=', 'pdq').on('p.usable', '=', 1))
      .select(['f.id', 'e.case_id', 'f.md5', 'f.sha256', 'p.hash as pdq'])
      .where('e.case_id', '=', caseId);
  }

  /** Insert items that are not in the series yet; returns how many were new. */
  async addItems(rows: readonly SeriesItemRow[]): Promise<number> {
    let added = 0;
    for (const chunk of chunkForEngine(this.h.caps, rows, 10)) {
      const r = await this.h.db.insertInto('series_item').values(chunk).onConflict((oc) => oc.columns(['series_id', 'algorithm', 'hash']).doNothing()).executeTakeFirst();
      added += Number(r.numInsertedOrUpdatedRows ?? 0);
    }
    return added;
  }

  async removeItem(seriesId: string, algorithm: string, hash: Buffer): Promise<SeriesItemRow | undefined> {
    const row = await this.h.db.selectFrom('series_item').selectAll().where('series_id', '=', seriesId).where('algorithm', '=', algorithm).where('hash', '=', hash).executeTakeFirst();
    if (row) await this.h.db.deleteFrom('series_item').where('series_id', '=', seriesId).where('algorithm', '=', algorithm).where('hash', '=', hash).execute();
    return row;
  }

  items(seriesId: string): Promise<SeriesItemRow[]> {
    return this.h.db.selectFrom('series_item').selectAll().where('series_id', '=', seriesId).orderBy('added_at').orderBy('hash').execute();
  }

  clues(seriesId: string): Promise<SeriesClueRow[]> {
    return this.h.db.selectFrom('series_clue').selectAll().where('series_id', '=', seriesId).orderBy('added_at').orderBy('id').execute();
  }

  async addClue(row: SeriesClueRow): Promise<void> {
    await this.h.db.insertInto('series_clue').values(row).execute();
  }

  async removeClue(seriesId: string, clueId: string): Promise<SeriesClueRow | undefined> {
    const row = await this.h.db.selectFrom('series_clue').selectAll().where('series_id', '=', seriesId).where('id', '=', clueId).executeTakeFirst();
    if (row) await this.h.db.deleteFrom('series_clue').where('id', '=', clueId).execute();
    return row;
  }

  /** Ids of the series that hold a file with these digests (by SHA-256 key, or by MD5). */
  async seriesOfFile(md5: Buffer | null, sha256: Buffer | null): Promise<string[]> {
    if (!md5 && !sha256) return [];
    const rows = await this.h.db
      .selectFrom('series_item')
      .select('series_id')
      .distinct()
      .where((eb) => eb.or([
        ...(sha256 ? [eb.and([eb('algorithm', '=', 'sha256'), eb('hash', '=', sha256)])] : []),
        ...(md5 ? [eb('md5', '=', md5)] : []),
      ]))
      .execute();
    return rows.map((r) => r.series_id);
  }

  /** Files anywhere in the workspace with the same SHA-256 or MD5 as one of the series' items (both indexed). */
  exactFiles(seriesId: string, limit: number): Promise<PlacedFile[]> {
    return this.placed()
      .where((eb) => eb.or([
        eb('f.sha256', 'in', eb.selectFrom('series_item').select('hash').where('series_id', '=', seriesId).where('algorithm', '=', 'sha256')),
        eb('f.md5', 'in', eb.selectFrom('series_item').select('md5').where('series_id', '=', seriesId).where('md5', 'is not', null)),
      ]))
      .orderBy('e.case_id').orderBy('f.id')
      .limit(limit)
      .execute() as Promise<PlacedFile[]>;
  }

  async placedFiles(ids: readonly string[]): Promise<PlacedFile[]> {
    const out: PlacedFile[] = [];
    for (const chunk of chunkForEngine(this.h.caps, ids, 1)) out.push(...((await this.placed().where('f.id', 'in', chunk).execute()) as PlacedFile[]));
    return out;
  }

  private placed() {
    return this.h.db
      .selectFrom('file as f')
      .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
      .innerJoin('case as c', 'c.id', 'e.case_id')
      .leftJoin('file_triage as t', 't.file_id', 'f.id')
      .leftJoin('thumbnail as th', 'th.file_id', 'f.id')
      .select(['f.id', 'e.case_id', 'c.name as case_name', 'e.label as evidence_label', 'f.path', 'f.name', 'f.mime_type', 'f.md5', 'f.sha256', 't.status', 't.cluster_id', 'th.kind as thumb_kind']);
  }

  /** One page (keyset on file_id) of every usable PDQ in the workspace, for the near-duplicate scan. */
  pdqPage(afterFileId: string | null, limit: number): Promise<{ file_id: string; hash: string }[]> {
    let q = this.h.db.selectFrom('perceptual_hash').select(['file_id', 'hash']).where('algorithm', '=', 'pdq').where('usable', '=', 1);
    if (afterFileId !== null) q = q.where('file_id', '>', afterFileId);
    return q.orderBy('file_id').limit(limit).execute();
  }
}
