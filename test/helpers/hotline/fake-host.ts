import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One canned answer of the fake hosting site. */
export interface FakeRoute {
  status: number;
  body?: Buffer | string;
  headers?: Record<string, string>;
  /** Wait this long before sending the headers (a slow host). */
  delayMs?: number;
  /** Send the headers at once but the body only after this long, so a client that reads no body has hung up. */
  bodyDelayMs?: number;
}

/** What the fake host saw of one request. */
export interface FakeRequest {
  path: string;
  host: string | undefined;
  /** True once the whole response was handed to the kernel; stays false when the client hung up first. */
  completed: boolean;
}

export interface FakeHost {
  port: number;
  requests: FakeRequest[];
  set(path: string, route: FakeRoute): void;
  /** Resolves when every response started so far has finished or been cut off. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A fake hosting site on 127.0.0.1 for the URL checker's tests: serves the given routes (exact path with query,
 * then path alone; anything else is 404) and records each request's path and Host header. Bodies are whatever the
 * test generated (benign bytes).
 */
export async function startFakeHost(routes: Record<string, FakeRoute>): Promise<FakeHost> {
  const table = new Map(Object.entries(routes));
  const requests: FakeRequest[] = [];
  const pending = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const seen: FakeRequest = { path, host: req.headers.host, completed: false };
    requests.push(seen);
    const done = new Promise<void>((resolve) => res.once('close', resolve));
    pending.add(done);
    void done.then(() => pending.delete(done));
    res.once('finish', () => { seen.completed = true; });
    res.on('error', () => { /* the client hung up: expected when the checker reads headers only */ });

    const route = table.get(path) ?? table.get(path.split('?')[0] ?? path) ?? { status: 404, body: 'not found' };
    const send = (): void => {
      timers.delete(timer);
      if (res.destroyed) return;
      res.writeHead(route.status, route.headers ?? {});
      if (route.bodyDelayMs === undefined) {
        res.end(route.body ?? '');
        return;
      }
      res.flushHeaders();
      const later = setTimeout(() => {
        timers.delete(later);
        if (!res.destroyed) res.end(route.body ?? '');
      }, route.bodyDelayMs);
      timers.add(later);
    };
    const timer = setTimeout(send, route.delayMs ?? 0);
    timers.add(timer);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    requests,
    set(path, route) {
      table.set(path, route);
    },
    async settled() {
      await Promise.all([...pending]);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
