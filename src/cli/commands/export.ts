import { createWriteStream, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import { EXPORT_FORMATS, VICS_PROFILES, type ExportFormat, type TextSink } from '../../services/export.service.js';
import { UserError } from '../../services/errors.js';
import { PROGRAM, VERSION } from '../version.js';
import { currentUser, Workspace, type GlobalOptions } from '../workspace.js';

function sinkFor(stream: NodeJS.WritableStream): TextSink {
  return {
    write: (text) =>
      new Promise((resolve, reject) => {
        const ok = stream.write(text, (err) => (err ? reject(err) : undefined));
        if (ok) resolve();
        else stream.once('drain', resolve);
      }),
  };
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export every file of a case: JSONL (one object per file), CSV, DFXML, or a VICS 2.0 case export')
    .requiredOption('-c, --case <name>', 'case to export')
    .requiredOption('-f, --format <format>', `one of: ${EXPORT_FORMATS.join(', ')}`)
    .option('-o, --out <file>', 'output file (default: stdout)')
    .option('--vics-profile <profile>', `VICS category system: ${VICS_PROFILES.join(' | ')}`, 'US')
    .option('--examiner <name>', 'examiner named in a VICS export', currentUser())
    .action(async (opts: { case: string; format: string; out?: string; vicsProfile: string; examiner: string }, cmd: Command) => {
      if (!EXPORT_FORMATS.includes(opts.format as ExportFormat)) throw new UserError(`unknown format "${opts.format}" (one of: ${EXPORT_FORMATS.join(', ')})`);
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      let file: WriteStream | null = null;
      try {
        file = opts.out ? createWriteStream(opts.out) : null;
        const out = file ?? process.stdout;
        const { files } = await ws.exporter.export(opts.case, opts.format as ExportFormat, sinkFor(out), {
          program: PROGRAM,
          version: VERSION,
          commandLine: process.argv.slice(1).join(' '),
          startTime: new Date().toISOString(),
        }, { vicsProfile: opts.vicsProfile, examiner: opts.examiner });
        if (file) {
          await new Promise<void>((resolve, reject) => file!.end((err?: Error | null) => (err ? reject(err) : resolve())));
          process.stderr.write(`exported ${files} files to ${opts.out}\n`);
        }
      } finally {
        await ws.close();
      }
    });
}
