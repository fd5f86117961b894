import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { DatabaseHandle } from '../../connection.js';
import type { Database, HlAssessmentTable, HlCheckTable, HlEventRow, HlUrlHashTable, HlUrlRow, HlUrlTable } from '../../schema.js';
import { newId, sequentialId } from '../../../util/ids.js';

/** Kinds of transition on a reported URL; each is one hl_event row (see migration 0008). */
export type HlEventKind =
  | 'received' | 'linked' | 'assessed' | 'traced' | 'moved' | 'forwarded' | 'cleared' | 'hold' | 'release'
  | 'notice-sent' | 'checked' | 'offline' | 'online-again' | 'closed' | 'reopened' | 'anonymised';

export interface HlTransition {
  kind: HlEventKind;
  at: string;
  actor: string | null;
  detail?: Record<string, unknown>;
}

/**
 * The one way a URL's state changes: the hl_event row and the denormalised hl_url columns are written in the same
 * transaction, so the timeline and the statistics can never disagree. Services pass the time (their clock), so tests
 * control every timestamp.
 */
export class HotlineUrlRepository {
  constructor(private readonly h: DatabaseHandle) {}

  get(id: string): Promise<HlUrlRow | undefined> {
    return this.h.db.selectFrom('hl_url').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByCanonical(sha256: string): Promise<HlUrlRow | undefined> {
    return this.h.db.selectFrom('hl_url').selectAll().where('canonical_sha256', '=', sha256).executeTakeFirst();
  }

  events(urlId: string): Promise<HlEventRow[]> {
    return this.h.db.selectFrom('hl_event').selectAll().where('url_id', '=', urlId).orderBy('at').orderBy('id').execute();
  }

  /** Apply a transition (event + column changes) in its own transaction, or inside the caller's. */
  async transition(urlId: string, t: HlTransition, patch: Updateable<HlUrlTable> = {}, tx?: Transaction<Database>): Promise<void> {
    const run = async (db: Kysely<Database>) => {
      if (Object.keys(patch).length > 0) await db.updateTable('hl_url').set(patch).where('id', '=', urlId).execute();
      await db.insertInto('hl_event').values({
        id: sequentialId(), url_id: urlId, at: t.at, kind: t.kind, actor: t.actor, detail: JSON.stringify(t.detail ?? {}),
      }).execute();
    };
    if (tx) await run(tx);
    else await this.h.db.transaction().execute(run);
  }

  /** The desk's work list: newest first, filtered by status (open = not closed) and host. */
  list(opts: { status?: string; open?: boolean; host?: string; limit: number; offset?: number }): Promise<HlUrlRow[]> {
    let q = this.h.db.selectFrom('hl_url').selectAll().orderBy('received_at', 'desc').orderBy('id', 'desc').limit(opts.limit).offset(opts.offset ?? 0);
    if (opts.status) q = q.where('status', '=', opts.status);
    if (opts.open) q = q.where('status', '!=', 'closed');
    if (opts.host) q = q.where('host', '=', opts.host);
    return q.execute();
  }

  /** Every URL (statistics, exports); optionally only those received in [from, to). */
  all(range: { from?: string; to?: string } = {}): Promise<HlUrlRow[]> {
    let q = this.h.db.selectFrom('hl_url').selectAll().orderBy('received_at');
    if (range.from) q = q.where('received_at', '>=', range.from);
    if (range.to) q = q.where('received_at', '<', range.to);
    return q.execute();
  }

  /** Open URLs due for an online check: never checked, or last checked before `before`. */
  dueForCheck(before: string, limit: number): Promise<HlUrlRow[]> {
    return this.h.db.selectFrom('hl_url').selectAll().where('status', '!=', 'closed')
      .where((eb) => eb.or([eb('last_check_at', 'is', null), eb('last_check_at', '<=', before)]))
      .orderBy('last_check_at').orderBy('received_at').limit(limit).execute();
  }

  async insertAssessment(a: Insertable<HlAssessmentTable>, tx?: Transaction<Database>): Promise<void> {
    await (tx ?? this.h.db).insertInto('hl_assessment').values(a).execute();
  }

  assessments(urlId: string) {
    return this.h.db.selectFrom('hl_assessment').selectAll().where('url_id', '=', urlId).orderBy('decided_at').orderBy('id').execute();
  }

  async addHashes(rows: Insertable<HlUrlHashTable>[], tx?: Transaction<Database>): Promise<void> {
    for (const r of rows) {
      await (tx ?? this.h.db).insertInto('hl_url_hash').values(r).onConflict((oc) => oc.columns(['url_id', 'algorithm', 'hash']).doNothing()).execute();
    }
  }

  hashes(urlId: string) {
    return this.h.db.selectFrom('hl_url_hash').selectAll().where('url_id', '=', urlId).orderBy('algorithm').orderBy('hash').execute();
  }

  /** Hashes of material assessed as illegal (for partner hash lists). */
  illegalHashes() {
    return this.h.db.selectFrom('hl_url_hash as h').innerJoin('hl_url as u', 'u.id', 'h.url_id')
      .select(['h.algorithm', 'h.hash', 'u.classification']).where('u.classification', 'in', ['baseline', 'national'])
      .orderBy('h.algorithm').orderBy('h.hash').distinct().execute();
  }

  async insertCheck(c: Insertable<HlCheckTable>, tx?: Transaction<Database>): Promise<void> {
    await (tx ?? this.h.db).insertInto('hl_check').values(c).execute();
  }

  checks(urlId: string) {
    return this.h.db.selectFrom('hl_check').selectAll().where('url_id', '=', urlId).orderBy('checked_at').orderBy('id').execute();
  }

  inTransaction<T>(fn: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.h.db.transaction().execute(fn);
  }

  /** Whether a hash is in any imported known-bad hash set (hash sets of issue 4). */
  async knownBad(algorithm: 'md5' | 'sha1' | 'sha256', hex: string): Promise<boolean> {
    // set_id IN (…) keeps the lookup on the (algorithm, set_id, hash) primary key.
    const sets = (await this.h.db.selectFrom('hash_set').select('id').where('role', 'in', ['known-bad', 'alert']).execute()).map((r) => r.id);
    if (sets.length === 0) return false;
    const row = await this.h.db.selectFrom('hash_set_entry').select('set_id').where('algorithm', '=', algorithm).where('set_id', 'in', sets)
      .where('hash', '=', Buffer.from(hex, 'hex')).limit(1).executeTakeFirst();
    return row !== undefined;
  }
}
