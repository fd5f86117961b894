import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { ArchiveError, type ArchiveInput, type ArchiveMember } from './types.js';

function openZip(input: ArchiveInput): Promise<yauzl.ZipFile> {
  const opts: yauzl.Options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: false };
  return new Promise((resolve, reject) => {
    const cb = (err: Error | null, zf?: yauzl.ZipFile) => (err || !zf ? reject(new ArchiveError(`corrupt zip: ${err?.message ?? 'unreadable'}`, 'corrupt')) : resolve(zf));
    if (input.kind === 'path') yauzl.open(input.path, opts, cb);
    else yauzl.fromBuffer(input.buffer, opts, cb);
  });
}

/** Sum of declared uncompressed sizes: lets the caller refuse an overlapping-entry bomb before inflating anything. */
export async function zipDeclaredTotal(input: ArchiveInput): Promise<number> {
  const zf = await openZip(input);
  let total = 0;
  try {
    for await (const e of entries(zf)) total += e.uncompressedSize;
  } finally {
    zf.close();
  }
  return total;
}

async function* entries(zf: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  while (true) {
    const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      const onEntry = (e: yauzl.Entry) => { cleanup(); resolve(e); };
      const onEnd = () => { cleanup(); resolve(null); };
      const onError = (err: Error) => { cleanup(); reject(new ArchiveError(`corrupt zip: ${err.message}`, 'corrupt')); };
      const cleanup = () => { zf.off('entry', onEntry); zf.off('end', onEnd); zf.off('error', onError); };
      zf.on('entry', onEntry);
      zf.on('end', onEnd);
      zf.on('error', onError);
      zf.readEntry();
    });
    if (!entry) return;
    yield entry;
  }
}

/** ZIP through yauzl (random access to the central directory; nothing is written to disk). */
export async function* readZip(input: ArchiveInput): AsyncGenerator<ArchiveMember> {
  const zf = await openZip(input);
  try {
    for await (const e of entries(zf)) {
      // Names are decoded here, not by yauzl: yauzl rejects hostile names (../, C:\\) and we must record them.
      const name = decodeName(e.fileName as unknown as Buffer, (e.generalPurposeBitFlag & 0x800) !== 0);
      const isDir = name.endsWith('/') || name.endsWith('\\');
      const encrypted = e.isEncrypted();
      // Unix mode in the high 16 bits of the external attributes: 0o120000 is a symbolic link.
      const mode = (e.externalFileAttributes >>> 16) & 0o170000;
      yield {
        name,
        type: isDir ? 'directory' : mode === 0o120000 ? 'symlink' : 'file',
        declaredSize: e.uncompressedSize,
        mtime: safeDate(() => e.getLastModDate()),
        encrypted,
        open: () =>
          new Promise<Readable>((resolve, reject) => {
            // encrypted: the stored bytes, as they are (yauzl's raw mode)
            const opts = encrypted ? { decodeFileData: false } : {};
            zf.openReadStream(e, opts as yauzl.ZipFileOptions, (err, stream) => {
              if (err || !stream) reject(new ArchiveError(`corrupt zip member ${name}: ${err?.message ?? 'unreadable'}`, 'corrupt'));
              else resolve(stream);
            });
          }),
      };
    }
  } finally {
    zf.close();
  }
}

/** UTF-8 when the entry says so (bit 11) or when the bytes are valid UTF-8; otherwise IBM code page 437. */
function decodeName(raw: Buffer, utf8Flag: boolean): string {
  if (utf8Flag) return raw.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return [...raw].map((b) => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!)).join('');
  }
}

const CP437_HIGH = [...'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0'];

function safeDate(f: () => Date): Date | null {
  try {
    const d = f();
    return Number.isFinite(d.getTime()) ? d : null;
  } catch {
    return null;
  }
}

