/**
 * NIST NSRL RDSv3 SQLite databases (minimal: `FILE` table + `DISTINCT_HASH` view; full: `FILE` is a view over
 * normalised tables), read with better-sqlite3, read-only, row by row (`iterate()`: constant memory; a modern
 * minimal set has ~440M FILE rows and ~74M distinct SHA-256).
 *
 * Which rows ('distinct', the default): when FILE is a table whose index starts with (sha256, sha1, md5) — the
 * minimal schema's primary key — FILE is scanned in that index order and consecutive rows with the same hashes are
 * collapsed into one record, keeping the first file name and size and up to 16 package ids. That is the same
 * one-pass index scan the `DISTINCT_HASH` view does, plus names and sizes. If the planner would need a temporary
 * B-tree for that order (full sets, odd schemas) the `DISTINCT_HASH` view is read instead (no names), and failing
 * that FILE rows are read unordered (duplicates possible; the importer dedups). 'file' yields every FILE row.
 *
 * Columns are checked with `PRAGMA table_info` rather than assumed (early RDSv3 copies lack crc32). Hex arrives
 * upper case and is normalised. VERSION (version, build_set, description) goes into `info`.
 */
import Database from 'better-sqlite3';
import { HashSetReadError, type HashSetRecord } from '../hash-set-record.js';
import { HashFields, record, type ReadContext } from '../read-context.js';

const MAX_PACKAGE_IDS = 16;

export interface RdsV3Layout {
  fileIsTable: boolean;
  fileColumns: Set<string>;
  hasDistinctHash: boolean;
  version: { version: string; buildSet: string | null; description: string | null } | null;
}

/** Inspect an open database; null when it is not RDSv3-shaped (no FILE with md5, sha1 and sha256 columns). */
export function inspectRdsV3(db: Database.Database): RdsV3Layout | null {
  const objects = db.prepare(`SELECT type, name FROM sqlite_master WHERE type IN ('table','view')`).all() as
    { type: string; name: string }[];
  const file = objects.find((o) => o.name.toUpperCase() === 'FILE');
  if (!file) return null;
  const fileColumns = new Set(
    (db.pragma(`table_info(${JSON.stringify(file.name)})`) as { name: string }[]).map((c) => c.name.toLowerCase()),
  );
  if (!['md5', 'sha1', 'sha256'].every((c) => fileColumns.has(c))) return null;
  let version: RdsV3Layout['version'] = null;
  if (objects.some((o) => o.name.toUpperCase() === 'VERSION')) {
    try {
      const v = db.prepare('SELECT * FROM VERSION LIMIT 1').get() as Record<string, unknown> | undefined;
      if (v && v.version !== undefined) {
        version = {
          version: String(v.version),
          buildSet: v.build_set === undefined ? null : String(v.build_set),
          description: v.description === undefined ? null : String(v.description),
        };
      }
    } catch {
      version = null; // an unreadable VERSION table does not stop the import; info just lacks the version
    }
  }
  return {
    fileIsTable: file.type === 'table',
    fileColumns,
    hasDistinctHash: objects.some((o) => o.name.toUpperCase() === 'DISTINCT_HASH'),
    version,
  };
}

export function openReadOnly(path: string): Database.Database {
  return new Database(path, { readonly: true, fileMustExist: true });
}

function hashesOf(ctx: ReadContext, location: string, sha256: unknown, sha1: unknown, md5: unknown): HashFields | null {
  const f = new HashFields();
  f.add('sha256', sha256, 'sha256');
  f.add('sha1', sha1, 'sha1');
  f.add('md5', md5, 'md5');
  return f.settle(ctx, location) ? f : null;
}

const sizeOf = (v: unknown): number | null =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : typeof v === 'bigint' && v >= 0n ? Number(v) : null;

export async function* readNsrlRdsV3(ctx: ReadContext): AsyncGenerator<HashSetRecord> {
  let db: Database.Database;
  try {
    db = openReadOnly(ctx.path);
  } catch (err) {
    throw new HashSetReadError(`cannot open the NSRL RDSv3 database: ${(err as Error).message}`, ctx.path);
  }
  try {
    const layout = inspectRdsV3(db);
    if (layout === null) {
      throw new HashSetReadError('not an NSRL RDSv3 database: no FILE table or view with md5, sha1 and sha256 columns', ctx.path);
    }
    if (layout.version) {
      ctx.info.version = layout.version.version;
      ctx.info.profile = layout.version.buildSet;
      ctx.info.description = layout.version.description;
    }
    const named = layout.fileColumns.has('file_name') && layout.fileColumns.has('file_size');
    const pkg = layout.fileColumns.has('package_id');
    const cols = `sha256, sha1, md5${named ? ', file_name, file_size' : ', NULL, NULL'}${pkg ? ', package_id' : ', NULL'}`;
    const mode = ctx.options.nsrlRows ?? 'distinct';

    if (mode === 'file') {
      ctx.note('NSRL: every FILE row is a record (the same hashes repeat once per package)');
      yield* fileRows(ctx, db, `SELECT ${cols} FROM FILE`);
      return;
    }
    const ordered = `SELECT ${cols} FROM FILE ORDER BY sha256, sha1, md5`;
    const plan = layout.fileIsTable
      ? (db.prepare(`EXPLAIN QUERY PLAN ${ordered}`).all() as { detail: string }[]).map((r) => r.detail).join('; ')
      : 'FILE is a view';
    if (layout.fileIsTable && !/TEMP B-TREE/i.test(plan)) {
      yield* collapsedRows(ctx, db, ordered);
    } else if (layout.hasDistinctHash) {
      ctx.note('NSRL: read from the DISTINCT_HASH view (no file names or sizes)');
      let n = 0;
      const stmt = db.prepare('SELECT sha256, sha1, md5 FROM DISTINCT_HASH').raw(true);
      for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
        n++;
        const f = hashesOf(ctx, `DISTINCT_HASH row ${n}`, row[0], row[1], row[2]);
        if (f) yield ctx.emit(record(f.hashes));
      }
    } else {
      ctx.note('NSRL: FILE read unordered (no usable index, no DISTINCT_HASH view): hashes may repeat');
      yield* fileRows(ctx, db, `SELECT ${cols} FROM FILE`);
    }
  } catch (err) {
    if (err instanceof HashSetReadError) throw err;
    throw new HashSetReadError(`NSRL RDSv3 database could not be read: ${(err as Error).message}`, ctx.path);
  } finally {
    db.close();
  }
}

function* fileRows(ctx: ReadContext, db: Database.Database, sql: string): Generator<HashSetRecord> {
  let n = 0;
  for (const row of db.prepare(sql).raw(true).iterate() as IterableIterator<unknown[]>) {
    n++;
    const f = hashesOf(ctx, `FILE row ${n}`, row[0], row[1], row[2]);
    if (!f) continue;
    yield ctx.emit(record(f.hashes, {
      name: typeof row[3] === 'string' ? row[3] : null,
      size: sizeOf(row[4]),
      extra: row[5] === null || row[5] === undefined ? null : { packageIds: [Number(row[5])] },
    }));
  }
}

function* collapsedRows(ctx: ReadContext, db: Database.Database, sql: string): Generator<HashSetRecord> {
  let n = 0;
  let key: string | null = null;
  let current: { rec: HashSetRecord; packageIds: number[]; rows: number } | null = null;
  const finish = (): HashSetRecord | null => {
    if (!current) return null;
    const { rec, packageIds, rows } = current;
    rec.extra = { packageIds, rows };
    current = null;
    return ctx.emit(rec);
  };
  for (const row of db.prepare(sql).raw(true).iterate() as IterableIterator<unknown[]>) {
    n++;
    const k = `${String(row[0])}|${String(row[1])}|${String(row[2])}`;
    if (k === key && current) {
      current.rows++;
      if (row[5] !== null && current.packageIds.length < MAX_PACKAGE_IDS) current.packageIds.push(Number(row[5]));
      continue;
    }
    const done = finish();
    if (done) yield done;
    key = k;
    const f = hashesOf(ctx, `FILE row ${n}`, row[0], row[1], row[2]);
    if (!f) continue;
    current = {
      rec: record(f.hashes, { name: typeof row[3] === 'string' ? row[3] : null, size: sizeOf(row[4]) }),
      packageIds: row[5] === null ? [] : [Number(row[5])],
      rows: 1,
    };
  }
  const done = finish();
  if (done) yield done;
}
