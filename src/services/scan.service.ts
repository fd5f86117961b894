import type { EvidenceRepository } from '../db/repositories/evidence.repository.js';
import type { DiscoveredFile, FileRepository } from '../db/repositories/file.repository.js';
import type { EvidenceRow } from '../db/schema.js';
import { failedEntry, type ProcessedEntry } from '../domain/entry.js';
import type { DiskFileJob } from '../pipeline/entry-processor.js';
import type { WalkEntry } from '../sources/folder-walker.js';
import type { SourceInfo, SourceKind } from '../sources/source-walker.js';
import { newId } from '../util/ids.js';
import { nowIso } from '../util/time.js';
import type { CaseService } from './case.service.js';
import { UserError } from './errors.js';
import type { ProgressSink, ScanProgress } from './scan-progress.js';
import type { LabDispatch } from './lab.service.js';
import { collectByteRuns } from '../sources/disk-image-source.js';

/** The ports a scan needs; the CLI wires real adapters, tests may wire others. */
export interface ScanPorts {
  cases: CaseService;
  evidence: EvidenceRepository;
  files: FileRepository;
  /** Stores the review thumbnails workers made (in the workspace), before their rows are written. */
  thumbnails: { save(evidenceId: string, entries: readonly ProcessedEntry[]): void };
  /** Is the source a folder, a disk image or a file (throws with a clear message if it cannot be read). */
  inspectSource(absPath: string): Promise<SourceInfo>;
  walk(absPath: string, kind: SourceKind, info?: SourceInfo): AsyncIterable<WalkEntry>;
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
  /** Disk images: recompute the image hash and compare with the stored one (default true). */
  verify?: boolean;
  /**
   * Lab mode (issue 8): list the files and hand them to the job queue in batches instead of processing them here;
   * the scan returns once everything is queued, `winnow worker` processes and finishes the evidence items.
   */
  lab?: LabDispatch;
  /** Disk images: collect each file's data runs with fiwalk for the DFXML export (default true). */
  byteRuns?: boolean;
}

export interface ScanResult {
  evidence: EvidenceRow[];
  progress: ScanProgress[];
  /** Things the examiner must see (image hash mismatch, verification failure), one line each. */
  warnings: string[];
}

/** The caveat recorded on every deleted file recovered from a disk image. */
export const RECOVERY_NOTE =
  'deleted: content recovered by The Sleuth Kit from the blocks the file last used, which may since have been reused; ' +
  'fragmented deleted FAT files are recovered as if contiguous (naive recovery), so their hashes may not be those of the original';

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
    const result: ScanResult = { evidence: [], progress: [], warnings: [] };
    for (const src of sources) {
      const p = await this.scanOne(theCase.id, src, opts, progress, result.warnings);
      result.progress.push(p.progress);
      result.evidence.push(p.evidence);
    }
    return result;
  }

  private async scanOne(caseId: string, src: { abs: string; given: string }, opts: ScanOptions, sink: ProgressSink, warnings: string[]) {
    const { evidence: evRepo, files } = this.ports;
    let info: SourceInfo;
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
    if (info.imageError) {
      // A disk image that cannot be read is a recorded failure of the evidence item, and the scan stops with why.
      await evRepo.update(evidenceId, { status: 'failed', kind: 'disk-image', error: info.imageError.message, started_at: ev.started_at ?? nowIso(), finished_at: nowIso() });
      throw new UserError(`cannot scan ${src.given}: ${info.imageError.message}`);
    }
    await evRepo.update(evidenceId, { status: 'processing', started_at: ev.started_at ?? nowIso(), finished_at: null });
    const image = info.image;
    if (image) {
      const { layout } = image;
      await evRepo.update(evidenceId, {
        kind: 'disk-image', image_format: image.image.format, image_segments: JSON.stringify(image.image.segments),
        acquisition: JSON.stringify({ scheme: layout.scheme, sectorSize: layout.sectorSize, ewf: image.acquisition }),
        stored_md5: image.acquisition?.storedMd5 ?? null, stored_sha1: image.acquisition?.storedSha1 ?? null,
      });
      await evRepo.saveVolumes(evidenceId, layout.volumes.map((v, idx) => ({
        evidence_id: evidenceId, idx, label: v.label, slot: v.slot, start_sector: v.startSector, length_sectors: v.lengthSectors,
        sector_size: layout.sectorSize, description: v.description, scheme: layout.scheme, fs_type: v.fsType, status: v.status, note: v.note,
      })));
    }

    const progress: ScanProgress = {
      source: src.given, discoveredFiles: 0, discoveredBytes: 0, walkDone: false, processedFiles: 0, processedBytes: 0,
      topLevelDone: 0, topLevelBytesDone: 0, skippedAlreadyDone: 0, errors: 0, startedAt: Date.now(),
      ...(image ? { image: { format: image.image.format, bytes: image.image.segmentBytes, volumes: image.layout.volumes.filter((v) => v.status === 'scanned').length } } : {}),
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
    const lab = opts.lab;
    let queued: DiskFileJob[] = [];
    const submit = (job: DiskFileJob) => {
      if (lab) {
        queued.push(job);
        return;
      }
      void this.ports.process.submit(job, onMembers).then((entry) => {
        account(entry, true);
        writer.add([entry]);
        sink.update(progress);
      });
    };

    let batch: WalkEntry[] = [];
    const handleBatch = async () => {
      const discovered: DiscoveredFile[] = batch.map((w) => ({
        path: w.relPath, depth: w.depth, entryType: w.entryType, size: w.size, times: w.times,
        ...(w.image ? { image: { volume: w.image.volume, addr: w.image.addr, deleted: w.image.deleted, recoveryNote: w.image.deleted ? RECOVERY_NOTE : null } } : {}),
      }));
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
        } else if (w.entryType === 'directory') {
          // directories of a disk image: part of the structure, no content to hash
          const entry = directoryEntry(w);
          account(entry, true);
          writer.add([entry]);
        } else {
          submit({ absPath: w.absPath, relPath: w.relPath, depth: w.depth, size: w.size, times: w.times, ...(w.image ? { image: w.image.ref } : {}) });
        }
      }
      batch = [];
      if (lab && queued.length >= 1000) {
        await lab.enqueue(caseId, evidenceId, queued);
        queued = [];
      }
      await this.ports.process.waitForBacklog(64);
      await writer.flushIfLarge();
      sink.update(progress);
    };

    for await (const w of this.ports.walk(src.abs, info.kind, info)) {
      batch.push(w);
      if (batch.length >= (opts.batchSize ?? WRITE_BATCH)) await handleBatch();
    }
    if (batch.length) await handleBatch();
    // Byte runs (DFXML export): one fiwalk pass over the image, while the workers hash; every file is listed by now.
    const byteRunsDone = image && opts.byteRuns !== false ? this.recordByteRuns(evidenceId, image, src.given, warnings).catch((err: Error) => { warnings.push(`${src.given}: byte runs not stored: ${err.message}`); }) : Promise.resolve();
    if (lab) {
      // Lab mode: the rest is the workers' job (an earlier run's leftovers: `winnow jobs requeue`).
      if (queued.length) await lab.enqueue(caseId, evidenceId, queued);
      await writer.flush();
      await byteRunsDone;
      await evRepo.update(evidenceId, { enumerated_at: nowIso() });
      progress.walkDone = true;
      await lab.listed(caseId, evidenceId);
      sink.done(progress);
      return { evidence: (await evRepo.findBySource(caseId, src.abs))!, progress };
    }
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
        const times = { mtime: r.mtime, atime: r.atime, ctime: r.ctime, birthtime: r.birthtime };
        const job: DiskFileJob = { absPath: abs, relPath: r.path, depth: r.depth, size: r.size === null ? null : Number(r.size), times };
        if (image) {
          // A file of the image that this run's listing did not reach (listing failed part-way): its stored address.
          const vol = image.layout.volumes.find((v) => v.status !== 'skipped' && v.label === r.volume);
          if (!vol || r.fs_addr === null || r.entry_type !== 'file') {
            const entry = failedEntry({ relPath: r.path, depth: r.depth, size: job.size, times }, 'listed by an earlier run but not by this one, and cannot be read without it', 'EIMAGE_LISTING');
            account(entry, true);
            writer.add([entry]);
            continue;
          }
          job.image = { tskType: image.image.tskType, tskArgs: image.image.tskArgs, offsetSectors: vol.startSector, fsType: vol.fsType, addr: r.fs_addr, deleted: r.deleted === 1 };
        }
        submit(job);
      }
    }
    await this.ports.process.drain();
    await writer.flush();
    await byteRunsDone;
    let verification: Partial<EvidenceRow> = {};
    if (image && opts.verify !== false) {
      const current = await evRepo.findBySource(caseId, src.abs);
      if (current?.verify_status && current.verify_status !== 'failed') {
        verification = {}; // verified by an earlier run: the image is read-only evidence, its hash does not change
      } else {
        const v = await image.verify();
        verification = {
          verify_status: v.status, stored_md5: v.storedMd5 ?? image.acquisition?.storedMd5 ?? null, stored_sha1: v.storedSha1 ?? image.acquisition?.storedSha1 ?? null,
          computed_md5: v.computedMd5, computed_sha1: v.computedSha1, verify_detail: v.detail, verified_at: nowIso(),
        };
      }
      const status = verification.verify_status ?? current?.verify_status;
      const detail = verification.verify_detail ?? current?.verify_detail;
      if (status === 'mismatch') warnings.push(`IMAGE HASH MISMATCH for ${src.given}: ${detail}`);
      else if (status === 'failed') warnings.push(`image verification FAILED for ${src.given}: ${detail}`);
    }
    const failedVolumes = image?.layout.volumes.filter((v) => v.status === 'failed') ?? [];
    for (const v of failedVolumes) warnings.push(`${src.given}: volume ${v.label || '(bare)'} at sector ${v.startSector} (${v.description}) not scanned: ${v.note}`);
    if (image) {
      await evRepo.saveVolumes(evidenceId, image.layout.volumes.map((v, idx) => ({
        evidence_id: evidenceId, idx, label: v.label, slot: v.slot, start_sector: v.startSector, length_sectors: v.lengthSectors,
        sector_size: image.layout.sectorSize, description: v.description, scheme: image.layout.scheme, fs_type: v.fsType, status: v.status, note: v.note,
      })));
    }
    // a single-file source that yielded more than itself was an archive
    const kind = info.kind === 'file' ? ((await files.summary([evidenceId])).files > 1 ? 'archive' : 'file') : info.kind;
    const verifyProblem = verification.verify_status === 'mismatch' || verification.verify_status === 'failed' ? verification.verify_detail ?? null : null;
    const finished = { status: 'done', finished_at: nowIso(), kind, size: info.kind === 'folder' ? progress.discoveredBytes : info.size, error: verifyProblem, ...verification, ...(image ? { image_format: image.image.format } : {}) };
    await evRepo.update(evidenceId, finished);
    sink.done(progress);
    return { evidence: { ...ev, ...finished }, progress };
  }

  /**
   * Collect and store the image's byte runs; the outcome goes into the evidence item's acquisition record. A
   * failure (fiwalk missing, a file system fiwalk cannot walk) is a warning there and in the scan result, never a
   * failed scan: the runs only enrich the export.
   */
  private async recordByteRuns(evidenceId: string, image: NonNullable<SourceInfo['image']>, given: string, warnings: string[]): Promise<void> {
    const byteRuns = await this.collectRuns(evidenceId, image, given, warnings);
    const { layout, acquisition } = image;
    await this.ports.evidence.update(evidenceId, { acquisition: JSON.stringify({ scheme: layout.scheme, sectorSize: layout.sectorSize, ewf: acquisition, byteRuns }) });
  }

  /** The byte-run outcome for the acquisition record: recorded, partial (some volumes not walked), skipped or failed. */
  private async collectRuns(evidenceId: string, image: NonNullable<SourceInfo['image']>, given: string, warnings: string[]): Promise<Record<string, unknown>> {
    if (!image.layout.volumes.some((v) => v.status === 'scanned')) {
      return { tool: 'fiwalk', status: 'skipped', detail: 'no volume with a file system was scanned' };
    }
    const { files } = this.ports;
    try {
      const o = await collectByteRuns(image.image, image.layout, {
        filesAt: (paths) => files.imageFilesAt(evidenceId, paths),
        filesSuffixed: (after, limit) => files.imageFilesSuffixed(evidenceId, after, limit),
        replace: (items) => files.replaceByteRuns(items),
      });
      if (o.notWalked.length) warnings.push(`${given}: byte runs not recorded for volume(s) ${o.notWalked.join(', ')}: fiwalk could not walk their file system`);
      return { tool: 'fiwalk', status: o.notWalked.length ? 'partial' : 'recorded', ...o };
    } catch (err) {
      const detail = `byte runs not recorded (the DFXML export has none for this image): ${(err as Error).message}`;
      warnings.push(`${given}: ${detail}`);
      return { tool: 'fiwalk', status: 'failed', detail };
    }
  }
}

function directoryEntry(w: WalkEntry): ProcessedEntry {
  return {
    path: w.relPath, parentPath: null, entryType: 'directory', depth: w.depth, size: null, times: w.times,
    digests: null, type: null, isArchive: false, archiveStatus: null, memberCount: null,
    error: null, errorCode: null, media: null, stages: { digest: 'skipped' },
  };
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
