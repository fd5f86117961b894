import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type pgTypes from 'pg';
import { POSTGRES, SQLITE, type EngineCapabilities } from './engine.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

/** `pg` is loaded only for PostgreSQL workspaces (~0.1 s of start-up for the embedded default otherwise). */
async function loadPg(): Promise<typeof pgTypes> {
  const pg = (await import('pg')).default;
  // int8 (sizes, counts) as JS numbers: exact below 2^53 bytes, i.e. 9 PB per file.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  return pg;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly caps: EngineCapabilities;
  /** Where the data lives, for messages (file path or URL without password). */
  readonly location: string;
  /** PostgreSQL schema the workspace lives in (`?schema=`), null for the default search path and for SQLite. */
  readonly schema: string | null;
  close(): Promise<void>;
}

export class DatabaseConfigError extends Error {}

/**
 * Open a workspace database. `url` is either a PostgreSQL URL (`postgres://…`, optional `?schema=NAME` to keep
 * a workspace in its own schema) or a path to a SQLite file. Migrations run before the handle is returned.
 */
export async function openDatabase(url: string): Promise<DatabaseHandle> {
  const handle = /^postgres(ql)?:\/\//i.test(url) ? await openPostgres(url) : openSqlite(url);
  try {
    await migrate(handle);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

function openSqlite(file: string): DatabaseHandle {
  mkdirSync(dirname(file), { recursive: true });
  const native = new BetterSqlite3(file);
  native.pragma('journal_mode = WAL');
  native.pragma('synchronous = NORMAL');
  native.pragma('busy_timeout = 30000');
  native.pragma('foreign_keys = ON');
  // 128 MiB page cache (default 2 MiB): hash-set imports and big scans insert random keys into large B-trees, which
  // thrash a small cache (1 M-entry import: see docs/benchmarks.md).
  native.pragma('cache_size = -131072');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: native }) });
  return { db, caps: SQLITE, location: file, schema: null, close: () => db.destroy() };
}

async function openPostgres(url: string): Promise<DatabaseHandle> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new DatabaseConfigError(`invalid schema name "${schema}" (lowercase letters, digits, underscore)`);
  }
  const pg = await loadPg();
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: 8,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end();
    throw new DatabaseConfigError(`cannot connect to PostgreSQL at ${redact(parsed)}: ${(err as Error).message}`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, caps: POSTGRES, location: redact(parsed) + (schema ? ` (schema ${schema})` : ''), schema, close: () => db.destroy() };
}

function redact(u: URL): string {
  const c = new URL(u.toString());
  if (c.password) c.password = '***';
  return c.toString();
}

/**
 * Kysely's migrator takes pg_advisory_xact_lock on PostgreSQL, so concurrent processes migrate once; on SQLite the
 * single writer plus busy_timeout serialises them.
 */
async function migrate(handle: DatabaseHandle): Promise<void> {
  // The migration bookkeeping tables live in the workspace's own schema: without this, Kysely's existence check finds
  // another schema's `kysely_migration_lock` on a shared server and then fails to use it from this search path.
  const migrator = new Migrator({
    db: handle.db,
    provider: migrationProvider(handle.caps),
    ...(handle.schema ? { migrationTableSchema: handle.schema } : {}),
  });
  // Kysely checks for its bookkeeping tables by introspecting every schema on the server; another workspace's schema
  // dropped at that moment makes the check fail with `schema "x" does not exist` although nothing of ours is wrong.
  // Such a failure (naming a schema that is not ours, before any migration ran) is retried.
  let { error, results } = await migrator.migrateToLatest();
  for (let attempt = 1; error && attempt <= 5 && isForeignSchemaRace(error, handle.schema, results); attempt++) {
    await new Promise((r) => setTimeout(r, 50 * attempt));
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error) {
    // A database migrated by a newer Winnow: this code must not touch it (its schema has changes it does not know).
    const newer = /previously executed migration (\S+) is missing/.exec((error as Error).message ?? '');
    if (newer) {
      const known = Object.keys(await migrationProvider(handle.caps).getMigrations()).sort();
      throw new DatabaseConfigError(
        `the database on ${handle.location} has a newer schema than this Winnow (it has migration "${newer[1]}"; this version knows up to ` +
        `"${known[known.length - 1]}"): upgrade Winnow on this machine before running it against this database; nothing was changed`,
      );
    }
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new DatabaseConfigError(`database migration "${failed}" failed on ${handle.location}: ${(error as Error).message}`);
  }
}

function isForeignSchemaRace(error: unknown, own: string | null, results: readonly { status: string }[] | undefined): boolean {
  const m = /schema "([^"]+)" does not exist/.exec((error as Error)?.message ?? '');
  return m !== null && m[1] !== own && !(results ?? []).some((r) => r.status === 'Success' || r.status === 'Error');
}

/** Drop a PostgreSQL schema (tests and `workspace destroy`). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const pg = await loadPg();
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await pool.end();
  }
}

export { sql };
