import { execFile, execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ExportRecord } from '../../src/formats/export-record.js';

/** Repository root (tests run from dist/test/…). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(REPO, 'bin', 'winnow.js');

/** The shared public reference data; tests that need it fail (never skip) when it is missing. */
export function refdata(...parts: string[]): string {
  const root = process.env.WINNOW_REFDATA ?? join(REPO, '..', 'shared', 'refdata');
  const p = join(root, ...parts);
  if (!existsSync(p)) throw new Error(`reference data missing: ${p} (expected ../shared/refdata beside the repo, or set WINNOW_REFDATA)`);
  return p;
}

export const PG_URL = process.env.WINNOW_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A PostgreSQL URL confined to a fresh schema of its own. */
export function pgUrlWithSchema(tag: string): { url: string; schema: string } {
  const schema = `t_${tag}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  return { url: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`, schema };
}

export function tempDir(prefix = 'winnow-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run the CLI synchronously; returns stdout. Throws (with stderr) on a non-zero exit. */
export function cli(args: string[], opts: ExecFileSyncOptions = {}): string {
  try {
    return execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30, ...opts }) as string;
  } catch (err) {
    const e = err as { status?: number; stderr?: string; stdout?: string };
    throw new Error(`winnow ${args.join(' ')} exited ${e.status}: ${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}

export const cliAsync = async (args: string[]): Promise<{ stdout: string; stderr: string }> =>
  promisify(execFile)(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });

/** Require a command-line tool; fail with the Debian package that provides it. */
export function requireTool(tool: string, debianPackage: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${tool} is required for this test: apt-get install -y ${debianPackage}`);
  }
}

/** Parse a TSV with a header line into objects (lines starting with # are comments). */
export function parseTsv(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((l) => l.length > 0 && !l.startsWith('#'));
  const header = lines.shift()!.split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [header[i] ?? `c${i}`, v])));
}

/** One line of `winnow export --format jsonl`: the documented export record. */
export type JsonlRecord = ExportRecord;

export function exportJsonl(workspace: string, caseName: string, extra: string[] = []): JsonlRecord[] {
  const out = cli(['-w', workspace, ...extra, 'export', '--case', caseName, '--format', 'jsonl']);
  return out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as JsonlRecord);
}
