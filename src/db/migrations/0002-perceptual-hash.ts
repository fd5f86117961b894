import type { Kysely, Migration } from 'kysely';
import type { EngineCapabilities } from '../engine.js';

type AnyDb = Kysely<any>; // any: a migration sees the schema as it was then, not today's typed view

/** Perceptual hashes per file and algorithm (PDQ now; vPDQ frames later get their own table). */
export function perceptualHash(_caps: EngineCapabilities): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('perceptual_hash')
        .addColumn('file_id', 'text', (c) => c.notNull().references('file.id').onDelete('cascade'))
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('quality', 'integer', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('usable', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('perceptual_hash_pk', ['file_id', 'algorithm'])
        .execute();
      await db.schema.createIndex('perceptual_hash_hash_idx').on('perceptual_hash').columns(['algorithm', 'hash']).execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('perceptual_hash').ifExists().execute();
    },
  };
}
