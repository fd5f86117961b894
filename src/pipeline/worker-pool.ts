import { Worker } from 'node:worker_threads';
import type { ProcessedEntry } from '../domain/entry.js';
import type { DiskFileJob } from './entry-processor.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

interface Pending {
  jobId: number;
  job: DiskFileJob;
  onMembers: (entries: ProcessedEntry[]) => void;
  resolve: (entry: ProcessedEntry) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

/**
 * A fixed set of worker threads processing disk files, one job per worker at a time. A worker that dies (native
 * decoder crash, out of memory) is replaced; its file is reported as failed with the reason, not lost.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly init: WorkerInit,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./file-worker.js', import.meta.url), { workerData: this.init });
    const slot: Slot = { worker, busy: null };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => {
      if (!this.closed && code !== 0) this.onCrash(slot, new Error(`worker exited with code ${code}`));
    });
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === 'members' && slot.busy?.jobId === m.jobId) slot.busy.onMembers(m.entries);
    if (m.type === 'done' && slot.busy?.jobId === m.jobId) {
      const p = slot.busy;
      slot.busy = null;
      p.resolve(m.entry);
      this.pump();
    }
  }

  private onCrash(slot: Slot, err: Error): void {
    const idx = this.slots.indexOf(slot);
    if (idx < 0) return;
    const p = slot.busy;
    slot.busy = null;
    void slot.worker.terminate();
    if (this.closed) return;
    this.slots[idx] = this.spawn();
    if (p) {
      p.resolve({
        path: p.job.relPath, parentPath: null, entryType: 'file', depth: p.job.depth, size: p.job.size, times: p.job.times,
        digests: null, type: null, isArchive: false, archiveStatus: null, memberCount: null,
        error: `processing crashed the worker: ${err.message}`, errorCode: 'ECRASH', media: null, stages: { digest: 'failed' },
      });
    }
    this.pump();
  }

  /** Number of jobs waiting for a worker (for back-pressure). */
  get backlog(): number {
    return this.queue.length;
  }

  get inFlight(): number {
    return this.queue.length + this.slots.filter((s) => s.busy).length;
  }

  submit(job: DiskFileJob, onMembers: (entries: ProcessedEntry[]) => void): Promise<ProcessedEntry> {
    return new Promise((resolve) => {
      this.queue.push({ jobId: this.nextId++, job, onMembers, resolve });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const p = this.queue.shift();
      if (!p) break;
      slot.busy = p;
      slot.worker.postMessage({ type: 'job', jobId: p.jobId, job: p.job } satisfies ToWorker);
    }
    if (this.inFlight === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      w.forEach((f) => f());
    }
  }

  /** Resolves when the backlog is at most `n` jobs. */
  async waitForBacklog(n: number): Promise<void> {
    while (this.queue.length > n) await new Promise<void>((r) => this.idleWaiters.push(r) && setTimeout(r, 20));
  }

  async drain(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((r) => { this.idleWaiters.push(r); });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            const t = setTimeout(() => void s.worker.terminate().then(() => resolve()), 10_000);
            s.worker.once('exit', () => { clearTimeout(t); resolve(); });
            s.worker.on('message', (m: FromWorker) => { if (m.type === 'stopped') void s.worker.terminate(); });
            s.worker.postMessage({ type: 'stop' } satisfies ToWorker);
          }),
      ),
    );
  }
}
