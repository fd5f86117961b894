import type { DatabaseHandle } from '../connection.js';
import type { AuditLogRow } from '../schema.js';
import type { AuditBody, StoredAuditEntry } from '../../services/audit-chain.js';

/**
 * The append-only audit table. An append runs in one transaction that first UPDATEs the single chain-head row:
 * on SQLite that takes the database write lock (busy_timeout waits for other writers, no lock upgrade from a
 * read snapshot), on PostgreSQL a row lock that the next appender waits for. The last hash is read after that, so
 * two appenders never chain onto the same entry — one code path for both engines, no engine branch.
 */
export class AuditRepository {
  constructor(private readonly h: DatabaseHandle) {}

  async append(build: (seq: number, prevHash: string) => { body: AuditBody; hash: string }): Promise<StoredAuditEntry> {
    return this.h.db.transaction().execute(async (tx) => {
      const now = new Date().toISOString();
      await tx.updateTable('audit_head').set({ updated_at: now }).where('id', '=', 1).execute();
      const head = await tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
      const { body, hash } = build(Number(head.seq) + 1, head.hash);
      await tx
        .insertInto('audit_log')
        .values({
          seq: body.seq, at: body.at, actor_id: body.actorId, actor_name: body.actorName, action: body.action, case_id: body.caseId,
          file_id: body.fileId, ip: body.ip, detail: body.detail, prev_hash: head.hash, hash,
        })
        .execute();
      await tx.updateTable('audit_head').set({ seq: body.seq, hash }).where('id', '=', 1).execute();
      return { ...body, prevHash: head.hash, hash };
    });
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const r = await this.h.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
    return { seq: Number(r.seq), hash: r.hash };
  }

  async page(afterSeq: number, limit: number): Promise<StoredAuditEntry[]> {
    const rows = await this.h.db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map(toEntry);
  }

  async forFile(fileId: string, limit: number): Promise<StoredAuditEntry[]> {
    const rows = await this.h.db.selectFrom('audit_log').selectAll().where('file_id', '=', fileId).orderBy('seq', 'desc').limit(limit).execute();
    return rows.map(toEntry);
  }

  async recent(filter: { caseId?: string; action?: string }, beforeSeq: number | null, limit: number): Promise<StoredAuditEntry[]> {
    let q = this.h.db.selectFrom('audit_log').selectAll();
    if (filter.caseId) q = q.where('case_id', '=', filter.caseId);
    if (filter.action) q = q.where('action', '=', filter.action);
    if (beforeSeq !== null) q = q.where('seq', '<', beforeSeq);
    return (await q.orderBy('seq', 'desc').limit(limit).execute()).map(toEntry);
  }
}

function toEntry(r: AuditLogRow): StoredAuditEntry {
  return {
    seq: Number(r.seq), at: r.at, actorId: r.actor_id, actorName: r.actor_name, action: r.action, caseId: r.case_id, fileId: r.file_id,
    ip: r.ip, detail: r.detail, prevHash: r.prev_hash, hash: r.hash,
  };
}
