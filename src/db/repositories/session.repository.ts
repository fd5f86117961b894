import type { DatabaseHandle } from '../connection.js';
import type { AppUserRow, UserSessionRow } from '../schema.js';

/** Server-side sessions, looked up by the SHA-256 of the cookie token. */
export class SessionRepository {
  constructor(private readonly h: DatabaseHandle) {}

  async create(row: UserSessionRow): Promise<void> {
    await this.h.db.insertInto('user_session').values(row).execute();
  }

  async find(tokenHash: string): Promise<{ session: UserSessionRow; user: AppUserRow } | undefined> {
    const r = await this.h.db
      .selectFrom('user_session')
      .innerJoin('app_user', 'app_user.id', 'user_session.user_id')
      .selectAll('user_session')
      .select(['app_user.name', 'app_user.role', 'app_user.password_hash', 'app_user.disabled', 'app_user.created_at as u_created_at', 'app_user.created_by as u_created_by'])
      .where('user_session.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      session: { token_hash: r.token_hash, user_id: r.user_id, csrf_token: r.csrf_token, created_at: r.created_at, last_seen_at: r.last_seen_at, expires_at: r.expires_at, ip: r.ip },
      user: { id: r.user_id, name: r.name, role: r.role, password_hash: r.password_hash, disabled: Number(r.disabled), created_at: r.u_created_at, created_by: r.u_created_by },
    };
  }

  async touch(tokenHash: string, at: string): Promise<void> {
    await this.h.db.updateTable('user_session').set({ last_seen_at: at }).where('token_hash', '=', tokenHash).execute();
  }

  async delete(tokenHash: string): Promise<void> {
    await this.h.db.deleteFrom('user_session').where('token_hash', '=', tokenHash).execute();
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.h.db.deleteFrom('user_session').where('user_id', '=', userId).execute();
  }

  async deleteExpired(now: string): Promise<void> {
    await this.h.db.deleteFrom('user_session').where('expires_at', '<', now).execute();
  }
}
