import type { Kysely, Transaction, Updateable } from 'kysely';
import type { DatabaseHandle } from '../../connection.js';
import type { Database, HlEventRow, HlUrlRow, HlUrlTable } from '../../schema.js';
import { newId } from '../../../util/ids.js';

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
        id: newId(Date.parse(t.at) || Date.now()), url_id: urlId, at: t.at, kind: t.kind, actor: t.actor, detail: JSON.stringify(t.detail ?? {}),
      }).execute();
    };
    if (tx) await run(tx);
    else await this.h.db.transaction().execute(run);
  }
}
