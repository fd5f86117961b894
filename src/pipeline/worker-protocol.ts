import type { ProcessedEntry } from '../domain/entry.js';
import type { ArchiveLimits } from '../domain/scan-limits.js';
import type { DiskFileJob } from './entry-processor.js';

export interface WorkerInit {
  limits: ArchiveLimits;
  scratchDir: string;
}

export type ToWorker = { type: 'job'; jobId: number; job: DiskFileJob } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'members'; jobId: number; entries: ProcessedEntry[] }
  | { type: 'done'; jobId: number; entry: ProcessedEntry }
  | { type: 'stopped' };
