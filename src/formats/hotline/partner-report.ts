/**
 * Parsers for reports other hotlines send us (issue 7, partner intake): an ICCAM-like JSON file ("winnow-iccam-1")
 * and a CSV file. Both formats are documented in docs/hotline-partner-formats.md.
 *
 * Pure: text in, records out. A problem with one record (bad date, no URL, unknown classification, malformed hash…)
 * is collected in `errors` with the record's position and the record is skipped, so one bad line does not lose a
 * whole file; a problem with the file itself (too big, not JSON, wrong shape, too many reports, broken CSV quoting,
 * bad header) throws a UserError. URLs are only trimmed here: intake canonicalises them.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { CsvError } from 'csv-parse/sync';
import { UserError } from '../../services/errors.js';

export type PartnerContentType = 'image' | 'video' | 'text' | 'other';
export type PartnerClassification = 'baseline' | 'national' | 'not-illegal' | 'doubtful';
export type PartnerHashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'pdq';

/** One report as a partner hotline sent it, validated but not canonicalised. */
export interface PartnerReportInput {
  /** The partner's own report id, when it gave one. */
  externalRef: string | null;
  /** Who sent it: the partner the importing user chose (not read from the file). */
  partner: string;
  /** When the partner received the report, ISO 8601 UTC ("2026-11-30T09:15:00.000Z"). */
  receivedAt: string;
  /** Trimmed, exact duplicates removed, at least one. */
  urls: string[];
  description: string | null;
  contentType: PartnerContentType | null;
  classification: PartnerClassification | null;
  /** ISO 3166-1 alpha-2, upper case. */
  hostingCountry: string | null;
  /** Lower-case hex; duplicates removed. */
  hashes: { algorithm: PartnerHashAlgorithm; hash: string }[];
}

export interface PartnerParseError {
  /** JSON: position in "reports" (from 0). CSV: data row (from 0; header, blank lines and blank rows not counted). */
  index: number;
  /** CSV only: the line of the file where the row starts (the header is line 1). */
  line?: number;
  message: string;
}

export interface PartnerParseResult {
  reports: PartnerReportInput[];
  errors: PartnerParseError[];
}

export interface PartnerParseOptions {
  /** The partner hotline the file comes from (an identifier of the importing deployment, e.g. "iwf"). */
  partner: string;
  /** Most reports one file may hold (default 10,000); more is a UserError. */
  maxReports?: number;
  /** Largest file accepted, in UTF-8 bytes (default 20 MB), checked before parsing. */
  maxBytes?: number;
  /** CSV rows without reported_at get this time (default: the time of the call). */
  now?: Date;
}

export const ICCAM_FORMAT = 'winnow-iccam-1';
export const DEFAULT_MAX_REPORTS = 10_000;
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
export const MAX_URLS_PER_REPORT = 1000;
const MAX_DESCRIPTION = 10_000;
const MAX_REF = 200;

const HASH_HEX_LENGTH: Record<PartnerHashAlgorithm, number> = { md5: 32, sha1: 40, sha256: 64, pdq: 64 };
const CLASSIFICATIONS: Record<string, PartnerClassification> = {
  baseline: 'baseline',
  national: 'national',
  'nationally illegal': 'national',
  'not illegal': 'not-illegal',
  ignore: 'not-illegal',
  doubtful: 'doubtful',
};
const CONTENT_TYPES: readonly PartnerContentType[] = ['image', 'video', 'text', 'other'];

// ---------------------------------------------------------------------------------------------------------------
// Field checks shared by both formats. Each throws FieldProblem; a record gathers all of its problems in one message.

class FieldProblem extends Error {}

/** A record's fields before validation, whatever format they came from. */
interface RawReport {
  externalRef: unknown;
  receivedAt: unknown;
  urls: unknown[];
  description: unknown;
  contentType: unknown;
  classification: unknown;
  hostingCountry: unknown;
  hashes: { algorithm: unknown; hash: unknown }[];
}

/** A validated record whose receivedAt may still be missing (CSV fills it in after grouping). */
type Draft = Omit<PartnerReportInput, 'receivedAt'> & { receivedAt: string | null };

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function optionalText(v: unknown, name: string, max: number): string | null {
  if (isBlank(v)) return null;
  if (typeof v === 'number' && Number.isFinite(v)) v = String(v);
  if (typeof v !== 'string') throw new FieldProblem(`${name} must be a string`);
  const s = v.trim();
  if (s.length > max) throw new FieldProblem(`${name} is longer than ${max} characters`);
  return s;
}

/**
 * ISO 8601 date or date-time, returned as UTC. A time needs a zone (Z or ±hh:mm): a partner in another country
 * would otherwise shift every removal-time statistic. A date alone means midnight UTC.
 */
export function normalisePartnerDate(v: unknown, name = 'date'): string {
  if (typeof v !== 'string') throw new FieldProblem(`${name} must be an ISO 8601 date string`);
  const s = v.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(s);
  if (!m) throw new FieldProblem(`${name} "${s.slice(0, 40)}" is not an ISO 8601 date (e.g. 2026-11-30T09:15:00Z)`);
  const [, y, mo, d, hh, mi, ss, frac, zone] = m;
  if (hh !== undefined && zone === undefined) {
    throw new FieldProblem(`${name} "${s}" has no time zone (add Z or an offset such as +01:00)`);
  }
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(hh ?? 0), minute = Number(mi ?? 0), second = Number(ss ?? 0);
  const base = Date.UTC(year, month - 1, day, hour, minute, second, Math.floor(Number(`0${frac ?? ''}`) * 1000));
  const check = new Date(Date.UTC(year, month - 1, day));
  const validDay = check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
  if (!validDay || hour > 23 || minute > 59 || second > 59) throw new FieldProblem(`${name} "${s}" is not a real date`);
  let offsetMinutes = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    const oh = Number(z?.[2]), om = Number(z?.[3]);
    if (!z || oh > 23 || om > 59) throw new FieldProblem(`${name} "${s}" has an invalid time-zone offset`);
    offsetMinutes = (z[1] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(base - offsetMinutes * 60_000).toISOString();
}

function classification(v: unknown): PartnerClassification | null {
  if (isBlank(v)) return null;
  if (typeof v !== 'string') throw new FieldProblem('classification must be a string');
  const key = v.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
  const c = CLASSIFICATIONS[key];
  if (!c) throw new FieldProblem(`unknown classification "${v.trim().slice(0, 40)}" (expected baseline, national, not-illegal or doubtful)`);
  return c;
}

function contentType(v: unknown): PartnerContentType | null {
  if (isBlank(v)) return null;
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  const t = CONTENT_TYPES.find((c) => c === s);
  if (!t) throw new FieldProblem(`unknown content type "${String(v).slice(0, 40)}" (expected image, video, text or other)`);
  return t;
}

function country(v: unknown): string | null {
  if (isBlank(v)) return null;
  if (typeof v !== 'string' || !/^[A-Za-z]{2}$/.test(v.trim())) {
    throw new FieldProblem(`hosting country "${String(v).slice(0, 40)}" is not an ISO 3166-1 alpha-2 code`);
  }
  return v.trim().toUpperCase();
}

function hashEntry(algorithm: unknown, hash: unknown): { algorithm: PartnerHashAlgorithm; hash: string } {
  const alg = typeof algorithm === 'string' ? algorithm.trim().toLowerCase() : '';
  if (!(alg in HASH_HEX_LENGTH)) throw new FieldProblem(`unknown hash algorithm "${String(algorithm).slice(0, 20)}" (expected md5, sha1, sha256 or pdq)`);
  const a = alg as PartnerHashAlgorithm; // checked just above
  const len = HASH_HEX_LENGTH[a];
  const h = typeof hash === 'string' ? hash.trim().toLowerCase() : '';
  if (!new RegExp(`^[0-9a-f]{${len}}$`).test(h)) {
    throw new FieldProblem(`malformed ${a} hash "${String(hash).slice(0, 80)}" (expected ${len} hex digits)`);
  }
  return { algorithm: a, hash: h };
}

function urlList(values: unknown[]): string[] {
  if (values.length === 0) throw new FieldProblem('no URL');
  if (values.length > MAX_URLS_PER_REPORT) throw new FieldProblem(`more than ${MAX_URLS_PER_REPORT} URLs`);
  const out: string[] = [];
  values.forEach((u, i) => {
    if (typeof u !== 'string') throw new FieldProblem(`URL ${i + 1} is not a string`);
    const t = u.trim();
    if (t === '') throw new FieldProblem(values.length === 1 ? 'URL is empty' : `URL ${i + 1} is empty`);
    if (!out.includes(t)) out.push(t);
  });
  return out;
}

/** Validate every field of one record; returns the draft, or all problems joined in one message. */
function validate(raw: RawReport, partner: string): { draft: Draft } | { message: string } {
  const problems: string[] = [];
  const take = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof FieldProblem)) throw e;
      problems.push(e.message);
      return fallback;
    }
  };
  const hashes: Draft['hashes'] = [];
  for (const h of raw.hashes) {
    const entry = take(() => hashEntry(h.algorithm, h.hash), null);
    if (entry && !hashes.some((x) => x.algorithm === entry.algorithm && x.hash === entry.hash)) hashes.push(entry);
  }
  const draft: Draft = {
    externalRef: take(() => optionalText(raw.externalRef, 'report id', MAX_REF), null),
    partner,
    receivedAt: take(() => (isBlank(raw.receivedAt) ? null : normalisePartnerDate(raw.receivedAt, 'received date')), null),
    urls: take(() => urlList(raw.urls), []),
    description: take(() => optionalText(raw.description, 'description', MAX_DESCRIPTION), null),
    contentType: take(() => contentType(raw.contentType), null),
    classification: take(() => classification(raw.classification), null),
    hostingCountry: take(() => country(raw.hostingCountry), null),
    hashes,
  };
  return problems.length > 0 ? { message: problems.join('; ') } : { draft };
}

function checkFileOptions(text: string, opts: PartnerParseOptions): { maxReports: number } {
  if (typeof opts.partner !== 'string' || opts.partner.trim() === '') throw new UserError('the partner hotline must be named');
  if (typeof text !== 'string') throw new UserError('partner file must be text');
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) {
    throw new UserError(`partner file is ${formatBytes(size)}; the limit is ${formatBytes(maxBytes)}`);
  }
  return { maxReports: opts.maxReports ?? DEFAULT_MAX_REPORTS };
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${n} bytes`;
}

function tooMany(count: number, max: number): UserError {
  return new UserError(`partner file has ${count} reports; at most ${max} can be imported at once (split the file)`);
}

// ---------------------------------------------------------------------------------------------------------------
// ICCAM-like JSON

/** Parse a "winnow-iccam-1" JSON file (docs/hotline-partner-formats.md). */
export function parseIccamJson(text: string, opts: PartnerParseOptions): PartnerParseResult {
  const { maxReports } = checkFileOptions(text, opts);
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new UserError(`partner file is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new UserError(`partner file must be a JSON object with "format": "${ICCAM_FORMAT}", "hotline" and "reports"`);
  }
  const top = doc as Record<string, unknown>; // an object, checked just above
  if (top.format !== ICCAM_FORMAT) {
    const found = top.format === undefined ? 'no "format"' : `format ${JSON.stringify(top.format).slice(0, 40)}`;
    throw new UserError(`unsupported partner file: ${found} (expected "format": "${ICCAM_FORMAT}")`);
  }
  if (typeof top.hotline !== 'string' || top.hotline.trim() === '') {
    throw new UserError('partner file: "hotline" must name the hotline that sent it');
  }
  if (!Array.isArray(top.reports)) throw new UserError('partner file: "reports" must be an array');
  if (top.reports.length > maxReports) throw tooMany(top.reports.length, maxReports);

  const result: PartnerParseResult = { reports: [], errors: [] };
  top.reports.forEach((rec: unknown, index: number) => {
    const parsed = jsonRecord(rec, opts.partner);
    if ('message' in parsed) result.errors.push({ index, message: parsed.message });
    else result.reports.push(parsed.report);
  });
  return result;
}

function jsonRecord(rec: unknown, partner: string): { report: PartnerReportInput } | { message: string } {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return { message: 'report must be a JSON object' };
  const r = rec as Record<string, unknown>; // an object, checked just above
  let urls: unknown[];
  if (Array.isArray(r.urls)) urls = r.urls;
  else if (r.urls !== undefined) return { message: '"urls" must be an array of strings' };
  else urls = r.url === undefined ? [] : [r.url];
  let hashes: RawReport['hashes'];
  if (r.hashes === undefined || r.hashes === null) hashes = [];
  else if (!Array.isArray(r.hashes)) return { message: '"hashes" must be an array of {"algorithm", "hash"}' };
  else {
    hashes = r.hashes.map((h: unknown) => {
      const o = typeof h === 'object' && h !== null ? (h as Record<string, unknown>) : {}; // object or nothing
      return { algorithm: o.algorithm, hash: o.hash };
    });
  }
  const v = validate({
    externalRef: r.reportId,
    receivedAt: r.receivedAt,
    urls,
    description: r.description,
    contentType: r.contentType,
    classification: r.classification,
    hostingCountry: r.hostingCountry,
    hashes,
  }, partner);
  if ('message' in v) return v;
  if (v.draft.receivedAt === null) return { message: 'received date is missing ("receivedAt")' };
  return { report: { ...v.draft, receivedAt: v.draft.receivedAt } };
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

export const PARTNER_CSV_COLUMNS = [
  'url', 'reported_at', 'external_ref', 'description', 'content_type', 'classification', 'hosting_country',
  'md5', 'sha1', 'sha256', 'pdq',
] as const;
type CsvColumn = (typeof PARTNER_CSV_COLUMNS)[number];

interface CsvRow { index: number; line: number; cells: string[] | null; error?: string }

/**
 * Parse a partner CSV file (docs/hotline-partner-formats.md): header row required, one URL per row, rows sharing an
 * external_ref form one report.
 */
export function parsePartnerCsv(text: string, opts: PartnerParseOptions): PartnerParseResult {
  const { maxReports } = checkFileOptions(text, opts);
  const rows = csvRows(text);
  const header = rows.shift();
  if (!header || !header.cells) throw new UserError('CSV file is empty: a header row naming the columns is required');
  const columns = csvHeader(header.cells);
  const cell = (cells: string[], name: CsvColumn): string => {
    const i = columns.get(name);
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };

  const result: PartnerParseResult = { reports: [], errors: [] };
  const groups = new Map<string, { draft: Draft; line: number }>();
  const drafts: Draft[] = [];
  let dataIndex = 0;
  for (const row of rows) {
    if (row.cells && row.cells.every((c) => c.trim() === '')) continue; // spreadsheet filler such as ",,,,"
    const at = { index: dataIndex++, line: row.line };
    if (!row.cells) {
      result.errors.push({ ...at, message: row.error ?? 'unreadable row' });
      continue;
    }
    const cells = row.cells;
    const v = validate({
      externalRef: cell(cells, 'external_ref'),
      receivedAt: cell(cells, 'reported_at'),
      urls: [cell(cells, 'url')],
      description: cell(cells, 'description'),
      contentType: cell(cells, 'content_type'),
      classification: cell(cells, 'classification'),
      hostingCountry: cell(cells, 'hosting_country'),
      hashes: (['md5', 'sha1', 'sha256', 'pdq'] as const)
        .filter((a) => cell(cells, a) !== '')
        .map((a) => ({ algorithm: a, hash: cell(cells, a) })),
    }, opts.partner);
    if ('message' in v) {
      result.errors.push({ ...at, message: v.message });
      continue;
    }
    const ref = v.draft.externalRef;
    const group = ref === null ? undefined : groups.get(ref);
    if (!group) {
      drafts.push(v.draft);
      if (ref !== null) groups.set(ref, { draft: v.draft, line: row.line });
      continue;
    }
    const conflict = mergeInto(group.draft, v.draft);
    if (conflict) result.errors.push({ ...at, message: `${conflict} differs from line ${group.line} of report "${ref}"` });
  }
  if (drafts.length > maxReports) throw tooMany(drafts.length, maxReports);
  const now = (opts.now ?? new Date()).toISOString();
  for (const d of drafts) result.reports.push({ ...d, receivedAt: d.receivedAt ?? now });
  return result;
}

/**
 * Add one more row of a report to its group: its URL and hashes are appended; a field the group lacks is taken;
 * a field both have with different values is a conflict (returned, and nothing of the row is merged).
 */
function mergeInto(target: Draft, row: Draft): string | null {
  const scalars = ['receivedAt', 'description', 'contentType', 'classification', 'hostingCountry'] as const;
  const names: Record<(typeof scalars)[number], string> = {
    receivedAt: 'reported_at', description: 'description', contentType: 'content_type',
    classification: 'classification', hostingCountry: 'hosting_country',
  };
  for (const k of scalars) {
    if (row[k] !== null && target[k] !== null && row[k] !== target[k]) return names[k];
  }
  if (target.urls.length + row.urls.length > MAX_URLS_PER_REPORT) return `URL count (more than ${MAX_URLS_PER_REPORT})`;
  for (const k of scalars) if (target[k] === null && row[k] !== null) (target as Record<string, unknown>)[k] = row[k]; // same key, same type
  for (const u of row.urls) if (!target.urls.includes(u)) target.urls.push(u);
  for (const h of row.hashes) {
    if (!target.hashes.some((x) => x.algorithm === h.algorithm && x.hash === h.hash)) target.hashes.push(h);
  }
  return null;
}

function csvHeader(cells: string[]): Map<CsvColumn, number> {
  const columns = new Map<CsvColumn, number>();
  const unknown: string[] = [];
  cells.forEach((c, i) => {
    const name = c.trim().toLowerCase();
    if (!(PARTNER_CSV_COLUMNS as readonly string[]).includes(name)) {
      unknown.push(c.trim());
      return;
    }
    const col = name as CsvColumn; // a known column, checked just above
    if (columns.has(col)) throw new UserError(`CSV header names the column "${col}" twice`);
    columns.set(col, i);
  });
  if (!columns.has('url')) {
    throw new UserError(`CSV header has no "url" column (found: ${cells.map((c) => `"${c.trim().slice(0, 30)}"`).join(', ')})`);
  }
  if (unknown.length > 0) {
    throw new UserError(`unknown CSV column(s) ${unknown.map((c) => `"${c.slice(0, 30)}"`).join(', ')}; known columns: ${PARTNER_CSV_COLUMNS.join(', ')}`);
  }
  return columns;
}

/**
 * All records of the file in order, each with the line it starts on; rows whose field count differs from the
 * header's come back with `cells: null` and an error. Broken quoting makes the rest of the file unreadable, so it
 * throws. Line endings are unified first because csv-parse 7 counts a CRLF inside a quoted field as two lines.
 */
function csvRows(text: string): CsvRow[] {
  const unified = text.replace(/\r\n?/g, '\n');
  const rows: CsvRow[] = [];
  let fatal: CsvError | null = null;
  const startLine = (endLine: number, fields: unknown): number =>
    endLine - (Array.isArray(fields) ? fields.reduce((n: number, f) => n + (String(f).match(/\n/g)?.length ?? 0), 0) : 0);
  parseCsv(unified, {
    bom: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (record: string[], context) => {
      rows.push({ index: rows.length, line: startLine(context.lines, record), cells: record });
      return null; // collected here; nothing for the parser to return
    },
    on_skip: (err) => {
      if (!err) return undefined;
      if (err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
        const fields: unknown = err.record;
        const got = Array.isArray(fields) ? fields.length : 0;
        const expected = rows[0]?.cells?.length ?? 0;
        rows.push({
          index: rows.length,
          line: startLine(typeof err.lines === 'number' ? err.lines : 0, fields),
          cells: null,
          error: `row has ${got} field${got === 1 ? '' : 's'}; the header has ${expected}`,
        });
      } else {
        fatal ??= err;
      }
      return undefined;
    },
  });
  if (fatal !== null) {
    const e: CsvError = fatal;
    throw new UserError(`malformed CSV near line ${e.lines}: ${e.message.replace(/\s*(?:at|on) line \d+.*$/, '')}`);
  }
  return rows;
}
