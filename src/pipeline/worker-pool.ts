import { MessageChannel, Worker } from 'node:worker_threads';
import { failedEntry, type ProcessedEntry } from '../domain/entry.js';
import { HELPER_ALGORITHMS } from '../hashing/triple-digest.js';
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
  /** Jobs handed to this worker, in the order it runs them; the first is the one it is working on. */
  jobs: Pending[];
  /** Bytes (declared sizes) of `jobs`. */
  bytes: number;
  /** Runs a file whose digests are split with a helper: nothing else is queued behind it. */
  splitting: boolean;
  /** Helping another worker with the digests of this job id. */
  helping: number | null;
}

/** Files at least this large have their digests split over two workers when two are free. */
export const SPLIT_MIN_BYTES = 64 * 1024 * 1024;
/**
 * A worker gets up to this many jobs / bytes ahead of the one it runs, so that it never waits for the main thread
 * (which also walks the source and writes to the database, and on a busy machine may be slow to wake up).
 * Small enough that the workers finish within a fraction of a second of each other at the end.
 */
const PREFETCH_JOBS = 32;
const PREFETCH_BYTES = 32 * 1024 * 1024;

/**
 * A fixed set of worker threads processing disk files. A worker that dies (native decoder crash, out of memory)
 * is replaced; the file it was working on is reported as failed with the reason, not lost, and the files queued
 * behind it go back to the queue.
 *
 * A large file (≥ SPLIT_MIN_BYTES) is read once by one worker while a second, otherwise idle, worker computes MD5 of
 * the same chunks (the reader computes SHA-1 and SHA-256): one file then hashes at single-core MD5 speed instead of
 * the ~2.5× slower one-core triple hash. Small files go first while a large file waits for two free workers;
 * with nothing else to do, or when the other workers are themselves busy with large files, it runs on one worker.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private idleWaiters: (() => void)[] = [];
  private backlogWaiters: { n: number; resolve: () => void }[] = [];
  private closed = false;
  /** Files whose digests were split over two workers so far. */
  splitFiles = 0;

  constructor(
    private readonly size: number,
    private readonly init: WorkerInit,
    private readonly splitMinBytes = SPLIT_MIN_BYTES,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./file-worker.js', import.meta.url), { workerData: this.init });
    const slot: Slot = { worker, jobs: [], bytes: 0, splitting: false, helping: null };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => {
      // Workers only exit when stopped: any other exit (even code 0, e.g. terminated before it started) is a crash.
      if (!this.closed) this.onCrash(slot, new Error(`worker exited with code ${code}`));
    });
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    const current = slot.jobs[0];
    if (m.type === 'members' && current?.jobId === m.jobId) current.onMembers(m.entries);
    else if (m.type === 'done' && current?.jobId === m.jobId) {
      slot.jobs.shift();
      slot.bytes -= current.job.size ?? 0;
      slot.splitting = false;
      current.resolve(m.entry);
      this.pump();
    } else if (m.type === 'helped' && slot.helping === m.jobId) {
      slot.helping = null;
      this.pump();
    }
  }

  private onCrash(slot: Slot, err: Error): void {
    if (!this.slots.includes(slot)) return;
    // The other half of a split file cannot finish without this one: replace it too (a reader's file is failed).
    const partner = this.partnerOf(slot);
    this.replace(slot, `processing crashed the worker: ${err.message}`);
    if (partner) this.replace(partner, `processing crashed the worker helping with the digests: ${err.message}`);
    this.pump();
  }

  /** The worker on the other side of a split file, if `slot` is in one. */
  private partnerOf(slot: Slot): Slot | null {
    const id = slot.splitting ? slot.jobs[0]?.jobId : slot.helping;
    if (id === undefined || id === null) return null;
    return this.slots.find((s) => s !== slot && (slot.splitting ? s.helping === id : s.splitting && s.jobs[0]?.jobId === id)) ?? null;
  }

  /** Terminate a worker and start a fresh one: its current file is reported failed, files queued behind it go back. */
  private replace(slot: Slot, reason: string): void {
    const idx = this.slots.indexOf(slot);
    if (idx < 0) return;
    const [current, ...notStarted] = slot.jobs;
    slot.jobs = [];
    void slot.worker.terminate();
    if (this.closed) return;
    this.slots[idx] = this.spawn();
    if (current) {
      current.resolve(failedEntry(current.job, reason, 'ECRASH'));
    }
    this.queue.unshift(...notStarted);
  }

  /** Number of jobs waiting for a worker (for back-pressure). */
  get backlog(): number {
    return this.queue.length;
  }

  get inFlight(): number {
    return this.queue.length + this.slots.reduce((n, s) => n + s.jobs.length, 0);
  }

  submit(job: DiskFileJob, onMembers: (entries: ProcessedEntry[]) => void): Promise<ProcessedEntry> {
    return new Promise((resolve) => {
      this.queue.push({ jobId: this.nextId++, job, onMembers, resolve });
      this.pump();
    });
  }

  private isLarge(p: Pending): boolean {
    return (p.job.size ?? 0) >= this.splitMinBytes;
  }

  private isFree(s: Slot): boolean {
    return s.jobs.length === 0 && s.helping === null && !s.splitting;
  }

  private hasRoom(s: Slot): boolean {
    if (s.helping !== null || s.splitting) return false;
    return s.jobs.length === 0 || (s.jobs.length <= PREFETCH_JOBS && s.bytes < PREFETCH_BYTES);
  }

  private assign(slot: Slot, p: Pending, helper?: Slot): void {
    slot.jobs.push(p);
    slot.bytes += p.job.size ?? 0;
    if (!helper) {
      slot.worker.postMessage({ type: 'job', jobId: p.jobId, job: p.job } satisfies ToWorker);
      return;
    }
    const { port1, port2 } = new MessageChannel();
    this.splitFiles++;
    slot.splitting = true;
    helper.helping = p.jobId;
    helper.worker.postMessage({ type: 'help', jobId: p.jobId, port: port2, algorithms: [...HELPER_ALGORITHMS] } satisfies ToWorker, [port2]);
    slot.worker.postMessage({ type: 'job', jobId: p.jobId, job: p.job, helper: port1 } satisfies ToWorker, [port1]);
  }

  /** Index in the queue of the next job for `slot`, or -1 to leave it waiting. */
  private pickFor(slot: Slot): number {
    const small = this.queue.findIndex((p) => !this.isLarge(p));
    if (small >= 0) return small;
    // only large files are waiting
    if (this.slots.length < 2) return 0;
    if (slot.jobs.length > 0) return -1; // keep it free to pair up
    // Run it alone only if no partner can be expected soon: every other worker is busy with large files (a helper
    // whose file is finished will be free in a moment).
    const running = new Set(this.slots.filter((s) => s.splitting).map((s) => s.jobs[0]?.jobId));
    const othersBusyLong = this.slots.every(
      (s) => s === slot || s.splitting || (s.helping !== null && running.has(s.helping)) || s.jobs.some((p) => this.isLarge(p)),
    );
    return othersBusyLong ? 0 : -1;
  }

  private pump(): void {
    for (;;) {
      if (this.queue.length === 0) break;
      const free = this.slots.filter((s) => this.isFree(s));
      const large = free.length >= 2 ? this.queue.findIndex((p) => this.isLarge(p)) : -1;
      if (large >= 0) {
        this.assign(free[0]!, this.queue.splice(large, 1)[0]!, free[1]!);
        continue;
      }
      let slot: Slot | null = null;
      for (const s of this.slots) if (this.hasRoom(s) && (!slot || s.jobs.length < slot.jobs.length)) slot = s;
      if (!slot) break;
      const i = this.pickFor(slot);
      if (i < 0) break;
      this.assign(slot, this.queue.splice(i, 1)[0]!);
    }
    if (this.backlogWaiters.length) {
      const ready = this.backlogWaiters.filter((w) => this.queue.length <= w.n);
      this.backlogWaiters = this.backlogWaiters.filter((w) => this.queue.length > w.n);
      ready.forEach((w) => w.resolve());
    }
    if (this.inFlight === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      w.forEach((f) => f());
    }
  }

  /** Resolves when the backlog is at most `n` jobs. */
  async waitForBacklog(n: number): Promise<void> {
    if (this.queue.length <= n) return;
    await new Promise<void>((resolve) => this.backlogWaiters.push({ n, resolve }));
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
