import type { Command } from 'commander';

/**
 * `winnow hotline …`: the hotline desk from the command line (issue 7). Each part of the desk adds its
 * subcommands here; the web desk is served by `winnow serve`.
 */
export function registerHotlineCommands(program: Command): void {
  const hotline = program.command('hotline').description('hotline desk: reports of URLs, trace, forward, notices, checks, statistics, blocking lists');
  void hotline;
}
