import type { MessagePort } from 'node:worker_threads';
import type { ProcessedEntry } from '../domain/entry.js';
import type { ArchiveLimits } from '../domain/scan-limits.js';
import type { DigestAlgorithm } from '../hashing/triple-digest.js';
import type { DiskFileJob } from './entry-processor.js';

export interface WorkerInit {
  limits: ArchiveLimits;
  scratchDir: string;
}

export type ToWorker =
  /**
   * Process a file. Jobs are run one at a time in the order received. With `helper`, the file's digests are
   * split with the worker at the other end of that port (large files, see hashing/triple-digest.ts).
   */
  | { type: 'job'; jobId: number; job: DiskFileJob; helper?: MessagePort }
  /** Compute `algorithms` of the chunks another worker sends on `port` for job `jobId`; answer 'helped'. */
  | { type: 'help'; jobId: number; port: MessagePort; algorithms: DigestAlgorithm[] }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'members'; jobId: number; entries: ProcessedEntry[] }
  | { type: 'done'; jobId: number; entry: ProcessedEntry }
  /** Finished (or abandoned) helping with job `jobId`; the worker is free again. */
  | { type: 'helped'; jobId: number }
  | { type: 'stopped' };
