/**
 * Hash-set format detection from content (never from the file name): magic bytes, then the first 64 KiB as text.
 *
 * Order: SQLite (NSRL RDSv3; other SQLite refused), known binary formats refused with a reason (legacy EnCase
 * `.hash`, compressed/archived files, UTF-16 text), binary junk, then JSON (VICS by its OData context URL, or by
 * a `value` array of MD5/Media objects as GLEAPP does), XML (NCMEC entries; the API's other documents refused),
 * and line formats judged on their first line(s). Anything else throws `HashSetFormatError` with what was seen.
 *
 * Deliberately not guessed: a bare list of 64-hex lines is reported as `plain` (SHA-256) with `alternatives:
 * ['pdq-list']`, and a CSV whose only hash column is called `Hash` with 64-hex values is refused with a message
 * asking for the format, because SHA-256 and PDQ cannot be told apart by their bytes.
 */
import { open, stat } from 'node:fs/promises';
import { headerKey, splitDelimited } from './delimited-fields.js';
import { algorithmForHexLength, algorithmFromName, preview } from './field-normalise.js';
import { HashSetFormatError, type DetectedHashSetFormat, type HashAlgorithm, type HashSetFormat } from './hash-set-record.js';
import { BSD_SUM_LINE, GNU_SUM_LINE } from './readers/checksum-list-reader.js';
import { ncmecRefusal } from './readers/ncmec-xml-reader.js';
import { inspectRdsV3, openReadOnly } from './readers/nsrl-rdsv3-reader.js';
import { parsePdqHeader } from './readers/pdq-list-reader.js';
import { parseVicsContext } from './readers/vics-reader.js';

const HEAD_BYTES = 64 * 1024;

const MAGICS: { bytes: number[]; what: string }[] = [
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file: decompress it first' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (e.g. NSRLFile.txt.zip): extract the hash set first' },
  { bytes: [0x42, 0x5a, 0x68], what: 'a bzip2-compressed file: decompress it first' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz-compressed file: decompress it first' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive: extract the hash set first' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd-compressed file: decompress it first' },
  {
    bytes: [0x48, 0x41, 0x53, 0x48, 0x0d, 0x0a, 0xff, 0x00],
    what: 'a legacy EnCase binary hash set (.hash), which is not supported: it is a binary format, not text. ' +
      'Export the set from EnCase as a text/CSV MD5 list and import that',
  },
  { bytes: [0xff, 0xfe], what: 'UTF-16 text, which is not supported: convert it to UTF-8 first' },
  { bytes: [0xfe, 0xff], what: 'UTF-16 text, which is not supported: convert it to UTF-8 first' },
];

const startsWithBytes = (head: Buffer, bytes: number[]): boolean => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/** NUL bytes, or more than 2% control characters other than tab, CR, LF, FF and VT → binary. */
function looksBinary(head: Buffer): boolean {
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x0b) || b === 0x7f) control++;
  }
  return control > head.length * 0.02;
}

async function readHead(path: string): Promise<{ head: Buffer; whole: boolean }> {
  const st = await stat(path).catch((err: Error) => {
    throw new HashSetFormatError(`cannot read ${path}: ${err.message}`, path);
  });
  if (st.isDirectory()) throw new HashSetFormatError(`${path} is a directory, not a hash-set file`, path);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(HEAD_BYTES, Math.max(st.size, 1)));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { head: buf.subarray(0, bytesRead), whole: bytesRead >= st.size };
  } finally {
    await fh.close();
  }
}

export async function detectHashSetFormat(path: string): Promise<DetectedHashSetFormat> {
  const { head, whole } = await readHead(path);
  const fail = (why: string): never => {
    throw new HashSetFormatError(`${path}: ${why}`, path);
  };
  if (head.length === 0) fail('the file is empty');
  if (head.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return detectSqlite(path, fail);
  for (const m of MAGICS) if (startsWithBytes(head, m.bytes)) fail(`this is ${m.what}`);
  if (looksBinary(head)) fail('binary data, not a hash-set file (no known magic bytes, not text)');

  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return detectJson(trimmed, fail);
  if (trimmed.startsWith('<')) return detectXml(trimmed, fail);

  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (!whole) lines.pop(); // the last line of a partial head may be cut
  const nonBlank = lines.filter((l) => l.trim() !== '');
  if (nonBlank.length === 0) {
    fail(whole ? 'the file holds only blank lines' : `no line break in the first ${HEAD_BYTES} bytes: not a line-based hash list`);
  }
  return detectLines(nonBlank, fail);
}

function detectSqlite(path: string, fail: (why: string) => never): DetectedHashSetFormat {
  let db;
  try {
    db = openReadOnly(path);
  } catch (err) {
    return fail(`SQLite database that cannot be opened: ${(err as Error).message}`);
  }
  try {
    let layout;
    try {
      layout = inspectRdsV3(db);
    } catch (err) {
      return fail(`SQLite database that cannot be read: ${(err as Error).message}`);
    }
    if (layout !== null) {
      const out: DetectedHashSetFormat = { format: 'nsrl-rdsv3' };
      if (layout.version) out.version = layout.version.version;
      return out;
    }
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table','view')`).all() as { name: string }[])
      .map((t) => t.name.toLowerCase());
    if (tables.includes('hashes') && tables.includes('db_properties')) {
      return fail('an Autopsy/Sleuth Kit .kdb hash database, which is not supported; export it as an MD5 list');
    }
    return fail(`SQLite database, but not an NSRL RDSv3 set (no FILE table with md5, sha1, sha256); tables: ${tables.slice(0, 10).join(', ')}`);
  } finally {
    db.close();
  }
}

function detectJson(text: string, fail: (why: string) => never): DetectedHashSetFormat {
  if (text.startsWith('[')) fail('JSON array at top level: not a VICS document (VICS is an object with a "value" array)');
  const ctx = /"(odata\.metadata|@odata\.context)"\s*:\s*"([^"]*)"/i.exec(text);
  if (ctx) {
    const c = parseVicsContext(ctx[2]!);
    const out: DetectedHashSetFormat = { format: 'vics' };
    if (c.version) out.version = c.version;
    if (c.profile) out.profile = c.profile;
    if (c.shape) out.shape = c.shape;
    if (!c.version && !/projectvic|vicsdatamodel/i.test(ctx[2]!)) {
      fail(`JSON with an OData context that is not a VICS data model: ${preview(ctx[2]!)}`);
    }
    return out;
  }
  // GLEAPP's fallback: a top-level "value" array of objects carrying MD5 or Media.
  if (/"value"\s*:\s*\[/i.test(text) && /"(md5|media)"\s*:/i.test(text)) return { format: 'vics' };
  return fail('JSON, but not a VICS document (no "odata.metadata" / "@odata.context" and no "value" array of media)');
}

function detectXml(text: string, fail: (why: string) => never): DetectedHashSetFormat {
  // Skip the XML declaration, processing instructions, comments and DOCTYPE to reach the root element.
  const body = text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi, '').trimStart();
  const m = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([^>]*)>/.exec(body);
  if (!m) return fail('XML without a readable root element in the first 64 KiB');
  const root = m[2]!;
  const ns = /\sxmlns(?::[\w.-]+)?\s*=\s*["']([^"']*)["']/.exec(m[3] ?? '')?.[1] ?? '';
  const ncmec = /hashsharing\.ncmec\.org/i.test(ns);
  if (root === 'queryResult') {
    const version = /\/(v\d+)$/.exec(ns)?.[1];
    return version ? { format: 'ncmec-xml', version } : { format: 'ncmec-xml' };
  }
  if (ncmec) return fail(ncmecRefusal(root)!);
  if (root === 'dfxml') fail('a DFXML file: it is a file-system report, not a hash set supported by hashset import');
  return fail(`XML with root element <${root}>: not a supported hash-set format (NCMEC hash-sharing <queryResult> is)`);
}

const PDQ_WITH_QUALITY = /^[0-9a-fA-F]{64}[,\t]\s*\d{1,3}\s*([,\t]|$)/;
const PDQ_PREFIXED = /^pdq[\s,]+[0-9a-fA-F]{64}\s*$/i;
const HEX_ONLY = /^[0-9a-fA-F]+$/;

function detectLines(lines: string[], fail: (why: string) => never): DetectedHashSetFormat {
  if (lines[0]!.startsWith('%%%% HASHDEEP-')) {
    const first = lines[0]!;
    return { format: 'hashdeep', version: first.slice('%%%% HASHDEEP-'.length).trim() };
  }
  const data = lines.filter((l) => !l.trimStart().startsWith('#'));
  if (data.length === 0) fail('only comment lines in the first 64 KiB');
  const first = data[0]!;

  const commaKeys = new Set((splitDelimited(first, ',') ?? []).map(headerKey));
  const semiKeys = new Set((splitDelimited(first, ';') ?? []).map(headerKey));
  if (commaKeys.has('sha1') && commaKeys.has('md5') && commaKeys.has('filename')) return { format: 'nsrl-rds2' };
  if (commaKeys.has('productcode') && commaKeys.has('productname')) {
    fail('this is NSRL RDS 2.x NSRLProd.txt (the product table), not a hash list: import NSRLFile.txt');
  }
  if (commaKeys.has('opsystemcode') && commaKeys.has('opsystemname')) {
    fail('this is NSRL RDS 2.x NSRLOS.txt (the operating-system table), not a hash list: import NSRLFile.txt');
  }
  if (commaKeys.has('mfgcode') && commaKeys.has('mfgname')) {
    fail('this is NSRL RDS 2.x NSRLMfg.txt (the manufacturer table), not a hash list: import NSRLFile.txt');
  }
  if (commaKeys.has('hash') && commaKeys.has('filename') && (commaKeys.has('fileid') || commaKeys.has('hashsetid'))) {
    return { format: 'hashkeeper' };
  }
  if ((semiKeys.has('md5') || semiKeys.has('sha1')) &&
      (semiKeys.has('photodna') || semiKeys.has('imageid') || semiKeys.has('baseline') || semiKeys.has('seriesname'))) {
    return { format: 'icse-csv' };
  }
  const delimiter = first.includes('\t') ? '\t' : ',';
  const pdqHeader = parsePdqHeader(first, delimiter);
  if (pdqHeader !== null) {
    const keys = (splitDelimited(first, delimiter) ?? []).map(headerKey);
    if (['pdq', 'pdqhash', 'pdqhex'].includes(keys[pdqHeader.hash] ?? '')) return { format: 'pdq-list' };
    fail(`CSV with a generic "${keys[pdqHeader.hash]}" column: its algorithm cannot be told from the bytes ` +
      '(64 hex digits are SHA-256 or PDQ); pass the format explicitly (pdq-list)');
  }

  const named = algorithmFromName(first.trim());
  if (named !== null) return { format: 'plain', algorithm: named };

  const line = first.trim();
  if (PDQ_WITH_QUALITY.test(line) || PDQ_PREFIXED.test(line)) return { format: 'pdq-list' };
  if (HEX_ONLY.test(line)) {
    const alg = algorithmForHexLength(line.length);
    if (alg === 'sha256') return { format: 'plain', alternatives: ['pdq-list'] };
    if (alg !== null) return { format: 'plain' };
  }
  const gnu = GNU_SUM_LINE.exec(line);
  if (gnu && HEX_ONLY.test(gnu[2]!)) {
    const alg = algorithmForHexLength(gnu[2]!.length);
    if (alg !== null) return { format: sumFormat(alg) };
  }
  const bsd = BSD_SUM_LINE.exec(line);
  if (bsd) {
    const alg = algorithmFromName(bsd[1]!);
    if (alg !== null && alg !== 'pdq') return { format: sumFormat(alg) };
  }
  return fail(`unrecognised text: the first line ${preview(line)} is not a line of any supported hash-list format ` +
    '(md5sum/sha1sum/sha256sum, hashdeep, NSRL RDS 2.x, HashKeeper, ICSE CSV, plain hashes, PDQ list)');
}

function sumFormat(alg: HashAlgorithm): HashSetFormat {
  return alg === 'md5' ? 'md5sum' : alg === 'sha1' ? 'sha1sum' : 'sha256sum';
}
