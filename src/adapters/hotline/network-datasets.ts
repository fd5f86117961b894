/**
 * NetworkLookup over offline datasets an administrator imports into the workspace (the desk never asks an online
 * service where an address lives: traces must be reproducible and must not leak what the hotline investigates).
 *
 * Layout of the dataset directory (e.g. `<workspace>/netdata/`): one subdirectory per kind, one normalised copy per
 * imported file, named after the source file (`ip2asn/iptoasn-2026-11.tsv`). A copy is the source format again,
 * cleaned — valid lines only, sorted, canonical addresses — after a `# winnow-netdata …` header line, so an
 * administrator can read it and the same parser loads it. Lookups are in memory: sorted ranges, binary search
 * (IPv4 as uint32, IPv6 as bigint).
 *
 * MaxMind DB files (kind 'mmdb': GeoLite2/GeoIP2 ASN, ISP, Country, City; DB-IP and IPinfo lite) are stored as
 * validated copies in `mmdb/` with a sidecar (see mmdb-store.ts) and read in memory with mmdb-lib (mmdb-dataset.ts).
 *
 * Merging rules of `lookup` (each field has one source; `sources` lists the datasets that gave at least one):
 * - ip2asn: the newest import that holds the address gives asn, org, country and prefix (first hit wins);
 * - mmdb: every database that holds the address, newest import first, fills what is still missing — asn; org, unless
 *   the record's ASN differs from the one already found; country (country.iso_code, else registered_country); prefix
 *   (the database's network) only from a record whose ASN is the one reported;
 * - RIR delegated: the newest holding file gives registry and fills country and prefix (the delegated block);
 * - still no prefix: the network of the first mmdb record that had any of these fields (e.g. a Country block);
 * - CDN: the ASN found is looked up in the CDN lists (imported lists override the built-in one).
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { NetworkInfo, NetworkLookup } from '../../services/hotline/ports.js';
import { UserError } from '../../services/errors.js';
import { describeRange, formatIp, parseIp, RangeTable, type IpNum, type IpRange } from './ip-numbers.js';
import { KNOWN_CDNS } from './known-cdns.js';
import { atomicWrite, importMmdb, loadMmdb, MMDB_SIDECAR, mmdbStoredName, type StoredMmdb } from './mmdb-store.js';
import {
  parseCdnLine, parseIp2AsnLine, parseRirLine, writeCdnLine, writeIp2AsnLine, writeRirLine,
  type CdnRecord, type Ip2AsnRecord, type LineResult, type RirRecord,
} from './netdata-formats.js';

export type DatasetKind = 'rir-delegated' | 'ip2asn' | 'cdn-list' | 'mmdb';

export interface ImportResult {
  kind: DatasetKind;
  /** The stored name (the source file's base name, without .gz, made file-system safe). */
  name: string;
  /** Ranges (or, for a CDN list, ASNs) stored. */
  ranges: number;
  /** Bad lines (malformed, overlapping or duplicate), not stored. */
  skipped: number;
  /** The first 20 problems, as "line N: why". */
  errors: string[];
  /** mmdb only: the metadata's database_type, e.g. GeoLite2-ASN. */
  databaseType?: string;
}

export interface DatasetInfo {
  kind: DatasetKind;
  name: string;
  /** ISO time of the import. */
  imported: string;
  entries: number;
}

export const DATASET_KINDS: readonly DatasetKind[] = ['rir-delegated', 'ip2asn', 'cdn-list', 'mmdb'];
/** The kinds stored as normalised text with a `# winnow-netdata` header. */
type TextKind = Exclude<DatasetKind, 'mmdb'>;
const TEXT_KINDS: readonly TextKind[] = ['rir-delegated', 'ip2asn', 'cdn-list'];
const MAX_ERRORS = 20;
const HEADER = /^# winnow-netdata kind=(\S+) name=(\S+) imported=(\S+) entries=(\d+)$/;

/** Ranges of one imported file, both IP versions. */
class RangeDataset<T extends { range: IpRange }> {
  readonly v4 = new RangeTable<number, T>();
  readonly v6 = new RangeTable<bigint, T>();
  constructor(readonly info: DatasetInfo) {}

  add(rec: T, tag: string): void {
    if (rec.range.v === 4) this.v4.add(rec.range.start, rec.range.end, rec, tag);
    else this.v6.add(rec.range.start, rec.range.end, rec, tag);
  }

  /** Sorts; returns the tags of overlapping ranges that were dropped. */
  seal(): string[] {
    return [...this.v4.seal(), ...this.v6.seal()];
  }

  find(ip: IpNum): T | null {
    return (ip.v === 4 ? this.v4.find(ip.n) : this.v6.find(ip.n))?.value ?? null;
  }

  *records(): Generator<T> {
    for (const e of this.v4.entries()) yield e.value;
    for (const e of this.v6.entries()) yield e.value;
  }
}

type Parsed<T> = { records: { rec: T; line: number }[]; recognised: number; skipped: number; errors: string[] };

export class NetworkDatasets implements NetworkLookup {
  private constructor(
    private readonly ip2asn: RangeDataset<Ip2AsnRecord>[],
    private readonly rir: RangeDataset<RirRecord>[],
    private readonly mmdb: StoredMmdb[],
    private readonly cdns: Map<number, { name: string; source: string }>,
    /** What was loaded, newest import first within each kind. */
    readonly datasets: DatasetInfo[],
  ) {}

  /** Every dataset stored in `dir` (a missing directory means none: lookups then answer nulls, CDNs from the default list). */
  static async load(dir: string): Promise<NetworkDatasets> {
    const ip2asn: RangeDataset<Ip2AsnRecord>[] = [];
    const rir: RangeDataset<RirRecord>[] = [];
    const cdnLists: { info: DatasetInfo; records: CdnRecord[] }[] = [];
    const mmdb: StoredMmdb[] = [];
    for (const file of await listStored(join(dir, 'mmdb'))) {
      if (!file.endsWith(MMDB_SIDECAR)) mmdb.push(await loadMmdb(join(dir, 'mmdb'), file));
    }
    for (const kind of TEXT_KINDS) {
      for (const file of await listStored(join(dir, kind))) {
        const path = join(dir, kind, file);
        const header = await readHeader(path);
        if (!header || header.kind !== kind) throw new UserError(`${path} is not a network dataset stored by Winnow; remove it or import the source file again`);
        const parsed = await parseFile(path, parserFor(kind));
        if (kind === 'cdn-list') cdnLists.push({ info: header, records: parsed.records.map((r) => r.rec as CdnRecord) });
        else if (kind === 'ip2asn') ip2asn.push(rangeDataset<Ip2AsnRecord>(header, parsed.records));
        else rir.push(rangeDataset<RirRecord>(header, parsed.records));
      }
    }
    const newestFirst = (a: DatasetInfo, b: DatasetInfo) => b.imported.localeCompare(a.imported) || a.name.localeCompare(b.name);
    ip2asn.sort((a, b) => newestFirst(a.info, b.info));
    rir.sort((a, b) => newestFirst(a.info, b.info));
    mmdb.sort((a, b) => newestFirst(a.info, b.info));
    cdnLists.sort((a, b) => newestFirst(b.info, a.info)); // oldest first: newer lists override
    const cdns = new Map<number, { name: string; source: string }>();
    for (const c of KNOWN_CDNS) cdns.set(c.asn, { name: c.name, source: 'cdn:builtin' });
    for (const l of cdnLists) for (const r of l.records) cdns.set(r.asn, { name: r.name, source: `cdn:${l.info.name}` });
    const datasets = [...ip2asn.map((d) => d.info), ...mmdb.map((d) => d.info), ...rir.map((d) => d.info), ...cdnLists.reverse().map((l) => l.info)];
    return new NetworkDatasets(ip2asn, rir, mmdb, cdns, datasets);
  }

  /**
   * Validates `file` as a dataset of `kind` (plain or gzip) and stores its normalised copy in `dir`, replacing an
   * earlier import of the same file name. The source file is only read. A file with no valid line of that kind at
   * all is refused with a UserError; otherwise bad lines are skipped and reported. A MaxMind DB (plain or gzip) is
   * checked whole — metadata, every tree record, some ASN/organisation/country data — and stored as it is.
   */
  static async importFile(dir: string, file: string, kind: DatasetKind): Promise<ImportResult> {
    if (!DATASET_KINDS.includes(kind)) throw new UserError(`unknown dataset kind "${kind}" (expected ${DATASET_KINDS.join(', ')})`);
    const name = kind === 'mmdb' ? mmdbStoredName(storedName(file)) : storedName(file);
    const dest = join(dir, kind, name);
    if (resolve(dest) === resolve(file)) throw new UserError(`${file} is the stored copy itself; import from the original file`);
    if (kind === 'mmdb') {
      await mkdir(join(dir, kind), { recursive: true });
      return importMmdb(join(dir, kind), file, name);
    }
    const parsed = await parseFile(file, parserFor(kind));
    if (parsed.recognised === 0) {
      const why = parsed.errors[0] ? ` (${parsed.errors[0]})` : ' (no data lines)';
      throw new UserError(`${file} is not a ${kind} file: no valid line${why}`);
    }
    const { skipped, errors } = parsed;
    const note = (msg: string) => {
      if (errors.length < MAX_ERRORS) errors.push(msg);
    };
    const lines: string[] = [];
    if (kind === 'cdn-list') {
      const byAsn = new Map<number, CdnRecord>();
      let dup = 0;
      for (const { rec, line } of parsed.records as { rec: CdnRecord; line: number }[]) {
        if (byAsn.has(rec.asn)) {
          dup++;
          note(`line ${line}: AS${rec.asn} is listed twice`);
        } else byAsn.set(rec.asn, rec);
      }
      for (const r of [...byAsn.values()].sort((a, b) => a.asn - b.asn)) lines.push(writeCdnLine(r));
      return store(dir, kind, name, lines, { kind, name, ranges: lines.length, skipped: skipped + dup, errors });
    }
    const ds = new RangeDataset<Ip2AsnRecord | RirRecord>({ kind, name, imported: '', entries: 0 });
    for (const { rec, line } of parsed.records) ds.add(rec as Ip2AsnRecord | RirRecord, String(line));
    const overlaps = ds.seal();
    for (const line of overlaps.sort((a, b) => Number(a) - Number(b))) note(`line ${line}: overlaps another range of the file`);
    for (const r of ds.records()) lines.push(kind === 'ip2asn' ? writeIp2AsnLine(r as Ip2AsnRecord) : writeRirLine(r as RirRecord));
    return store(dir, kind, name, lines, { kind, name, ranges: lines.length, skipped: skipped + overlaps.length, errors });
  }

  lookup(ipText: string): NetworkInfo {
    const info: NetworkInfo = { ip: ipText.trim(), asn: null, prefix: null, org: null, country: null, registry: null, cdn: null, sources: [] };
    const ip = parseIp(ipText);
    if (!ip) return info;
    info.ip = formatIp(ip);
    for (const ds of this.ip2asn) {
      const r = ds.find(ip);
      if (!r) continue;
      Object.assign(info, { asn: r.asn, org: r.org, country: r.country, prefix: describeRange(r.range) });
      info.sources.push(`ip2asn:${ds.info.name}`);
      break;
    }
    const fallbackPrefix = this.fillFromMmdb(ip, info);
    for (const ds of this.rir) {
      const r = ds.find(ip);
      if (!r) continue;
      info.registry = r.registry;
      info.country ??= r.country;
      info.prefix ??= describeRange(r.range);
      info.sources.push(`rir:${ds.info.name}`);
      break;
    }
    if (info.prefix === null && fallbackPrefix) {
      info.prefix = fallbackPrefix.prefix;
      if (!info.sources.includes(fallbackPrefix.source)) info.sources.push(fallbackPrefix.source);
    }
    const cdn = info.asn !== null ? this.cdns.get(info.asn) : undefined;
    if (cdn) {
      info.cdn = cdn.name;
      info.sources.push(cdn.source);
    }
    return info;
  }

  /** Fills the missing fields from the mmdb databases (rules in the module comment); returns the fallback prefix. */
  private fillFromMmdb(ip: IpNum, info: NetworkInfo): { prefix: string; source: string } | null {
    let fallback: { prefix: string; source: string } | null = null;
    for (const { info: ds, db } of this.mmdb) {
      const hit = db.find(ip);
      if (!hit || (hit.asn === null && hit.org === null && hit.country === null)) continue;
      const source = `mmdb:${ds.name}`;
      fallback ??= { prefix: hit.prefix, source };
      let used = false;
      if (info.asn === null && hit.asn !== null) {
        info.asn = hit.asn;
        used = true;
      }
      if (info.org === null && hit.org !== null && (hit.asn === null || info.asn === null || hit.asn === info.asn)) {
        info.org = hit.org;
        used = true;
      }
      if (info.country === null && hit.country !== null) {
        info.country = hit.country;
        used = true;
      }
      if (info.prefix === null && hit.asn !== null && hit.asn === info.asn) {
        info.prefix = hit.prefix;
        used = true;
      }
      if (used) info.sources.push(source);
    }
    return fallback;
  }
}

/** A stored copy's records into a sealed dataset (stored copies are already valid and free of overlaps). */
function rangeDataset<T extends { range: IpRange }>(info: DatasetInfo, records: { rec: unknown; line: number }[]): RangeDataset<T> {
  const ds = new RangeDataset<T>(info);
  for (const { rec, line } of records) ds.add(rec as T, String(line));
  ds.seal();
  return ds;
}

function parserFor(kind: TextKind): (line: string) => LineResult<Ip2AsnRecord | RirRecord | CdnRecord> {
  return kind === 'ip2asn' ? parseIp2AsnLine : kind === 'rir-delegated' ? parseRirLine : parseCdnLine;
}

/** The source's base name without .gz, restricted to [A-Za-z0-9._-] and not starting with a dot. */
function storedName(file: string): string {
  const n = basename(file).replace(/\.gz$/i, '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return n === '' ? 'dataset' : n;
}

async function store(dir: string, kind: TextKind, name: string, lines: string[], result: ImportResult): Promise<ImportResult> {
  const kindDir = join(dir, kind);
  await mkdir(kindDir, { recursive: true });
  const header = `# winnow-netdata kind=${kind} name=${name} imported=${new Date().toISOString()} entries=${lines.length}`;
  await atomicWrite(join(kindDir, name), [header, ...lines, ''].join('\n'));
  return result;
}

async function listStored(kindDir: string): Promise<string[]> {
  try {
    return (await readdir(kindDir)).filter((f) => !f.startsWith('.')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

async function readHeader(path: string): Promise<DatasetInfo | null> {
  for await (const line of readLines(path)) {
    const m = HEADER.exec(line);
    return m ? { kind: m[1] as DatasetKind, name: m[2]!, imported: m[3]!, entries: Number(m[4]) } : null;
  }
  return null;
}

/** Lines of a plain or gzip-compressed text file (gzip recognised by its magic bytes, not by the name). */
async function* readLines(path: string): AsyncGenerator<string> {
  let magic: Buffer;
  try {
    const fh = await open(path, 'r');
    try {
      magic = Buffer.alloc(2);
      await fh.read(magic, 0, 2, 0);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const raw = createReadStream(path);
  const input: Readable = magic[0] === 0x1f && magic[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as Error).message}`);
  } finally {
    rl.close();
    raw.destroy();
  }
}

async function parseFile<T>(path: string, parse: (line: string) => LineResult<T>): Promise<Parsed<T>> {
  const out: Parsed<T> = { records: [], recognised: 0, skipped: 0, errors: [] };
  let n = 0;
  for await (const line of readLines(path)) {
    n++;
    const r = parse(line);
    if (r === null) continue;
    if ('error' in r) {
      out.skipped++;
      if (out.errors.length < MAX_ERRORS) out.errors.push(`line ${n}: ${r.error}`);
      continue;
    }
    out.recognised++;
    if (r.record) out.records.push({ rec: r.record, line: n });
  }
  return out;
}
