/**
 * A small MaxMind DB writer for test fixtures (nothing is downloadable in tests, and real GeoLite2 files may not be
 * redistributed). Follows the MaxMind DB File Format Specification 2.0:
 *
 *   binary search tree (24-bit records; 28 and 32 on request) | 16 zero bytes | data section | "\xAB\xCD\xEFMaxMind.com" | metadata map
 *
 * A record holds a node number (< node_count), node_count for "no data", or node_count + 16 + an offset into the data
 * section. An IPv6 tree holds IPv4 networks at ::/96 (and, by default, aliases ::ffff:0:0/96 to that subtree, as
 * MaxMind's own databases do); an IPv4 tree holds only IPv4 networks. Data records are written once each (identical
 * records are shared); no pointers are written inside records. Networks are inserted widest first, so a more specific
 * network overrides the part of a wider one it covers, whatever the input order.
 */
import { parseCidr } from '../../../src/adapters/hotline/ip-numbers.js';

/** A value with an explicit MaxMind type (plain JS values get a default type, see `encodeValue`). */
export class MmdbTyped {
  constructor(readonly type: 'uint16' | 'uint32' | 'uint64' | 'int32' | 'double', readonly value: number | bigint) {}
}
export const u16 = (n: number): MmdbTyped => new MmdbTyped('uint16', n);
export const u32 = (n: number): MmdbTyped => new MmdbTyped('uint32', n);
export const u64 = (n: number | bigint): MmdbTyped => new MmdbTyped('uint64', n);

export type MmdbValue = string | number | bigint | boolean | MmdbTyped | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** CIDR, e.g. 192.0.2.0/24 or 2001:db8::/32 (no host bits set). */
  network: string;
  data: { [key: string]: MmdbValue };
}

export interface MmdbWriterOptions {
  ipVersion: 4 | 6;
  databaseType: string;
  languages?: string[];
  description?: Record<string, string>;
  /** Seconds since the epoch; default 1_700_000_000. */
  buildEpoch?: number;
  /** IPv6 trees only: make ::ffff:0:0/96 lead to the IPv4 subtree too (default true). */
  aliasIpv4Mapped?: boolean;
  /** Bits per record: 24 (default), 28 (the middle byte's nibbles hold the top bits) or 32. */
  recordSize?: 24 | 28 | 32;
}

const TYPE = { pointer: 1, utf8: 2, double: 3, bytes: 4, uint16: 5, uint32: 6, map: 7, int32: 8, uint64: 9, uint128: 10, array: 11, boolean: 14 } as const;
export const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com', 'latin1')]);

/** Control byte(s) for a field of `type` and `size` (extended types take a second byte; sizes ≥ 29 take 1-3 more). */
function header(type: number, size: number): Buffer {
  const bytes: number[] = [];
  let sizeBits: number;
  const extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 285) {
    sizeBits = 29;
    extra.push(size - 29);
  } else if (size < 65_821) {
    sizeBits = 30;
    const s = size - 285;
    extra.push(s >> 8, s & 255);
  } else {
    sizeBits = 31;
    const s = size - 65_821;
    if (s > 0xffffff) throw new Error('mmdb-writer: field too large');
    extra.push(s >> 16, (s >> 8) & 255, s & 255);
  }
  if (type <= 7) bytes.push((type << 5) | sizeBits);
  else bytes.push(sizeBits, type - 7);
  return Buffer.from([...bytes, ...extra]);
}

/** Big-endian bytes of an unsigned integer, leading zero bytes dropped (0 → no bytes), at most `maxBytes`. */
function uintBytes(v: number | bigint, maxBytes: number): Buffer {
  let n = BigInt(v);
  if (n < 0n || n >= 1n << BigInt(maxBytes * 8)) throw new Error(`mmdb-writer: ${v} does not fit in ${maxBytes} bytes`);
  const out: number[] = [];
  while (n > 0n) {
    out.unshift(Number(n & 255n));
    n >>= 8n;
  }
  return Buffer.from(out);
}

/**
 * One data field. Defaults: string → utf8_string, boolean → boolean, integer 0..2^32-1 → uint32, larger
 * non-negative integer or bigint → uint64, negative integer → int32, other numbers → double, array → array,
 * object → map.
 */
export function encodeValue(v: MmdbValue): Buffer {
  if (v instanceof MmdbTyped) {
    const { type, value } = v;
    if (type === 'double') {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(Number(value));
      return Buffer.concat([header(TYPE.double, 8), b]);
    }
    if (type === 'int32') {
      const b = Buffer.alloc(4);
      b.writeInt32BE(Number(value));
      return Buffer.concat([header(TYPE.int32, 4), b]);
    }
    const b = uintBytes(value, type === 'uint16' ? 2 : type === 'uint32' ? 4 : 8);
    return Buffer.concat([header(TYPE[type], b.length), b]);
  }
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([header(TYPE.utf8, b.length), b]);
  }
  if (typeof v === 'boolean') return header(TYPE.boolean, v ? 1 : 0);
  if (typeof v === 'bigint') return encodeValue(u64(v));
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0) return encodeValue(v <= 0xffffffff ? u32(v) : u64(v));
    if (Number.isInteger(v) && v >= -0x80000000) return encodeValue(new MmdbTyped('int32', v));
    return encodeValue(new MmdbTyped('double', v));
  }
  if (Array.isArray(v)) return Buffer.concat([header(TYPE.array, v.length), ...v.map(encodeValue)]);
  const entries = Object.entries(v);
  return Buffer.concat([header(TYPE.map, entries.length), ...entries.flatMap(([k, val]) => [encodeValue(k), encodeValue(val)])]);
}

class TreeNode {
  /** Child records: another node, a data record (index into the data list), or nothing. */
  rec: [Rec, Rec] = [null, null];
}
type Rec = TreeNode | { data: number } | null;

function bitAt(n: bigint, bitLen: number, depth: number): 0 | 1 {
  return ((n >> BigInt(bitLen - 1 - depth)) & 1n) === 1n ? 1 : 0;
}

/** Sets the record reached by the first `len` bits of `n` to `value`, splitting data leaves on the way. */
function setRecord(root: TreeNode, n: bigint, bitLen: number, len: number, value: Rec): void {
  let node = root;
  for (let depth = 0; depth < len - 1; depth++) {
    const side = bitAt(n, bitLen, depth);
    const child = node.rec[side];
    if (child instanceof TreeNode) node = child;
    else {
      const split = new TreeNode();
      split.rec = [child, child];
      node.rec[side] = split;
      node = split;
    }
  }
  node.rec[bitAt(n, bitLen, len - 1)] = value;
}

/** The node reached by the first `len` bits of `n`, or null when the path ends in data or nothing. */
function nodeAt(root: TreeNode, n: bigint, bitLen: number, len: number): TreeNode | null {
  let node: Rec = root;
  for (let depth = 0; depth < len; depth++) {
    if (!(node instanceof TreeNode)) return null;
    node = node.rec[bitAt(n, bitLen, depth)];
  }
  return node instanceof TreeNode ? node : null;
}

/** A complete .mmdb file holding `networks`. */
export function writeMmdb(networks: MmdbNetwork[], opts: MmdbWriterOptions): Buffer {
  const bitLen = opts.ipVersion === 6 ? 128 : 32;
  const parsed = networks.map((net, i) => {
    const r = parseCidr(net.network);
    if (!r) throw new Error(`mmdb-writer: not a CIDR network: ${net.network}`);
    if (r.v === 6 && opts.ipVersion === 4) throw new Error(`mmdb-writer: IPv6 network ${net.network} in an IPv4 tree`);
    const start = BigInt(r.start);
    const len = r.v === 4 && opts.ipVersion === 6 ? r.len + 96 : r.len;
    if (len === 0) throw new Error('mmdb-writer: a /0 network cannot be stored (the root is a node)');
    return { start, len, i };
  });
  // Data records, identical ones shared.
  const dataBuffers: Buffer[] = [];
  const dataIndex = new Map<string, number>();
  const recIndex = networks.map((net) => {
    const b = encodeValue(net.data);
    const key = b.toString('hex');
    let idx = dataIndex.get(key);
    if (idx === undefined) {
      idx = dataBuffers.length;
      dataBuffers.push(b);
      dataIndex.set(key, idx);
    }
    return idx;
  });
  const root = new TreeNode();
  for (const p of [...parsed].sort((a, b) => a.len - b.len || a.i - b.i)) setRecord(root, p.start, bitLen, p.len, { data: recIndex[p.i]! });
  if (opts.ipVersion === 6 && opts.aliasIpv4Mapped !== false) {
    const v4root = nodeAt(root, 0n, bitLen, 96);
    if (v4root) setRecord(root, 0xffffn << 32n, bitLen, 96, v4root);
  }

  // Number the nodes breadth first (root = 0); an aliased subtree is numbered once.
  const numbers = new Map<TreeNode, number>();
  const order: TreeNode[] = [root];
  numbers.set(root, 0);
  for (let i = 0; i < order.length; i++) {
    for (const child of order[i]!.rec) {
      if (child instanceof TreeNode && !numbers.has(child)) {
        numbers.set(child, order.length);
        order.push(child);
      }
    }
  }
  const nodeCount = order.length;
  const dataOffsets: number[] = [];
  let off = 0;
  for (const b of dataBuffers) {
    dataOffsets.push(off);
    off += b.length;
  }
  const recordSize = opts.recordSize ?? 24;
  const nodeBytes = recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeBytes);
  order.forEach((node, i) => {
    const [left, right] = node.rec.map((rec) => rec === null ? nodeCount : rec instanceof TreeNode ? numbers.get(rec)! : nodeCount + 16 + dataOffsets[rec.data]!) as [number, number];
    if (Math.max(left, right) >= 2 ** recordSize) throw new Error(`mmdb-writer: record value does not fit in ${recordSize} bits`);
    const off = i * nodeBytes;
    if (recordSize === 24) {
      tree.writeUIntBE(left, off, 3);
      tree.writeUIntBE(right, off + 3, 3);
    } else if (recordSize === 28) {
      tree.writeUIntBE(left & 0xffffff, off, 3);
      tree.writeUInt8(((left >>> 24) << 4) | (right >>> 24), off + 3);
      tree.writeUIntBE(right & 0xffffff, off + 4, 3);
    } else {
      tree.writeUInt32BE(left, off);
      tree.writeUInt32BE(right, off + 4);
    }
  });
  const metadata = encodeValue({
    node_count: u32(nodeCount),
    record_size: u16(recordSize),
    ip_version: u16(opts.ipVersion),
    database_type: opts.databaseType,
    languages: opts.languages ?? ['en'],
    binary_format_major_version: u16(2),
    binary_format_minor_version: u16(0),
    build_epoch: u64(opts.buildEpoch ?? 1_700_000_000),
    description: opts.description ?? { en: `Winnow test fixture (${opts.databaseType})` },
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...dataBuffers, METADATA_MARKER, metadata]);
}
