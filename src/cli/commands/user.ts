import type { Command } from 'commander';
import { ROLES } from '../../services/auth.roles.js';
import { UserError } from '../../services/errors.js';
import { currentUser, Workspace, type GlobalOptions } from '../workspace.js';

/** Read a password: the first line of stdin (--password-stdin), or a prompt with echo off on a terminal. */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  if (!process.stdin.isTTY) throw new UserError('no terminal to prompt for a password: use --password-stdin');
  const ask = (label: string) => new Promise<string>((resolve) => {
    process.stderr.write(label);
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    let s = '';
    const onData = (b: Buffer) => {
      for (const ch of b.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(s);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f') s = s.slice(0, -1);
        else s += ch;
      }
    };
    stdin.on('data', onData);
  });
  const a = await ask('password: ');
  if ((await ask('again: ')) !== a) throw new UserError('the passwords differ');
  return a;
}

const cliActor = () => ({ id: null, name: `cli:${currentUser()}` });

export function registerUserCommands(program: Command): void {
  const u = program.command('user').description('review-server accounts and case membership');
  u.command('add')
    .description('create an account (the first admin is created this way)')
    .argument('<name>', 'login name')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(async (name: string, opts: { role: string; passwordStdin?: boolean }, cmd: Command) => {
      const password = await readPassword(!!opts.passwordStdin);
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const r = await ws.users.add(name, opts.role, password, cliActor());
        process.stdout.write(`created user "${r.name}" (${r.role})\n`);
      } finally {
        await ws.close();
      }
    });
  u.command('list')
    .description('list accounts')
    .action(async (_opts: unknown, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        for (const r of await ws.users.list()) process.stdout.write(`${r.name}\t${r.role}${r.disabled ? '\tdisabled' : ''}\tcreated ${r.createdAt}${r.createdBy ? ` by ${r.createdBy}` : ''}\n`);
      } finally {
        await ws.close();
      }
    });
  u.command('grant')
    .description('make a user a member of a case (admins see every case without this)')
    .argument('<name>', 'login name')
    .requiredOption('--case <case>', 'case name')
    .action(async (name: string, opts: { case: string }, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const c = await ws.cases.get(opts.case);
        await ws.users.addMember(c.id, name, cliActor());
        process.stdout.write(`"${name}" is a member of case "${c.name}"\n`);
      } finally {
        await ws.close();
      }
    });
}
