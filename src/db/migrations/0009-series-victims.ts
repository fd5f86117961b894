import { sql, type Kysely, type Migration } from 'kysely';
import type { EngineCapabilities } from '../engine.js';

type AnyDb = Kysely<any>; // any: a migration sees the schema as it was then, not today's typed view

/**
 * Series and victims (issue 6), ICSE-like: a series is a named set of pictures/videos believed to come from one
 * abuse scene, known across cases. Membership is by file hash (SHA-256 when the file has one, else MD5), so every
 * copy of the same bytes anywhere in the workspace belongs to it too; the file it was attached from is kept for
 * provenance. "Victim identified" and "offender identified" are facts about the series, recorded with who and when
 * and a free note. NO personal data of victims or offenders is stored here: only the flags, dates and the note.
 *
 * series_item.pdq is the PDQ of the attached file at attach time (so near-duplicate searches need no join, and
 * survive the attached file being re-scanned or its case removed). series_item_hash_idx answers "which series is
 * this file in" from a file's digest.
 */
export function seriesVictims(caps: EngineCapabilities): Migration {
  const { binary } = caps.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('series')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        /** open | closed */
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('victim_identified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('victim_identified_at', 'text')
        .addColumn('victim_identified_by', 'text')
        .addColumn('victim_note', 'text')
        .addColumn('offender_identified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('offender_identified_at', 'text')
        .addColumn('offender_identified_by', 'text')
        .addColumn('offender_note', 'text')
        .execute();

      await db.schema
        .createTable('series_item')
        .addColumn('series_id', 'text', (c) => c.notNull().references('series.id').onDelete('cascade'))
        /** sha256 | md5: which digest `hash` is. */
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('hash', sql.raw(binary), (c) => c.notNull())
        /** The other digest of the attached file, when known (md5 when algorithm is sha256): exact matches on either. */
        .addColumn('md5', sql.raw(binary))
        /** PDQ (hex) of the attached file at attach time, when it had a usable one. */
        .addColumn('pdq', 'text')
        /** Provenance: the file and case it was attached from (kept as text: the file may be re-scanned away). */
        .addColumn('file_id', 'text')
        .addColumn('case_id', 'text')
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('series_item_pk', ['series_id', 'algorithm', 'hash'])
        .execute();
      await db.schema.createIndex('series_item_hash_idx').on('series_item').columns(['algorithm', 'hash']).execute();
      await db.schema.createIndex('series_item_md5_idx').on('series_item').column('md5').execute();

      await db.schema
        .createTable('series_clue')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('series_id', 'text', (c) => c.notNull().references('series.id').onDelete('cascade'))
        /** location | language | object | other */
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('series_clue_series_idx').on('series_clue').columns(['series_id', 'added_at']).execute();
    },
    async down(db: AnyDb) {
      // Indexes go with their tables on both engines.
      for (const t of ['series_clue', 'series_item', 'series']) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
