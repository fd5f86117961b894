import { sql, type Kysely, type Migration } from 'kysely';
import type { EngineCapabilities } from '../engine.js';

// Migrations must not depend on the app's evolving Database type.
type AnyDb = Kysely<any>; // any: a migration sees the schema as it was then, not today's typed view

export function initialSchema(caps: EngineCapabilities): Migration {
  const { binary, bigint, double } = caps.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('case')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute();

      await db.schema
        .createTable('evidence')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('case_id', 'text', (c) => c.notNull().references('case.id').onDelete('cascade'))
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('source_path', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('size', sql.raw(bigint))
        .addColumn('acquisition_notes', 'text')
        .addColumn('examiner', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('enumerated_at', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('evidence_case_source_unique', ['case_id', 'source_path'])
        .execute();

      await db.schema
        .createTable('file')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('evidence_id', 'text', (c) => c.notNull().references('evidence.id').onDelete('cascade'))
        .addColumn('parent_id', 'text')
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('extension', 'text')
        .addColumn('entry_type', 'text', (c) => c.notNull())
        .addColumn('depth', 'integer', (c) => c.notNull())
        .addColumn('size', sql.raw(bigint))
        .addColumn('mtime', 'text')
        .addColumn('atime', 'text')
        .addColumn('ctime', 'text')
        .addColumn('birthtime', 'text')
        .addColumn('md5', sql.raw(binary))
        .addColumn('sha1', sql.raw(binary))
        .addColumn('sha256', sql.raw(binary))
        .addColumn('mime_type', 'text')
        .addColumn('detected_ext', 'text')
        .addColumn('extension_mismatch', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_archive', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('archive_status', 'text')
        .addColumn('member_count', 'integer')
        .addColumn('error', 'text')
        .addColumn('error_code', 'text')
        .addColumn('discovered_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('file_evidence_path_unique', ['evidence_id', 'path'])
        .execute();
      await db.schema.createIndex('file_parent_idx').on('file').column('parent_id').execute();
      await db.schema.createIndex('file_md5_idx').on('file').column('md5').execute();
      await db.schema.createIndex('file_sha1_idx').on('file').column('sha1').execute();
      await db.schema.createIndex('file_sha256_idx').on('file').column('sha256').execute();

      await db.schema
        .createTable('media_metadata')
        .addColumn('file_id', 'text', (c) => c.primaryKey().references('file.id').onDelete('cascade'))
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('make', 'text')
        .addColumn('model', 'text')
        .addColumn('body_serial', 'text')
        .addColumn('internal_serial', 'text')
        .addColumn('lens_serial', 'text')
        .addColumn('date_time_original', 'text')
        .addColumn('gps_lat', sql.raw(double))
        .addColumn('gps_lon', sql.raw(double))
        .addColumn('gps_alt', sql.raw(double))
        .addColumn('software', 'text')
        .addColumn('orientation', 'integer')
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('media_make_model_idx').on('media_metadata').columns(['make', 'model']).execute();
      await db.schema.createIndex('media_body_serial_idx').on('media_metadata').column('body_serial').execute();

      await db.schema
        .createTable('file_stage')
        .addColumn('file_id', 'text', (c) => c.notNull().references('file.id').onDelete('cascade'))
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('error', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('file_stage_pk', ['file_id', 'stage'])
        .execute();
      await db.schema.createIndex('file_stage_stage_status_idx').on('file_stage').columns(['stage', 'status']).execute();
    },
    async down(db: AnyDb) {
      for (const t of ['file_stage', 'media_metadata', 'file', 'evidence', 'case']) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}
