/** Hash sets: what a set is for, and which digests can be matched. */
export const HASH_ALGORITHMS = ['md5', 'sha1', 'sha256', 'pdq'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];
export const EXACT_ALGORITHMS = ['md5', 'sha1', 'sha256'] as const;
export type ExactAlgorithm = (typeof EXACT_ALGORITHMS)[number];
export const DIGEST_BYTES: Record<HashAlgorithm, number> = { md5: 16, sha1: 20, sha256: 32, pdq: 32 };

/**
 * known-bad: material to categorise automatically and keep out of reviewers' sight; known-good: files to hide
 * (operating systems, software: NSRL); alert: hashes of interest that must be brought to someone's attention.
 */
export const HASH_SET_ROLES = ['known-bad', 'known-good', 'alert'] as const;
export type HashSetRole = (typeof HASH_SET_ROLES)[number];

/** A file's triage verdict, strongest first: a file in a known-bad and a known-good set is known-bad. */
export const TRIAGE_STATUSES = ['known-bad', 'alert', 'known-good', 'unknown'] as const;
export type TriageStatus = (typeof TRIAGE_STATUSES)[number];
