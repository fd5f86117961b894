/**
 * Lab-mode bookkeeping in the workspace database: the `lab_worker` table (who works, their heartbeat and
 * throughput) and the read-only progress queries behind `winnow status` and `winnow scan --follow`. Progress is
 * derived from file/file_stage (the source of truth), never from the queue, which is disposable.
 */
import type { DatabaseHandle } from '../../db/connection.js';
import type { EvidenceRow, LabWorkerRow } from '../../db/schema.js';
import { nowIso } from '../../util/time.js';

export interface CaseProgress {
  caseName: string;
  evidence: number;
  evidenceDone: number;
  /** Top-level files listed by the scans (archive members are counted under their archive). */
  listed: number;
  /** Top-level files with a digest outcome (done, skipped or failed). */
  processed: number;
  failed: number;
}

export interface FileFailure {
  caseName: string;
  path: string;
  error: string | null;
  attempts: number;
}

export class LabStore {
  constructor(private readonly h: DatabaseHandle) {}

  async registerWorker(w: { id: string; host: string; pid: number; stages: string; concurrency: number }): Promise<void> {
    const now = nowIso();
    await this.h.db.insertInto('lab_worker').values({ ...w, started_at: now, heartbeat_at: now, files_done: 0, bytes_done: 0, status: 'running' }).execute();
  }

  /** Heartbeat, adding what the worker stored since the last one. */
  async heartbeat(id: string, files = 0, bytes = 0): Promise<void> {
    await this.h.db.updateTable('lab_worker')
      .set((eb) => ({ heartbeat_at: nowIso(), files_done: eb(eb.ref('files_done'), '+', files), bytes_done: eb(eb.ref('bytes_done'), '+', bytes) }))
      .where('id', '=', id).execute();
  }

  async stopWorker(id: string): Promise<void> {
    await this.h.db.updateTable('lab_worker').set({ status: 'stopped', heartbeat_at: nowIso() }).where('id', '=', id).execute();
  }

  async workers(): Promise<LabWorkerRow[]> {
    return this.h.db.selectFrom('lab_worker').selectAll().orderBy('started_at').execute();
  }

  async evidenceOfCase(caseId: string): Promise<EvidenceRow[]> {
    return this.h.db.selectFrom('evidence').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
  }

  async unfinishedEvidence(): Promise<EvidenceRow[]> {
    return this.h.db.selectFrom('evidence').selectAll().where('enumerated_at', 'is not', null).where('status', '=', 'processing').execute();
  }

  async markEvidenceDone(id: string, at: string): Promise<boolean> {
    const r = await this.h.db.updateTable('evidence').set({ status: 'done', finished_at: at }).where('id', '=', id).where('status', '!=', 'done').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async evidenceById(id: string): Promise<EvidenceRow | undefined> {
    return this.h.db.selectFrom('evidence').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async caseProgress(caseId?: string): Promise<CaseProgress[]> {
    let q = this.h.db
      .selectFrom('case')
      .innerJoin('evidence', 'evidence.case_id', 'case.id')
      .select((eb) => [
        'case.name as caseName',
        eb.fn.count<number>('evidence.id').distinct().as('evidence'),
        eb.fn.count<number>(eb.case().when('evidence.status', '=', 'done').then(eb.ref('evidence.id')).end()).distinct().as('evidenceDone'),
      ])
      .groupBy('case.name');
    if (caseId) q = q.where('case.id', '=', caseId);
    const cases = await q.execute();
    const out: CaseProgress[] = [];
    for (const c of cases) {
      const files = await this.h.db
        .selectFrom('file')
        .innerJoin('evidence', 'evidence.id', 'file.evidence_id')
        .innerJoin('case', 'case.id', 'evidence.case_id')
        .leftJoin('file_stage', (j) => j.onRef('file_stage.file_id', '=', 'file.id').on('file_stage.stage', '=', 'digest'))
        .where('case.name', '=', c.caseName)
        .where('file.parent_id', 'is', null)
        .select((eb) => [
          eb.fn.countAll<number>().as('listed'),
          eb.fn.count<number>('file_stage.file_id').as('processed'),
          eb.fn.count<number>(eb.case().when('file_stage.status', '=', 'failed').then(1).end()).as('failed'),
        ])
        .executeTakeFirstOrThrow();
      out.push({ caseName: c.caseName, evidence: Number(c.evidence), evidenceDone: Number(c.evidenceDone), listed: Number(files.listed), processed: Number(files.processed), failed: Number(files.failed) });
    }
    return out;
  }

  async failures(limit: number, caseId?: string): Promise<FileFailure[]> {
    let q = this.h.db
      .selectFrom('file_stage')
      .innerJoin('file', 'file.id', 'file_stage.file_id')
      .innerJoin('evidence', 'evidence.id', 'file.evidence_id')
      .innerJoin('case', 'case.id', 'evidence.case_id')
      .where('file_stage.status', '=', 'failed')
      .select(['case.name as caseName', 'file.path', 'file_stage.error', 'file_stage.attempts'])
      .orderBy('file_stage.updated_at', 'desc')
      .limit(limit);
    if (caseId) q = q.where('case.id', '=', caseId);
    return q.execute();
  }
}
