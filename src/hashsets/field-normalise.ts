/**
 * Normalisation of the values hash-set files carry: hex digests, tolerant booleans, sizes, PDQ quality.
 *
 * Every function returns either the normalised value or a reason the caller can put into a `MalformedRecord`;
 * nothing here throws on bad input (bad input is data). Hex is accepted in any case with surrounding whitespace
 * and returned lowercase; length is checked per algorithm because a hash of the wrong length can never match
 * and usually means a truncated or shifted column.
 */
import { HASH_HEX_LENGTH, type HashAlgorithm } from './hash-set-record.js';

export type Normalised<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Lowercase hex digits only (a plain loop: measurably cheaper than a regex on hundreds of millions of rows). */
function isLowerHex(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Show at most 80 characters of a bad value in a reason. */
export function preview(value: string): string {
  const v = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(v);
}

export function normaliseHash(raw: string, algorithm: HashAlgorithm): Normalised<string> {
  const h = raw.trim().toLowerCase();
  const want = HASH_HEX_LENGTH[algorithm];
  if (!isLowerHex(h)) return { ok: false, reason: `${algorithm} ${preview(raw)} is not hexadecimal` };
  if (h.length !== want) {
    return { ok: false, reason: `${algorithm} ${preview(raw)} has ${h.length} hex digits, expected ${want}` };
  }
  return { ok: true, value: h };
}

/** MD5 / SHA-1 / SHA-256 by length, for lists that do not name the algorithm. */
export function algorithmForHexLength(length: number): HashAlgorithm | null {
  return length === 32 ? 'md5' : length === 40 ? 'sha1' : length === 64 ? 'sha256' : null;
}

/** "MD5", "SHA-1", "sha256", "SHA2-256", "PDQ" → algorithm; null for anything else. */
export function algorithmFromName(name: string): HashAlgorithm | null {
  const n = name.trim().toLowerCase().replace(/[-_ ]/g, '');
  if (n === 'md5') return 'md5';
  if (n === 'sha1') return 'sha1';
  if (n === 'sha256' || n === 'sha2256') return 'sha256';
  if (n === 'pdq') return 'pdq';
  return null;
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

/**
 * Booleans as real files write them: JSON true/false, "true"/"false" strings (C4All, the Project VIC sample),
 * 1/0, y/yes/t and n/no/f (ICSE). Absent, null, empty or unrecognised → null: never guessed to be false.
 */
export function tolerantBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : null;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (TRUE_WORDS.has(v)) return true;
    if (FALSE_WORDS.has(v)) return false;
  }
  return null;
}

/** A non-negative integer size from a number or a numeric string (VICS 1.x writes strings); else null. */
export function parseSize(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === 'string' && /^\s*\d{1,16}\s*$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/** PDQ quality 0..100 (integer). */
export function parseQuality(value: string): number | null {
  if (!/^\s*\d{1,3}\s*$/.test(value)) return null;
  const n = Number(value);
  return n <= 100 ? n : null;
}

/** Cap free text kept in `extra` (tags, comments): it is metadata, not evidence. */
export function capText(value: string, max = 4096): string {
  return value.length > max ? `${value.slice(0, max)}…[truncated]` : value;
}
