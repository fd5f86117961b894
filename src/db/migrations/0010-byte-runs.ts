import { sql, type Kysely, type Migration } from 'kysely';
import type { EngineCapabilities } from '../engine.js';

type AnyDb = Kysely<any>; // any: a migration sees the schema as it was then, not today's typed view

/**
 * Byte runs of files inside disk images (issue 5, DFXML `<byte_runs>`): where each piece of a file's data lies,
 * as fiwalk (TSK's file walk) reports it. One row per run, in file order (`seq`); offsets in bytes. `img_offset` is
 * from the start of the image (partition offset included), `fs_offset` from the start of the file system. Sparse
 * runs have `fill` and no offsets; compressed runs `uncompressed_len`; NTFS resident data `type` = 'resident'.
 * A rescan replaces a file's rows (delete + insert), so a resumed scan writes the same rows again.
 */
export function byteRuns(caps: EngineCapabilities): Migration {
  const { bigint } = caps.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('file_byte_run')
        .addColumn('file_id', 'text', (c) => c.notNull().references('file.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('file_offset', sql.raw(bigint), (c) => c.notNull())
        .addColumn('fs_offset', sql.raw(bigint))
        .addColumn('img_offset', sql.raw(bigint))
        .addColumn('len', sql.raw(bigint))
        .addColumn('uncompressed_len', sql.raw(bigint))
        .addColumn('fill', 'text')
        .addColumn('type', 'text')
        .addPrimaryKeyConstraint('file_byte_run_pk', ['file_id', 'seq'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('file_byte_run').ifExists().execute();
    },
  };
}
