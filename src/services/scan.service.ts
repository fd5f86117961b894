import type { EvidenceRepository } from '../db/repositories/evidence.repository.js';
import type { DiscoveredFile, FileRepository } from '../db/repositories/file.repository.js';
import type { EvidenceRow } from '../db/schema.js';
import type { ProcessedEntry } from '../domain/entry.js';
import type { DiskFileJob } from '../pipeline/entry-processor.js';
import type { WalkEntry } from '../sources/folder-walker.js';
import { newId } from '../util/ids.js';
import { nowIso } from '../util/time.js';
import type { CaseService } from './case.service.js';
import { UserError } from './errors.js';
import type { ProgressSink, ScanProgress } from './scan-progress.js';

/** The ports a scan needs; the CLI wires real adapters, tests may wire others. */
export interface ScanPorts {
  cases: CaseService;
  evidence: EvidenceRepository;
  files: FileRepository;
  /** Stores the review thumbnails workers made (in the workspace), before their rows are written. */
  thumbnails: { save(evidenceId: string, entries: readonly ProcessedEntry[]): void };
  /** Is the source a folder or a file (throws with a clear message if it cannot be read). */
  inspectSource(absPath: string): Promise<{ kind: 'folder' | 'file'; size: number | null }>;
  walk(absPath: string, kind: 'folder' | 'file'): AsyncIterable<WalkEntry>;
  process: {
    submit(job: DiskFileJob, onMembers: (entries: ProcessedEntry[]) => void): Promise<ProcessedEntry>;
    waitForBacklog(n: number): Promise<void>;
    drain(): Promise<void>;
  };
}

export interface ScanOptions {
  examiner?: string;
  label?: string;
  notes?: string;
  retryFailed?: boolean;
  /** Files listed per database batch. */
  batchSize?: number;
}

export interface ScanResult {
  evidence: EvidenceRow[];
  progress: ScanProgress[];
}

const WRITE_BATCH = 500;

/**
 * Scan sources into a case: each source becomes (or resumes) one evidence item; its files are listed into the
 * database before processing, processed by the worker pool, and stored in batches. Every stage outcome is stored
 * per file, so a rerun after a crash processes exactly what was not finished.
 */
export class ScanService {
  constructor(private readonly ports: ScanPorts) {}

  async scan(caseName: string, sources: readonly { abs: string; given: string }[], opts: ScanOptions, progress: ProgressSink): Promise<ScanResult> {
    const theCase = await this.ports.cases.get(caseName);
    const result: ScanResult = { evidence: [], progress: [] };
    for (const src of sources) {
      const p = await this.scanOne(theCase.id, src, opts, progress);
      result.progress.push(p.progress);
      result.evidence.push(p.evidence);
    }
    return result;
  }

  private async scanOne(caseId: string, src: { abs: string; given: string }, opts: ScanOptions, sink: ProgressSink) {
    const { evidence: evRepo, files } = this.ports;
    let info: { kind: 'folder' | 'file'; size: number | null };
    try {
      info = await this.ports.inspectSource(src.abs);
    } catch (err) {
      throw new UserError(`cannot read source ${src.given}: ${(err as Error).message}`);
    }
    let ev = await evRepo.findBySource(caseId, src.abs);
    if (!ev) {
      await evRepo.create({
        id: newId(), case_id: caseId, label: opts.label ?? src.abs.split('/').filter(Boolean).pop() ?? src.abs,
        source_path: src.abs, kind: info.kind, size: info.size, acquisition_notes: opts.notes ?? null,
        examiner: opts.examiner ?? null, status: 'pending', started_at: null, finished_at: null, enumerated_at: null,
        error: null, created_at: nowIso(),
      });
      ev = (await evRepo.findBySource(caseId, src.abs))!;
    }
    const evidenceId = ev.id;
    await evRepo.update(evidenceId, { status: 'processing', started_at: ev.started_at ?? nowIso(), finished_at: null });

    const progress: ScanProgress = {
      source: src.given, discoveredFiles: 0, discoveredBytes: 0, walkDone: false, processedFiles: 0, processedBytes: 0,
      topLevelDone: 0, topLevelBytesDone: 0, skippedAlreadyDone: 0, errors: 0, startedAt: Date.now(),
    };
    const writer = new ResultWriter(files, this.ports.thumbnails, evidenceId);
    const account = (e: ProcessedEntry, topLevel: boolean) => {
      progress.processedFiles++;
      if (e.digests) progress.processedBytes += e.size ?? 0;
      if (e.error && e.errorCode !== 'WHOSTILE_NAME') progress.errors++;
      if (topLevel) {
        progress.topLevelDone++;
        progress.topLevelBytesDone += e.size ?? 0;
      }
    };
    const onMembers = (entries: ProcessedEntry[]) => {
      for (const e of entries) account(e, false);
      writer.add(entries);
    };
    const submit = (job: DiskFileJob) => {
      void this.ports.process.submit(job, onMembers).then((entry) => {
        account(entry, true);
        writer.add([entry]);
        sink.update(progress);
      });
    };

    let batch: WalkEntry[] = [];
    const handleBatch = async () => {
      const discovered: DiscoveredFile[] = batch.map((w) => ({ path: w.relPath, depth: w.depth, entryType: w.entryType, size: w.size, times: w.times }));
      await files.recordDiscovered(evidenceId, discovered);
      const pending = await files.pendingPaths(evidenceId, batch.map((w) => w.relPath), 'digest', opts.retryFailed);
      for (const w of batch) {
        progress.discoveredFiles++;
        progress.discoveredBytes += w.size ?? 0;
        if (!pending.has(w.relPath)) {
          progress.skippedAlreadyDone++;
          progress.topLevelDone++;
          progress.topLevelBytesDone += w.size ?? 0;
          continue;
        }
        if (w.error) {
          // not readable as a file (special file, permission denied on a directory…): recorded, never opened
          const entry = unreadableEntry(w);
          account(entry, true);
          writer.add([entry]);
        } else {
          submit({ absPath: w.absPath, relPath: w.relPath, depth: w.depth, size: w.size, times: w.times });
        }
      }
      batch = [];
      await this.ports.process.waitForBacklog(64);
      await writer.flushIfLarge();
      sink.update(progress);
    };

    for await (const w of this.ports.walk(src.abs, info.kind)) {
      batch.push(w);
      if (batch.length >= (opts.batchSize ?? WRITE_BATCH)) await handleBatch();
    }
    if (batch.length) await handleBatch();
    await evRepo.update(evidenceId, { enumerated_at: nowIso() });
    progress.walkDone = true;

    // Files an earlier run listed that this walk did not see any more (removed since, or listed before a crash)
    // are processed now; if they are gone, that is recorded as their error.
    let after = '';
    for (;;) {
      await this.ports.process.drain();
      await writer.flush();
      const rows = await files.pendingTopLevel(evidenceId, 'digest', after, 500);
      if (rows.length === 0) break;
      for (const r of rows) {
        after = r.path;
        const abs = info.kind === 'folder' ? `${src.abs}/${r.path}` : src.abs;
        submit({ absPath: abs, relPath: r.path, depth: r.depth, size: r.size === null ? null : Number(r.size), times: { mtime: r.mtime, atime: r.atime, ctime: r.ctime, birthtime: r.birthtime } });
      }
    }
    await this.ports.process.drain();
    await writer.flush();
    // a single-file source that yielded more than itself was an archive
    const kind = info.kind === 'file' ? ((await files.summary([evidenceId])).files > 1 ? 'archive' : 'file') : 'folder';
    const finished = { status: 'done', finished_at: nowIso(), kind, size: info.kind === 'file' ? info.size : progress.discoveredBytes, error: null };
    await evRepo.update(evidenceId, finished);
    sink.done(progress);
    return { evidence: { ...ev, ...finished }, progress };
  }
}

function unreadableEntry(w: WalkEntry): ProcessedEntry {
  return {
    path: w.relPath, parentPath: null, entryType: w.entryType, depth: w.depth, size: w.size, times: w.times,
    digests: null, type: null, isArchive: false, archiveStatus: null, memberCount: null,
    error: w.error, errorCode: w.errorCode, media: null,
    stages: { digest: w.errorCode === 'ESPECIAL' ? 'skipped' : 'failed' },
  };
}

/** Buffers results and writes them in batches; one write at a time, in order. */
class ResultWriter {
  private buffer: ProcessedEntry[] = [];
  private chain: Promise<void> = Promise.resolve();
  private lastFlush = Date.now();

  constructor(
    private readonly files: FileRepository,
    private readonly thumbnails: ScanPorts['thumbnails'],
    private readonly evidenceId: string,
  ) {}

  add(entries: ProcessedEntry[]): void {
    this.buffer.push(...entries);
    if (this.buffer.length >= WRITE_BATCH || Date.now() - this.lastFlush > 1000) void this.flush();
  }

  async flushIfLarge(): Promise<void> {
    if (this.buffer.length >= WRITE_BATCH) await this.flush();
    await this.chain;
  }

  flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    this.lastFlush = Date.now();
    this.chain = this.chain.then(() => {
      if (!batch.length) return undefined;
      // Pictures first, rows second: a row never points at a thumbnail that is not there.
      this.thumbnails.save(this.evidenceId, batch);
      return this.files.saveProcessed(this.evidenceId, batch);
    });
    return this.chain;
  }
}
