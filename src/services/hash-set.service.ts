import type { HashSetRepository, ImportCounts } from '../db/repositories/hash-set.repository.js';
import type { HashSetRow, NewHashSetEntry } from '../db/schema.js';
import { DIGEST_BYTES, HASH_SET_ROLES, type HashAlgorithm, type HashSetRole } from '../domain/hash-set.js';
import { newId } from '../util/ids.js';
import { nowIso } from '../util/time.js';
import { NotFoundError, UserError } from './errors.js';

/** One record of a hash list as the format readers produce it (src/hashsets implements this port). */
export interface HashListRecord {
  /** Normalised lowercase hex, length-checked per algorithm; at least one is present. */
  hashes: Partial<Record<HashAlgorithm, string>>;
  /** Exactly as given (e.g. "1", "0", "A1", "CAT A"); null when absent or null in the file. */
  category: string | null;
  /** Entry-level baseline flag if the format has one (ICSE `Baseline`); null when absent. */
  baseline: boolean | null;
  name: string | null;
  size: number | null;
  pdqQuality: number | null;
  /** Opaque (VICS base64, NCMEC `pdna`): never parsed, never compared here. */
  photoDna: string | null;
  /** Other small fields worth keeping (series, victimIdentified, productCode, …); null when there are none. */
  extra: Record<string, unknown> | null;
}

export interface MalformedLine {
  /** "line 17" for text formats, "Media[3]" / "Cases[0].Media[3]" / "video[1]" / "FILE row 9" otherwise. */
  location: string;
  reason: string;
}

export interface DetectedFormat {
  format: string;
  version?: string;
  profile?: string;
  /** Other formats the same bytes could be (a bare 64-hex list: SHA-256 or PDQ). */
  alternatives?: string[];
}

/** The port through which the service reads hash lists (implemented by src/hashsets over the file system). */
export interface HashListSource {
  /** Detect the format by content; `forced` (the user's --format) overrides detection of an ambiguous file. */
  detect(path: string, forced?: string): Promise<DetectedFormat>;
  read(path: string, format: DetectedFormat, onMalformed: (m: MalformedLine) => void): AsyncIterable<HashListRecord>;
  /** SHA-256 of the list file, for provenance. */
  fingerprint(path: string): Promise<string>;
}

export interface ImportOptions {
  name: string;
  role: string;
  profile?: string;
  /** Read the file as this format instead of detecting it (e.g. a bare 64-hex list that is PDQ, not SHA-256). */
  format?: string;
  baseline?: boolean;
  importedBy?: string;
  /** How many malformed lines to keep in the result for display (all are counted). */
  keepMalformed?: number;
  onProgress?: (records: number) => void;
}

export interface ImportResult {
  set: HashSetRow;
  format: DetectedFormat;
  counts: ImportCounts;
  malformed: MalformedLine[];
  replaced: boolean;
}

export const HASH_SET_PROFILES = ['US', 'UK', 'Default'] as const;

/**
 * The workspace's hash-set library: import (format detected by content, read as a stream, atomic, re-import
 * replaces in place), list, remove. Categories are kept exactly as the source gives them, together with the
 * category system (profile) they belong to; they are never translated between profiles.
 */
export class HashSetService {
  constructor(
    private readonly sets: HashSetRepository,
    private readonly source: HashListSource,
  ) {}

  async import(path: string, opts: ImportOptions): Promise<ImportResult> {
    const name = opts.name.trim();
    if (!/^[\p{L}\p{N}][\p{L}\p{N} ._\-()#:]{0,127}$/u.test(name)) {
      throw new UserError(`invalid hash-set name "${opts.name}": 1-128 letters, digits, spaces and . _ - ( ) # :`);
    }
    if (!(HASH_SET_ROLES as readonly string[]).includes(opts.role)) {
      throw new UserError(`invalid role "${opts.role}": one of ${HASH_SET_ROLES.join(', ')}`);
    }
    const role = opts.role as HashSetRole;
    if (opts.profile !== undefined && !(HASH_SET_PROFILES as readonly string[]).includes(opts.profile)) {
      throw new UserError(`invalid profile "${opts.profile}": one of ${HASH_SET_PROFILES.join(', ')}`);
    }
    const format = await this.source.detect(path, opts.format);
    const replaced = (await this.sets.findByName(name)) !== undefined;
    const fingerprint = await this.source.fingerprint(path);
    const malformed: MalformedLine[] = [];
    const keep = opts.keepMalformed ?? 50;
    let malformedCount = 0;
    const onMalformed = (m: MalformedLine) => {
      malformedCount++;
      if (malformed.length < keep) malformed.push(m);
    };
    const set = await this.sets.replaceSet(
      {
        name,
        role,
        format: format.format,
        format_version: format.version ?? null,
        profile: opts.profile ?? format.profile ?? null,
        baseline: opts.baseline ? 1 : 0,
        source_name: path,
        source_sha256: fingerprint,
        imported_at: nowIso(),
        imported_by: opts.importedBy ?? null,
      },
      newId(),
      async (write) => {
        let records = 0;
        let entries = 0;
        for await (const rec of this.source.read(path, format, onMalformed)) {
          const rows = entryRows(rec, (alg, hex) => onMalformed({ location: `record ${records + 1}`, reason: `invalid ${alg} "${hex.slice(0, 80)}"` }));
          if (rows.length === 0) continue;
          records++;
          entries += rows.length;
          await write(rows);
          if (opts.onProgress && records % 100_000 === 0) opts.onProgress(records);
        }
        return { records, entries, malformed: malformedCount };
      },
    );
    if (set.entry_count === 0) {
      // An import that yields nothing is almost always the wrong file; keep the set (it is what was asked), but say so.
      malformed.unshift({ location: 'file', reason: 'no usable hashes found' });
    }
    return { set, format, counts: { records: Number(set.record_count), entries: Number(set.entry_count), malformed: malformedCount }, malformed, replaced };
  }

  list(): Promise<HashSetRow[]> {
    return this.sets.list();
  }

  async remove(name: string): Promise<HashSetRow> {
    const set = await this.sets.findByName(name);
    if (!set) throw new NotFoundError(`no hash set named "${name}" (see: winnow hashset list)`);
    await this.sets.remove(set.id);
    return set;
  }
}

/**
 * One stored entry per digest of a record. Digests are re-checked here (the readers normalise; this guards the
 * store): an invalid one is reported, never stored and never silently dropped.
 */
function entryRows(rec: HashListRecord, onInvalid: (alg: HashAlgorithm, hex: string) => void): Omit<NewHashSetEntry, 'set_id'>[] {
  const rows: Omit<NewHashSetEntry, 'set_id'>[] = [];
  for (const [alg, hex] of Object.entries(rec.hashes) as [HashAlgorithm, string | undefined][]) {
    if (hex === undefined) continue;
    if (!(alg in DIGEST_BYTES) || hex.length !== DIGEST_BYTES[alg] * 2 || !/^[0-9a-f]+$/.test(hex)) {
      onInvalid(alg, hex);
      continue;
    }
    rows.push({
      algorithm: alg,
      hash: Buffer.from(hex, 'hex'),
      category: rec.category,
      baseline: rec.baseline === null ? null : rec.baseline ? 1 : 0,
      name: rec.name,
      size: rec.size,
      pdq_quality: alg === 'pdq' ? rec.pdqQuality : null,
      photodna: rec.photoDna,
      extra: rec.extra && Object.keys(rec.extra).length > 0 ? JSON.stringify(rec.extra) : null,
    });
  }
  return rows;
}
