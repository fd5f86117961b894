/**
 * IP addresses as numbers, for the in-memory range tables of the network datasets and the RDAP bootstrap:
 * IPv4 as an unsigned 32-bit integer (a JS number), IPv6 as a 128-bit bigint. Parsing is strict (node:net
 * validation; no "0x7f.1"-style legacy forms); IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as IPv4.
 */
import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

export type IpNum = { v: 4; n: number } | { v: 6; n: bigint };

/** An inclusive range of one family; `start <= end`. */
export type IpRange = { v: 4; start: number; end: number } | { v: 6; start: bigint; end: bigint };

const V4_MAX = 0xffffffff;
const V6_MAX = (1n << 128n) - 1n;

/** The address as a number, or null when the text is not an IPv4/IPv6 address (a zone id like %eth0 is dropped). */
export function parseIp(text: string): IpNum | null {
  const s = text.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(s)) return { v: 4, n: v4ToNum(s) };
  if (!isIPv6(s)) return null;
  const a = ipaddr.IPv6.parse(s);
  if (a.isIPv4MappedAddress()) return { v: 4, n: v4ToNum(a.toIPv4Address().toString()) };
  let n = 0n;
  for (const b of a.toByteArray()) n = (n << 8n) | BigInt(b);
  return { v: 6, n };
}

function v4ToNum(s: string): number {
  const p = s.split('.').map(Number);
  return ((p[0]! << 24) >>> 0) + (p[1]! << 16) + (p[2]! << 8) + p[3]!;
}

/** Canonical text of an address (IPv6 in RFC 5952 compressed form). */
export function formatIp(ip: IpNum): string {
  if (ip.v === 4) return [ip.n >>> 24, (ip.n >>> 16) & 255, (ip.n >>> 8) & 255, ip.n & 255].join('.');
  const bytes: number[] = [];
  for (let i = 120n; i >= 0n; i -= 8n) bytes.push(Number((ip.n >> i) & 255n));
  return ipaddr.fromByteArray(bytes).toString();
}

/** `a.b.c.d/len` or `x::/len` → its inclusive range; null when malformed or when host bits are set. */
export function parseCidr(text: string): (IpRange & { len: number }) | null {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return null;
  const ip = parseIp(m[1]!);
  const len = Number(m[2]);
  if (!ip) return null;
  if (ip.v === 4) {
    if (len > 32 || m[1]!.includes(':')) return null;
    const size = 2 ** (32 - len);
    if (ip.n % size !== 0) return null;
    return { v: 4, start: ip.n, end: ip.n + size - 1, len };
  }
  if (len > 128) return null;
  const hostBits = (1n << BigInt(128 - len)) - 1n;
  if ((ip.n & hostBits) !== 0n) return null;
  return { v: 6, start: ip.n, end: ip.n | hostBits, len };
}

/** The prefix length when the range is exactly one CIDR block, else null. */
export function exactPrefixLength(r: IpRange): number | null {
  if (r.v === 4) {
    const size = r.end - r.start + 1;
    const bits = Math.log2(size);
    if (!Number.isInteger(bits) || r.start % size !== 0) return null;
    return 32 - bits;
  }
  const size = r.end - r.start + 1n;
  if ((size & (size - 1n)) !== 0n || r.start % size !== 0n) return null;
  return 128 - (size.toString(2).length - 1);
}

/** CIDR notation when the range is one block, else `start-end` (iptoasn ranges are merged runs of prefixes). */
export function describeRange(r: IpRange): string {
  const len = exactPrefixLength(r);
  const start = formatIp(r.v === 4 ? { v: 4, n: r.start } : { v: 6, n: r.start });
  if (len !== null) return `${start}/${len}`;
  return `${start}-${formatIp(r.v === 4 ? { v: 4, n: r.end } : { v: 6, n: r.end })}`;
}

/** IPv4 range of `count` addresses from `start` (RIR ipv4 lines); null when it would run past 255.255.255.255. */
export function v4RangeFromCount(start: number, count: number): IpRange | null {
  if (!Number.isSafeInteger(count) || count < 1 || start + count - 1 > V4_MAX) return null;
  return { v: 4, start, end: start + count - 1 };
}

/** IPv6 range of a prefix length from `start` (RIR ipv6 lines); null when host bits are set. */
export function v6RangeFromPrefix(start: bigint, len: number): IpRange | null {
  if (!Number.isInteger(len) || len < 0 || len > 128) return null;
  const hostBits = (1n << BigInt(128 - len)) - 1n;
  if ((start & hostBits) !== 0n || (start | hostBits) > V6_MAX) return null;
  return { v: 6, start, end: start | hostBits };
}

/**
 * Sorted, non-overlapping ranges of one family with a value each; lookups by binary search.
 * `add` in any order, then `seal()` sorts and reports overlaps (the later range loses).
 */
export class RangeTable<N extends number | bigint, T> {
  private starts: N[] = [];
  private ends: N[] = [];
  private values: T[] = [];
  private pending: { start: N; end: N; value: T; tag: string }[] = [];

  add(start: N, end: N, value: T, tag = ''): void {
    this.pending.push({ start, end, value, tag });
  }

  /** Sorts the added ranges; returns the tags of ranges dropped because they overlap an earlier one. */
  seal(): string[] {
    const dropped: string[] = [];
    this.pending.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    for (const p of this.pending) {
      const lastEnd = this.ends[this.ends.length - 1];
      if (lastEnd !== undefined && p.start <= lastEnd) {
        dropped.push(p.tag);
        continue;
      }
      this.starts.push(p.start);
      this.ends.push(p.end);
      this.values.push(p.value);
    }
    this.pending = [];
    return dropped;
  }

  /** The sealed ranges in ascending order. */
  *entries(): Generator<{ start: N; end: N; value: T }> {
    for (let i = 0; i < this.starts.length; i++) yield { start: this.starts[i]!, end: this.ends[i]!, value: this.values[i]! };
  }

  get size(): number {
    return this.starts.length;
  }

  /** The range holding `n` with its value, or null. */
  find(n: N): { start: N; end: N; value: T } | null {
    let lo = 0;
    let hi = this.starts.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= n) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best < 0 || this.ends[best]! < n) return null;
    return { start: this.starts[best]!, end: this.ends[best]!, value: this.values[best]! };
  }
}
