import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase, type DatabaseHandle } from '../db/connection.js';
import { CaseRepository } from '../db/repositories/case.repository.js';
import { EvidenceRepository } from '../db/repositories/evidence.repository.js';
import { FileRepository } from '../db/repositories/file.repository.js';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../domain/scan-limits.js';
import { WorkerPool } from '../pipeline/worker-pool.js';
import { CaseService } from '../services/case.service.js';
import { ExportService } from '../services/export.service.js';
import { ScanService } from '../services/scan.service.js';
import { HashSetRepository } from '../db/repositories/hash-set.repository.js';
import { TriageRepository } from '../db/repositories/triage.repository.js';
import { HashSetService } from '../services/hash-set.service.js';
import { MatchService } from '../services/match.service.js';
import { fileHashListSource } from '../adapters/hash-list-source.js';
import { MatchIndexStore } from '../adapters/match-index-store.js';
import { ThumbnailStore } from '../adapters/thumbnail-store.js';
import { nearDuplicateClusterers } from '../adapters/pdq-clusterer.js';
import { inspectSource, walkSource } from '../sources/source-walker.js';
import { AuditRepository } from '../db/repositories/audit.repository.js';
import { CategorisationRepository } from '../db/repositories/categorisation.repository.js';
import { ReviewRepository } from '../db/repositories/review.repository.js';
import { SessionRepository } from '../db/repositories/session.repository.js';
import { UserRepository } from '../db/repositories/user.repository.js';
import { AuditService } from '../services/audit.service.js';
import { AuthService } from '../services/auth.service.js';
import { CategorisationService } from '../services/categorisation.service.js';
import { ReviewService } from '../services/review.service.js';
import { CourtReportRepository } from '../db/repositories/court-report.repository.js';
import { CourtReportService } from '../services/court-report.service.js';
import { SeriesRepository } from '../db/repositories/series.repository.js';
import { SeriesService } from '../services/series.service.js';
import { UserService } from '../services/user.service.js';
import type { JobQueue } from '../services/job-queue.js';
import type { LabPorts } from '../services/lab.service.js';
import { MemoryJobQueue } from '../adapters/queue/memory-queue.js';
import { LabStore } from '../adapters/queue/lab-store.js';
import { nowIso } from '../util/time.js';

export interface GlobalOptions {
  workspace?: string;
  db?: string;
}

/** Resolve where the workspace lives: --workspace, else $WINNOW_HOME, else ./winnow-data. */
export function workspaceDir(opts: GlobalOptions): string {
  return resolve(opts.workspace ?? process.env.WINNOW_HOME ?? 'winnow-data');
}

/**
 * The composition root: opens the workspace's database (SQLite file inside it by default, or PostgreSQL from
 * --db / WINNOW_DB) and wires repositories, adapters and services. Commands get everything from here.
 */
export class Workspace {
  private constructor(
    readonly dir: string,
    readonly handle: DatabaseHandle,
    /** The database URL or SQLite path as given (lab mode opens its job queue on the same PostgreSQL). */
    readonly dbUrl: string = '',
  ) {}

  static async open(opts: GlobalOptions): Promise<Workspace> {
    const dir = workspaceDir(opts);
    mkdirSync(dir, { recursive: true });
    const url = opts.db ?? process.env.WINNOW_DB ?? join(dir, 'winnow.sqlite');
    return new Workspace(dir, await openDatabase(url), url);
  }

  readonly repos = (() => {
    const h = () => this.handle;
    return {
      get cases() { return new CaseRepository(h()); },
      get evidence() { return new EvidenceRepository(h()); },
      get files() { return new FileRepository(h()); },
      get hashSets() { return new HashSetRepository(h()); },
      get triage() { return new TriageRepository(h()); },
    };
  })();

  get cases(): CaseService {
    return new CaseService(this.repos.cases);
  }

  get hashSets(): HashSetService {
    return new HashSetService(this.repos.hashSets, fileHashListSource);
  }

  get matcher(): MatchService {
    return new MatchService(this.cases, this.repos.triage, new MatchIndexStore(this.dir, this.repos.hashSets), nearDuplicateClusterers);
  }

  // Review server (issue 6): users, sessions, audit chain, review and categorisation services.
  get audit(): AuditService {
    return new AuditService(new AuditRepository(this.handle));
  }

  get users(): UserService {
    return new UserService(new UserRepository(this.handle), this.repos.cases, this.audit);
  }

  get auth(): AuthService {
    return new AuthService(new UserRepository(this.handle), new SessionRepository(this.handle), this.audit);
  }

  get review(): ReviewService {
    return new ReviewService(new ReviewRepository(this.handle), new UserRepository(this.handle), this.users, this.audit);
  }

  get categorisation(): CategorisationService {
    return new CategorisationService(new CategorisationRepository(this.handle), new ReviewRepository(this.handle), this.audit);
  }

  /** Court reports (HTML/PDF) of a case or evidence item; each generation is audited. */
  get courtReports(): CourtReportService {
    return new CourtReportService(new CourtReportRepository(this.handle), this.repos.evidence, this.repos.hashSets, this.audit);
  }

  /** Series and victims (issue 6). */
  get series(): SeriesService {
    return new SeriesService(new SeriesRepository(this.handle), this.users, this.audit);
  }

  get exporter(): ExportService {
    return new ExportService(this.cases, this.repos.evidence, this.repos.files);
  }

  /** A scan service with a worker pool; the caller must close() the returned pool. */
  scanner(opts: { workers?: number; limits?: Partial<ArchiveLimits> } = {}): { scan: ScanService; close: () => Promise<void> } {
    const scratchDir = join(this.dir, 'tmp', `scan-${process.pid}`);
    mkdirSync(scratchDir, { recursive: true, mode: 0o700 });
    const pool = new WorkerPool(opts.workers ?? availableParallelism(), {
      limits: { ...DEFAULT_ARCHIVE_LIMITS, ...opts.limits },
      scratchDir,
    });
    const scan = new ScanService({
      cases: this.cases,
      evidence: this.repos.evidence,
      files: this.repos.files,
      thumbnails: new ThumbnailStore(this.dir),
      inspectSource,
      walk: walkSource,
      process: pool,
    });
    return {
      scan,
      close: async () => {
        await pool.close();
        rmSync(scratchDir, { recursive: true, force: true });
      },
    };
  }

  /** Lab mode (issue 8): the job queue (pg-boss on the workspace's PostgreSQL, else in-process) and its ports. */
  async jobQueue(): Promise<JobQueue> {
    if (this.handle.caps.engine !== 'postgres') return new MemoryJobQueue();
    const maintenance = Number(process.env.WINNOW_QUEUE_MAINTENANCE_SECONDS ?? 10);
    // pg-boss is loaded only in lab mode (it is heavy, and the embedded default never needs it).
    const { PgBossJobQueue, pgBossOptionsFromUrl } = await import('../adapters/queue/pgboss-queue.js');
    return PgBossJobQueue.open({ ...pgBossOptionsFromUrl(this.dbUrl), maintenanceSeconds: maintenance });
  }

  labPorts(queue: JobQueue, process: LabPorts['process']): LabPorts {
    const cases = this.repos.cases;
    return {
      queue, process, files: this.repos.files, evidence: this.repos.evidence, store: new LabStore(this.handle),
      thumbnails: new ThumbnailStore(this.dir), now: nowIso,
      matchCase: async (name) => { await this.matcher.matchCase(name, { all: false }); },
      caseName: async (id) => (await cases.list()).find((c) => c.id === id)?.name ?? id,
    };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
