/** What a scan reports while it runs; the CLI renders it (TTY line, plain log lines, or nothing). */
export interface ScanProgress {
  source: string;
  /** Top-level files found by the walk so far, and their bytes. */
  discoveredFiles: number;
  discoveredBytes: number;
  /** The walk has finished: totals are final, so an ETA can be given. */
  walkDone: boolean;
  /** Files processed in this run (top-level and archive members), bytes hashed. */
  processedFiles: number;
  processedBytes: number;
  /** Top-level files done (for the ETA against discoveredFiles), including ones finished by an earlier run. */
  topLevelDone: number;
  topLevelBytesDone: number;
  skippedAlreadyDone: number;
  errors: number;
  startedAt: number;
  /**
   * Disk-image sources: the image's format, size in bytes (all segments) and file systems listed. Progress through
   * the image is reported in its files' bytes (topLevelBytesDone of discoveredBytes), which is what is read.
   */
  image?: { format: string; bytes: number; volumes: number };
}

export interface ProgressSink {
  update(p: Readonly<ScanProgress>): void;
  done(p: Readonly<ScanProgress>): void;
}

export const silentProgress: ProgressSink = { update() {}, done() {} };
