import { sql, type Kysely, type Migration } from 'kysely';
import type { EngineCapabilities } from '../engine.js';

type AnyDb = Kysely<any>; // any: a migration sees the schema as it was then, not today's typed view

/**
 * Video facts and vPDQ frame hashes (1 frame per second, consecutive duplicates dropped), and the reviewer-safe
 * thumbnails kept in the workspace (the files live under <workspace>/thumbnails; rows say where and what).
 */
export function videoAndThumbnails(caps: EngineCapabilities): Migration {
  const { double } = caps.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('video_info')
        .addColumn('file_id', 'text', (c) => c.primaryKey().references('file.id').onDelete('cascade'))
        .addColumn('duration_sec', sql.raw(double))
        .addColumn('codec', 'text')
        .addColumn('container', 'text')
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('frame_rate', sql.raw(double))
        .addColumn('frames_hashed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error', 'text')
        .execute();

      await db.schema
        .createTable('video_frame')
        .addColumn('file_id', 'text', (c) => c.notNull().references('file.id').onDelete('cascade'))
        .addColumn('frame_index', 'integer', (c) => c.notNull())
        .addColumn('timestamp_sec', sql.raw(double), (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('quality', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('video_frame_pk', ['file_id', 'frame_index'])
        .execute();

      await db.schema
        .createTable('thumbnail')
        .addColumn('file_id', 'text', (c) => c.primaryKey().references('file.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        .addColumn('safe_path', 'text', (c) => c.notNull())
        .addColumn('clear_path', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      for (const t of ['thumbnail', 'video_frame', 'video_info']) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
