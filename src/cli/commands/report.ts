import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { loadReportFonts } from '../../adapters/report-fonts.js';
import { renderCourtReport } from '../../formats/court-report.js';
import { readThumbnail } from '../../http/media-files.js';
import { COURT_REPORT_FORMATS, MAX_INCLUDED_IMAGES, parseIncludeList, type CourtReportFormat } from '../../services/court-report.service.js';
import { UserError } from '../../services/errors.js';
import { PROGRAM, VERSION } from '../version.js';
import { currentUser, Workspace, type GlobalOptions } from '../workspace.js';

/**
 * `winnow report`: the court report of a case (or one evidence item) as HTML or PDF; audited like a download.
 * `--include-items ID,…` adds the clear thumbnails of those files, each audited first (the CLI runs as the
 * workspace operator, who has every permission, as for every other command).
 */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('write the court report of a case (examiners, evidence, processing, counts by category, hash lists; no images unless --include-items) as HTML or PDF')
    .requiredOption('-c, --case <name>', 'case to report on')
    .option('-e, --evidence <label>', 'report on this evidence item only')
    .requiredOption('-f, --format <format>', `one of: ${COURT_REPORT_FORMATS.join(', ')}`)
    .requiredOption('-o, --out <file>', 'output file')
    .option('--include-items <ids>', `include the clear thumbnails of these files (comma-separated file ids, at most ${MAX_INCLUDED_IMAGES}); each is audited`)
    .option('--pdf-max-rows <n>', 'files listed per category in a PDF before it is cut (the HTML lists all)', '10000')
    .action(async (opts: { case: string; evidence?: string; format: string; out: string; pdfMaxRows: string; includeItems?: string }, cmd: Command) => {
      if (!(COURT_REPORT_FORMATS as readonly string[]).includes(opts.format)) throw new UserError(`unknown format "${opts.format}" (one of: ${COURT_REPORT_FORMATS.join(', ')})`);
      const maxRows = Number(opts.pdfMaxRows);
      if (!Number.isInteger(maxRows) || maxRows < 0) throw new UserError(`invalid --pdf-max-rows "${opts.pdfMaxRows}"`);
      const format = opts.format as CourtReportFormat;
      const fileIds = parseIncludeList(opts.includeItems);
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const c = await ws.cases.get(opts.case);
        const service = ws.courtReports;
        // readThumbnail confines the stored path to <workspace>/thumbnails, as for the HTTP routes.
        const include = fileIds.length > 0 ? { fileIds, read: (rel: string) => readThumbnail(ws.dir, rel) } : undefined;
        const report = await service.build({ id: null, name: `cli:${currentUser()}` }, c, { format, evidenceLabel: opts.evidence, generator: { name: PROGRAM, version: VERSION }, include });
        const out = await renderCourtReport(report, service.lists(report), format, { maxRowsPerCategory: maxRows, fonts: format === 'pdf' ? loadReportFonts() : null });
        if (Buffer.isBuffer(out.body)) await writeFile(opts.out, out.body);
        else await pipeline(out.body, createWriteStream(opts.out));
        process.stderr.write(`court report of case ${c.name}${report.scope ? `, evidence ${report.scope.label}` : ''} written to ${opts.out} (audit entry ${report.audit.seq}, chain hash ${report.audit.hash}${report.images === 'none' ? '' : `; ${report.images.items.length} image(s) included, audited`})\n`);
      } finally {
        await ws.close();
      }
    });
}
