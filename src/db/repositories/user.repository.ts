import type { DatabaseHandle } from '../connection.js';
import type { AppUserRow } from '../schema.js';

/** Accounts, case membership, the per-user daily exposure meter and server settings (small JSON values). */
export class UserRepository {
  constructor(private readonly h: DatabaseHandle) {}

  async create(row: AppUserRow): Promise<void> {
    await this.h.db.insertInto('app_user').values(row).execute();
  }

  byName(name: string): Promise<AppUserRow | undefined> {
    return this.h.db.selectFrom('app_user').selectAll().where('name', '=', name).executeTakeFirst();
  }

  byId(id: string): Promise<AppUserRow | undefined> {
    return this.h.db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(): Promise<AppUserRow[]> {
    return this.h.db.selectFrom('app_user').selectAll().orderBy('name').execute();
  }

  async update(id: string, set: Partial<Pick<AppUserRow, 'role' | 'password_hash' | 'disabled'>>): Promise<void> {
    await this.h.db.updateTable('app_user').set(set).where('id', '=', id).execute();
  }

  async addMember(caseId: string, userId: string, addedBy: string | null, at: string): Promise<void> {
    await this.h.db
      .insertInto('case_member')
      .values({ case_id: caseId, user_id: userId, added_at: at, added_by: addedBy })
      .onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing())
      .execute();
  }

  async removeMember(caseId: string, userId: string): Promise<number> {
    const r = await this.h.db.deleteFrom('case_member').where('case_id', '=', caseId).where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async isMember(caseId: string, userId: string): Promise<boolean> {
    return !!(await this.h.db.selectFrom('case_member').select('user_id').where('case_id', '=', caseId).where('user_id', '=', userId).executeTakeFirst());
  }

  async caseIdsOf(userId: string): Promise<string[]> {
    return (await this.h.db.selectFrom('case_member').select('case_id').where('user_id', '=', userId).execute()).map((r) => r.case_id);
  }

  async members(caseId: string): Promise<{ id: string; name: string; role: string }[]> {
    return this.h.db
      .selectFrom('case_member')
      .innerJoin('app_user', 'app_user.id', 'case_member.user_id')
      .select(['app_user.id', 'app_user.name', 'app_user.role'])
      .where('case_member.case_id', '=', caseId)
      .orderBy('app_user.name')
      .execute();
  }

  async exposure(userId: string, day: string): Promise<{ reveals: number; revealedSeconds: number }> {
    const r = await this.h.db.selectFrom('exposure_day').select(['reveals', 'revealed_seconds']).where('user_id', '=', userId).where('day', '=', day).executeTakeFirst();
    return { reveals: Number(r?.reveals ?? 0), revealedSeconds: Number(r?.revealed_seconds ?? 0) };
  }

  /**
   * Add one reveal of `seconds` unless the result would pass the hard caps; atomic (the check is in the UPDATE's
   * WHERE), so parallel reveals cannot overshoot a cap. Returns the meter after, or null when refused.
   */
  async addExposure(userId: string, day: string, seconds: number, caps: { hardSeconds: number; hardReveals: number | null }): Promise<{ reveals: number; revealedSeconds: number } | null> {
    return this.h.db.transaction().execute(async (tx) => {
      await tx.insertInto('exposure_day').values({ user_id: userId, day, reveals: 0, revealed_seconds: 0 }).onConflict((oc) => oc.columns(['user_id', 'day']).doNothing()).execute();
      let q = tx
        .updateTable('exposure_day')
        .set((eb) => ({ reveals: eb('reveals', '+', 1), revealed_seconds: eb('revealed_seconds', '+', seconds) }))
        .where('user_id', '=', userId)
        .where('day', '=', day)
        .where('revealed_seconds', '<=', caps.hardSeconds - seconds);
      if (caps.hardReveals !== null) q = q.where('reveals', '<', caps.hardReveals);
      const r = await q.executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return null;
      const after = await tx.selectFrom('exposure_day').select(['reveals', 'revealed_seconds']).where('user_id', '=', userId).where('day', '=', day).executeTakeFirstOrThrow();
      return { reveals: Number(after.reveals), revealedSeconds: Number(after.revealed_seconds) };
    });
  }

  async getSetting(key: string): Promise<string | null> {
    return (await this.h.db.selectFrom('server_setting').select('value').where('key', '=', key).executeTakeFirst())?.value ?? null;
  }

  async putSetting(key: string, value: string, by: string | null, at: string): Promise<void> {
    await this.h.db
      .insertInto('server_setting')
      .values({ key, value, updated_at: at, updated_by: by })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at, updated_by: by }))
      .execute();
  }
}
