import type { DatabaseHandle } from '../connection.js';
import { chunkForEngine } from '../engine.js';

/**
 * Reviewer categories, one per (case, MD5): every copy of the same bytes in the case shares it. Each change is an
 * action with its before/after per MD5, so an action can be undone exactly.
 */
export class CategorisationRepository {
  constructor(private readonly h: DatabaseHandle) {}

  /** MD5s of the case's files in a near-duplicate cluster. */
  async clusterMd5s(caseId: string, clusterId: string): Promise<Buffer[]> {
    const rows = await this.h.db
      .selectFrom('file_triage as t')
      .innerJoin('file as f', 'f.id', 't.file_id')
      .innerJoin('evidence as e', 'e.id', 'f.evidence_id')
      .select('f.md5')
      .distinct()
      .where('e.case_id', '=', caseId)
      .where('t.cluster_id', '=', clusterId)
      .where('f.md5', 'is not', null)
      .execute();
    return rows.map((r) => r.md5!);
  }

  /**
   * Set (or clear, category null) the category of each MD5 and record the action, in one transaction.
   * Returns how many MD5s actually changed.
   */
  async apply(action: { id: string; caseId: string; userId: string; userName: string; at: string; scope: string; category: string | null; profile: string }, md5s: readonly Buffer[]): Promise<number> {
    return this.h.db.transaction().execute(async (tx) => {
      const before = new Map<string, string>();
      for (const chunk of chunkForEngine(this.h.caps, md5s, 1)) {
        for (const r of await tx.selectFrom('file_category').select(['md5', 'category']).where('case_id', '=', action.caseId).where('md5', 'in', chunk).execute()) {
          before.set(r.md5.toString('hex'), r.category);
        }
      }
      const changes = md5s.map((m) => ({ action_id: action.id, md5: m, before_category: before.get(m.toString('hex')) ?? null, after_category: action.category }))
        .filter((c) => c.before_category !== c.after_category);
      await tx.insertInto('category_action').values({ id: action.id, case_id: action.caseId, user_id: action.userId, at: action.at, scope: action.scope, category: action.category, undone_at: null, undone_by: null }).execute();
      for (const chunk of chunkForEngine(this.h.caps, changes, 4)) await tx.insertInto('category_change').values(chunk).execute();
      await writeCategories(tx, this.h, action.caseId, changes.map((c) => ({ md5: c.md5, category: c.after_category })), action.profile, action.userName, action.at);
      return changes.length;
    });
  }

  async action(caseId: string, actionId: string) {
    return this.h.db.selectFrom('category_action').selectAll().where('case_id', '=', caseId).where('id', '=', actionId).executeTakeFirst();
  }

  /** The user's most recent action in the case that is not undone yet. */
  async lastActionOf(caseId: string, userId: string) {
    return this.h.db
      .selectFrom('category_action')
      .selectAll()
      .where('case_id', '=', caseId)
      .where('user_id', '=', userId)
      .where('undone_at', 'is', null)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * Undo: restore `before` for each MD5 whose category is still what the action set (a later change by someone
   * else wins and is reported as skipped). Returns { restored, skipped }, or null if the action was already undone.
   */
  async undo(caseId: string, actionId: string, by: string, at: string, profile: string): Promise<{ restored: number; skipped: number } | null> {
    return this.h.db.transaction().execute(async (tx) => {
      const r = await tx.updateTable('category_action').set({ undone_at: at, undone_by: by }).where('id', '=', actionId).where('case_id', '=', caseId).where('undone_at', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return null;
      const changes = await tx.selectFrom('category_change').selectAll().where('action_id', '=', actionId).execute();
      const current = new Map<string, string>();
      for (const chunk of chunkForEngine(this.h.caps, changes.map((c) => c.md5), 1)) {
        for (const row of await tx.selectFrom('file_category').select(['md5', 'category']).where('case_id', '=', caseId).where('md5', 'in', chunk).execute()) current.set(row.md5.toString('hex'), row.category);
      }
      const restorable = changes.filter((c) => (current.get(c.md5.toString('hex')) ?? null) === c.after_category);
      await writeCategories(tx, this.h, caseId, restorable.map((c) => ({ md5: c.md5, category: c.before_category })), profile, by, at);
      return { restored: restorable.length, skipped: changes.length - restorable.length };
    });
  }
}

async function writeCategories(tx: DatabaseHandle['db'], h: DatabaseHandle, caseId: string, rows: { md5: Buffer; category: string | null }[], profile: string, by: string, at: string): Promise<void> {
  const clear = rows.filter((r) => r.category === null).map((r) => r.md5);
  for (const chunk of chunkForEngine(h.caps, clear, 1)) await tx.deleteFrom('file_category').where('case_id', '=', caseId).where('md5', 'in', chunk).execute();
  const set = rows.filter((r) => r.category !== null).map((r) => ({ case_id: caseId, md5: r.md5, category: r.category!, profile, set_by: by, set_at: at }));
  for (const chunk of chunkForEngine(h.caps, set, 6)) {
    await tx
      .insertInto('file_category')
      .values(chunk)
      .onConflict((oc) => oc.columns(['case_id', 'md5']).doUpdateSet((eb) => ({ category: eb.ref('excluded.category'), profile: eb.ref('excluded.profile'), set_by: eb.ref('excluded.set_by'), set_at: eb.ref('excluded.set_at') })))
      .execute();
  }
}
