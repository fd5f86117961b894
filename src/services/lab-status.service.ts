import type { CaseProgress, FileFailure } from '../adapters/queue/lab-store.js';
import type { LabWorkerRow } from '../db/schema.js';
import type { JobQueue, QueueStats } from './job-queue.js';
import { FILES_QUEUE, MATCH_QUEUE } from './lab.service.js';

export interface WorkerStatus {
  id: string; host: string; pid: number; stages: string; status: string; lastHeartbeat: string; heartbeatAgeSec: number;
  /** running | stopped | silent (no heartbeat for a minute: probably dead; its jobs come back after their lease). */
  state: 'running' | 'stopped' | 'silent';
  filesDone: number; filesPerSec: number; mbPerSec: number;
}

export interface LabStatus {
  /** Null in embedded mode (no queue between commands). */
  queues: { files: QueueStats; match: QueueStats } | null;
  workers: WorkerStatus[];
  cases: CaseProgress[];
  failures: FileFailure[];
}

export interface LabStatusStore {
  workers(): Promise<LabWorkerRow[]>;
  caseProgress(caseId?: string): Promise<CaseProgress[]>;
  failures(limit: number, caseId?: string): Promise<FileFailure[]>;
}

/** A worker is silent when its last heartbeat is older than this. */
const SILENT_AFTER_SEC = 60;

/**
 * What `winnow status` and the case dashboard show: the queues, the workers (host, pid, last heartbeat,
 * throughput), per-case progress from the database, and the latest failures.
 */
export class LabStatusService {
  constructor(private readonly store: LabStatusStore, private readonly queue: () => Promise<JobQueue | null>, private readonly clock: () => number = Date.now) {}

  async status(opts: { caseId?: string; failures?: number } = {}): Promise<LabStatus> {
    const q = await this.queue();
    const queues = q ? { files: await q.stats(FILES_QUEUE), match: await q.stats(MATCH_QUEUE) } : null;
    const now = this.clock();
    const workers = (await this.store.workers()).map((w): WorkerStatus => {
      const secs = Math.max(0.001, (Date.parse(w.heartbeat_at) - Date.parse(w.started_at)) / 1000);
      const age = Math.round((now - Date.parse(w.heartbeat_at)) / 1000);
      return {
        id: w.id, host: w.host, pid: w.pid, stages: w.stages, status: w.status, lastHeartbeat: w.heartbeat_at, heartbeatAgeSec: age,
        state: w.status === 'stopped' ? 'stopped' : age > SILENT_AFTER_SEC ? 'silent' : 'running',
        filesDone: Number(w.files_done), filesPerSec: Number(w.files_done) / secs, mbPerSec: Number(w.bytes_done) / 1e6 / secs,
      };
    });
    return { queues, workers, cases: await this.store.caseProgress(opts.caseId), failures: await this.store.failures(opts.failures ?? 20, opts.caseId) };
  }
}
