/**
 * Per-read state shared by the format readers: options, the `info` being filled in, and the one place where
 * malformed entries are counted and handed to the caller.
 *
 * `HashFields` is the common "collect hashes, remember what was wrong" step: a record with at least one good hash
 * is kept (and its bad fields are still reported, with "record kept"), a record with none is reported and
 * dropped. Either way nothing disappears without a `MalformedRecord`.
 */
import { normaliseHash } from './field-normalise.js';
import type {
  HashAlgorithm,
  HashSetFormat,
  HashSetReadInfo,
  HashSetRecord,
  MalformedRecord,
  ReadHashSetOptions,
} from './hash-set-record.js';
import { DEFAULT_MAX_LINE_BYTES } from './line-reader.js';

export class ReadContext {
  readonly info: HashSetReadInfo;
  readonly maxLineBytes: number;

  constructor(
    readonly path: string,
    format: HashSetFormat,
    private readonly onMalformed: (m: MalformedRecord) => void,
    readonly options: ReadHashSetOptions,
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.info = {
      format, version: null, profile: null, categoryScheme: null, contextUrl: null, shape: null, description: null,
      records: 0, malformed: 0, cases: 0, deletions: 0, nextPage: null, notes: [],
    };
  }

  malformed(location: string, reason: string): void {
    this.info.malformed++;
    this.onMalformed({ location, reason });
  }

  overlong(lineNo: number, bytes: number): void {
    this.malformed(`line ${lineNo}`, `line is ${bytes} bytes, longer than the ${this.maxLineBytes}-byte limit (skipped)`);
  }

  /** Count a record on its way out. */
  emit(record: HashSetRecord): HashSetRecord {
    this.info.records++;
    return record;
  }

  note(text: string): void {
    if (!this.info.notes.includes(text)) this.info.notes.push(text);
  }
}

export class HashFields {
  readonly hashes: Partial<Record<HashAlgorithm, string>> = {};
  readonly problems: string[] = [];

  /** Add a raw value if it is a non-empty string; a bad one is remembered as a problem. */
  add(algorithm: HashAlgorithm, raw: unknown, label: string = algorithm.toUpperCase()): void {
    if (raw === undefined || raw === null) return;
    if (typeof raw !== 'string') {
      this.problems.push(`${label} is not a string`);
      return;
    }
    if (raw.trim() === '') return;
    const r = normaliseHash(raw, algorithm);
    if (r.ok) this.hashes[algorithm] ??= r.value;
    else this.problems.push(`${label}: ${r.reason}`);
  }

  get empty(): boolean {
    return Object.keys(this.hashes).length === 0;
  }

  /**
   * Report problems; returns false when the record has no usable hash and must be dropped.
   * `missing` is the reason used when there were no problems but also no hash.
   */
  settle(ctx: ReadContext, location: string, missing = 'no hash value'): boolean {
    if (this.empty) {
      ctx.malformed(location, this.problems.length > 0 ? this.problems.join('; ') : missing);
      return false;
    }
    if (this.problems.length > 0) ctx.malformed(location, `${this.problems.join('; ')} (record kept with its valid hashes)`);
    return true;
  }
}

export function record(hashes: Partial<Record<HashAlgorithm, string>>, fields: Partial<HashSetRecord> = {}): HashSetRecord {
  return {
    hashes,
    category: fields.category ?? null,
    baseline: fields.baseline ?? null,
    name: fields.name ?? null,
    size: fields.size ?? null,
    pdqQuality: fields.pdqQuality ?? null,
    photoDna: fields.photoDna ?? null,
    extra: fields.extra ?? null,
  };
}
