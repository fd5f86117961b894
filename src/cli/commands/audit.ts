import type { Command } from 'commander';
import { Workspace, type GlobalOptions } from '../workspace.js';

export function registerAuditCommands(program: Command): void {
  const a = program.command('audit').description('the hash-chained audit log');
  a.command('verify')
    .description('check every link of the audit chain; exits 1 and names the first broken entry if any was altered or removed')
    .action(async (_opts: unknown, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const r = await ws.audit.verify();
        if (r.ok) {
          process.stdout.write(`audit chain intact: ${r.entries} entries, head ${r.headHash}\n`);
        } else {
          process.stdout.write(`audit chain BROKEN at entry ${r.broken!.seq}: ${r.broken!.reason}\n(${r.entries} entries before it are intact)\n`);
          process.exitCode = 1;
        }
      } finally {
        await ws.close();
      }
    });
}
