import type { DatabaseHandle } from '../connection.js';
import type { DiskVolumeRow, EvidenceRow, EvidenceUpdate, NewDiskVolume, NewEvidence } from '../schema.js';

export class EvidenceRepository {
  constructor(private readonly h: DatabaseHandle) {}

  async create(row: NewEvidence): Promise<void> {
    await this.h.db.insertInto('evidence').values(row).execute();
  }

  findBySource(caseId: string, sourcePath: string): Promise<EvidenceRow | undefined> {
    return this.h.db.selectFrom('evidence').selectAll().where('case_id', '=', caseId).where('source_path', '=', sourcePath).executeTakeFirst();
  }

  listForCase(caseId: string): Promise<EvidenceRow[]> {
    return this.h.db.selectFrom('evidence').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
  }

  async update(id: string, patch: EvidenceUpdate): Promise<void> {
    await this.h.db.updateTable('evidence').set(patch).where('id', '=', id).execute();
  }

  /** Replace the volume list of a disk-image evidence item (idempotent: a rerun writes the same rows). */
  async saveVolumes(evidenceId: string, volumes: readonly NewDiskVolume[]): Promise<void> {
    await this.h.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('disk_volume').where('evidence_id', '=', evidenceId).execute();
      for (const v of volumes) await tx.insertInto('disk_volume').values(v).execute();
    });
  }

  volumes(evidenceId: string): Promise<DiskVolumeRow[]> {
    return this.h.db.selectFrom('disk_volume').selectAll().where('evidence_id', '=', evidenceId).orderBy('idx').execute();
  }
}
