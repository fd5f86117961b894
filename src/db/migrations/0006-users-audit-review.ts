import { sql, type Kysely, type Migration } from 'kysely';
import type { EngineCapabilities } from '../engine.js';

type AnyDb = Kysely<any>; // any: a migration sees the schema as it was then, not today's typed view

/** The genesis link of the audit chain: 64 zeros, so the first entry's prev_hash is well defined. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * The review server's tables (issue 6), shared with the hotline desk (issue 7): accounts, server-side sessions,
 * case membership, the hash-chained audit log and its chain-head row, the per-user daily exposure meter,
 * server settings (exposure caps), reviewer categories keyed by MD5 within a case (duplicates inherit them) with
 * an action log for undo, and per-item notes and tags.
 *
 * audit_head is a single row: an append first UPDATEs it, which takes SQLite's write lock and a PostgreSQL row
 * lock, so reading the last hash and inserting the next entry are serialised on both engines by one code path.
 * review_order_idx is an expression index on the grid's sort key (priority descending, nulls last, then id) so
 * that a keyset page is an index range scan on both engines.
 */
export function usersAuditReview(caps: EngineCapabilities): Migration {
  const { binary, bigint } = caps.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('app_user')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute();

      await db.schema
        .createTable('user_session')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .execute();
      await db.schema.createIndex('user_session_user_idx').on('user_session').column('user_id').execute();

      await db.schema
        .createTable('case_member')
        .addColumn('case_id', 'text', (c) => c.notNull().references('case.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addColumn('added_by', 'text')
        .addPrimaryKeyConstraint('case_member_pk', ['case_id', 'user_id'])
        .execute();
      await db.schema.createIndex('case_member_user_idx').on('case_member').column('user_id').execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('seq', sql.raw(bigint), (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text')
        .addColumn('file_id', 'text')
        .addColumn('ip', 'text')
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_file_idx').on('audit_log').columns(['file_id', 'seq']).execute();
      await db.schema.createIndex('audit_log_case_idx').on('audit_log').columns(['case_id', 'seq']).execute();

      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', sql.raw(bigint), (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.insertInto('audit_head').values({ id: 1, seq: 0, hash: AUDIT_GENESIS_HASH, updated_at: new Date().toISOString() }).execute();

      await db.schema
        .createTable('exposure_day')
        .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('reveals', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('revealed_seconds', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('exposure_day_pk', ['user_id', 'day'])
        .execute();

      await db.schema
        .createTable('server_setting')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .execute();

      await db.schema
        .createTable('file_category')
        .addColumn('case_id', 'text', (c) => c.notNull().references('case.id').onDelete('cascade'))
        .addColumn('md5', sql.raw(binary), (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('profile', 'text', (c) => c.notNull())
        .addColumn('set_by', 'text', (c) => c.notNull())
        .addColumn('set_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('file_category_pk', ['case_id', 'md5'])
        .execute();

      await db.schema
        .createTable('category_action')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('case_id', 'text', (c) => c.notNull().references('case.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('undone_at', 'text')
        .addColumn('undone_by', 'text')
        .execute();
      await db.schema
        .createTable('category_change')
        .addColumn('action_id', 'text', (c) => c.notNull().references('category_action.id').onDelete('cascade'))
        .addColumn('md5', sql.raw(binary), (c) => c.notNull())
        .addColumn('before_category', 'text')
        .addColumn('after_category', 'text')
        .addPrimaryKeyConstraint('category_change_pk', ['action_id', 'md5'])
        .execute();

      await db.schema
        .createTable('item_note')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('case_id', 'text', (c) => c.notNull().references('case.id').onDelete('cascade'))
        .addColumn('file_id', 'text', (c) => c.notNull().references('file.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('item_note_file_idx').on('item_note').column('file_id').execute();
      await db.schema
        .createTable('item_tag')
        .addColumn('case_id', 'text', (c) => c.notNull().references('case.id').onDelete('cascade'))
        .addColumn('file_id', 'text', (c) => c.notNull().references('file.id').onDelete('cascade'))
        .addColumn('tag', 'text', (c) => c.notNull())
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('item_tag_pk', ['file_id', 'tag'])
        .execute();

      // The grid's sort key; the query must spell the same expression (see review.repository.ts).
      await sql`CREATE INDEX review_order_idx ON file_triage ((-coalesce(priority, -1)), file_id)`.execute(db);
    },
    async down(db: AnyDb) {
      await sql`DROP INDEX IF EXISTS review_order_idx`.execute(db);
      for (const t of ['item_tag', 'item_note', 'category_change', 'category_action', 'file_category', 'server_setting', 'exposure_day', 'audit_head', 'audit_log', 'case_member', 'user_session', 'app_user']) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}
