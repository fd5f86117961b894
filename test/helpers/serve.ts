import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './env.js';

/**
 * Start `winnow serve --port 0` on a workspace and resolve with the process and its base URL once it listens
 * (rejects after 20 s or if it exits). `env` is added to this process's environment (the hotline's loopback servers).
 */
export function startServer(dir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '-w', dir, 'serve', '--port', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`winnow serve did not start: ${out}${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1]!.replace(/\/$/, '') });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`winnow serve exited ${code}: ${err}`)));
  });
}
