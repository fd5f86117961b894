import type { DatabaseHandle } from '../connection.js';
import type { EvidenceRow, EvidenceUpdate, NewEvidence } from '../schema.js';

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
}
