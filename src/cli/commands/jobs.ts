/**
 * `winnow jobs requeue --case NAME`: the job queue is disposable because progress is in the database (file_stage);
 * this rebuilds the jobs of every listed file that has no digest outcome yet (lost queue, scan interrupted after
 * listing, files whose batch failed for good). Re-queueing a batch that is still waiting is a no-op.
 */
import type { Command } from 'commander';
import { UserError } from '../../services/errors.js';
import { createLabQueues, requeueCase } from '../../services/lab.service.js';
import { LabStore } from '../../adapters/queue/lab-store.js';
import { inspectSource } from '../../sources/source-walker.js';
import { Workspace, type GlobalOptions } from '../workspace.js';
import { leaseSeconds } from './worker.js';

export function registerJobsCommands(program: Command): void {
  const jobs = program.command('jobs').description('lab mode: the job queue');
  jobs.command('requeue')
    .description('queue again every listed file of a case that has not been processed (rebuilds a lost queue)')
    .requiredOption('-c, --case <name>', 'case')
    .action(async (opts: { case: string }, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      if (ws.handle.caps.engine !== 'postgres') {
        await ws.close();
        throw new UserError('winnow jobs needs lab mode: a PostgreSQL workspace database (--db postgres://… or WINNOW_DB)');
      }
      const queue = await ws.jobQueue();
      try {
        await createLabQueues(queue, leaseSeconds());
        const theCase = await ws.cases.get(opts.case);
        const images = new Map<string, Awaited<ReturnType<typeof inspectSource>>>();
        const r = await requeueCase({ queue, files: ws.repos.files, store: new LabStore(ws.handle) }, theCase.id, async (ev, row) => {
          // A disk image's files need its TSK reference: inspect the image once (as the scan did).
          if (!images.has(ev.id)) images.set(ev.id, await inspectSource(ev.source_path));
          const image = images.get(ev.id)!.image;
          const vol = image?.layout.volumes.find((v) => v.status !== 'skipped' && v.label === row.volume);
          if (!image || !vol || row.fs_addr === null || row.entry_type !== 'file') return null;
          return { tskType: image.image.tskType, tskArgs: image.image.tskArgs, offsetSectors: vol.startSector, fsType: vol.fsType, addr: row.fs_addr, deleted: row.deleted === 1 };
        });
        process.stdout.write(`requeued ${r.files} files in ${r.jobs} jobs${r.unreachable ? `; ${r.unreachable} files of a disk image could not be located again` : ''}\n`);
      } finally {
        await queue.close();
        await ws.close();
      }
    });
}
