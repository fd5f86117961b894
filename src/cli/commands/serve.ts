import type { Command } from 'commander';
import type { JobQueue } from '../../services/job-queue.js';
import { UserError } from '../../services/errors.js';
import { Workspace, type GlobalOptions } from '../workspace.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the review API for this workspace (log in with an account from: winnow user add NAME --role admin)')
    .option('--port <n>', 'TCP port', '8080')
    .option('--host <addr>', 'address to listen on (127.0.0.1: this machine only)', '127.0.0.1')
    .option('--secure-cookies', 'mark cookies Secure (when served behind HTTPS)')
    .option('--log', 'log every request')
    .option('--trust-proxy <addresses>', 'comma-separated addresses/CIDRs of reverse proxies whose X-Forwarded-For is believed (rate limits then count the real client)')
    .option('--hotline-every <s>', 'seconds between rounds of the hotline desk\'s online checks and notices (0: off)', '60')
    .action(async (opts: { port: string; host: string; secureCookies?: boolean; log?: boolean; hotlineEvery: string; trustProxy?: string }, cmd: Command) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`invalid --port "${opts.port}"`);
      // Loaded here, not at start-up: Fastify costs every other command ~0.3 s.
      const { buildServer } = await import('../../http/server.js');
      const { LoginThrottle } = await import('../../http/login-throttle.js');
      const { hotlineDeps } = await import('../hotline-wiring.js');
      const { startHotlineScheduler } = await import('../hotline-scheduler.js');
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      const hotline = hotlineDeps(ws);
      const { LabStatusService } = await import('../../services/lab-status.service.js');
      const { LabStore } = await import('../../adapters/queue/lab-store.js');
      const { createLabQueues } = await import('../../services/lab.service.js');
      const { leaseSeconds } = await import('./worker.js');
      const { loadReportFonts } = await import('../../adapters/report-fonts.js');
      // Lab mode: the queue is opened on the first dashboard request, not at start-up (pg-boss is heavy).
      let queue: Promise<JobQueue> | null = null;
      const labQueue = ws.handle.caps.engine === 'postgres'
        ? () => (queue ??= ws.jobQueue().then(async (q) => { await createLabQueues(q, leaseSeconds()); return q; }))
        : async () => null;
      const { app } = await buildServer({
        auth: ws.auth, users: ws.users, review: ws.review, categorisation: ws.categorisation, audit: ws.audit,
        workspaceDir: ws.dir, throttle: new LoginThrottle(), secureCookies: !!opts.secureCookies,
        series: ws.series, hotline, courtReports: { service: ws.courtReports, exporter: ws.exporter, pdf: { fonts: loadReportFonts() } },
        labStatus: new LabStatusService(new LabStore(ws.handle), labQueue),
      }, { logger: !!opts.log, trustProxy: (opts.trustProxy ?? '').split(',').map((x) => x.trim()).filter(Boolean) });
      const address = await app.listen({ port, host: opts.host });
      const every = Number(opts.hotlineEvery);
      const stopScheduler = every > 0 ? startHotlineScheduler(hotline, every * 1000, (l) => process.stderr.write(`winnow: ${l}\n`)) : () => undefined;
      if ((await ws.users.list()).length === 0) process.stderr.write('winnow: no accounts yet: create one with  winnow user add NAME --role admin\n');
      process.stdout.write(`winnow review server on ${address} (workspace ${ws.dir}, database ${ws.handle.location})\nopen ${address}/ in a browser; accounts: winnow user add NAME --role investigator\n`);
      const stop = async () => {
        stopScheduler();
        await app.close();
        if (queue) await (await queue).close();
        await ws.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
