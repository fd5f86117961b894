/**
 * Blocking exports (research note §3.2–3.4): a DNS RPZ zone for domains dedicated to abuse material, the canonical
 * URL list with its SHA-256 form, and hash lists for partners. Pure text builders; the caller authenticates the
 * download and writes the audit entry.
 */
import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { UserError } from '../../services/errors.js';
import { csvCell } from '../csv-writer.js';
import { HASH_HEX_LENGTH, type HashAlgorithm } from '../../hashsets/hash-set-record.js';

export interface RpzZoneInput {
  /** The zone's name, e.g. `rpz.winnow.example` (a trailing dot is allowed). */
  origin: string;
  /** SOA serial (1 … 2^32−1); it must grow on every change, e.g. YYYYMMDDnn. */
  serial: number;
  /** Domains marked as dedicated to abuse material; Unicode names are converted to punycode. */
  domains: string[];
  /** Primary name server and the responsible mailbox (`hostmaster@example.org` or `hostmaster.example.org`). */
  soa: { mname: string; rname: string };
  /** Record TTL in seconds; 300 by default (short, so removals from the list take effect quickly). */
  ttl?: number;
  /** ISO 8601 time written in the header comment. */
  generatedAt: string;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A host name in lower-case punycode without the trailing dot; throws UserError naming `what` when it is not a
 * valid DNS host name (empty labels, bad characters, labels over 63 octets, names over 253, IPv4 literals).
 */
export function toDnsName(raw: string, what: string, minLabels = 1): string {
  const trimmed = raw.trim().replace(/\.$/, '');
  const ascii = trimmed === '' ? '' : domainToASCII(trimmed).toLowerCase();
  const labels = ascii.split('.');
  const bad =
    ascii === '' ||
    ascii.length > 253 ||
    labels.length < minLabels ||
    !labels.every((l) => LABEL.test(l)) ||
    /^[0-9]+$/.test(labels[labels.length - 1] ?? '');
  if (bad) throw new UserError(`${what}: ${JSON.stringify(raw)} is not a valid DNS host name`);
  return ascii;
}

/** RFC 1035 mailbox as a domain name: `host.master@example.org` → `host\.master.example.org`. */
function mailboxToDnsName(rname: string): string {
  const at = rname.lastIndexOf('@');
  if (at < 0) return toDnsName(rname, 'SOA rname');
  const local = rname.slice(0, at);
  if (!/^[A-Za-z0-9._+-]{1,63}$/.test(local)) throw new UserError(`SOA rname: ${JSON.stringify(rname)} has an unusable local part`);
  return `${local.replace(/\./g, '\\.')}.${toDnsName(rname.slice(at + 1), 'SOA rname')}`;
}

/**
 * The RPZ zone text: header comment, `$TTL`, SOA, NS, then for each domain an NXDOMAIN rule for the name and for
 * all names below it (`CNAME .`). Domains are lower-cased, punycoded, deduplicated and sorted; a domain already
 * covered by a listed parent's wildcard is left out. Invalid names are rejected (UserError), never skipped, so a
 * typo cannot silently drop a block.
 */
export function buildRpzZone(input: RpzZoneInput): string {
  const origin = toDnsName(input.origin, 'RPZ origin');
  const ttl = input.ttl ?? 300;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647) throw new UserError(`RPZ TTL must be a whole number of seconds, got ${ttl}`);
  if (!Number.isInteger(input.serial) || input.serial < 1 || input.serial > 4294967295) {
    throw new UserError(`RPZ serial must be a whole number from 1 to 4294967295, got ${input.serial}`);
  }
  const mname = toDnsName(input.soa.mname, 'SOA mname');
  const rname = mailboxToDnsName(input.soa.rname);

  const names = new Set<string>();
  for (const d of input.domains) {
    const name = toDnsName(d, 'RPZ domain', 2);
    // "*." + name + "." + origin + "." must fit in 255 octets on the wire (253 characters in text form).
    if (name.length + origin.length + 3 > 253) throw new UserError(`RPZ domain ${name} is too long for zone ${origin}`);
    names.add(name);
  }
  const covered = (n: string): boolean => {
    for (let i = n.indexOf('.'); i >= 0; i = n.indexOf('.', i + 1)) if (names.has(n.slice(i + 1))) return true;
    return false;
  };
  const listed = [...names].filter((n) => !covered(n)).sort();

  const lines = [
    `; RPZ zone ${origin}: NXDOMAIN for domains dedicated to child sexual abuse material`,
    `; generated ${input.generatedAt.replace(/[\r\n]/g, ' ')} by Winnow; ${listed.length} domain${listed.length === 1 ? '' : 's'}`,
    `$TTL ${ttl}`,
    `${origin}. IN SOA ${mname}. ${rname}. ${input.serial} 3600 600 604800 ${ttl}`,
    `${origin}. IN NS ${mname}.`,
  ];
  for (const n of listed) lines.push(`${n}.${origin}. CNAME .`, `*.${n}.${origin}. CNAME .`);
  return lines.join('\n') + '\n';
}

/** SHA-256 hex of a string's UTF-8 bytes. */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/**
 * The URL list: one canonical URL per line, deduplicated and sorted, and its hashed form (SHA-256 hex of each
 * URL, one per line, sorted by hash so line positions do not pair hashes with URLs). URLs must already be
 * canonical (the intake canonicaliser's output); whitespace inside one would break the format and is rejected.
 */
export function buildUrlList(urls: string[]): { text: string; sha256Text: string } {
  const set = new Set<string>();
  for (const u of urls) {
    const t = u.trim();
    if (t === '') continue;
    if (/\s/.test(t)) throw new UserError(`URL list: ${JSON.stringify(u)} contains whitespace; give canonical URLs`);
    set.add(t);
  }
  const sorted = [...set].sort();
  const join = (xs: string[]): string => (xs.length ? xs.join('\n') + '\n' : '');
  return { text: join(sorted), sha256Text: join(sorted.map(sha256Hex).sort()) };
}

export interface HashListRow {
  algorithm: string;
  hash: string;
  classification: string;
}

/**
 * The partner hash list: one row per distinct (algorithm, hash), sorted; hashes lower-cased and checked for
 * length. CSV has the header `algorithm,hash,classification` (RFC 4180, CRLF); JSONL one object per line.
 */
export function buildHashList(rows: HashListRow[], format: 'csv' | 'jsonl'): string {
  const byKey = new Map<string, HashListRow>();
  for (const r of rows) {
    const name = r.algorithm.toLowerCase();
    if (!Object.hasOwn(HASH_HEX_LENGTH, name)) throw new UserError(`Hash list: unknown algorithm ${JSON.stringify(r.algorithm)} (md5, sha1, sha256, pdq)`);
    const algorithm = name as HashAlgorithm;
    const len = HASH_HEX_LENGTH[algorithm];
    const hash = r.hash.trim().toLowerCase();
    if (!new RegExp(`^[0-9a-f]{${len}}$`).test(hash)) throw new UserError(`Hash list: ${JSON.stringify(r.hash)} is not a ${algorithm} hash`);
    byKey.set(`${algorithm}:${hash}`, { algorithm, hash, classification: r.classification });
  }
  const sorted = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  if (format === 'jsonl') return sorted.map((r) => JSON.stringify(r) + '\n').join('');
  return ['algorithm,hash,classification', ...sorted.map((r) => [r.algorithm, r.hash, r.classification].map(csvCell).join(','))]
    .map((l) => l + '\r\n')
    .join('');
}
