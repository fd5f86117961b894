/**
 * HostResolver over node:dns (c-ares, so no /etc/hosts and no OS resolver cache): follows the CNAME chain one step
 * at a time — so the trace can show every name — then asks A and AAAA for the last name. Servers are configurable
 * (tests point it at a fake DNS server on loopback); errors become DNS codes in the answer, never exceptions.
 */
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import type { HostResolution, HostResolver } from '../../services/hotline/ports.js';

export interface DnsResolverOptions {
  /** DNS servers, e.g. ["127.0.0.1:5353", "[::1]:53"]; the system's servers when absent. */
  servers?: string[];
  /** Per-query timeout (c-ares, one try). Default 5000 ms. */
  timeoutMs?: number;
  /** Longest CNAME chain followed before giving up with ECNAMEDEPTH. Default 8. */
  maxCnameDepth?: number;
}

/** The codes a resolution may end with; unknown c-ares codes are passed through unchanged. */
export const DNS_ERROR_CODES = ['ENOTFOUND', 'ENODATA', 'ETIMEOUT', 'ESERVFAIL', 'ECONNREFUSED', 'EREFUSED', 'ECNAMELOOP', 'ECNAMEDEPTH', 'EBADNAME'] as const;

export class DnsHostResolver implements HostResolver {
  private readonly resolver: dns.Resolver;
  private readonly maxDepth: number;

  constructor(opts: DnsResolverOptions = {}) {
    this.resolver = new dns.Resolver({ timeout: opts.timeoutMs ?? 5000, tries: 1 });
    if (opts.servers && opts.servers.length > 0) this.resolver.setServers(opts.servers);
    this.maxDepth = opts.maxCnameDepth ?? 8;
  }

  async resolve(rawHost: string): Promise<HostResolution> {
    const host = normaliseHost(rawHost);
    const literal = host.replace(/^\[(.*)\]$/, '$1');
    if (isIP(literal)) return { host, cnameChain: [], addresses: [literal] };
    if (!isValidName(host)) return { host, cnameChain: [], addresses: [], error: 'EBADNAME' };

    const cnameChain: string[] = [];
    const seen = new Set([host]);
    let name = host;
    for (;;) {
      let targets: string[];
      try {
        targets = await this.resolver.resolveCname(name);
      } catch (e) {
        const code = errorCode(e);
        if (code === 'ENODATA') break; // the name exists and is not an alias: resolve it
        return { host, cnameChain, addresses: [], error: code };
      }
      const target = targets[0] ? normaliseHost(targets[0]) : null;
      if (!target) break;
      if (seen.has(target)) return { host, cnameChain: [...cnameChain, target], addresses: [], error: 'ECNAMELOOP' };
      if (cnameChain.length >= this.maxDepth) return { host, cnameChain, addresses: [], error: 'ECNAMEDEPTH' };
      cnameChain.push(target);
      seen.add(target);
      name = target;
    }

    const [v4, v6] = await Promise.allSettled([this.resolver.resolve4(name), this.resolver.resolve6(name)]);
    const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (addresses.length > 0) return { host, cnameChain, addresses };
    const codes = [v4, v6].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => errorCode(r.reason));
    // Prefer the more telling failure: a real error over "no data of that type".
    const error = codes.find((c) => c !== 'ENODATA') ?? 'ENODATA';
    return { host, cnameChain, addresses: [], error };
  }
}

/** Lower case, no trailing dot. */
function normaliseHost(h: string): string {
  return h.trim().toLowerCase().replace(/\.$/, '');
}

/** LDH labels (plus "_" seen in the wild), 1–63 octets each, 253 in all; IDNs must arrive as A-labels (xn--). */
function isValidName(h: string): boolean {
  if (h.length === 0 || h.length > 253) return false;
  return h.split('.').every((l) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l));
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EDNS';
}
