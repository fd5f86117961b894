/**
 * Lab mode (issue 8): many `winnow worker` processes, on any machines that see the evidence, process one case
 * through a job queue on the workspace's PostgreSQL.
 *
 * Design decisions:
 * - `winnow scan` lists files into the database exactly as in embedded mode (ScanService), but instead of handing
 *   each file to the local WorkerPool it hands batches of BATCH_FILES files to the queue (immich's shape: progress
 *   rows in our tables, coarse jobs in the queue). A job carries the DiskFileJobs themselves (absolute path, or the
 *   TSK address inside a disk image), so a disk image's files are spread over many workers like a folder's.
 * - A job handler is idempotent: it skips files whose digest stage is already stored, and results are upserts keyed
 *   by the deterministic file id, so a batch processed twice (a lease that expired on a slow worker) is stored once.
 * - A crash of a whole worker process (segfault in a decoder, OOM kill) cannot report anything: the job's lease runs
 *   out and the queue hands it out again. A retried batch is split into single-file jobs, so a poison file only
 *   takes itself down; on a single file's last attempt a `failed` outcome is written *before* processing, so if it
 *   kills the worker again the file stays failed with that reason and nothing is retried forever. (Crashes of a
 *   worker *thread* are already turned into failed files by the WorkerPool.)
 * - When the last listed file of an evidence item has an outcome, the worker that stored it marks the item done
 *   and queues the case's match stage (one job per case; its singleton key keeps it from piling up).
 * - This module does no I/O itself: the queue, repositories, pool and clock come in through LabPorts.
 */
import { failedEntry, type ProcessedEntry } from '../domain/entry.js';
import type { DiskFileJob } from '../pipeline/entry-processor.js';
import type { JobQueue, QueueJob } from './job-queue.js';
import type { ScanPorts } from './scan.service.js';
import type { EvidenceRow, FileRow } from '../db/schema.js';

export const FILES_QUEUE = 'winnow-files';
export const MATCH_QUEUE = 'winnow-match';
/** Files per queued job (immich batches its jobs the same way): ~ a few seconds of work for one worker. */
export const BATCH_FILES = 200;
/** Retries after the first attempt, for batches and single files alike. */
export const RETRY_LIMIT = 2;
/** Default lease: a batch of 200 files (some of them large videos or archives) on a slow share. */
export const DEFAULT_LEASE_SECONDS = 15 * 60;

export type LabStage = 'hash' | 'match';
export const ALL_STAGES: readonly LabStage[] = ['hash', 'match'];

export interface FileBatchData {
  caseId: string;
  evidenceId: string;
  files: DiskFileJob[];
}

export interface MatchJobData {
  caseId: string;
  caseName: string;
}

/** Create both queues (idempotent). */
export async function createLabQueues(queue: JobQueue, leaseSeconds = DEFAULT_LEASE_SECONDS): Promise<void> {
  await queue.createQueue(FILES_QUEUE, { retryLimit: RETRY_LIMIT, leaseSeconds });
  await queue.createQueue(MATCH_QUEUE, { retryLimit: RETRY_LIMIT, leaseSeconds });
}

/** The singleton key of a batch: its evidence item and first file (re-enqueueing a waiting batch is a no-op). */
function batchKey(evidenceId: string, files: readonly DiskFileJob[]): string {
  return `${evidenceId}:${files[0]?.relPath ?? ''}:${files.length}`;
}

/** Queue files of one evidence item in batches of BATCH_FILES. */
export async function enqueueFiles(queue: JobQueue, caseId: string, evidenceId: string, files: readonly DiskFileJob[], batchFiles = BATCH_FILES): Promise<number> {
  const items = [];
  for (let i = 0; i < files.length; i += batchFiles) {
    const chunk = files.slice(i, i + batchFiles);
    items.push({ data: { caseId, evidenceId, files: chunk } satisfies FileBatchData, singletonKey: batchKey(evidenceId, chunk) });
  }
  await queue.enqueueBatch<FileBatchData>(FILES_QUEUE, items);
  return items.length;
}

/** Rewrite evidence paths for a worker that mounts the evidence elsewhere (`--path-map FROM=TO`). */
export function mapPath(path: string, map: readonly { from: string; to: string }[]): string {
  for (const m of map) {
    if (path === m.from || path.startsWith(m.from.endsWith('/') ? m.from : `${m.from}/`)) return m.to + path.slice(m.from.length);
  }
  return path;
}

function mapJob(job: DiskFileJob, map: readonly { from: string; to: string }[]): DiskFileJob {
  if (map.length === 0) return job;
  return { ...job, absPath: mapPath(job.absPath, map), ...(job.image ? { image: { ...job.image, tskArgs: job.image.tskArgs.map((a) => mapPath(a, map)) } } : {}) };
}

export interface LabPorts {
  queue: JobQueue;
  files: Pick<ScanPorts['files'], 'saveProcessed' | 'pendingPaths' | 'pendingTopLevel'>;
  evidence: { update(id: string, patch: Partial<EvidenceRow>): Promise<void> };
  store: {
    evidenceById(id: string): Promise<EvidenceRow | undefined>;
    evidenceOfCase(caseId: string): Promise<EvidenceRow[]>;
    /** Evidence items listed completely but not marked done (their last batch may have died with its worker). */
    unfinishedEvidence(): Promise<EvidenceRow[]>;
    /** Mark an evidence item done unless it already is; true for the one caller that changed it. */
    markEvidenceDone(id: string, at: string): Promise<boolean>;
    registerWorker(w: { id: string; host: string; pid: number; stages: string; concurrency: number }): Promise<void>;
    heartbeat(id: string, files?: number, bytes?: number): Promise<void>;
    stopWorker(id: string): Promise<void>;
  };
  thumbnails: ScanPorts['thumbnails'];
  process: Pick<ScanPorts['process'], 'submit'>;
  /** Run the match stage of a case (MatchService.matchCase). */
  matchCase(caseName: string): Promise<void>;
  caseName(caseId: string): Promise<string>;
  now(): string;
}

export interface LabWorkerOptions {
  id: string;
  host: string;
  pid: number;
  stages: readonly LabStage[];
  /** Batches processed at once (the WorkerPool's threads are shared by them). */
  concurrency: number;
  pathMap?: readonly { from: string; to: string }[];
  heartbeatMs?: number;
  /** Wait between polls of an empty queue. */
  idleMs?: number;
  /** Called after every job (tests and progress lines). */
  onJob?: (info: { queue: string; files: number; retryCount: number }) => void;
  /** A database or queue error the worker survived (it backs off and goes on); default: ignored. */
  onError?: (err: Error) => void;
}

/**
 * One `winnow worker`: polls the queues, processes file batches with the shared pipeline, runs the match stage,
 * and heartbeats into lab_worker until stopped.
 */
export class LabWorker {
  private stopping = false;
  private filesSinceBeat = 0;
  private bytesSinceBeat = 0;
  private wake: (() => void) | null = null;
  private lastSweep = 0;

  constructor(private readonly ports: LabPorts, private readonly opts: LabWorkerOptions) {}

  /** Ask the loops to stop after their current job. */
  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  async run(): Promise<void> {
    const { store } = this.ports;
    await store.registerWorker({ id: this.opts.id, host: this.opts.host, pid: this.opts.pid, stages: this.opts.stages.join(','), concurrency: this.opts.concurrency });
    // A failed heartbeat (database unreachable for a moment) must not crash the process as an unhandled rejection.
    const beat = setInterval(() => { this.beat().catch((err: Error) => this.opts.onError?.(err)); }, this.opts.heartbeatMs ?? 5000);
    try {
      const loops = Array.from({ length: this.opts.concurrency }, () => this.loop());
      await Promise.all(loops);
    } finally {
      clearInterval(beat);
      await this.beat();
      await store.stopWorker(this.opts.id);
    }
  }

  /**
   * When idle, at most every few seconds: finish evidence items whose last outcome came without a batch completing —
   * a file that crashed its worker on its last attempt is recorded as failed before it runs, and no batch is left to
   * notice that the item is complete.
   */
  private async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < 3000) return;
    this.lastSweep = now;
    for (const ev of await this.ports.store.unfinishedEvidence()) await finishEvidenceIfDone(this.ports, ev.case_id, ev.id);
  }

  private async beat(): Promise<void> {
    const files = this.filesSinceBeat;
    const bytes = this.bytesSinceBeat;
    this.filesSinceBeat = 0;
    this.bytesSinceBeat = 0;
    await this.ports.store.heartbeat(this.opts.id, files, bytes);
  }

  private async loop(): Promise<void> {
    let backoffMs = 0;
    while (!this.stopping) {
      try {
        const did = await this.step();
        backoffMs = 0;
        if (!did) {
          await this.sweep();
          await this.idle(this.opts.idleMs ?? 1000);
        }
      } catch (err) {
        // The database or the queue failed (a restart, a dropped connection, a lock timeout): a worker must outlive
        // that, not exit and leave its share of the seizure to the others. Back off (1 s doubling to 30 s) and retry;
        // a job it held comes back to the queue after its lease.
        this.opts.onError?.(err as Error);
        backoffMs = Math.min(30_000, backoffMs ? backoffMs * 2 : 1000);
        await this.idle(backoffMs);
      }
    }
  }

  /** Fetch and run one job (a batch of files, else a match); false when both queues were empty. */
  private async step(): Promise<boolean> {
    const { queue } = this.ports;
    if (this.opts.stages.includes('hash')) {
      const [job] = await queue.fetch<FileBatchData>(FILES_QUEUE, 1);
      if (job) {
        await this.runJob(FILES_QUEUE, job, () => this.handleBatch(job));
        return true;
      }
    }
    if (this.opts.stages.includes('match')) {
      const [job] = await queue.fetch<MatchJobData>(MATCH_QUEUE, 1);
      if (job) {
        await this.runJob(MATCH_QUEUE, job, () => this.ports.matchCase(job.data.caseName));
        return true;
      }
    }
    return false;
  }

  private idle(ms: number): Promise<void> {
    return new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => { clearTimeout(t); r(); };
    });
  }

  private async runJob<T extends object>(name: string, job: QueueJob<T>, handle: () => Promise<unknown>): Promise<void> {
    try {
      await handle();
      await this.ports.queue.complete(name, job.id);
    } catch (err) {
      await this.ports.queue.fail(name, job.id, (err as Error).message);
    }
    const data = job.data as Partial<FileBatchData>;
    this.opts.onJob?.({ queue: name, files: data.files?.length ?? 0, retryCount: job.retryCount });
  }

  /** Process one batch of files (idempotent). */
  async handleBatch(job: QueueJob<FileBatchData>): Promise<void> {
    const { caseId, evidenceId } = job.data;
    const { files, queue } = this.ports;
    const pending = await files.pendingPaths(evidenceId, job.data.files.map((f) => f.relPath), 'digest');
    const todo = job.data.files.filter((f) => pending.has(f.relPath));
    if (todo.length > 1 && job.retryCount > 0) {
      // An earlier attempt died (or outlived its lease) on this batch: one job per remaining file, so that a file
      // that crashes workers only takes itself down.
      await queue.enqueueBatch<FileBatchData>(FILES_QUEUE, todo.map((f) => ({ data: { caseId, evidenceId, files: [f] }, singletonKey: batchKey(evidenceId, [f]) })));
      return;
    }
    if (todo.length === 1 && job.retryCount >= job.retryLimit) {
      // Last attempt: record the failure first; a success overwrites it, another crash leaves it.
      const f = todo[0]!;
      await files.saveProcessed(evidenceId, [failedEntry(f, `processing this file stopped its worker ${job.retryCount} times (crash or lease expired); not retried`, 'ECRASH')]);
    }
    if (todo.length) {
      const results: ProcessedEntry[] = [];
      await Promise.all(todo.map(async (f) => {
        const entry = await this.ports.process.submit(mapJob(f, this.opts.pathMap ?? []), (members) => { results.push(...members); });
        // results are stored under the path as the scan listed it, whatever this worker's mount point
        results.push(entry);
      }));
      this.ports.thumbnails.save(evidenceId, results);
      await files.saveProcessed(evidenceId, results);
      this.filesSinceBeat += todo.length;
      this.bytesSinceBeat += todo.reduce((a, f) => a + (f.size ?? 0), 0);
    }
    await this.finishEvidenceIfDone(caseId, evidenceId);
  }

  private async finishEvidenceIfDone(caseId: string, evidenceId: string): Promise<void> {
    await finishEvidenceIfDone(this.ports, caseId, evidenceId);
  }
}

type FinishPorts = Pick<LabPorts, 'queue' | 'files' | 'store' | 'evidence' | 'caseName' | 'now'>;

/**
 * The evidence item is done once listed completely and every listed file has an outcome; when it is the case's last
 * one, the case's match stage is queued. Called by workers after each batch and by the scan once its listing is
 * complete (the workers may have finished first).
 */
export async function finishEvidenceIfDone(ports: FinishPorts, caseId: string, evidenceId: string): Promise<boolean> {
  const ev = await ports.store.evidenceById(evidenceId);
  if (!ev || ev.status === 'done' || !ev.enumerated_at) return false;
  if ((await ports.files.pendingTopLevel(evidenceId, 'digest', '', 1)).length > 0) return false;
  // Several workers (and their idle sweeps) can get here for the same item at once: only the one whose update changed
  // the row queues the match, so a case is never matched by two concurrent jobs.
  if (!(await ports.store.markEvidenceDone(evidenceId, ports.now()))) return false;
  const all = await ports.store.evidenceOfCase(caseId);
  if (all.every((e) => e.id === evidenceId || e.status === 'done')) {
    await ports.queue.enqueue<MatchJobData>(MATCH_QUEUE, { data: { caseId, caseName: await ports.caseName(caseId) }, singletonKey: caseId });
  }
  return true;
}

/** What ScanService needs in lab mode: hand files to the queue instead of the local pool. */
export interface LabDispatch {
  enqueue(caseId: string, evidenceId: string, files: readonly DiskFileJob[]): Promise<number>;
  /** The scan has listed the whole evidence item. */
  listed(caseId: string, evidenceId: string): Promise<void>;
}

export function labDispatch(ports: FinishPorts, batchFiles = BATCH_FILES): LabDispatch {
  return {
    enqueue: (caseId, evidenceId, files) => enqueueFiles(ports.queue, caseId, evidenceId, files, batchFiles),
    listed: async (caseId, evidenceId) => { await finishEvidenceIfDone(ports, caseId, evidenceId); },
  };
}

/**
 * Rebuild the jobs of a case from the database (`winnow jobs requeue`): every listed top-level file without a digest
 * outcome is queued again, in batches. Files inside a disk image need the image's TSK reference, which `imageRef`
 * supplies (the CLI re-inspects the image). Returns the number of files and jobs queued.
 */
export async function requeueCase(
  ports: Pick<LabPorts, 'queue' | 'files' | 'store'>,
  caseId: string,
  imageRef: (ev: EvidenceRow, row: FileRow) => Promise<DiskFileJob['image'] | null>,
  batchFiles = BATCH_FILES,
): Promise<{ files: number; jobs: number; unreachable: number }> {
  let filesN = 0;
  let jobsN = 0;
  let unreachable = 0;
  for (const ev of await ports.store.evidenceOfCase(caseId)) {
    let after = '';
    for (;;) {
      const rows = await ports.files.pendingTopLevel(ev.id, 'digest', after, 1000);
      if (rows.length === 0) break;
      const jobs: DiskFileJob[] = [];
      for (const r of rows) {
        after = r.path;
        const times = { mtime: r.mtime, atime: r.atime, ctime: r.ctime, birthtime: r.birthtime };
        const job: DiskFileJob = { absPath: ev.kind === 'folder' ? `${ev.source_path}/${r.path}` : ev.source_path, relPath: r.path, depth: r.depth, size: r.size === null ? null : Number(r.size), times };
        if (ev.kind === 'disk-image') {
          const ref = await imageRef(ev, r);
          if (!ref) {
            unreachable++;
            continue;
          }
          job.image = ref;
        }
        jobs.push(job);
      }
      filesN += jobs.length;
      jobsN += await enqueueFiles(ports.queue, caseId, ev.id, jobs, batchFiles);
    }
  }
  return { files: filesN, jobs: jobsN, unreachable };
}
