import { sql, type Kysely, type Migration } from 'kysely';
import type { EngineCapabilities } from '../engine.js';

type AnyDb = Kysely<any>; // any: a migration sees the schema as it was then, not today's typed view

/**
 * Lab mode (issue 8): the `lab_worker` table, one row per `winnow worker` process with its heartbeat and
 * throughput, for `winnow status`. The job queue lives in pg-boss's own schema; per-file progress was already in
 * file_stage, which is what makes the queue disposable.
 */
export function labWorkers(caps: EngineCapabilities): Migration {
  const { bigint } = caps.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('lab_worker')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('stages', 'text', (c) => c.notNull())
        .addColumn('concurrency', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('heartbeat_at', 'text', (c) => c.notNull())
        .addColumn('files_done', sql.raw(bigint), (c) => c.notNull().defaultTo(0))
        .addColumn('bytes_done', sql.raw(bigint), (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('lab_worker').ifExists().execute();
    },
  };
}
