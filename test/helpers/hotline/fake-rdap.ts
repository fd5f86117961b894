/**
 * A fake RDAP server on 127.0.0.1 (plain http) for the RDAP client tests: `GET <base>ip/<addr>` answers the RDAP
 * JSON of the longest configured CIDR holding the address, `GET <base>domain/<name>` the configured domain;
 * everything else is 404. `redirect` sends a CIDR's or domain's queries to another base URL (as RIRs do).
 * The tables are read at each request, so a test may add entries after the start (e.g. redirects between two fakes).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseCidr, parseIp } from '../../../src/adapters/hotline/ip-numbers.js';

export interface FakeRdapData {
  ip?: Record<string, object>;
  domain?: Record<string, object>;
  /** CIDR or domain → base URL to redirect its queries to (302). */
  redirect?: Record<string, string>;
}

export interface FakeRdap {
  /** e.g. "http://127.0.0.1:40123/rdap/" (with the trailing slash RFC 9224 base URLs have). */
  baseUrl: string;
  /** Request paths in arrival order, e.g. "/rdap/ip/192.0.2.1". */
  requests: string[];
  close(): Promise<void>;
}

function longestCidr(keys: string[], addr: string): string | null {
  const ip = parseIp(addr);
  if (!ip) return null;
  let best: { key: string; len: number } | null = null;
  for (const key of keys) {
    const c = parseCidr(key);
    if (!c || c.v !== ip.v || ip.n < c.start || ip.n > c.end) continue;
    if (!best || c.len > best.len) best = { key, len: c.len };
  }
  return best?.key ?? null;
}

export async function startFakeRdap(data: FakeRdapData): Promise<FakeRdap> {
  const requests: string[] = [];
  const redirects = data.redirect ?? {};
  const send = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/rdap+json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const m = /^\/rdap\/(ip|domain)\/(.+)$/.exec(path);
    if (!m || req.method !== 'GET') return send(res, 404, { errorCode: 404, title: 'Not Found' });
    const [, type, rawKey] = m;
    const key = decodeURIComponent(rawKey!).toLowerCase();
    const table = type === 'ip' ? data.ip ?? {} : data.domain ?? {};
    const redirectKey = type === 'ip' ? longestCidr(Object.keys(redirects), key) : key in redirects ? key : null;
    const recordKey = type === 'ip' ? longestCidr(Object.keys(table), key) : key in table ? key : null;
    if (redirectKey && !recordKey) {
      res.writeHead(302, { location: `${redirects[redirectKey]}${type}/${key}` });
      return res.end();
    }
    if (!recordKey) return send(res, 404, { errorCode: 404, title: 'Not Found' });
    send(res, 200, table[recordKey]!);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/rdap/`,
    requests,
    close: () =>
      new Promise<void>((res) => {
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
}
