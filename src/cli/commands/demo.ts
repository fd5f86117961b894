import { join } from 'node:path';
import type { Command } from 'commander';
import { createProgressReporter } from '../progress-reporter.js';
import { currentUser, Workspace, type GlobalOptions } from '../workspace.js';
import { summaryText } from './scan.js';
import { matchSummaryText } from './match.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('generate a small benign evidence folder (synthetic pictures, duplicates, EXIF+GPS, nested archives, a corrupt file, a renamed file) and demo hash lists, then scan and match it into case "demo"')
    .option('-q, --quiet', 'no progress output')
    .action(async (opts: { quiet?: boolean }, cmd: Command) => {
      // sharp and ExifTool are loaded only here (start-up of every other command stays light).
      const { generateDemoEvidence, writeDemoHashLists } = await import('../../adapters/demo-evidence.js');
      const { pdqHashImage } = await import('../../adapters/pdq-image-decoder.js');
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      const scanner = ws.scanner();
      try {
        const layout = await generateDemoEvidence(join(ws.dir, 'demo-evidence'));
        process.stdout.write(`generated demo evidence in ${layout.root}\n`);
        const lists = await writeDemoHashLists(layout, join(ws.dir, 'demo-hashsets'), (f) => pdqHashImage(f));
        for (const [file, name, role, format] of [
          [lists.knownGood, 'demo-software', 'known-good', undefined],
          [lists.knownVics, 'demo-known-vics', 'known-bad', undefined],
          [lists.knownPdq, 'demo-known-pdq', 'known-bad', 'pdq-list'],
        ] as const) {
          const r = await ws.hashSets.import(file, { name, role, format, importedBy: currentUser() });
          process.stdout.write(`hash set "${name}" (${role}): ${r.counts.entries} hashes from ${r.format.format}\n`);
        }
        await ws.cases.getOrCreate('demo', currentUser());
        const started = Date.now();
        const result = await scanner.scan.scan('demo', [{ abs: layout.root, given: layout.root }], { examiner: currentUser(), label: 'demo-evidence', notes: 'synthetic demo data' },
          createProgressReporter({ quiet: !!opts.quiet, tty: process.stderr.isTTY === true, stream: process.stderr }));
        process.stdout.write(await summaryText(ws, result, Date.now() - started));
        process.stdout.write(matchSummaryText(await ws.matcher.matchCase('demo', { all: false })));
        process.stdout.write(`\nNext: winnow export --case demo --format jsonl   (workspace: ${ws.dir})\n`);
      } finally {
        await scanner.close();
        await ws.close();
      }
    });
}
