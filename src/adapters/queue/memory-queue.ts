/**
 * The in-process job queue: the embedded default behind the JobQueue port (services/job-queue.ts), with the same
 * semantics as the pg-boss queue (leases, bounded retries, singleton keys, stats), held to them by the shared
 * conformance suite. Nothing is persisted: like pg-boss's queue, it is disposable, because progress lives in
 * file_stage. Written here (not a library) because it is ~150 lines of plain bookkeeping and the embedded mode must
 * not need a server.
 *
 * Leases are checked lazily on every call (no timers to clean up): an active job whose lease has run out goes back
 * to waiting (or fails for good when its retries are used up), exactly as pg-boss's supervisor does.
 */
import { randomUUID } from 'node:crypto';
import type { EnqueueItem, FailedJob, JobQueue, QueueJob, QueueOptions, QueueStats } from '../../services/job-queue.js';

type State = 'created' | 'retry' | 'active' | 'completed' | 'failed';

interface MemJob {
  id: string;
  data: object;
  singletonKey: string | null;
  state: State;
  retryCount: number;
  startedAt: number | null;
  /** The job has been fetched at least once (pg-boss: started_on set), so the next fetch is a retry. */
  started: boolean;
  error: string | null;
  finishedAt: number;
}

interface MemQueue {
  opts: QueueOptions;
  jobs: Map<string, MemJob>;
}

export class MemoryJobQueue implements JobQueue {
  private readonly queues = new Map<string, MemQueue>();

  constructor(private readonly now: () => number = Date.now) {}

  private queue(name: string): MemQueue {
    const q = this.queues.get(name);
    if (!q) throw new Error(`queue ${name} does not exist (createQueue first)`);
    return q;
  }

  async createQueue(name: string, opts: QueueOptions): Promise<void> {
    if (!this.queues.has(name)) this.queues.set(name, { opts: { ...opts }, jobs: new Map() });
  }

  /** Active jobs past their lease: retried or failed, as if their worker had reported a failure. */
  private expire(q: MemQueue): void {
    const t = this.now();
    for (const j of q.jobs.values()) {
      if (j.state === 'active' && j.startedAt !== null && t - j.startedAt > q.opts.leaseSeconds * 1000) {
        this.failJob(q, j, 'job failed by timeout in active state (lease expired)');
      }
    }
  }

  private failJob(q: MemQueue, j: MemJob, error: string): void {
    j.error = error;
    j.startedAt = null;
    if (j.retryCount < q.opts.retryLimit) j.state = 'retry';
    else {
      j.state = 'failed';
      j.finishedAt = this.now();
    }
  }

  async enqueue<T extends object>(name: string, item: EnqueueItem<T>): Promise<string | null> {
    const q = this.queue(name);
    this.expire(q);
    if (item.singletonKey !== undefined) {
      for (const j of q.jobs.values()) if (j.state === 'created' && j.singletonKey === item.singletonKey) return null;
    }
    const id = randomUUID();
    q.jobs.set(id, {
      id, data: structuredClone(item.data), singletonKey: item.singletonKey ?? null, state: 'created', retryCount: 0,
      startedAt: null, started: false, error: null, finishedAt: 0,
    });
    return id;
  }

  async enqueueBatch<T extends object>(name: string, items: readonly EnqueueItem<T>[]): Promise<void> {
    for (const item of items) await this.enqueue(name, item);
  }

  async fetch<T extends object>(name: string, max: number): Promise<QueueJob<T>[]> {
    const q = this.queue(name);
    this.expire(q);
    const out: QueueJob<T>[] = [];
    for (const j of q.jobs.values()) {
      if (out.length >= max) break;
      if (j.state !== 'created' && j.state !== 'retry') continue;
      if (j.started) j.retryCount++;
      j.started = true;
      j.state = 'active';
      j.startedAt = this.now();
      out.push({ id: j.id, data: structuredClone(j.data) as T, retryCount: j.retryCount, retryLimit: q.opts.retryLimit });
    }
    return out;
  }

  async complete(name: string, id: string): Promise<void> {
    const j = this.queue(name).jobs.get(id);
    if (j?.state === 'active') {
      j.state = 'completed';
      j.finishedAt = this.now();
    }
  }

  async fail(name: string, id: string, error: string): Promise<void> {
    const q = this.queue(name);
    const j = q.jobs.get(id);
    if (j && (j.state === 'active' || j.state === 'created' || j.state === 'retry')) this.failJob(q, j, error);
  }

  async stats(name: string): Promise<QueueStats> {
    const q = this.queue(name);
    this.expire(q);
    const s: QueueStats = { queued: 0, active: 0, completed: 0, failed: 0 };
    for (const j of q.jobs.values()) {
      if (j.state === 'created' || j.state === 'retry') s.queued++;
      else s[j.state]++;
    }
    return s;
  }

  async failures<T extends object>(name: string, limit: number): Promise<FailedJob<T>[]> {
    const q = this.queue(name);
    this.expire(q);
    return [...q.jobs.values()]
      .filter((j) => j.state === 'failed')
      .sort((a, b) => b.finishedAt - a.finishedAt)
      .slice(0, limit)
      .map((j) => ({ id: j.id, data: structuredClone(j.data) as T, error: j.error ?? '' }));
  }

  async close(): Promise<void> {
    this.queues.clear();
  }
}
