/**
 * Runs The Sleuth Kit / libewf command-line tools for the disk-image adapters.
 *
 * Design: every tool is spawned with an argument array (never a shell, so no file name is ever interpreted), stdin
 * closed, the evidence only named as an argument (TSK and libewf open images read-only). Collected output is bounded
 * (a hostile file system cannot make a listing fill memory unnoticed: past the bound the run fails with a clear
 * message) and every run has a deadline. Streaming runs (icat) have an inactivity deadline instead: a 100 GB file
 * may legitimately take long, a tool that stops producing output may not.
 *
 * A missing tool is reported with the Debian package that provides it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';

/** The Debian package that provides each tool we run. */
export const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  mmls: 'sleuthkit', fsstat: 'sleuthkit', fls: 'sleuthkit', icat: 'sleuthkit', istat: 'sleuthkit', img_stat: 'sleuthkit',
  img_cat: 'sleuthkit', fiwalk: 'sleuthkit', ewfinfo: 'ewf-tools', ewfverify: 'ewf-tools',
};

export class ToolMissingError extends Error {
  readonly code = 'ETOOL_MISSING';
  constructor(readonly tool: string) {
    super(`${tool} is not installed: apt-get install ${TOOL_PACKAGES[tool] ?? tool}`);
  }
}

export class ToolFailedError extends Error {
  readonly code = 'ETOOL_FAILED';
  constructor(readonly tool: string, readonly exitCode: number | null, readonly stderr: string, what: string) {
    super(`${tool} ${what}${stderr.trim() ? `: ${firstLines(stderr)}` : ''}`);
  }
}

export interface ToolResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface RunOptions {
  /** Wall-clock deadline for the whole run. */
  timeoutMs?: number;
  /** Largest stdout accepted (bytes). */
  maxOutput?: number;
}

const DEFAULT_TIMEOUT = 10 * 60_000;
const DEFAULT_MAX_OUTPUT = 512 * 1024 * 1024;
const MAX_STDERR = 64 * 1024;

function firstLines(s: string): string {
  return s.trim().split('\n').slice(0, 3).join(' / ').slice(0, 500);
}

function start(tool: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  // TZ=UTC: fls -l prints times in the process time zone unless told otherwise; we also pass -z UTC.
  return spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' } });
}

/** Run a tool to completion and collect its output (bounded, with a deadline). Never throws for a non-zero exit. */
export function runTool(tool: string, args: readonly string[], opts: RunOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = start(tool, args);
    child.stdin.end();
    const out: Buffer[] = [];
    let outLen = 0;
    let err = '';
    let failure: Error | null = null;
    const timer = setTimeout(() => {
      failure = new ToolFailedError(tool, null, err, `did not finish within ${Math.round((opts.timeoutMs ?? DEFAULT_TIMEOUT) / 1000)} s`);
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT);
    child.stdout.on('data', (c: Buffer) => {
      outLen += c.length;
      if (outLen > (opts.maxOutput ?? DEFAULT_MAX_OUTPUT)) {
        failure ??= new ToolFailedError(tool, null, '', `printed more than ${opts.maxOutput ?? DEFAULT_MAX_OUTPUT} bytes: refused`);
        child.kill('SIGKILL');
        return;
      }
      out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < MAX_STDERR) err += c.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e.code === 'ENOENT' ? new ToolMissingError(tool) : e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: err, code });
    });
  });
}

/** Run a tool that must succeed; its stdout. */
export async function runToolOk(tool: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await runTool(tool, args, opts);
  if (r.code !== 0) throw new ToolFailedError(tool, r.code, r.stderr, `failed (exit ${r.code})`);
  return r.stdout;
}

/**
 * Stream a tool's stdout (icat, img_cat). The returned stream errors (instead of ending) when the tool exits
 * non-zero, fails to start, or produces nothing for `idleMs`; destroying it kills the tool.
 */
export function streamTool(tool: string, args: readonly string[], idleMs = 120_000): Readable {
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  const child = start(tool, args);
  child.stdin.end();
  let err = '';
  let finished = false;
  let timer = setTimeout(onIdle, idleMs);
  function onIdle(): void {
    finished = true;
    child.kill('SIGKILL');
    out.destroy(new ToolFailedError(tool, null, err, `produced no output for ${Math.round(idleMs / 1000)} s`));
  }
  child.stdout.on('data', () => {
    clearTimeout(timer);
    timer = setTimeout(onIdle, idleMs);
  });
  child.stdout.pipe(out, { end: false });
  child.stderr.on('data', (c: Buffer) => {
    if (err.length < MAX_STDERR) err += c.toString('utf8');
  });
  child.on('error', (e: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    if (finished) return;
    finished = true;
    out.destroy(e.code === 'ENOENT' ? new ToolMissingError(tool) : e);
  });
  child.on('close', (code) => {
    clearTimeout(timer);
    if (finished) return;
    finished = true;
    if (code === 0) out.end();
    else out.destroy(new ToolFailedError(tool, code, err, `failed (exit ${code})`));
  });
  out.on('close', () => {
    clearTimeout(timer);
    if (!finished) {
      finished = true;
      child.kill('SIGKILL');
    }
  });
  return out;
}
