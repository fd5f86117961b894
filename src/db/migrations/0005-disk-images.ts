import { sql, type Kysely, type Migration } from 'kysely';
import type { EngineCapabilities } from '../engine.js';

type AnyDb = Kysely<any>; // any: a migration sees the schema as it was then, not today's typed view

/**
 * Disk images (issue 5). The evidence item records the image container and acquisition metadata, and the outcome
 * of verifying the image hash (stored vs recomputed; a mismatch is kept, never hidden). `disk_volume` lists every
 * region of the partition table — file systems scanned, unallocated space and table structures recorded as
 * skipped. Files from an image carry the volume they came from, TSK's inode/MFT address, and whether the name was
 * deleted (content then recovered by TSK, with the caveat in `recovery_note`).
 */
export function diskImages(caps: EngineCapabilities): Migration {
  const { bigint } = caps.types;
  return {
    async up(db: AnyDb) {
      for (const [col, type] of [
        ['image_format', 'text'], ['image_segments', 'text'], ['acquisition', 'text'], ['verify_status', 'text'],
        ['stored_md5', 'text'], ['stored_sha1', 'text'], ['computed_md5', 'text'], ['computed_sha1', 'text'],
        ['verify_detail', 'text'], ['verified_at', 'text'],
      ] as const) {
        await db.schema.alterTable('evidence').addColumn(col, type).execute();
      }
      await db.schema.alterTable('file').addColumn('volume', 'text').execute();
      await db.schema.alterTable('file').addColumn('fs_addr', 'text').execute();
      await db.schema.alterTable('file').addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('file').addColumn('recovery_note', 'text').execute();
      await db.schema
        .createTable('disk_volume')
        .addColumn('evidence_id', 'text', (c) => c.notNull().references('evidence.id').onDelete('cascade'))
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('slot', 'text')
        .addColumn('start_sector', sql.raw(bigint), (c) => c.notNull())
        .addColumn('length_sectors', sql.raw(bigint))
        .addColumn('sector_size', 'integer', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('scheme', 'text')
        .addColumn('fs_type', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('disk_volume_pk', ['evidence_id', 'idx'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('disk_volume').ifExists().execute();
      for (const col of ['volume', 'fs_addr', 'deleted', 'recovery_note']) await db.schema.alterTable('file').dropColumn(col).execute();
      for (const col of ['image_format', 'image_segments', 'acquisition', 'verify_status', 'stored_md5', 'stored_sha1', 'computed_md5', 'computed_sha1', 'verify_detail', 'verified_at']) {
        await db.schema.alterTable('evidence').dropColumn(col).execute();
      }
    },
  };
}
