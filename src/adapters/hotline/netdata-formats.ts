/**
 * Line parsers (and writers) for the offline network datasets an administrator imports. Pure: one line in, one
 * record or one error out. The normalised copies the desk stores are written in the same formats, so one parser
 * reads both the original download and the stored copy.
 *
 * - RIR delegated(-extended) statistics (NRO format): `registry|cc|type|start|value|date|status[|opaque-id[|…]]`,
 *   after a version line `2|registry|serial|records|startdate|enddate|UTCoffset` and summary lines
 *   `registry|*|type|*|count|summary`. ipv4 `value` = number of addresses (not always a power of two), ipv6
 *   `value` = prefix length, asn `value` = number of AS numbers.
 * - iptoasn.com TSV: `range_start\trange_end\tAS_number\tcountry_code\tAS_description`; AS 0 = not routed.
 * - Known-CDN list: `ASN<TAB>name` (or `AS13335 name`), `#` comments.
 */
import { parseIp, formatIp, v4RangeFromCount, v6RangeFromPrefix, type IpRange } from './ip-numbers.js';

/** null: blank or comment; `record: null`: a valid line that carries nothing to store (header, summary, AS 0…). */
export type LineResult<T> = { record: T | null } | { error: string } | null;

export interface Ip2AsnRecord {
  range: IpRange;
  asn: number;
  country: string | null;
  org: string | null;
}

export interface RirRecord {
  range: IpRange;
  registry: string;
  country: string | null;
  date: string;
  status: 'allocated' | 'assigned';
}

export interface CdnRecord {
  asn: number;
  name: string;
}

export const REGISTRIES = ['arin', 'ripencc', 'apnic', 'lacnic', 'afrinic'] as const;
const MAX_ASN = 4294967295;

function isComment(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#');
}

/** ISO 3166 alpha-2, upper case; null for the "no country" spellings; undefined when malformed. */
function country(text: string): string | null | undefined {
  const t = text.trim().toUpperCase();
  if (t === '' || t === 'NONE' || t === 'ZZ' || t === '*') return null;
  return /^[A-Z]{2}$/.test(t) ? t : undefined;
}

function asn(text: string): number | null {
  const t = text.trim().replace(/^AS/i, '');
  if (!/^\d{1,10}$/.test(t)) return null;
  const n = Number(t);
  return n <= MAX_ASN ? n : null;
}

/** Control characters out, whitespace collapsed: names end up in TSV files, e-mails and PDFs. */
function cleanText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

export function parseIp2AsnLine(line: string): LineResult<Ip2AsnRecord> {
  if (isComment(line)) return null;
  const f = line.replace(/\r$/, '').split('\t');
  if (f.length < 4) return { error: `expected 5 tab-separated fields, found ${f.length}` };
  const start = parseIp(f[0]!);
  const end = parseIp(f[1]!);
  if (!start || !end) return { error: `not an IP address: ${!start ? f[0] : f[1]}` };
  if (start.v !== end.v) return { error: 'range start and end are of different IP versions' };
  if (start.n > end.n) return { error: 'range start is after range end' };
  const as = asn(f[2]!);
  if (as === null) return { error: `not an AS number: ${f[2]}` };
  const cc = country(f[3]!);
  if (cc === undefined) return { error: `not a country code: ${f[3]}` };
  if (as === 0) return { record: null }; // not routed: nothing to say about the range
  const range = (start.v === 4 ? { v: 4, start: start.n, end: end.n as number } : { v: 6, start: start.n, end: end.n as bigint }) as IpRange;
  const org = cleanText(f.slice(4).join(' '));
  return { record: { range, asn: as, country: cc, org: org === '' ? null : org } };
}

export function writeIp2AsnLine(r: Ip2AsnRecord): string {
  const ip = (n: number | bigint) => formatIp(r.range.v === 4 ? { v: 4, n: n as number } : { v: 6, n: n as bigint });
  return [ip(r.range.start), ip(r.range.end), r.asn, r.country ?? 'None', r.org ?? ''].join('\t');
}

export function parseRirLine(line: string): LineResult<RirRecord> {
  if (isComment(line)) return null;
  const f = line.trim().split('|');
  if (f.length < 6) return { error: `expected |-separated RIR statistics fields, found ${f.length}` };
  // Version line: version|registry|serial|records|startdate|enddate|UTCoffset
  if (/^\d+(\.\d+)?$/.test(f[0]!) && f.length >= 7) {
    return (REGISTRIES as readonly string[]).includes(f[1]!.toLowerCase()) ? { record: null } : { error: `unknown registry ${f[1]}` };
  }
  const registry = f[0]!.toLowerCase();
  if (!(REGISTRIES as readonly string[]).includes(registry)) return { error: `unknown registry ${f[0]}` };
  const type = f[2]!;
  if (f[5] === 'summary') return ['ipv4', 'ipv6', 'asn'].includes(type) ? { record: null } : { error: `unknown summary type ${type}` };
  if (f.length < 7) return { error: `expected at least 7 fields, found ${f.length}` };
  const cc = country(f[1]!);
  if (cc === undefined) return { error: `not a country code: ${f[1]}` };
  const status = f[6]!.toLowerCase();
  if (!['allocated', 'assigned', 'available', 'reserved'].includes(status)) return { error: `unknown status ${f[6]}` };
  if (!/^\d+$/.test(f[4]!)) return { error: `value is not a number: ${f[4]}` };
  const value = Number(f[4]);
  let range: IpRange | null;
  if (type === 'asn') {
    const first = asn(f[3]!);
    if (first === null || value < 1 || first + value - 1 > MAX_ASN) return { error: `bad AS number block ${f[3]}+${f[4]}` };
    return { record: null }; // AS delegations say nothing about an address; recognised, not stored
  } else if (type === 'ipv4') {
    const s = parseIp(f[3]!);
    range = s && s.v === 4 && !f[3]!.includes(':') ? v4RangeFromCount(s.n, value) : null;
  } else if (type === 'ipv6') {
    const s = parseIp(f[3]!);
    range = s && s.v === 6 ? v6RangeFromPrefix(s.n, value) : null;
  } else return { error: `unknown record type ${type}` };
  if (!range) return { error: `bad ${type} block ${f[3]} ${f[4]}` };
  // Free and reserved space has no holder: recognised, nothing to say about hosting.
  if (status !== 'allocated' && status !== 'assigned') return { record: null };
  return { record: { range, registry, country: cc, date: /^\d{8}$/.test(f[5]!) ? f[5]! : '', status } };
}

export function writeRirLine(r: RirRecord): string {
  const value = r.range.v === 4 ? r.range.end - r.range.start + 1 : 128 - (r.range.end - r.range.start + 1n).toString(2).length + 1;
  const start = formatIp(r.range.v === 4 ? { v: 4, n: r.range.start } : { v: 6, n: r.range.start });
  return [r.registry, r.country ?? '', r.range.v === 4 ? 'ipv4' : 'ipv6', start, value, r.date, r.status].join('|');
}

export function parseCdnLine(line: string): LineResult<CdnRecord> {
  if (isComment(line)) return null;
  const m = /^\s*(?:AS)?(\d{1,10})\s+(.+?)\s*$/i.exec(line);
  if (!m) return { error: 'expected "ASN<TAB>name"' };
  const n = asn(m[1]!);
  if (n === null || n === 0) return { error: `not an AS number: ${m[1]}` };
  const name = cleanText(m[2]!);
  if (name === '') return { error: 'missing CDN name' };
  return { record: { asn: n, name } };
}

export function writeCdnLine(r: CdnRecord): string {
  return `${r.asn}\t${r.name}`;
}
