import { sql, type Kysely, type Migration } from 'kysely';
import type { EngineCapabilities } from '../engine.js';

type AnyDb = Kysely<any>; // any: a migration sees the schema as it was then, not today's typed view

/**
 * Hash-set library (workspace level, shared by every case), what each file matched, and the per-file triage
 * verdict (known-good / known-bad / alert / unknown, category, near-duplicate cluster, priority).
 * Matching indexes (exact tables, PDQ multi-index) are derived files in the workspace, rebuilt from these rows.
 */
export function hashSetsAndMatches(caps: EngineCapabilities): Migration {
  const { binary, bigint } = caps.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('hash_set')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('format_version', 'text')
        .addColumn('profile', 'text')
        .addColumn('baseline', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('source_name', 'text', (c) => c.notNull())
        .addColumn('source_sha256', 'text')
        .addColumn('record_count', sql.raw(bigint), (c) => c.notNull().defaultTo(0))
        .addColumn('entry_count', sql.raw(bigint), (c) => c.notNull().defaultTo(0))
        .addColumn('malformed_count', sql.raw(bigint), (c) => c.notNull().defaultTo(0))
        .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('imported_at', 'text', (c) => c.notNull())
        .addColumn('imported_by', 'text')
        .execute();

      await db.schema
        .createTable('hash_set_entry')
        .addColumn('set_id', 'text', (c) => c.notNull().references('hash_set.id').onDelete('cascade'))
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('hash', sql.raw(binary), (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('baseline', 'integer')
        .addColumn('name', 'text')
        .addColumn('size', sql.raw(bigint))
        .addColumn('pdq_quality', 'integer')
        .addColumn('photodna', 'text')
        .addColumn('extra', 'text')
        // (algorithm, set, hash): the index builder reads one algorithm at a time in (set, hash) order straight from
        // the primary key. No second index on the hash: lookups go through the matching indexes, not SQL, and each
        // extra B-tree costs a random insert per entry on import.
        // Deleting or counting a set's entries names the algorithms too, so it also uses this key.
        .addPrimaryKeyConstraint('hash_set_entry_pk', ['algorithm', 'set_id', 'hash'])
        .execute();

      await db.schema
        .createTable('file_match')
        .addColumn('file_id', 'text', (c) => c.notNull().references('file.id').onDelete('cascade'))
        .addColumn('set_id', 'text', (c) => c.notNull().references('hash_set.id').onDelete('cascade'))
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('distance', 'integer', (c) => c.notNull())
        .addColumn('match_percent', sql.raw(caps.types.double))
        .addColumn('category', 'text')
        .addColumn('baseline', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('matched_hash', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('file_match_pk', ['file_id', 'set_id', 'algorithm'])
        .execute();
      await db.schema.createIndex('file_match_set_idx').on('file_match').column('set_id').execute();

      await db.schema
        .createTable('file_triage')
        .addColumn('file_id', 'text', (c) => c.primaryKey().references('file.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('ignorable', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('category', 'text')
        .addColumn('category_profile', 'text')
        .addColumn('baseline', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('cluster_id', 'text')
        .addColumn('cluster_size', 'integer')
        .addColumn('workspace_cluster_id', 'text')
        .addColumn('workspace_cluster_cases', 'integer')
        .addColumn('priority', 'integer')
        .addColumn('priority_reasons', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('file_triage_status_idx').on('file_triage').columns(['status', 'priority']).execute();
      await db.schema.createIndex('file_triage_cluster_idx').on('file_triage').column('cluster_id').execute();
      await db.schema.createIndex('file_triage_ws_cluster_idx').on('file_triage').column('workspace_cluster_id').execute();
    },
    async down(db: AnyDb) {
      for (const t of ['file_triage', 'file_match', 'hash_set_entry', 'hash_set']) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
