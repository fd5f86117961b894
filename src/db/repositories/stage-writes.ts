import type { Kysely } from 'kysely';
import { chunkForEngine, type EngineCapabilities } from '../engine.js';
import type { Database, FileStageTable } from '../schema.js';

/**
 * Record stage outcomes (one row per file and stage). Idempotent: a stage recorded again takes the new status and
 * counts one more attempt — which is how tests prove that nothing finished was processed twice.
 */
export async function upsertStages(tx: Kysely<Database>, caps: EngineCapabilities, stages: readonly FileStageTable[]): Promise<void> {
  for (const chunk of chunkForEngine(caps, stages, 6)) {
    await tx
      .insertInto('file_stage')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['file_id', 'stage']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          error: eb.ref('excluded.error'),
          updated_at: eb.ref('excluded.updated_at'),
          attempts: eb(eb.ref('file_stage.attempts'), '+', 1),
        })),
      )
      .execute();
  }
}
