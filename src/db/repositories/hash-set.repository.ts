import { HASH_ALGORITHMS, type HashAlgorithm } from '../../domain/hash-set.js';
import type { DatabaseHandle } from '../connection.js';
import { chunkForEngine } from '../engine.js';
import type { HashSetRow, NewHashSetEntry } from '../schema.js';

/** What an import writes about the set itself (the id and generation are decided here). */
export type HashSetMeta = Omit<HashSetRow, 'id' | 'generation' | 'record_count' | 'entry_count' | 'malformed_count'>;

export interface ImportCounts {
  records: number;
  entries: number;
  malformed: number;
}

/** Rows buffered while importing (entries arrive as a stream). */
const IMPORT_BATCH = 5000;

/** One exact-hash entry as the matcher's index builder reads it. */
export interface IndexEntryRow {
  set_id: string;
  hash: Buffer;
  category: string | null;
  baseline: number | null;
  pdq_quality: number | null;
}

export class HashSetRepository {
  constructor(private readonly h: DatabaseHandle) {}

  list(): Promise<HashSetRow[]> {
    return this.h.db.selectFrom('hash_set').selectAll().orderBy('name').execute();
  }

  findByName(name: string): Promise<HashSetRow | undefined> {
    return this.h.db.selectFrom('hash_set').selectAll().where('name', '=', name).executeTakeFirst();
  }

  /** Deletes the set, its entries and the matches made against it. */
  async remove(id: string): Promise<void> {
    await this.h.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('file_match').where('set_id', '=', id).execute();
      await tx.deleteFrom('hash_set_entry').where('algorithm', 'in', HASH_ALGORITHMS).where('set_id', '=', id).execute();
      await tx.deleteFrom('hash_set').where('id', '=', id).execute();
    });
  }

  /**
   * Replace (or create) a set atomically: everything happens in one transaction, so a failed or killed import leaves
   * the previous content of the set — or no set at all — never half a set. `entries` is consumed as a stream; the
   * `fill` callback pulls it and hands over batches. Re-importing under the same name keeps the set's id (matches
   * stay attached) and bumps its generation.
   */
  async replaceSet(
    meta: HashSetMeta,
    newId: string,
    fill: (write: (rows: Omit<NewHashSetEntry, 'set_id'>[]) => Promise<void>) => Promise<ImportCounts>,
  ): Promise<HashSetRow> {
    return this.h.db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('hash_set').selectAll().where('name', '=', meta.name).executeTakeFirst();
      const id = existing?.id ?? newId;
      if (existing) {
        await tx.deleteFrom('hash_set_entry').where('algorithm', 'in', HASH_ALGORITHMS).where('set_id', '=', id).execute();
        await tx.updateTable('hash_set').set({ ...meta, generation: existing.generation + 1 }).where('id', '=', id).execute();
      } else {
        await tx.insertInto('hash_set').values({ ...meta, id, generation: 1, record_count: 0, entry_count: 0, malformed_count: 0 }).execute();
      }
      // Keyed by algorithm + hash: a hash listed twice in one set is one entry and the later record's fields win —
      // also within one buffer, since PostgreSQL refuses an upsert that touches the same row twice in one statement.
      let pending = new Map<string, NewHashSetEntry>();
      const flush = async () => {
        for (const chunk of chunkForEngine(this.h.caps, [...pending.values()], 10)) {
          await tx
            .insertInto('hash_set_entry')
            .values(chunk)
            .onConflict((oc) =>
              oc.columns(['algorithm', 'set_id', 'hash']).doUpdateSet((eb) => ({
                category: eb.ref('excluded.category'), baseline: eb.ref('excluded.baseline'), name: eb.ref('excluded.name'),
                size: eb.ref('excluded.size'), pdq_quality: eb.ref('excluded.pdq_quality'), photodna: eb.ref('excluded.photodna'),
                extra: eb.ref('excluded.extra'),
              })),
            )
            .execute();
        }
        pending = new Map();
      };
      const counts = await fill(async (rows) => {
        for (const r of rows) {
          const key = `${r.algorithm}:${r.hash.toString('latin1')}`;
          pending.delete(key);
          pending.set(key, { ...r, set_id: id });
        }
        if (pending.size >= IMPORT_BATCH) await flush();
      });
      await flush();
      const distinct = await tx
        .selectFrom('hash_set_entry')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('algorithm', 'in', HASH_ALGORITHMS)
        .where('set_id', '=', id)
        .executeTakeFirstOrThrow();
      await tx
        .updateTable('hash_set')
        .set({ record_count: counts.records, entry_count: Number(distinct.n), malformed_count: counts.malformed })
        .where('id', '=', id)
        .execute();
      return tx.selectFrom('hash_set').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    });
  }

  /** Entries of one algorithm over every set, a page at a time (keyset on set and hash), for index building. */
  async entriesPage(algorithm: HashAlgorithm, after: { setId: string; hash: Buffer } | null, limit: number): Promise<IndexEntryRow[]> {
    let q = this.h.db
      .selectFrom('hash_set_entry')
      .select(['set_id', 'hash', 'category', 'baseline', 'pdq_quality'])
      .where('algorithm', '=', algorithm);
    if (after) {
      q = q.where((eb) => eb.or([eb('set_id', '>', after.setId), eb.and([eb('set_id', '=', after.setId), eb('hash', '>', after.hash)])]));
    }
    return q.orderBy('set_id').orderBy('hash').limit(limit).execute();
  }
}
