import type { DatabaseHandle } from '../connection.js';
import type { CaseRow } from '../schema.js';

export class CaseRepository {
  constructor(private readonly h: DatabaseHandle) {}

  async create(row: CaseRow): Promise<void> {
    await this.h.db.insertInto('case').values(row).execute();
  }

  findByName(name: string): Promise<CaseRow | undefined> {
    return this.h.db.selectFrom('case').selectAll().where('name', '=', name).executeTakeFirst();
  }

  list(): Promise<CaseRow[]> {
    return this.h.db.selectFrom('case').selectAll().orderBy('created_at').execute();
  }

  /** Per-case counts for `case list`. */
  async counts(): Promise<Map<string, { evidence: number; files: number; bytes: number }>> {
    const rows = await this.h.db
      .selectFrom('case')
      .leftJoin('evidence', 'evidence.case_id', 'case.id')
      .leftJoin('file', 'file.evidence_id', 'evidence.id')
      .select((eb) => [
        'case.id as id',
        eb.fn.count<number>('evidence.id').distinct().as('evidence'),
        eb.fn.count<number>('file.id').as('files'),
        eb.fn.coalesce(eb.fn.sum<number>('file.size'), eb.val(0)).as('bytes'),
      ])
      .where((eb) => eb.or([eb('file.parent_id', 'is', null), eb('file.id', 'is', null)]))
      .groupBy('case.id')
      .execute();
    return new Map(rows.map((r) => [r.id, { evidence: Number(r.evidence), files: Number(r.files), bytes: Number(r.bytes) }]));
  }
}
