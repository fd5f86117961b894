import { PassThrough, type Readable } from 'node:stream';
import { inputStream } from './input-stream.js';
import { ArchiveError, type ArchiveInput, type ArchiveMember } from './types.js';

/**
 * Unix `ar` archives (.a, .deb). Written here because the format is 60-byte text headers (GNU and BSD variants)
 * and the npm parsers are unmaintained; bsdtar cannot convert ar members to tar (they carry no file type bits).
 */
export async function* readAr(input: ArchiveInput): AsyncGenerator<ArchiveMember> {
  const reader = new ByteReader(inputStream(input));
  try {
    const magic = await reader.read(8);
    if (magic.toString('latin1') !== '!<arch>\n') throw new ArchiveError('corrupt ar: bad signature', 'corrupt');
    let gnuNames: Buffer | null = null;
    while (true) {
      const header = await reader.read(60, true);
      if (header.length === 0) return;
      if (header.length < 60 || header[58] !== 0x60 || header[59] !== 0x0a) throw new ArchiveError('corrupt ar: bad member header', 'corrupt');
      let name = header.subarray(0, 16).toString('latin1').trimEnd();
      let size = Number.parseInt(header.subarray(48, 58).toString('latin1').trim(), 10);
      const mtime = Number.parseInt(header.subarray(16, 28).toString('latin1').trim(), 10);
      if (!Number.isFinite(size) || size < 0) throw new ArchiveError('corrupt ar: bad member size', 'corrupt');
      const pad = size % 2;
      if (name === '//') { gnuNames = await reader.read(size); if (pad) await reader.read(1); continue; }
      if (name === '/' || name === '/SYM64/' || name === '__.SYMDEF' || name === '__.SYMDEF SORTED') { await reader.skip(size + pad); continue; }
      if (name.startsWith('#1/')) {
        const len = Number.parseInt(name.slice(3), 10); // BSD: name stored before the data
        name = (await reader.read(len)).toString('utf8').replace(/\0+$/, '');
        size -= len;
      } else if (name.startsWith('/') && gnuNames) {
        const off = Number.parseInt(name.slice(1), 10);
        const end = gnuNames.indexOf('/\n', off);
        name = gnuNames.subarray(off, end < 0 ? undefined : end).toString('utf8');
      } else if (name.endsWith('/')) {
        name = name.slice(0, -1);
      }
      let consumed = false;
      yield {
        name,
        type: 'file',
        declaredSize: size,
        mtime: Number.isFinite(mtime) ? new Date(mtime * 1000) : null,
        encrypted: false,
        open: async () => { consumed = true; return reader.stream(size); },
      };
      if (consumed) await reader.waitStreamDone();
      else await reader.skip(size);
      if (pad) await reader.skip(1);
    }
  } finally {
    reader.destroy();
  }
}

/** Pull exact byte counts from a stream. */
class ByteReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private ended = false;
  private error: Error | null = null;
  private waiter: (() => void) | null = null;
  private current: Promise<void> | null = null;

  constructor(private readonly src: Readable) {
    src.on('data', (c: Buffer) => { this.buffered.push(c); this.length += c.length; if (this.length > 4 << 20) src.pause(); this.wake(); });
    src.on('end', () => { this.ended = true; this.wake(); });
    src.on('error', (e) => { this.error = e; this.wake(); });
  }

  private wake() { const w = this.waiter; this.waiter = null; w?.(); }

  private async fill(n: number): Promise<void> {
    while (this.length < n && !this.ended) {
      if (this.error) throw this.error;
      this.src.resume();
      await new Promise<void>((r) => (this.waiter = r));
    }
    if (this.error) throw this.error;
  }

  private take(n: number): Buffer {
    const all = Buffer.concat(this.buffered);
    this.buffered = all.length > n ? [all.subarray(n)] : [];
    this.length = all.length - Math.min(n, all.length);
    return all.subarray(0, Math.min(n, all.length));
  }

  /** Read exactly n bytes (fewer only at the end when allowShort). */
  async read(n: number, allowShort = false): Promise<Buffer> {
    await this.fill(n);
    if (this.length < n && !allowShort) throw new ArchiveError('corrupt ar: truncated', 'corrupt');
    return this.take(n);
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      await this.fill(Math.min(left, 1 << 20));
      if (this.length === 0) throw new ArchiveError('corrupt ar: truncated', 'corrupt');
      left -= this.take(Math.min(left, this.length)).length;
    }
  }

  stream(n: number): Readable {
    const out = new PassThrough();
    this.current = (async () => {
      let left = n;
      try {
        while (left > 0) {
          await this.fill(Math.min(left, 1 << 20));
          if (this.length === 0) throw new ArchiveError('corrupt ar: truncated member', 'corrupt');
          const chunk = this.take(Math.min(left, this.length));
          left -= chunk.length;
          if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
          if (out.destroyed) return;
        }
        out.end();
      } catch (e) {
        out.destroy(e as Error);
      }
    })();
    return out;
  }

  async waitStreamDone(): Promise<void> { await this.current; }

  destroy() { this.src.destroy(); }
}
