/**
 * Public surface of the hash-set readers (import side of "hash sets and matching"): detect a file's format from
 * its content, then stream its records. See hash-set-record.ts for the record shape and read-hash-set.ts for the
 * reading contract.
 */
export { detectHashSetFormat } from './detect-format.js';
export { readHashSet } from './read-hash-set.js';
export { DEFAULT_MAX_LINE_BYTES } from './line-reader.js';
export { parseVicsContext, type VicsContext } from './readers/vics-reader.js';
export { NCMEC_NAMESPACE } from './readers/ncmec-xml-reader.js';
export {
  HASH_HEX_LENGTH,
  HASH_SET_FORMATS,
  HashSetError,
  HashSetFormatError,
  HashSetReadError,
  type DetectedHashSetFormat,
  type HashAlgorithm,
  type HashSetDeletion,
  type HashSetFormat,
  type HashSetReadInfo,
  type HashSetReader,
  type HashSetRecord,
  type MalformedRecord,
  type ReadHashSetOptions,
} from './hash-set-record.js';
