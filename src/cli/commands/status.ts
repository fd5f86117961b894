/**
 * `winnow status`: lab-mode overview — the queues (queued/active/completed/failed), the workers (host, pid, last
 * heartbeat, throughput), per-case progress from the database, and the latest failures. Works in embedded mode too
 * (no queue there between commands, so only progress and failures).
 */
import type { Command } from 'commander';
import { LabStore } from '../../adapters/queue/lab-store.js';
import { createLabQueues } from '../../services/lab.service.js';
import { LabStatusService } from '../../services/lab-status.service.js';
import { Workspace, type GlobalOptions } from '../workspace.js';
import { leaseSeconds } from './worker.js';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('queues, workers, per-case progress and failures (lab mode)')
    .option('-c, --case <name>', 'only this case')
    .option('--json', 'machine-readable output')
    .action(async (opts: { case?: string; json?: boolean }, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      const lab = ws.handle.caps.engine === 'postgres';
      const queue = lab ? await ws.jobQueue() : null;
      try {
        const caseId = opts.case ? (await ws.cases.get(opts.case)).id : undefined;
        if (queue) await createLabQueues(queue, leaseSeconds());
        const { queues, workers, cases: progress, failures } = await new LabStatusService(new LabStore(ws.handle), async () => queue).status({ ...(caseId ? { caseId } : {}) });
        if (opts.json) {
          process.stdout.write(JSON.stringify({ queues, workers, cases: progress, failures }, null, 2) + '\n');
          return;
        }
        const lines: string[] = [];
        if (queues) {
          lines.push('Queues');
          for (const [name, s] of Object.entries(queues)) lines.push(`  ${name.padEnd(6)} queued ${s.queued}, active ${s.active}, completed ${s.completed}, failed ${s.failed}`);
        } else lines.push('Queues: none (embedded mode; lab mode needs --db postgres://…)');
        lines.push('Workers');
        if (workers.length === 0) lines.push('  (none registered)');
        for (const w of workers) {
          const state = w.state === 'silent' ? `silent ${w.heartbeatAgeSec}s (dead?)` : w.state;
          lines.push(`  ${w.host} pid ${w.pid} [${w.stages}] ${state}; last heartbeat ${w.lastHeartbeat}; ${w.filesDone} files, ${w.filesPerSec.toFixed(1)} files/s, ${w.mbPerSec.toFixed(1)} MB/s`);
        }
        lines.push('Cases');
        for (const c of progress) {
          const pct = c.listed ? ((100 * c.processed) / c.listed).toFixed(1) : '0.0';
          lines.push(`  ${c.caseName}: ${c.processed}/${c.listed} files (${pct}%), ${c.failed} failed; evidence ${c.evidenceDone}/${c.evidence} done`);
        }
        if (failures.length) {
          lines.push('Latest failures');
          for (const f of failures) lines.push(`  ${f.caseName}: ${f.path}: ${f.error ?? '(no message)'}${f.attempts > 1 ? ` (${f.attempts} attempts)` : ''}`);
        }
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        await queue?.close();
        await ws.close();
      }
    });
}
