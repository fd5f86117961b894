import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { MatchSummary } from '../../services/match.service.js';
import { Workspace, type GlobalOptions } from '../workspace.js';

function radiusOpt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 31) throw new InvalidArgumentError('an integer 0..31');
  return n;
}

export function registerMatchCommand(program: Command): void {
  program
    .command('match')
    .description('match a case against the hash-set library (no rehashing), then cluster near-duplicates and prioritise unknown pictures')
    .requiredOption('-c, --case <name>', 'case to match')
    .option('--radius <n>', 'PDQ distance for a match and for near-duplicates (0..31)', radiusOpt, 31)
    .option('--across-cases', 'also cluster near-duplicates across every case of the workspace (a series seen in several seizures)')
    .option('--pending-only', 'only files never matched (the scan does this itself); default: re-match every file')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { case: string; radius: number; acrossCases?: boolean; pendingOnly?: boolean; json?: boolean }, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const summary = await ws.matcher.matchCase(opts.case, {
          all: !opts.pendingOnly,
          radius: opts.radius,
          acrossCases: opts.acrossCases,
          onProgress: opts.json ? undefined : (p) => { if (p.phase !== 'match') process.stderr.write(`  ${p.phase}${p.done ? `: ${p.done}` : ''}\n`); },
        });
        process.stdout.write(opts.json ? JSON.stringify(summary, null, 2) + '\n' : matchSummaryText(summary));
      } finally {
        await ws.close();
      }
    });
}

export function matchSummaryText(s: MatchSummary): string {
  const lines = [
    'Match summary',
    `  files matched this run: ${s.files} (${s.matchedFiles} in at least one set)`,
    `  known-bad:  ${s.byStatus['known-bad']}`,
    `  alert:      ${s.byStatus.alert}`,
    `  known-good: ${s.byStatus['known-good']} (hidden as ignorable)`,
    `  unknown:    ${s.byStatus.unknown} (${s.prioritised} pictures/videos prioritised)`,
    `  near-duplicate clusters: ${s.clusters} (${s.clusteredFiles} unknown files)`,
    ...(s.crossCaseClusters !== null ? [`  clusters spanning several cases of the workspace: ${s.crossCaseClusters}`] : []),
  ];
  const cats = s.byCategory.filter((c) => c.category !== null);
  if (cats.length) {
    lines.push('  categories:');
    for (const c of cats) lines.push(`    ${c.status} ${c.category}: ${c.n}`);
  }
  return lines.join('\n') + '\n';
}
