import { spawn } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { CLI } from './env.js';

/**
 * Run `winnow ARGS…` and kill -9 it once `stage` has at least `threshold` outcomes recorded in the workspace's SQLite
 * database (polled every 10 ms, for at most `timeoutMs`). Returns how many outcomes there were at the kill; the caller
 * asserts that this is "in the middle".
 */
export async function killScanAfter(args: string[], dbFile: string, stage: string, threshold: number, timeoutMs = 60_000): Promise<number> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  let done = 0;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && done < threshold && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 10));
    try {
      const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
      try {
        done = (db.prepare('select count(*) as n from file_stage where stage = ?').get(stage) as { n: number }).n;
      } finally {
        db.close();
      }
    } catch {
      /* not created yet */
    }
  }
  child.kill('SIGKILL');
  await exited;
  return done;
}
