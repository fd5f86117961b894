import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { inputStream } from './input-stream.js';
import { ArchiveError, type ArchiveInput, type ArchiveMember } from './types.js';

/** The name a compressed single stream held: gzip's FNAME field if present, else the outer name minus its suffix. */
export function innerName(outerName: string, suffixes: readonly string[], gzipHeader?: Buffer): string {
  if (gzipHeader && gzipHeader.length > 10 && gzipHeader[0] === 0x1f && gzipHeader[1] === 0x8b) {
    const flags = gzipHeader[3]!;
    let p = 10;
    if (flags & 0x04) p += 2 + gzipHeader.readUInt16LE(p); // FEXTRA
    if (flags & 0x08) {
      const end = gzipHeader.indexOf(0, p);
      if (end > p) {
        const name = gzipHeader.subarray(p, end).toString('latin1');
        return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1) || 'content';
      }
    }
  }
  const base = outerName.slice(outerName.lastIndexOf('/') + 1);
  const lower = base.toLowerCase();
  if (lower.endsWith('.tgz') || lower.endsWith('.tbz2') || lower.endsWith('.tbz') || lower.endsWith('.txz')) return base.replace(/\.[^.]+$/, '.tar');
  for (const s of suffixes) if (lower.endsWith(s) && base.length > s.length) return base.slice(0, -s.length);
  return `${base}.content`;
}

function headOf(input: ArchiveInput): Promise<Buffer> {
  if (input.kind === 'buffer') return Promise.resolve(input.buffer.subarray(0, 1024));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    inputStream({ ...input }).once('error', reject).on('data', function (this: Readable, c: Buffer) {
      chunks.push(c);
      this.destroy();
      resolve(Buffer.concat(chunks).subarray(0, 1024));
    }).on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** gzip: one member (multi-member gzip files are concatenated, as gunzip does). */
export async function* readGzip(input: ArchiveInput, outerName: string): AsyncGenerator<ArchiveMember> {
  const name = innerName(outerName, ['.gz', '.gzip', '.z'], await headOf(input));
  yield {
    name,
    type: 'file',
    declaredSize: null,
    mtime: null,
    encrypted: false,
    open: async () => {
      const src = inputStream(input);
      const gunzip = createGunzip();
      const out = new PassThrough();
      src.on('error', (e) => out.destroy(e));
      gunzip.on('error', (e) => out.destroy(new ArchiveError(`corrupt gzip: ${e.message}`, 'corrupt')));
      src.pipe(gunzip).pipe(out);
      out.on('close', () => { src.destroy(); gunzip.destroy(); });
      return out;
    },
  };
}

/**
 * bzip2 and xz through Debian's own `bzip2`/`xz` (always present on Debian; Node has no decoder for either and
 * the npm ones are unmaintained or WebAssembly ports). Bytes go in on stdin and come out on stdout: nothing on disk.
 */
export function pipeDecompressor(tool: 'bzip2' | 'xz', suffixes: readonly string[]) {
  return async function* (input: ArchiveInput, outerName: string): AsyncGenerator<ArchiveMember> {
    yield {
      name: innerName(outerName, suffixes),
      type: 'file',
      declaredSize: null,
      mtime: null,
      encrypted: false,
      open: async () => spawnFilter(tool, ['-dc'], input, tool),
    };
  };
}

/** Run a filter process over the input; its stdout is the result, a non-zero exit becomes a stream error. */
export function spawnFilter(cmd: string, args: string[], input: ArchiveInput, what: string): Readable {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  let stderr = '';
  let failed = false;
  child.on('error', (e: NodeJS.ErrnoException) => {
    failed = true;
    out.destroy(
      e.code === 'ENOENT'
        ? new ArchiveError(`${cmd} is not installed: apt-get install -y ${cmd === 'bsdtar' ? 'libarchive-tools' : cmd}`, 'unsupported')
        : e,
    );
  });
  child.stderr.on('data', (d: Buffer) => { if (stderr.length < 4096) stderr += d.toString(); });
  child.stdout.pipe(out, { end: false });
  let stdoutEnded = false;
  let exitCode: number | null | undefined;
  const finish = () => {
    if (!stdoutEnded || exitCode === undefined || failed) return;
    if (exitCode === 0) out.end();
    else out.destroy(classify(what, stderr));
  };
  child.stdout.on('end', () => { stdoutEnded = true; finish(); });
  child.on('close', (code) => { exitCode = code; finish(); });
  const src = inputStream(input);
  src.pipe(child.stdin);
  child.stdin.on('error', () => undefined); // EPIPE when the tool stops early; its exit status tells why
  out.on('close', () => {
    src.destroy();
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return out;
}

function classify(what: string, stderr: string): ArchiveError {
  const msg = stderr.trim().split('\n').slice(0, 3).join('; ') || 'failed';
  if (/encrypt|password|\(null\)/i.test(stderr)) return new ArchiveError(`${what}: encrypted or unreadable (${msg})`, 'encrypted');
  if (/unrecognized archive format|not supported|unsupported/i.test(stderr)) return new ArchiveError(`${what}: format not supported (${msg})`, 'unsupported');
  return new ArchiveError(`corrupt ${what}: ${msg}`, 'corrupt');
}
