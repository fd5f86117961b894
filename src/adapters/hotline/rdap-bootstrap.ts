/**
 * IANA RDAP bootstrap files (RFC 9224), imported offline: `{ version, publication, description?, services:
 * [[ [keys…], [base URLs…] ], …] }`. Keys are CIDR prefixes (ipv4.json, ipv6.json), domain labels (dns.json) or
 * AS number ranges (asn.json). Validated on import and stored as `<dir>/<kind>.json`; matched by longest prefix
 * (addresses) or longest label suffix (domains).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../services/errors.js';
import { parseCidr, parseIp, type IpRange } from './ip-numbers.js';

export type BootstrapKind = 'ipv4' | 'ipv6' | 'dns' | 'asn';

export interface BootstrapFile {
  version: string;
  publication: string;
  description?: string;
  services: [string[], string[]][];
}

const MAX_BOOTSTRAP_BYTES = 10 * 1024 * 1024;
const DNS_KEY = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const ASN_KEY = /^\d{1,10}(?:-\d{1,10})?$/;

function keyKind(key: string): BootstrapKind | null {
  const cidr = parseCidr(key);
  if (cidr) return cidr.v === 4 ? 'ipv4' : 'ipv6';
  if (ASN_KEY.test(key)) return 'asn';
  if (DNS_KEY.test(key.toLowerCase())) return 'dns';
  return null;
}

/** Checks the RFC 9224 structure and tells the file's kind from its keys; UserError with the reason otherwise. */
export function validateBootstrap(json: unknown, label: string): { kind: BootstrapKind; file: BootstrapFile } {
  const bad = (why: string) => new UserError(`${label} is not an IANA RDAP bootstrap file: ${why}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('not a JSON object');
  const o = json as Record<string, unknown>;
  if (typeof o.version !== 'string') throw bad('no "version"');
  if (typeof o.publication !== 'string' || Number.isNaN(Date.parse(o.publication))) throw bad('no valid "publication" date');
  if (!Array.isArray(o.services) || o.services.length === 0) throw bad('no "services"');
  const kinds = new Set<BootstrapKind>();
  const services: [string[], string[]][] = [];
  o.services.forEach((s: unknown, i) => {
    if (!Array.isArray(s) || s.length !== 2 || !Array.isArray(s[0]) || !Array.isArray(s[1])) throw bad(`services[${i}] is not [[keys], [urls]]`);
    const keys = s[0] as unknown[];
    const urls = s[1] as unknown[];
    if (keys.length === 0 || urls.length === 0) throw bad(`services[${i}] has no keys or no URLs`);
    for (const k of keys) {
      const kind = typeof k === 'string' ? keyKind(k) : null;
      if (!kind) throw bad(`services[${i}] key ${JSON.stringify(k)} is not a CIDR prefix, domain label or AS range`);
      kinds.add(kind);
    }
    for (const u of urls) {
      if (typeof u !== 'string' || !/^https?:\/\/[^\s/]+/i.test(u) || !URL.canParse(u)) throw bad(`services[${i}] URL ${JSON.stringify(u)} is not an http(s) URL`);
    }
    services.push([(keys as string[]).map((k) => k.toLowerCase()), urls as string[]]);
  });
  if (kinds.size !== 1) throw bad(`keys of several kinds (${[...kinds].join(', ')})`);
  const file: BootstrapFile = { version: o.version, publication: o.publication, services };
  if (typeof o.description === 'string') file.description = o.description;
  return { kind: [...kinds][0]!, file };
}

/** Validates `file` and stores it as `<dir>/<kind>.json`, replacing the earlier one of that kind. */
export async function importBootstrapFile(dir: string, file: string): Promise<{ kind: BootstrapKind; services: number; publication: string }> {
  let text: string;
  try {
    const buf = await readFile(file);
    if (buf.length > MAX_BOOTSTRAP_BYTES) throw new UserError(`${file} is larger than ${MAX_BOOTSTRAP_BYTES} bytes: not a bootstrap file`);
    text = buf.toString('utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file} is not an IANA RDAP bootstrap file: invalid JSON (${(e as Error).message})`);
  }
  const { kind, file: boot } = validateBootstrap(json, file);
  await mkdir(dir, { recursive: true });
  const dest = join(dir, `${kind}.json`);
  const tmp = join(dir, `.${kind}.json.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(boot, null, 1) + '\n');
  await rename(tmp, dest);
  return { kind, services: boot.services.length, publication: boot.publication };
}

/** A loaded bootstrap file, ready for matching. */
export class Bootstrap {
  private readonly prefixes: { range: IpRange; len: number; urls: string[] }[] = [];
  private readonly labels = new Map<string, string[]>();

  constructor(readonly kind: BootstrapKind, file: BootstrapFile) {
    for (const [keys, urls] of file.services) {
      for (const k of keys) {
        const cidr = parseCidr(k);
        if (cidr) this.prefixes.push({ range: cidr, len: cidr.len, urls });
        else this.labels.set(k, urls);
      }
    }
  }

  static async load(dir: string, kind: BootstrapKind): Promise<Bootstrap | null> {
    let text: string;
    try {
      text = await readFile(join(dir, `${kind}.json`), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return new Bootstrap(kind, validateBootstrap(JSON.parse(text), join(dir, `${kind}.json`)).file);
  }

  /** Base URLs of the longest prefix that covers the address. */
  forIp(ip: string): string[] | null {
    const a = parseIp(ip);
    if (!a) return null;
    let best: { len: number; urls: string[] } | null = null;
    for (const p of this.prefixes) {
      if (p.range.v !== a.v || a.n < p.range.start || a.n > p.range.end) continue;
      if (!best || p.len > best.len) best = p;
    }
    return best?.urls ?? null;
  }

  /** Base URLs of the longest label suffix of the domain (usually its TLD). */
  forDomain(domain: string): string[] | null {
    const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length; i++) {
      const urls = this.labels.get(labels.slice(i).join('.'));
      if (urls) return urls;
    }
    return null;
  }
}
