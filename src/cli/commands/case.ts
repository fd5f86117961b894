import type { Command } from 'commander';
import { formatBytes } from '../../util/format-bytes.js';
import { currentUser, Workspace, type GlobalOptions } from '../workspace.js';

export function registerCaseCommands(program: Command): void {
  const c = program.command('case').description('create and list cases');
  c.command('create')
    .description('create a case')
    .argument('<name>', 'case name (unique in the workspace)')
    .option('-d, --description <text>', 'what the case is about')
    .action(async (name: string, opts: { description?: string }, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const row = await ws.cases.create(name, { description: opts.description, createdBy: currentUser() });
        process.stdout.write(`created case "${row.name}" (${row.id})\n`);
      } finally {
        await ws.close();
      }
    });
  c.command('list')
    .description('list cases with their evidence and file counts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const rows = await ws.cases.list();
        if (opts.json) {
          process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
          return;
        }
        if (rows.length === 0) process.stdout.write('no cases yet (winnow case create NAME)\n');
        for (const r of rows) {
          process.stdout.write(`${r.name}\t${r.evidence} evidence\t${r.files} files\t${formatBytes(r.bytes)}\tcreated ${r.created_at}${r.created_by ? ` by ${r.created_by}` : ''}\n`);
        }
      } finally {
        await ws.close();
      }
    });
}
