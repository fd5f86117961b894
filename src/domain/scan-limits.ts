/** Safety limits for opening archives; all configurable from the CLI. */
export interface ArchiveLimits {
  /** Archives nested deeper than this are hashed but not opened. */
  maxDepth: number;
  /** Bytes one top-level archive may expand to, including nested archives: ratio × its own size + allowance… */
  maxRatio: number;
  ratioAllowanceBytes: number;
  /** …and never more than this in absolute terms. */
  maxExpandedBytes: number;
  /** A nested archive or image larger than this is hashed while streaming but not held in memory to open. */
  maxInMemoryBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxDepth: 10,
  maxRatio: 250,
  ratioAllowanceBytes: 64 * 1024 * 1024,
  maxExpandedBytes: 256 * 1024 ** 3,
  maxInMemoryBytes: 256 * 1024 * 1024,
};
