/** Digests are stored as bytes and shown as lowercase hex. */
export function toHex(b: Uint8Array | null | undefined): string | null {
  return b ? Buffer.from(b).toString('hex') : null;
}

const HEX_LENGTHS: Record<string, number> = { md5: 32, sha1: 40, sha256: 64 };

/** Parse a hex digest (any case, surrounding whitespace allowed), checking its length for the algorithm. */
export function fromHex(hex: string, algorithm: 'md5' | 'sha1' | 'sha256'): Buffer {
  const h = hex.trim().toLowerCase();
  if (h.length !== HEX_LENGTHS[algorithm] || !/^[0-9a-f]+$/.test(h)) {
    throw new Error(`not a ${algorithm} hex digest: "${hex}"`);
  }
  return Buffer.from(h, 'hex');
}
