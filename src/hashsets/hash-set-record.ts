/**
 * Shared types of the hash-set readers (`winnow hashset import FILE`): what one imported entry looks like, how a
 * bad entry is reported, which formats exist, and the errors that stop an import.
 *
 * Design decisions:
 *  - One record shape for every format. Fields a format does not have are `null` (never `false`/`0`), so
 *    "absent" stays distinguishable from "stated as false" all the way into the database.
 *  - `category` is kept as the string the file gave ("0", "1", "A1", "CAT A"): code tables differ per profile
 *    (VICS US/UK/Default, NCMEC classification) and a wrong mapping is the classic interop bug (notes §1.5), so
 *    mapping to internal labels is left to the importer, with `HashSetReadInfo.categoryScheme` saying whose codes
 *    they are.
 *  - Bad entries are data, not exceptions: they go to the caller's `onMalformed` callback with a location and a
 *    reason (the caller decides how many to show). Only a failure that makes the whole file untrustworthy
 *    (truncated JSON/XML, unreadable database) throws, and the importer then keeps nothing.
 */

import type { HashAlgorithm } from '../domain/hash-set.js';
import type { HashListRecord, MalformedLine } from '../services/hash-set.service.js';
export type { HashAlgorithm };

/** Hex length of each algorithm (PDQ: 256 bits, as `src/hashing/pdq.ts` formats it). */
export const HASH_HEX_LENGTH: Readonly<Record<HashAlgorithm, number>> = { md5: 32, sha1: 40, sha256: 64, pdq: 64 };

/** The readers produce the records and malformed-line reports the import service's port defines. */
export type HashSetRecord = HashListRecord;
export type MalformedRecord = MalformedLine;

export type HashSetFormat =
  | 'vics'
  | 'nsrl-rdsv3'
  | 'nsrl-rds2'
  | 'md5sum'
  | 'sha1sum'
  | 'sha256sum'
  | 'hashdeep'
  | 'hashkeeper'
  | 'plain'
  | 'pdq-list'
  | 'ncmec-xml'
  | 'icse-csv';

export const HASH_SET_FORMATS: readonly HashSetFormat[] = [
  'vics', 'nsrl-rdsv3', 'nsrl-rds2', 'md5sum', 'sha1sum', 'sha256sum', 'hashdeep', 'hashkeeper', 'plain', 'pdq-list',
  'ncmec-xml', 'icse-csv',
];

/** What `detectHashSetFormat` found. Only `format` is always present. */
export interface DetectedHashSetFormat {
  format: HashSetFormat;
  /** VICS 2.0 profile segment ("US", "UK", "Default", …). */
  profile?: string;
  /** VICS data-model version ("1.3", "2.0"), hashdeep "1.0", NSRL RDSv3 VERSION.version, NCMEC "v2". */
  version?: string;
  /** VICS document shape. */
  shape?: 'Media' | 'Cases';
  /** For `plain`: the algorithm named by an X-Ways style header line ("MD5", "SHA-1", "PDQ"), if any. */
  algorithm?: HashAlgorithm;
  /**
   * Other formats the same bytes could be. A bare list of 64-hex lines reads as SHA-256 (`plain`) but may be a
   * PDQ list: the importer should let the user say `pdq-list`.
   */
  alternatives?: HashSetFormat[];
}

/** Format-level facts gathered while reading; complete once iteration has finished. */
export interface HashSetReadInfo {
  format: HashSetFormat;
  version: string | null;
  profile: string | null;
  /** Whose category codes `HashSetRecord.category` holds, e.g. "VICS 2.0 US", "NCMEC classification". */
  categoryScheme: string | null;
  /** VICS `odata.metadata` / `@odata.context` as found (kept raw for audit). */
  contextUrl: string | null;
  /** VICS shape as declared by the context URL (or inferred when there is none). */
  shape: 'Media' | 'Cases' | null;
  /** Free-text description from the file (NSRL VERSION.description, hashdeep invocation line). */
  description: string | null;
  records: number;
  malformed: number;
  /** VICS case exports: number of Case objects. */
  cases: number;
  /** NCMEC: deletion entries (<deletedImage>/<deletedVideo>); delivered through `onDeletion`, not as records. */
  deletions: number;
  /** NCMEC: the `<paging><next>` link of a partial result, if any. */
  nextPage: string | null;
  /** Anything else the importer should show once (ignored columns, fallbacks taken, …). */
  notes: string[];
}

/** An NCMEC hash-sharing deletion entry: the entry `id` was withdrawn by its member. */
export interface HashSetDeletion {
  location: string;
  entryType: 'image' | 'video';
  id: string | null;
  memberId: string | null;
  timestamp: string | null;
}

export interface ReadHashSetOptions {
  /** Longest accepted text line in bytes; longer lines are skipped as malformed. Default 64 KiB. */
  maxLineBytes?: number;
  /**
   * NSRL RDSv3: 'distinct' (default) yields one record per distinct (sha256, sha1, md5) with the first file name
   * and size; 'file' yields every FILE row (hundreds of millions on a real set, one per package).
   */
  nsrlRows?: 'distinct' | 'file';
  /** `plain`: algorithm for every line instead of deciding by length (e.g. 'pdq' for a bare PDQ list). */
  plainAlgorithm?: HashAlgorithm;
  /** NCMEC deletion entries. */
  onDeletion?: (d: HashSetDeletion) => void;
}

/** A streaming reader: iterate once; `info` is filled in as reading goes and is final after the loop ends. */
export interface HashSetReader extends AsyncIterable<HashSetRecord> {
  readonly info: HashSetReadInfo;
}

/** Base class of the errors that stop an import; the message is written for the user. */
export class HashSetError extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The file is not a hash set we can read: unknown, unsupported, refused (e.g. NCMEC status XML), binary junk. */
export class HashSetFormatError extends HashSetError {}

/** The file looked right but broke while reading (truncated JSON/XML, unreadable database): keep nothing. */
export class HashSetReadError extends HashSetError {}
