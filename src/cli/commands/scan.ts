import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { formatBytes } from '../../pipeline/entry-processor.js';
import type { ScanResult } from '../../services/scan.service.js';
import { createProgressReporter } from '../progress-reporter.js';
import { matchSummaryText } from './match.js';
import { currentUser, Workspace, type GlobalOptions } from '../workspace.js';
import { UserError } from '../../services/errors.js';
import { createLabQueues, FILES_QUEUE, labDispatch } from '../../services/lab.service.js';
import { LabStore } from '../../adapters/queue/lab-store.js';
import { leaseSeconds } from './worker.js';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function bytesOpt(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError('a size such as 512M, 64G');
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * mult);
}

export interface ScanCliOptions {
  case: string;
  createCase?: boolean;
  examiner?: string;
  label?: string;
  notes?: string;
  workers?: number;
  quiet?: boolean;
  retryFailed?: boolean;
  maxDepth?: number;
  maxRatio?: number;
  maxExpanded?: number;
  maxInMemory?: number;
  match: boolean;
  verify: boolean;
  byteRuns: boolean;
  queue?: boolean;
  follow?: boolean;
}

export function registerScanCommand(program: Command): void {
  program
    .command('scan')
    .description('scan folders, files, archives or disk images into a case: hash every file (MD5, SHA-1, SHA-256), identify its type, read camera metadata, open archives')
    .argument('<source...>', 'folders, files, archives or disk images (raw/dd, split raw, E01, VHD, VMDK, AFF, ISO9660) to scan (never written to)')
    .requiredOption('-c, --case <name>', 'case to scan into')
    .option('--create-case', 'create the case if it does not exist')
    .option('--examiner <name>', 'examiner recorded on the evidence item', currentUser())
    .option('--label <label>', 'evidence label (default: the source folder/file name)')
    .option('--notes <text>', 'acquisition notes recorded on the evidence item')
    .option('-j, --workers <n>', 'worker threads (default: one per core)', positiveInt)
    .option('-q, --quiet', 'no progress output')
    .option('--retry-failed', 'process again files that failed in an earlier run')
    .option('--max-depth <n>', 'archive nesting depth limit', positiveInt)
    .option('--max-ratio <n>', 'decompression bomb limit: bytes out per byte of archive', positiveInt)
    .option('--max-expanded <size>', 'absolute limit on bytes one archive may expand to', bytesOpt)
    .option('--max-in-memory <size>', 'largest nested archive/image held in memory to open', bytesOpt)
    .option('--no-verify', 'disk images: do not recompute the image hash (E01: ewfverify) after the scan')
    .option('--no-byte-runs', 'disk images: do not record where each file\'s data lies in the image (DFXML byte_runs; one fiwalk pass)')
    .option('--queue', 'lab mode (PostgreSQL): list the files and queue them in batches for `winnow worker` processes, then return')
    .option('--follow', 'with --queue: follow the workers\' progress until the case is done')
    .option('--no-match', 'do not match against the hash-set library after hashing (run `winnow match` later)')
    .addHelpText('after', '\nArchive members are recorded under their archive: photos.zip!/dir/a.jpg, and nested: a.zip!/b.tar.gz!/b.tar!/c.jpg\nInterrupted scans resume: run the same command again.\nDisk images (detected by content) are read through The Sleuth Kit: every partition, allocated and deleted files,\nNTFS alternate data streams; paths are p1/dir/file per partition. Needs: apt-get install sleuthkit ewf-tools')
    .action(async (sources: string[], opts: ScanCliOptions, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      if (opts.queue) {
        await queueScan(ws, sources, opts);
        return;
      }
      const scanner = ws.scanner({
        workers: opts.workers,
        limits: {
          ...(opts.maxDepth ? { maxDepth: opts.maxDepth } : {}),
          ...(opts.maxRatio ? { maxRatio: opts.maxRatio } : {}),
          ...(opts.maxExpanded ? { maxExpandedBytes: opts.maxExpanded } : {}),
          ...(opts.maxInMemory ? { maxInMemoryBytes: opts.maxInMemory } : {}),
        },
      });
      try {
        if (opts.createCase) await ws.cases.getOrCreate(opts.case, currentUser());
        const started = Date.now();
        const result = await scanner.scan.scan(
          opts.case,
          sources.map((s) => ({ abs: resolve(s), given: s })),
          { examiner: opts.examiner, label: sources.length === 1 ? opts.label : undefined, notes: opts.notes, retryFailed: opts.retryFailed, verify: opts.verify, byteRuns: opts.byteRuns },
          createProgressReporter({ quiet: !!opts.quiet, tty: process.stderr.isTTY === true, stream: process.stderr }),
        );
        // Image hash mismatches and verification failures are shown even with --quiet.
        for (const w of result.warnings) process.stderr.write(`WARNING: ${w}\n`);
        if (!opts.quiet) process.stdout.write(await summaryText(ws, result, Date.now() - started));
        if (opts.match) {
          // The match stage: files hashed by this (or an interrupted) run that were never matched.
          const m = await ws.matcher.matchCase(opts.case, { all: false });
          if (!opts.quiet) process.stdout.write(matchSummaryText(m));
        }
      } finally {
        await scanner.close();
        await ws.close();
      }
    });
}

/** Lab mode: list and queue (the workers process); optionally follow progress until every evidence item is done. */
async function queueScan(ws: Workspace, sources: string[], opts: ScanCliOptions): Promise<void> {
  if (ws.handle.caps.engine !== 'postgres') {
    await ws.close();
    throw new UserError('--queue needs lab mode: a PostgreSQL workspace database (--db postgres://… or WINNOW_DB)');
  }
  const queue = await ws.jobQueue();
  const scanner = ws.scanner({ workers: 0 }); // nothing is processed here
  try {
    await createLabQueues(queue, leaseSeconds());
    if (opts.createCase) await ws.cases.getOrCreate(opts.case, currentUser());
    const ports = ws.labPorts(queue, { submit: () => Promise.reject(new Error('lab scan processes nothing itself')) });
    const result = await scanner.scan.scan(
      opts.case,
      sources.map((s) => ({ abs: resolve(s), given: s })),
      { examiner: opts.examiner, label: sources.length === 1 ? opts.label : undefined, notes: opts.notes, retryFailed: opts.retryFailed, lab: labDispatch(ports) },
      createProgressReporter({ quiet: true, tty: false, stream: process.stderr }),
    );
    const listed = result.progress.reduce((a, p) => a + p.discoveredFiles, 0);
    const stats = await queue.stats(FILES_QUEUE);
    if (!opts.quiet) process.stdout.write(`queued: ${listed} files listed in ${result.evidence.length} evidence item(s); files queue: ${stats.queued} waiting, ${stats.active} active\n`);
    if (!opts.follow) return;
    const store = new LabStore(ws.handle);
    const theCase = await ws.cases.get(opts.case);
    let last = '';
    for (;;) {
      const [p] = await store.caseProgress(theCase.id);
      const line = p ? `${p.processed}/${p.listed} files, ${p.failed} failed, evidence ${p.evidenceDone}/${p.evidence} done` : 'nothing listed';
      if (line !== last && !opts.quiet) process.stderr.write(`${line}\n`);
      last = line;
      if (!p || p.evidenceDone === p.evidence) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (!opts.quiet) process.stdout.write(await summaryText(ws, result, 0));
  } finally {
    await scanner.close();
    await queue.close();
    await ws.close();
  }
}

export async function summaryText(ws: Workspace, result: ScanResult, elapsedMs: number): Promise<string> {
  const s = await ws.repos.files.summary(result.evidence.map((e) => e.id));
  const processedBytes = result.progress.reduce((a, p) => a + p.processedBytes, 0);
  const processedFiles = result.progress.reduce((a, p) => a + p.processedFiles, 0);
  const skipped = result.progress.reduce((a, p) => a + p.skippedAlreadyDone, 0);
  const secs = elapsedMs / 1000;
  const lines = [
    `Scan summary`,
    `  evidence items: ${result.evidence.map((e) => e.label).join(', ')}`,
    `  files:          ${s.files} (incl. archive members)${skipped ? `; ${skipped} already done by an earlier run` : ''}`,
    `  bytes:          ${formatBytes(s.bytes)} (${s.bytes} bytes)`,
    `  errors:         ${s.errors}`,
    ...result.evidence.filter((e) => e.image_format).map((e) => `  disk image:     ${e.label}: ${e.image_format}, verification ${e.verify_status ?? 'not run'}${e.verify_detail ? ` (${e.verify_detail})` : ''}`),
    `  this run:       ${processedFiles} files, ${formatBytes(processedBytes)} in ${secs.toFixed(1)} s = ${(processedBytes / 1e6 / Math.max(secs, 0.001)).toFixed(1)} MB/s, ${(processedFiles / Math.max(secs, 0.001)).toFixed(0)} files/s`,
    `  types:`,
    ...s.byType.slice(0, 15).map((t) => `    ${String(t.n).padStart(8)}  ${t.mime ?? '(unknown)'}`),
  ];
  return lines.join('\n') + '\n';
}
