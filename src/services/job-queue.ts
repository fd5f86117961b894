/**
 * The job-queue port (issue 8, lab mode). Two implementations: an in-process queue (adapters/queue/memory-queue.ts,
 * the embedded default) and pg-boss on the workspace's PostgreSQL (adapters/queue/pgboss-queue.ts). One conformance
 * suite (test/conformance/job-queue.conformance.ts) holds both to the same contract.
 *
 * Design decisions:
 * - Pull, not push: a worker calls fetch() and then complete()/fail(). Our workers already have their own
 *   concurrency (the WorkerPool's threads); a pull loop lets them take exactly as much as they can run, and it is
 *   the same code on both queues (pg-boss's `work()` polling loop would hide that).
 * - Jobs are coarse (a batch of ~200 files, as immich batches), so the queue holds thousands of rows, not millions.
 * - The queue is disposable: progress is in file_stage, and the queue can be rebuilt from it (`winnow jobs requeue`).
 *   Handlers must therefore be idempotent; delivery is at-least-once.
 * - A job fetched and not completed within its lease (a dead worker) goes back to the queue, counting one attempt;
 *   after `retryLimit` retries it is failed with the last error, never retried again and never blocks the rest.
 */

export interface QueueOptions {
  /** Retries after the first attempt (so at most retryLimit + 1 runs). */
  retryLimit: number;
  /** How long a fetched job may stay unfinished before it is given to another worker. */
  leaseSeconds: number;
}

export interface EnqueueItem<T> {
  data: T;
  /** While a job with this key is waiting to be fetched, another with the same key is not queued. */
  singletonKey?: string;
}

export interface QueueJob<T> {
  id: string;
  data: T;
  /** Earlier attempts of this job (0 on its first run). */
  retryCount: number;
  retryLimit: number;
}

export interface QueueStats {
  /** Waiting to be fetched (new, or waiting for a retry). */
  queued: number;
  active: number;
  completed: number;
  failed: number;
}

export interface FailedJob<T> {
  id: string;
  data: T;
  error: string;
}

export interface JobQueue {
  /** Create the queue if needed (idempotent); must be called before other calls on that name. */
  createQueue(name: string, opts: QueueOptions): Promise<void>;
  /** Queue one job; returns its id, or null if a job with the same singleton key is already waiting. */
  enqueue<T extends object>(name: string, item: EnqueueItem<T>): Promise<string | null>;
  /** Queue many jobs in one round trip (duplicates of waiting singleton keys are dropped). */
  enqueueBatch<T extends object>(name: string, items: readonly EnqueueItem<T>[]): Promise<void>;
  /** Take up to `max` jobs; they are leased to the caller until completed, failed or the lease expires. */
  fetch<T extends object>(name: string, max: number): Promise<QueueJob<T>[]>;
  complete(name: string, id: string): Promise<void>;
  /** The attempt failed: retried while attempts remain, else failed for good with `error`. */
  fail(name: string, id: string, error: string): Promise<void>;
  stats(name: string): Promise<QueueStats>;
  /** Jobs failed for good, newest first. */
  failures<T extends object>(name: string, limit: number): Promise<FailedJob<T>[]>;
  close(): Promise<void>;
}
