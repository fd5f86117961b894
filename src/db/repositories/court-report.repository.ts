import { sql } from 'kysely';
import type { DatabaseHandle } from '../connection.js';
import { caseFilesWithCategories } from './review.repository.js';

/** Counts of a case or of one evidence item, as the court report prints them. */
export interface ReportCounts {
  files: number;
  errors: number;
  /** known-bad | alert | known-good | unknown | pending (not matched yet). */
  byStatus: Record<string, number>;
  /** Effective category (reviewer's, else the hash set's) → files; `uncategorised` for none. */
  byCategory: Record<string, number>;
}

/** One line of a hash list. */
export interface HashListRow {
  id: string;
  evidence_id: string;
  evidence_label: string;
  path: string;
  size: number | null;
  md5: Buffer | null;
  sha1: Buffer | null;
  sha256: Buffer | null;
}

/** A file asked for in a court report with images (`includedItems`): its identity and its stored CLEAR thumbnail. */
export interface IncludedItemRow {
  id: string;
  evidence_id: string;
  evidence_label: string;
  path: string;
  md5: Buffer | null;
  /** Effective category (reviewer's, else the hash set's); null when uncategorised. */
  category: string | null;
  /** Null when the file has no thumbnail (not a picture or video, or not decodable). */
  thumb_format: string | null;
  clear_path: string | null;
  width: number | null;
  height: number | null;
}

/**
 * Read queries of the court report that no other repository has: counts restricted to one evidence item, matches
 * per hash set within a case, reviewers of a case, and the per-category hash lists paged by keyset (a report of a
 * million files never holds more than one page). The effective category is the reviewer's (file_category, keyed by
 * MD5 within the case) over the hash set's (file_triage), as everywhere else (review.repository.ts).
 */
export class CourtReportRepository {
  constructor(private readonly h: DatabaseHandle) {}

  private files(caseId: string, evidenceId: string | null) {
    let q = caseFilesWithCategories(this.h.db, caseId);
    if (evidenceId !== null) q = q.where('f.evidence_id', '=', evidenceId);
    return q;
  }

  /** Counts per evidence item of the case (or of one item), in one pass per grouping over the case's files. */
  async countsByEvidence(caseId: string, evidenceId: string | null): Promise<Map<string, ReportCounts>> {
    const base = this.files(caseId, evidenceId);
    const out = new Map<string, ReportCounts>();
    const entry = (id: string): ReportCounts => {
      let c = out.get(id);
      if (!c) out.set(id, (c = { files: 0, errors: 0, byStatus: {}, byCategory: {} }));
      return c;
    };
    const totals = await base
      .select((eb) => ['f.evidence_id', eb.fn.countAll<number>().as('files'), eb.fn.count<number>('f.error').as('errors')])
      .groupBy('f.evidence_id')
      .execute();
    for (const t of totals) Object.assign(entry(t.evidence_id), { files: Number(t.files), errors: Number(t.errors) });
    for (const key of ['byStatus', 'byCategory'] as const) {
      const rows = await base
        .select((eb) => [
          'f.evidence_id',
          key === 'byStatus' ? eb.fn.coalesce('t.status', eb.val('pending')).as('k') : eb.fn.coalesce('fc.category', 't.category', eb.val('uncategorised')).as('k'),
          eb.fn.countAll<number>().as('n'),
        ])
        .groupBy([sql`1`, sql`2`])
        .execute();
      for (const r of rows) entry(r.evidence_id)[key][String(r.k)] = Number(r.n);
    }
    return out;
  }

  /** Files of the case (or evidence item) that matched each hash set. */
  async matchesPerSet(caseId: string, evidenceId: string | null): Promise<Map<string, number>> {
    let q = this.h.db
      .selectFrom('file_match as m')
      .innerJoin('file as f', 'f.id', 'm.file_id')
      .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
      .select((eb) => ['m.set_id', eb.fn.count<number>('m.file_id').distinct().as('n')])
      .where('e.case_id', '=', caseId);
    if (evidenceId !== null) q = q.where('f.evidence_id', '=', evidenceId);
    const rows = await q.groupBy('m.set_id').execute();
    return new Map(rows.map((r) => [r.set_id, Number(r.n)]));
  }

  /** Who set reviewer categories in the case, with how many hashes each. */
  async reviewers(caseId: string): Promise<{ name: string; hashes: number; first: string; last: string }[]> {
    const rows = await this.h.db
      .selectFrom('file_category')
      .select((eb) => ['set_by', eb.fn.countAll<number>().as('n'), eb.fn.min('set_at').as('first'), eb.fn.max('set_at').as('last')])
      .where('case_id', '=', caseId)
      .groupBy('set_by')
      .orderBy('set_by')
      .execute();
    return rows.map((r) => ({ name: r.set_by, hashes: Number(r.n), first: String(r.first), last: String(r.last) }));
  }

  /**
   * One page of one evidence item's files with an effective category (a code, or null for uncategorised), in path
   * order after `afterPath`. Per evidence item so that the plan walks the (evidence_id, path) unique index in order
   * and stops after `limit` matches: no sort, and page N costs what page 1 costs.
   */
  async hashListPage(caseId: string, evidenceId: string, category: string | null, afterPath: string | null, limit: number): Promise<HashListRow[]> {
    let q = this.files(caseId, evidenceId)
      .select(['f.id', 'f.evidence_id', 'e.label as evidence_label', 'f.path', 'f.size', 'f.md5', 'f.sha1', 'f.sha256'])
      .where((eb) => {
        const cat = eb.fn.coalesce('fc.category', 't.category');
        return category === null ? eb(cat, 'is', null) : eb(cat, '=', category);
      });
    if (afterPath !== null) q = q.where('f.path', '>', afterPath);
    return q.orderBy('f.path').limit(limit).execute();
  }

  /**
   * The files among `fileIds` that belong to the case (or to its one evidence item), with their clear thumbnail's
   * path. Ids that are not found are simply absent: the caller names them in its error.
   */
  async includedItems(caseId: string, evidenceId: string | null, fileIds: readonly string[]): Promise<IncludedItemRow[]> {
    if (fileIds.length === 0) return [];
    return this.files(caseId, evidenceId)
      .leftJoin('thumbnail as th', 'th.file_id', 'f.id')
      .select((eb) => [
        'f.id', 'f.evidence_id', 'e.label as evidence_label', 'f.path', 'f.md5', eb.fn.coalesce('fc.category', 't.category').as('category'),
        'th.format as thumb_format', 'th.clear_path', 'th.width', 'th.height',
      ])
      .where('f.id', 'in', [...fileIds])
      .execute();
  }
}
