/**
 * The 64-byte header that starts every serialized matching index (exact-hash table, PDQ multi-index):
 *   bytes 0..7   magic, 8 ASCII characters naming the index kind;
 *   word 2       format version;
 *   word 3       0x01020304 written in the machine's byte order — the arrays that follow are stored in host order
 *                (little-endian on every platform Node ships for), so a reader with the other byte order refuses
 *                the file instead of returning garbage;
 *   words 4..15  index-specific fields (counts, widths), all uint32.
 * Index images are 8-byte aligned after the header so every typed-array view starts on its natural alignment.
 */

export const HEADER_BYTES = 64;
export const HEADER_WORDS = HEADER_BYTES / 4;
const BYTE_ORDER_MARK = 0x01020304;

export type IndexBuffer = ArrayBuffer | SharedArrayBuffer;

function magicBytes(magic: string): Uint8Array {
  if (!/^[\x20-\x7e]{8}$/.test(magic)) throw new Error(`index magic must be 8 ASCII characters: ${magic}`);
  return new TextEncoder().encode(magic);
}

/** Write magic, version and byte-order mark; returns the 16-word header view for the caller's fields. */
export function initHeader(buf: IndexBuffer, magic: string, version: number): Uint32Array {
  new Uint8Array(buf, 0, 8).set(magicBytes(magic));
  const h = new Uint32Array(buf, 0, HEADER_WORDS);
  h[2] = version;
  h[3] = BYTE_ORDER_MARK;
  return h;
}

/** Check magic, byte order and version of an index image; returns the header view. Throws a clear Error. */
export function openHeader(buf: IndexBuffer, magic: string, version: number, what: string): Uint32Array {
  if (buf.byteLength < HEADER_BYTES) throw new Error(`${what}: not an index (only ${buf.byteLength} bytes)`);
  const want = magicBytes(magic);
  const got = new Uint8Array(buf, 0, 8);
  for (let i = 0; i < 8; i++) {
    if (got[i] !== want[i]) throw new Error(`${what}: not a ${magic} index (magic "${new TextDecoder().decode(got)}")`);
  }
  const h = new Uint32Array(buf, 0, HEADER_WORDS);
  if (h[3] !== BYTE_ORDER_MARK) throw new Error(`${what}: written on a machine with the other byte order`);
  if (h[2] !== version) throw new Error(`${what}: format version ${h[2]} is not supported (expected ${version})`);
  return h;
}

/** Round up to a multiple of 8. */
export function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
