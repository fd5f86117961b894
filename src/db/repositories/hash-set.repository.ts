import { HASH_ALGORITHMS, type HashAlgorithm } from '../../domain/hash-set.js';
import { sql } from 'kysely';
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

/** A row of the import staging table (see replaceSet). */
interface StagedEntry {
  seq: number;
  algorithm: string;
  hash: Buffer;
  category: string | null;
  baseline: number | null;
  name: string | null;
  size: number | null;
  pdq_quality: number | null;
  photodna: string | null;
  extra: string | null;
}

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
      // Entries are appended to an unindexed staging table as they stream in, then moved into hash_set_entry in key
      // order in one statement: a B-tree filled in order instead of one random page per entry (docs/benchmarks.md). A hash listed twice in one set is one entry; the later record's fields win.
      const staging = tx.withTables<{ hash_set_import: StagedEntry }>();
      await sql`DROP TABLE IF EXISTS hash_set_import`.execute(tx);
      await sql`CREATE TEMPORARY TABLE hash_set_import (
        seq integer NOT NULL, algorithm text NOT NULL, hash ${sql.raw(this.h.caps.types.binary)} NOT NULL, category text,
        baseline integer, name text, size ${sql.raw(this.h.caps.types.bigint)}, pdq_quality integer, photodna text, extra text)`.execute(tx);
      let seq = 0;
      let pending: StagedEntry[] = [];
      const flush = async () => {
        for (const chunk of chunkForEngine(this.h.caps, pending, 10)) await staging.insertInto('hash_set_import').values(chunk).execute();
        pending = [];
      };
      const counts = await fill(async (rows) => {
        for (const r of rows) pending.push({ seq: seq++, algorithm: r.algorithm, hash: r.hash, category: r.category ?? null, baseline: r.baseline ?? null, name: r.name ?? null, size: r.size ?? null, pdq_quality: r.pdq_quality ?? null, photodna: r.photodna ?? null, extra: r.extra ?? null });
        if (pending.length >= IMPORT_BATCH) await flush();
      });
      await flush();
      await sql`INSERT INTO hash_set_entry (algorithm, set_id, hash, category, baseline, name, size, pdq_quality, photodna, extra)
        SELECT algorithm, ${id}, hash, category, baseline, name, size, pdq_quality, photodna, extra
        FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY algorithm, hash ORDER BY seq DESC) AS rn FROM hash_set_import) AS latest
        WHERE rn = 1
        ORDER BY algorithm, hash`.execute(tx);
      await sql`DROP TABLE hash_set_import`.execute(tx);
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
