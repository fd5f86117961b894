import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { DatabaseHandle } from '../connection.js';
import { chunkForEngine } from '../engine.js';
import type { CaseRow, Database, EvidenceRow, MediaMetadataRow } from '../schema.js';

/** Grid filters as the repository understands them (validated by the service). */
export interface GridFilter {
  statuses?: readonly string[];
  /** true: only files with a hash-set match; false: only files without. */
  matched?: boolean;
  /** A category code, or null for "uncategorised". */
  category?: string | null;
  setId?: string;
  hasGps?: boolean;
  make?: string;
  model?: string;
  clusterId?: string;
  evidenceId?: string;
  /** Exact type, or a prefix ending in "/" (image/, video/). */
  mimeType?: string;
  hasError?: boolean;
  includeKnownBad: boolean;
  includeIgnorable: boolean;
}

export interface GridCursor {
  /** The sort key: -coalesce(priority, -1), so ascending = priority descending, unprioritised last. */
  k: number;
  id: string;
}

export interface GridRow {
  id: string;
  evidence_id: string;
  path: string;
  name: string;
  size: number | null;
  mime_type: string | null;
  md5: Buffer | null;
  error_code: string | null;
  status: string;
  ignorable: number;
  priority: number | null;
  category: string | null;
  category_source: 'reviewer' | 'hash-set' | null;
  cluster_id: string | null;
  cluster_size: number | null;
  make: string | null;
  model: string | null;
  has_gps: number;
  thumb_kind: string | null;
  sort_key: number;
}

type Eb = ExpressionBuilder<Database & { t: Database['file_triage']; f: Database['file']; e: Database['evidence']; fc: Database['file_category']; mm: Database['media_metadata']; th: Database['thumbnail'] }, 't' | 'f' | 'e' | 'fc' | 'mm' | 'th'>;

/**
 * Read models for the review API. The grid is driven from file_triage in the order of review_order_idx (an
 * expression index on -coalesce(priority, -1), file_id) and paged by keyset with a row-value comparison, so page
 * N costs the same as page 1 on both engines; OFFSET is never used. Reviewer categories (file_category, per MD5
 * within the case) override hash-set categories, so all copies of a picture share one category.
 */
/**
 * A case's files with their triage row (f, e, t) and the reviewer's category (fc: keyed by MD5 within the case, so
 * duplicates share it). The effective category is `coalesce(fc.category, t.category)` wherever it is read.
 */
export function caseFilesWithCategories(db: Kysely<Database>, caseId: string) {
  return db
    .selectFrom('file as f')
    .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
    .leftJoin('file_triage as t', 't.file_id', 'f.id')
    .leftJoin('file_category as fc', (j) => j.onRef('fc.case_id', '=', 'e.case_id').onRef('fc.md5', '=', 'f.md5'))
    .where('e.case_id', '=', caseId);
}

export class ReviewRepository {
  constructor(private readonly h: DatabaseHandle) {}

  caseById(id: string): Promise<CaseRow | undefined> {
    return this.h.db.selectFrom('case').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listCases(): Promise<CaseRow[]> {
    return this.h.db.selectFrom('case').selectAll().orderBy('created_at').execute();
  }

  /** Per triage status and per effective category, for one case. */
  async caseCounts(caseId: string): Promise<{ files: number; byStatus: Record<string, number>; byCategory: Record<string, number>; errors: number }> {
    const base = caseFilesWithCategories(this.h.db, caseId);
    const byStatus = await base.select((eb) => [eb.fn.coalesce('t.status', eb.val('pending')).as('k'), eb.fn.countAll<number>().as('n')]).groupBy(sql`1`).execute();
    const byCategory = await base
      .select((eb) => [eb.fn.coalesce('fc.category', 't.category', eb.val('uncategorised')).as('k'), eb.fn.countAll<number>().as('n')])
      .groupBy(sql`1`)
      .execute();
    const tot = await base.select((eb) => [eb.fn.countAll<number>().as('files'), eb.fn.count<number>('f.error').as('errors')]).executeTakeFirstOrThrow();
    return {
      files: Number(tot.files),
      errors: Number(tot.errors),
      byStatus: Object.fromEntries(byStatus.map((r) => [String(r.k), Number(r.n)])),
      byCategory: Object.fromEntries(byCategory.map((r) => [String(r.k), Number(r.n)])),
    };
  }

  /** Evidence items with processing progress (files found, hashed, matched, failed). */
  async evidence(caseId: string): Promise<(EvidenceRow & { files: number; digested: number; matched: number; errors: number })[]> {
    const rows = await this.h.db.selectFrom('evidence').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
    const out = [];
    for (const ev of rows) {
      const c = await this.h.db
        .selectFrom('file as f')
        .leftJoin('file_stage as d', (j) => j.onRef('d.file_id', '=', 'f.id').on('d.stage', '=', 'digest'))
        .leftJoin('file_triage as t', 't.file_id', 'f.id')
        .select((eb) => [eb.fn.countAll<number>().as('files'), eb.fn.count<number>('d.file_id').as('digested'), eb.fn.count<number>('t.file_id').as('matched'), eb.fn.count<number>('f.error').as('errors')])
        .where('f.evidence_id', '=', ev.id)
        .executeTakeFirstOrThrow();
      out.push({ ...ev, files: Number(c.files), digested: Number(c.digested), matched: Number(c.matched), errors: Number(c.errors) });
    }
    return out;
  }

  /**
   * One page of the grid. The normal plan walks review_order_idx (already in grid order) and stops after `limit`
   * matches. That is slow when a filter is selective (a rare status, a camera make on few files): then the plan
   * should start from the filter's own index and sort the few matching rows. Which case applies is decided from a
   * cheap count on that index (both engines, no planner hints): a rare filter gets a sort key the order index cannot
   * serve; a common camera make gets a comparison its index cannot serve.
   */
  async gridPage(caseId: string, filter: GridFilter, after: GridCursor | null, limit: number): Promise<GridRow[]> {
    const rare = await this.selectiveFilter(caseId, filter);
    const sortKey = rare ? sql<number>`((-coalesce(t.priority, -1)) + 0)` : sql<number>`(-coalesce(t.priority, -1))`;
    const cameraByOrder = !rare && (filter.make !== undefined || filter.model !== undefined);
    let q = this.h.db
      .selectFrom('file_triage as t')
      .innerJoin('file as f', 'f.id', 't.file_id')
      .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
      .leftJoin('file_category as fc', (j) => j.onRef('fc.case_id', '=', 'e.case_id').onRef('fc.md5', '=', 'f.md5'))
      .leftJoin('media_metadata as mm', 'mm.file_id', 'f.id')
      .leftJoin('thumbnail as th', 'th.file_id', 'f.id')
      .select((eb) => [
        'f.id', 'f.evidence_id', 'f.path', 'f.name', 'f.size', 'f.mime_type', 'f.md5', 'f.error_code', 't.status', 't.ignorable', 't.priority',
        eb.fn.coalesce('fc.category', 't.category').as('category'),
        eb.case().when('fc.category', 'is not', null).then(sql.lit('reviewer')).when('t.category', 'is not', null).then(sql.lit('hash-set')).else(null).end().as('category_source'),
        't.cluster_id', 't.cluster_size', 'mm.make', 'mm.model',
        eb.case().when('mm.gps_lat', 'is not', null).then(1).else(0).end().as('has_gps'),
        'th.kind as thumb_kind',
        sortKey.as('sort_key'),
      ])
      .where('e.case_id', '=', caseId)
      .where((eb) => eb.and(conditions(eb as unknown as Eb, filter, cameraByOrder)));
    // Keyset: `key >= k` first, so that the index range starts at the cursor (a row-value comparison alone is not
    // used as a range start), then the exact tie-break on the file id.
    if (after) q = q.where(sql<SqlBool>`${sortKey} >= ${after.k} AND (${sortKey} > ${after.k} OR t.file_id > ${after.id})`);
    const rows = await q.orderBy(sortKey).orderBy('t.file_id').limit(limit).execute();
    return rows.map((r) => ({ ...r, sort_key: Number(r.sort_key), has_gps: Number(r.has_gps), ignorable: Number(r.ignorable) }) as GridRow);
  }

  /**
   * Does a filter with an index of its own match few enough rows that starting from that index is cheaper? Counted
   * with a cap (LIMIT RARE + 1), so a common value costs at most RARE index steps.
   */
  private async selectiveFilter(caseId: string, f: GridFilter): Promise<boolean> {
    const RARE = 2000;
    const capped = async (q: { limit(n: number): { execute(): Promise<unknown[]> } }) => (await q.limit(RARE + 1).execute()).length <= RARE;
    if (f.statuses?.length) {
      const q = this.h.db
        .selectFrom('file_triage as t')
        .innerJoin('file as f', 'f.id', 't.file_id')
        .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
        .select('t.file_id')
        .where('t.status', 'in', f.statuses)
        .where('e.case_id', '=', caseId);
      if (await capped(q)) return true;
    }
    if (f.make !== undefined || f.model !== undefined) {
      let q = this.h.db
        .selectFrom('media_metadata as mm')
        .innerJoin('file as f', 'f.id', 'mm.file_id')
        .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
        .select('mm.file_id')
        .where('e.case_id', '=', caseId);
      if (f.make !== undefined) q = q.where('mm.make', '=', f.make);
      if (f.model !== undefined) q = q.where('mm.model', '=', f.model);
      if (await capped(q)) return true;
    }
    return false;
  }

  async item(caseId: string, fileId: string) {
    const r = await this.h.db
      .selectFrom('file as f')
      .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
      .leftJoin('file_triage as t', 't.file_id', 'f.id')
      .leftJoin('file_category as fc', (j) => j.onRef('fc.case_id', '=', 'e.case_id').onRef('fc.md5', '=', 'f.md5'))
      .leftJoin('perceptual_hash as p', (j) => j.onRef('p.file_id', '=', 'f.id').on('p.algorithm', '=', 'pdq'))
      .leftJoin('thumbnail as th', 'th.file_id', 'f.id')
      .leftJoin('video_info as v', 'v.file_id', 'f.id')
      .selectAll('f')
      .select([
        'e.label as evidence_label', 't.status', 't.ignorable', 't.category as set_category', 't.category_profile', 't.baseline', 't.cluster_id',
        't.cluster_size', 't.priority', 't.priority_reasons', 'fc.category as reviewer_category', 'fc.set_by as category_set_by', 'fc.set_at as category_set_at',
        'p.hash as pdq', 'p.quality as pdq_quality', 'th.kind as thumb_kind', 'th.width as thumb_width', 'th.height as thumb_height',
        'v.duration_sec', 'v.codec', 'v.width as video_width', 'v.height as video_height', 'v.frames_hashed',
      ])
      .where('e.case_id', '=', caseId)
      .where('f.id', '=', fileId)
      .executeTakeFirst();
    if (!r) return undefined;
    const media: MediaMetadataRow | undefined = await this.h.db.selectFrom('media_metadata').selectAll().where('file_id', '=', fileId).executeTakeFirst();
    const matches = await this.h.db
      .selectFrom('file_match as m')
      .innerJoin('hash_set as s', 's.id', 'm.set_id')
      .select(['s.id as set_id', 's.name as set_name', 's.role', 'm.algorithm', 'm.distance', 'm.match_percent', 'm.category', 'm.baseline'])
      .where('m.file_id', '=', fileId)
      .orderBy('s.name')
      .execute();
    return { row: r, media: media ?? null, matches };
  }

  /** Files of the case in a near-duplicate cluster (cluster ids are per case run, so the case filter is belt and braces). */
  clusterMembers(caseId: string, clusterId: string, limit: number) {
    return this.h.db
      .selectFrom('file_triage as t')
      .innerJoin('file as f', 'f.id', 't.file_id')
      .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
      .select(['f.id', 'f.path', 'f.md5', 't.status'])
      .where('e.case_id', '=', caseId)
      .where('t.cluster_id', '=', clusterId)
      .orderBy('f.id')
      .limit(limit)
      .execute();
  }

  /** Files of the case with a GPS position (metadata only), for the item detail's map; ordered by id, capped. */
  async gpsPoints(caseId: string, limit: number): Promise<{ id: string; lat: number; lon: number }[]> {
    const rows = await this.h.db
      .selectFrom('media_metadata as mm')
      .innerJoin('file as f', 'f.id', 'mm.file_id')
      .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
      .select(['f.id', 'mm.gps_lat', 'mm.gps_lon'])
      .where((eb) => eb.and([eb('e.case_id', '=', caseId), eb('mm.gps_lat', 'is not', null), eb('mm.gps_lon', 'is not', null)]))
      .orderBy('f.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, lat: Number(r.gps_lat), lon: Number(r.gps_lon) }));
  }

  /** The workspace's hash sets (id, name, role, entry count), for the grid's "Hash set" filter. */
  async hashSets(): Promise<{ id: string; name: string; role: string; entry_count: number }[]> {
    const rows = await this.h.db.selectFrom('hash_set').select(['id', 'name', 'role', 'entry_count']).orderBy('name').execute();
    return rows.map((r) => ({ ...r, entry_count: Number(r.entry_count) }));
  }

  /** Other copies of the same bytes (same MD5) within the case. */
  duplicates(caseId: string, md5: Buffer, exceptId: string, limit: number) {
    return this.h.db
      .selectFrom('file as f')
      .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
      .select(['f.id', 'f.path', 'e.label as evidence_label'])
      .where('e.case_id', '=', caseId)
      .where('f.md5', '=', md5)
      .where('f.id', '!=', exceptId)
      .orderBy('f.id')
      .limit(limit)
      .execute();
  }

  /** Where a file's review thumbnails are (relative to the workspace), if the file belongs to the case. */
  async thumbnail(caseId: string, fileId: string): Promise<{ kind: string; safe_path: string; clear_path: string; status: string | null } | undefined> {
    return this.h.db
      .selectFrom('thumbnail as th')
      .innerJoin('file as f', 'f.id', 'th.file_id')
      .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
      .leftJoin('file_triage as t', 't.file_id', 'f.id')
      .select(['th.kind', 'th.safe_path', 'th.clear_path', 't.status'])
      .where('e.case_id', '=', caseId)
      .where('f.id', '=', fileId)
      .executeTakeFirst();
  }

  async fileInCase(caseId: string, fileId: string): Promise<{ id: string; md5: Buffer | null; status: string | null } | undefined> {
    return this.h.db
      .selectFrom('file as f')
      .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
      .leftJoin('file_triage as t', 't.file_id', 'f.id')
      .select(['f.id', 'f.md5', 't.status'])
      .where('e.case_id', '=', caseId)
      .where('f.id', '=', fileId)
      .executeTakeFirst();
  }

  async filesInCase(caseId: string, fileIds: readonly string[]): Promise<{ id: string; md5: Buffer | null }[]> {
    const out: { id: string; md5: Buffer | null }[] = [];
    for (const chunk of chunkForEngine(this.h.caps, fileIds, 1)) {
      out.push(...(await this.h.db.selectFrom('file as f').innerJoin('evidence as e', 'e.id', 'f.evidence_id').select(['f.id', 'f.md5']).where('e.case_id', '=', caseId).where('f.id', 'in', chunk).execute()));
    }
    return out;
  }

  async notes(fileId: string) {
    return this.h.db
      .selectFrom('item_note as n')
      .leftJoin('app_user as u', 'u.id', 'n.user_id')
      .select(['n.id', 'n.at', 'n.text', 'u.name as user'])
      .where('n.file_id', '=', fileId)
      .orderBy('n.at')
      .execute();
  }

  async tags(fileId: string): Promise<string[]> {
    return (await this.h.db.selectFrom('item_tag').select('tag').where('file_id', '=', fileId).orderBy('tag').execute()).map((r) => r.tag);
  }

  async addNote(row: { id: string; case_id: string; file_id: string; user_id: string; at: string; text: string }): Promise<void> {
    await this.h.db.insertInto('item_note').values(row).execute();
  }

  async setTags(caseId: string, fileId: string, tags: readonly string[], by: string, at: string): Promise<void> {
    await this.h.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('item_tag').where('file_id', '=', fileId).execute();
      if (tags.length) await tx.insertInto('item_tag').values(tags.map((tag) => ({ case_id: caseId, file_id: fileId, tag, added_by: by, added_at: at }))).execute();
    });
  }
}

function conditions(eb: Eb, f: GridFilter, cameraByOrder = false): Expression<SqlBool>[] {
  const c: Expression<SqlBool>[] = [];
  if (!f.includeKnownBad) c.push(eb('t.status', '!=', 'known-bad'));
  if (!f.includeIgnorable) c.push(eb('t.ignorable', '=', 0));
  if (f.statuses?.length) c.push(eb('t.status', 'in', f.statuses));
  if (f.matched !== undefined) {
    const ex = eb.exists(eb.selectFrom('file_match as m').select('m.file_id').whereRef('m.file_id', '=', 't.file_id'));
    c.push(f.matched ? ex : eb.not(ex));
  }
  if (f.category !== undefined) {
    const cat = eb.fn.coalesce('fc.category', 't.category');
    c.push(f.category === null ? eb(cat, 'is', null) : eb(cat, '=', f.category));
  }
  if (f.setId) c.push(eb.exists(eb.selectFrom('file_match as m').select('m.file_id').whereRef('m.file_id', '=', 't.file_id').where('m.set_id', '=', f.setId)));
  if (f.hasGps !== undefined) c.push(eb('mm.gps_lat', f.hasGps ? 'is not' : 'is', null));
  // cameraByOrder: a common make/model is compared through coalesce, which its index cannot serve, so the plan walks
  // the grid order instead of sorting every file of that camera.
  if (f.make) c.push(cameraByOrder ? eb(eb.fn.coalesce('mm.make', sql.lit('')), '=', f.make) : eb('mm.make', '=', f.make));
  if (f.model) c.push(cameraByOrder ? eb(eb.fn.coalesce('mm.model', sql.lit('')), '=', f.model) : eb('mm.model', '=', f.model));
  if (f.clusterId) c.push(eb('t.cluster_id', '=', f.clusterId));
  if (f.evidenceId) c.push(eb('f.evidence_id', '=', f.evidenceId));
  if (f.mimeType) c.push(f.mimeType.endsWith('/') ? eb('f.mime_type', 'like', `${f.mimeType.replace(/[%_\\]/g, '')}%`) : eb('f.mime_type', '=', f.mimeType));
  if (f.hasError !== undefined) c.push(eb('f.error', f.hasError ? 'is not' : 'is', null));
  return c;
}
