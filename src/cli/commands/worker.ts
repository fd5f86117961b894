/**
 * `winnow worker`: a lab-mode worker process (issue 8). Pulls file batches from the job queue on the workspace's
 * PostgreSQL and processes them with the same pipeline as `winnow scan` (a WorkerPool of threads running
 * EntryProcessor); workers can be started and stopped at any time, on any machine that sees the evidence at the
 * same path (or with --path-map). SIGINT/SIGTERM stop it after its current batches.
 */
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { mkdirSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { DEFAULT_ARCHIVE_LIMITS } from '../../domain/scan-limits.js';
import { WorkerPool } from '../../pipeline/worker-pool.js';
import { UserError } from '../../services/errors.js';
import { ALL_STAGES, createLabQueues, LabWorker, type LabStage } from '../../services/lab.service.js';
import { newId } from '../../util/ids.js';
import { Workspace, type GlobalOptions } from '../workspace.js';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function stagesOpt(v: string): LabStage[] {
  const s = v.split(',').map((x) => x.trim()).filter(Boolean);
  for (const x of s) if (!ALL_STAGES.includes(x as LabStage)) throw new InvalidArgumentError(`unknown stage "${x}" (stages: ${ALL_STAGES.join(', ')})`);
  return s as LabStage[];
}

function pathMapOpt(v: string, prev: { from: string; to: string }[] = []): { from: string; to: string }[] {
  const i = v.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError('FROM=TO, e.g. /mnt/evidence=/srv/evidence');
  return [...prev, { from: v.slice(0, i).replace(/\/+$/, ''), to: v.slice(i + 1).replace(/\/+$/, '') }];
}

/**
 * Fault injection for the crash tests (WINNOW_FAULT_CRASH_ON=regex): the whole worker process is SIGKILLed when it
 * is about to process a file whose path matches, as a decoder segfault or the OOM killer would. Nothing else changes;
 * unset (always, outside tests) it returns the pool itself.
 */
function crashInjector(pool: WorkerPool, pattern: string | undefined): Pick<WorkerPool, 'submit'> {
  if (!pattern) return pool;
  const re = new RegExp(pattern);
  return {
    submit: (job, onMembers) => {
      if (re.test(job.relPath)) process.kill(process.pid, 'SIGKILL');
      return pool.submit(job, onMembers);
    },
  };
}

/** The lease given to queued jobs; WINNOW_QUEUE_LEASE_SECONDS shortens it (tests). */
export function leaseSeconds(): number | undefined {
  const v = Number(process.env.WINNOW_QUEUE_LEASE_SECONDS);
  return Number.isFinite(v) && v >= 1 ? v : undefined;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('lab mode: process queued scan jobs from the workspace PostgreSQL database (run on as many machines as you like)')
    .option('--concurrency <n>', 'batches processed at once', positiveInt, 2)
    .option('-j, --workers <n>', 'worker threads (default: one per core)', positiveInt)
    .option('--stages <list>', `stages to run (${ALL_STAGES.join(',')})`, stagesOpt, [...ALL_STAGES])
    .option('--path-map <FROM=TO>', 'evidence is mounted elsewhere on this machine (repeatable)', pathMapOpt)
    .action(async (opts: { concurrency: number; workers?: number; stages: LabStage[]; pathMap?: { from: string; to: string }[] }, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      if (ws.handle.caps.engine !== 'postgres') {
        await ws.close();
        throw new UserError('winnow worker needs lab mode: a PostgreSQL workspace database (--db postgres://… or WINNOW_DB)');
      }
      const queue = await ws.jobQueue();
      const scratchDir = join(ws.dir, 'tmp', `worker-${hostname()}-${process.pid}`);
      mkdirSync(scratchDir, { recursive: true, mode: 0o700 });
      const pool = new WorkerPool(opts.workers ?? availableParallelism(), { limits: DEFAULT_ARCHIVE_LIMITS, scratchDir });
      const id = newId();
      const worker = new LabWorker(ws.labPorts(queue, crashInjector(pool, process.env.WINNOW_FAULT_CRASH_ON)), {
        id, host: hostname(), pid: process.pid, stages: opts.stages, concurrency: opts.concurrency,
        pathMap: opts.pathMap ?? [],
        heartbeatMs: Number(process.env.WINNOW_WORKER_HEARTBEAT_MS ?? 5000),
        idleMs: 500,
        onError: (err) => process.stderr.write(`winnow worker: ${err.message} (retrying)\n`),
      });
      const stop = () => worker.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await createLabQueues(queue, leaseSeconds());
        process.stderr.write(`winnow worker ${id} on ${hostname()} pid ${process.pid}: stages ${opts.stages.join(',')}, ${opts.concurrency} batches at a time\n`);
        await worker.run();
      } finally {
        await pool.close();
        rmSync(scratchDir, { recursive: true, force: true });
        await queue.close();
        await ws.close();
      }
    });
}
