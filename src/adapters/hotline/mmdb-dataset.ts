/**
 * One MaxMind DB (.mmdb) file as a network dataset: GeoLite2-ASN / GeoIP2-ISP (autonomous_system_number,
 * autonomous_system_organization), GeoLite2-Country / City (country.iso_code, else registered_country.iso_code), and
 * the DB-IP / IPinfo lite files that use the same or similar keys (asn as "AS123", as_name, country_code).
 *
 * The whole file is held in memory and read with mmdb-lib, so lookups stay synchronous. `MmdbDataset.open` checks
 * the metadata (marker, format version 2, ip_version, database_type, record size, tree size); `inspect` also walks
 * the whole search tree — every record must lead to a node, to nothing or into the data section — counts the
 * networks, and decodes the first ones to make sure the database carries at least one field the desk uses.
 */
import { Reader, type Response } from 'mmdb-lib';
import { UserError } from '../../services/errors.js';
import { formatIp, type IpNum } from './ip-numbers.js';

/** The fields of one database record the desk uses (null when absent or malformed). */
export interface MmdbFields {
  asn: number | null;
  org: string | null;
  country: string | null;
}

export interface MmdbHit extends MmdbFields {
  /** The database's network holding the address, CIDR notation. */
  prefix: string;
}

export interface MmdbSummary {
  databaseType: string;
  ipVersion: 4 | 6;
  /** ISO time the database was built (metadata build_epoch). */
  built: string;
  /** Networks (data records reachable in the search tree; aliased subtrees counted once). */
  networks: number;
}

const MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com', 'latin1')]);
/** The spec puts the metadata within the last 128 KiB. */
const METADATA_WINDOW = 128 * 1024;
const PROBE_RECORDS = 200;

export class MmdbDataset {
  private constructor(
    private readonly reader: Reader<Response>,
    readonly ipVersion: 4 | 6,
    private readonly buf: Buffer,
    private readonly markerAt: number,
  ) {}

  /** Parses and checks the metadata; `label` names the file in errors. */
  static open(buf: Buffer, label: string): MmdbDataset {
    const notMmdb = (why: string) => new UserError(`${label} is not a MaxMind DB (.mmdb) file: ${why}`);
    const from = Math.max(0, buf.length - METADATA_WINDOW);
    const at = buf.lastIndexOf(MARKER);
    if (at < from) throw notMmdb('no metadata marker');
    let reader: Reader<Response>;
    try {
      reader = new Reader<Response>(buf);
    } catch (e) {
      throw notMmdb((e as Error).message);
    }
    const m = reader.metadata;
    if (m.binaryFormatMajorVersion !== 2) throw notMmdb(`binary format version ${String(m.binaryFormatMajorVersion)} (expected 2)`);
    if (m.ipVersion !== 4 && m.ipVersion !== 6) throw notMmdb(`ip_version ${String(m.ipVersion)}`);
    if (typeof m.databaseType !== 'string' || m.databaseType.trim() === '') throw notMmdb('no database_type');
    if (!Number.isInteger(m.nodeCount) || m.nodeCount <= 0) throw notMmdb('no search tree');
    if (m.searchTreeSize + 16 > at) throw notMmdb('the search tree is larger than the file');
    return new MmdbDataset(reader, m.ipVersion, buf, at);
  }

  get databaseType(): string {
    return this.reader.metadata.databaseType;
  }

  /**
   * Walks the search tree (refusing a corrupt one), counts networks and checks that some record has an ASN,
   * organisation or country. Linear in the node count; meant for import, not for every load.
   */
  inspect(label: string): MmdbSummary {
    const m = this.reader.metadata;
    const { nodeCount, recordSize, nodeByteSize, searchTreeSize } = m;
    const dataSize = this.markerAt - searchTreeSize - 16;
    const depthMax = this.ipVersion === 6 ? 128 : 32;
    const corrupt = (why: string) => new UserError(`${label} is a damaged MaxMind DB: ${why}`);
    const visited = new Uint8Array(nodeCount);
    visited[0] = 1;
    const stack: { node: number; depth: number; bits: bigint }[] = [{ node: 0, depth: 0, bits: 0n }];
    const probes: string[] = [];
    let networks = 0;
    while (stack.length > 0) {
      const { node, depth, bits } = stack.pop()!;
      const pair = this.records(node * nodeByteSize, recordSize);
      // Right first onto the stack, so the left (lower) half is walked first.
      for (const side of [1, 0] as const) {
        const rec = pair[side];
        const childBits = probes.length < PROBE_RECORDS ? bits | (BigInt(side) << BigInt(depthMax - 1 - depth)) : 0n;
        if (rec < nodeCount) {
          if (depth + 1 >= depthMax) throw corrupt(`the tree is deeper than ${depthMax} bits`);
          if (visited[rec]) continue;
          visited[rec] = 1;
          stack.push({ node: rec, depth: depth + 1, bits: childBits });
        } else if (rec > nodeCount) {
          if (rec - nodeCount - 16 >= dataSize) throw corrupt(`record of node ${node} points outside the data section`);
          networks++;
          if (probes.length < PROBE_RECORDS) probes.push(formatIp(this.ipVersion === 4 ? { v: 4, n: Number(childBits) } : { v: 6, n: childBits }));
        }
      }
    }
    // The walk is depth first, left before right: the probes are the lowest networks of the tree.
    let useful = false;
    for (const ip of probes) {
      const f = mmdbFields(this.decode(ip, label));
      if (f.asn !== null || f.org !== null || f.country !== null) {
        useful = true;
        break;
      }
    }
    if (!useful) throw new UserError(`${label} (${m.databaseType}) has no ASN, organisation or country data in its first networks; use an ASN, ISP, Country or City database`);
    return { databaseType: m.databaseType, ipVersion: this.ipVersion, built: m.buildEpoch.toISOString(), networks };
  }

  /** The database's answer for an address, or null (no record, or an IPv6 address in an IPv4-only database). */
  find(ip: IpNum): MmdbHit | null {
    if (ip.v === 6 && this.ipVersion === 4) return null;
    const text = formatIp(ip);
    let rec: unknown;
    let len: number;
    try {
      [rec, len] = this.reader.getWithPrefixLength(text);
    } catch {
      return null; // A damaged stored copy: load() verified its hash, so this is not expected; no answer rather than a failed trace.
    }
    if (rec === null || rec === undefined) return null;
    return { ...mmdbFields(rec), prefix: `${formatIp(networkStart(ip, len))}/${len}` };
  }

  private decode(ip: string, label: string): unknown {
    try {
      return this.reader.get(ip);
    } catch (e) {
      throw new UserError(`${label} is a damaged MaxMind DB: ${(e as Error).message}`);
    }
  }

  /** The two records of the node at byte `off` (24, 28 or 32 bits each). */
  private records(off: number, recordSize: number): [number, number] {
    const b = this.buf;
    if (recordSize === 24) return [b.readUIntBE(off, 3), b.readUIntBE(off + 3, 3)];
    if (recordSize === 28) {
      const mid = b[off + 3]!;
      return [((mid & 0xf0) << 20) + b.readUIntBE(off, 3), ((mid & 0x0f) << 24) + b.readUIntBE(off + 4, 3)];
    }
    return [b.readUInt32BE(off), b.readUInt32BE(off + 4)];
  }
}

function networkStart(ip: IpNum, len: number): IpNum {
  if (ip.v === 4) return { v: 4, n: len === 0 ? 0 : (ip.n & (-1 << (32 - len))) >>> 0 };
  const host = (1n << BigInt(128 - len)) - 1n;
  return { v: 6, n: ip.n & ~host };
}

function prop(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function asnOf(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^(?:AS)?\d{1,10}$/i.test(v.trim()) ? Number(v.trim().replace(/^AS/i, '')) : NaN;
  return Number.isInteger(n) && n > 0 && n <= 0xffffffff ? n : null;
}

function countryOf(v: unknown): string | null {
  const s = text(v)?.toUpperCase();
  return s && /^[A-Z]{2}$/.test(s) ? s : null;
}

/** The desk's fields from a record of any of the supported database families. */
export function mmdbFields(rec: unknown): MmdbFields {
  return {
    asn: asnOf(prop(rec, 'autonomous_system_number')) ?? asnOf(prop(rec, 'asn')),
    org: text(prop(rec, 'autonomous_system_organization')) ?? text(prop(rec, 'as_name')) ?? text(prop(rec, 'organization')) ?? text(prop(rec, 'isp')),
    country: countryOf(prop(prop(rec, 'country'), 'iso_code')) ?? countryOf(prop(prop(rec, 'registered_country'), 'iso_code'))
      ?? countryOf(prop(rec, 'country_code')),
  };
}
