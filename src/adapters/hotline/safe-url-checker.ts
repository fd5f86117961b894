import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { HostResolver, UrlChecker, UrlCheckResult } from '../../services/hotline/ports.js';
import { canonicalAddress, type AddressPolicy } from './address-policy.js';

/**
 * The hotline's online checker (issue 7): is a reported URL still up? It never shows content and never keeps it.
 *
 * SSRF guard: every hop (the URL and each redirect target) is resolved with the injected resolver, every address
 * the name resolves to is checked against the {@link AddressPolicy}, and the connection goes to the checked address
 * itself — Node's `lookup` is replaced by one that returns that address, so a DNS answer that changes between the
 * check and the connect (rebinding) is never used. The Host header and TLS SNI / certificate name stay the original
 * host. Redirects are followed by hand, each one re-checked.
 *
 * A plain check sends GET (HEAD is often answered differently) and destroys the response after the headers. A
 * hash-only fetch streams the body through MD5 and SHA-1 in memory; an image body under the size limit is buffered
 * just long enough for the injected PDQ function, then zeroed and dropped. Nothing touches the disk.
 */
export interface SafeUrlCheckerOptions {
  resolver: HostResolver;
  policy: AddressPolicy;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
  /** Budget for the whole check, DNS, redirects and body included (default 10 000 ms). */
  timeoutMs?: number;
  /** Largest body a hash-only fetch reads (default 32 MiB); a larger one is cut off and left unhashed. */
  maxBodyBytes?: number;
  userAgent?: string;
  /** PDQ of an image body (hex), injected so this adapter does not decode images itself; null when not computable. */
  pdq?: (bytes: Buffer) => Promise<string | null>;
  /** CA certificates trusted for https INSTEAD of Node's bundled roots (tests with their own CA); default: the roots. */
  ca?: (string | Buffer)[];
}

const DEFAULT_USER_AGENT = 'Winnow-Hotline-Checker/0.1 (URL availability check; no content is displayed or kept)';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const OFFLINE_STATUSES = new Set([404, 410, 451]);
/** DNS answers meaning "this name has no address": the content is not reachable, i.e. offline. */
const DNS_OFFLINE = new Set(['ENOTFOUND', 'NXDOMAIN', 'ENODATA']);
/** Connect errors after which the next resolved address is tried. */
const TRY_NEXT_ADDRESS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EAFNOSUPPORT']);
/**
 * The WHATWG Fetch "bad ports": services a reported URL could otherwise make us talk HTTP to (SMTP, IRC, …),
 * a cross-protocol attack on third parties. Browsers refuse them too.
 */
const BAD_PORTS = new Set([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Where one hop connects: the name as written in the URL (brackets removed) and the port. */
interface Target {
  host: string;
  port: number;
  tls: boolean;
}

/** An error thrown inside a check, already worded for the result. */
class CheckFailure extends Error {
  constructor(message: string, readonly result: UrlCheckResult['result']) {
    super(message);
  }
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).trim();
}

/** Rejects when the check's budget runs out, so a hung resolver cannot hold the check. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}

export class SafeUrlChecker implements UrlChecker {
  private readonly maxRedirects: number;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly userAgent: string;

  constructor(private readonly opts: SafeUrlCheckerOptions) {
    this.maxRedirects = opts.maxRedirects ?? 5;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxBodyBytes = opts.maxBodyBytes ?? 32 * 1024 * 1024;
    this.userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
  }

  /**
   * Check one URL. Never throws: every outcome is a result. `addresses` are those of the last hop resolved,
   * `finalUrl` the last URL reached (also when it was refused), `redirects` each URL that answered with a redirect.
   */
  async check(url: string, opts: { hashBody: boolean }): Promise<UrlCheckResult> {
    const started = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('timeout')), this.timeoutMs);
    const out: UrlCheckResult = {
      result: 'error', httpStatus: null, addresses: [], dnsError: null, redirects: [], finalUrl: null, hashes: null,
      error: null, durationMs: 0,
    };
    try {
      await this.follow(url, opts.hashBody, out, controller.signal);
    } catch (err) {
      if (err instanceof CheckFailure) {
        out.result = err.result;
        out.error = err.message;
      } else if (controller.signal.aborted) {
        out.result = 'error';
        out.error = `timed out after ${this.timeoutMs} ms`;
      } else {
        out.result = 'error';
        out.error = errorMessage(err);
      }
    } finally {
      clearTimeout(timer);
      out.durationMs = Math.round(performance.now() - started);
    }
    return out;
  }

  /** The redirect loop: each hop is checked, fetched from its pinned address, then classified or followed. */
  private async follow(input: string, hashBody: boolean, out: UrlCheckResult, signal: AbortSignal): Promise<void> {
    let current: URL;
    try {
      current = new URL(input);
    } catch {
      throw new CheckFailure(`not a valid URL: ${input}`, 'error');
    }
    const seen = new Set<string>();
    for (;;) {
      out.finalUrl = current.href;
      seen.add(current.href);
      const target = targetOf(current);
      const addresses = await this.resolve(target.host, out, signal);
      if (addresses === null) return;
      this.enforcePolicy(target.host, addresses);
      const res = await this.connect(current, target, addresses, signal);
      const status = res.statusCode ?? 0;

      if (REDIRECT_STATUSES.has(status)) {
        const location = res.headers.location;
        res.destroy();
        if (!location) {
          out.httpStatus = status;
          throw new CheckFailure(`HTTP ${status} without a Location header`, 'error');
        }
        out.redirects.push({ url: current.href, status });
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          throw new CheckFailure(`redirect to an invalid URL: ${location}`, 'error');
        }
        if (out.redirects.length > this.maxRedirects) throw new CheckFailure(`too many redirects (more than ${this.maxRedirects})`, 'error');
        if (seen.has(next.href)) {
          out.finalUrl = next.href;
          throw new CheckFailure(`redirect loop: ${current.href} leads back to ${next.href}`, 'error');
        }
        current = next;
        continue;
      }

      out.httpStatus = status;
      if (status >= 200 && status < 300) {
        out.result = 'online';
        if (hashBody) await this.hashBody(res, out, signal);
        else res.destroy();
        return;
      }
      res.destroy();
      out.result = OFFLINE_STATUSES.has(status) ? 'offline' : 'error';
      out.error = out.result === 'error' ? `HTTP ${status}` : null;
      return;
    }
  }

  /** The addresses of `host` (a literal IP is its own answer); null after recording a DNS outcome in `out`. */
  private async resolve(host: string, out: UrlCheckResult, signal: AbortSignal): Promise<string[] | null> {
    if (net.isIP(host)) {
      out.addresses = [host];
      return out.addresses;
    }
    let answer;
    try {
      answer = await untilAborted(this.opts.resolver.resolve(host), signal);
    } catch (err) {
      if (signal.aborted) throw new CheckFailure(`timed out after ${this.timeoutMs} ms resolving ${host}`, 'error');
      throw new CheckFailure(`DNS lookup of ${host} failed: ${errorMessage(err)}`, 'error');
    }
    out.addresses = [...answer.addresses];
    const dnsError = answer.error ?? (answer.addresses.length === 0 ? 'ENODATA' : null);
    if (dnsError !== null) {
      out.dnsError = dnsError;
      out.result = DNS_OFFLINE.has(dnsError) ? 'offline' : 'error';
      out.error = out.result === 'error' ? `DNS ${dnsError} for ${host}` : null;
      return null;
    }
    return out.addresses;
  }

  /** Refuse the hop when ANY address is forbidden: the client cannot choose which one an attacker's DNS serves. */
  private enforcePolicy(host: string, addresses: string[]): void {
    for (const address of addresses) {
      const reason = this.opts.policy.check(address);
      if (reason === null) continue;
      const what = net.isIP(host) ? `address ${address}` : `${host} resolves to ${address}, which`;
      throw new CheckFailure(`refused: ${what} is not allowed (${reason})`, 'refused');
    }
  }

  /** GET from the checked addresses in order, moving on only when an address cannot be connected to. */
  private async connect(url: URL, target: Target, addresses: string[], signal: AbortSignal): Promise<http.IncomingMessage> {
    let lastError: unknown;
    for (const address of addresses) {
      try {
        return await this.request(url, target, address, signal);
      } catch (err) {
        lastError = err;
        if (signal.aborted || !TRY_NEXT_ADDRESS.has(errorCode(err) ?? '')) break;
      }
    }
    throw this.describeConnectError(lastError, target, addresses, signal);
  }

  private describeConnectError(err: unknown, target: Target, addresses: string[], signal: AbortSignal): CheckFailure {
    if (err instanceof CheckFailure) return err;
    if (signal.aborted) return new CheckFailure(`timed out after ${this.timeoutMs} ms`, 'error');
    const code = errorCode(err);
    if (code === 'ECONNREFUSED') return new CheckFailure(`connection refused by ${addresses.join(', ')} port ${target.port}`, 'offline');
    const tls = target.tls && (code === undefined || /TLS|SSL|CERT|EPROTO|SELF_SIGNED|UNABLE_TO/.test(code));
    return new CheckFailure(`${tls ? 'TLS error' : 'connection error'}${code ? ` ${code}` : ''}: ${errorMessage(err)}`, 'error');
  }

  /** One GET pinned to `address`; resolves with the response once its headers are in. */
  private request(url: URL, target: Target, address: string, signal: AbortSignal): Promise<http.IncomingMessage> {
    const family = net.isIPv6(address) ? 6 : 4;
    // Node calls this instead of DNS: the only address it can get is the one the policy just accepted.
    const lookup: net.LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    };
    const options: https.RequestOptions = {
      host: target.host, // the name, so TLS verifies the certificate against it; `lookup` supplies the address
      port: target.port,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { host: url.host, 'user-agent': this.userAgent, accept: '*/*', 'accept-encoding': 'identity' },
      lookup,
      agent: false, // no pooled socket from an earlier check (possibly to another address) is reused
      signal,
      ...(target.tls && !net.isIP(target.host) ? { servername: target.host } : {}),
      ...(target.tls && this.opts.ca ? { ca: this.opts.ca } : {}),
    };
    return new Promise((resolve, reject) => {
      const req = (target.tls ? https : http).request(options, (res) => {
        res.on('error', () => { /* surfaced by whoever reads the body; a destroyed unread response may still emit */ });
        resolve(res);
      });
      // Defence in depth: whatever the socket really reached must be the checked address, before a byte is sent.
      req.on('socket', (socket) => {
        const verify = (): void => {
          const remote = canonicalAddress(socket.remoteAddress ?? '');
          if (remote !== canonicalAddress(address)) {
            req.destroy(new CheckFailure(`refused: connected to ${remote ?? 'an unknown address'} instead of the checked ${address}`, 'refused'));
          }
        };
        if (socket.connecting) socket.prependOnceListener('connect', verify);
        else verify();
      });
      req.on('error', reject); // after the response, errors reach the response stream instead
      req.end();
    });
  }

  /** Stream a 2xx body through MD5/SHA-1 (and PDQ for an image) in memory; the bytes are dropped afterwards. */
  private async hashBody(res: http.IncomingMessage, out: UrlCheckResult, signal: AbortSignal): Promise<void> {
    const max = this.maxBodyBytes;
    const overLimit = `body over ${max} bytes: hashes not computed`;
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      res.destroy();
      out.error = overLimit;
      return;
    }
    const md5 = createHash('md5');
    const sha1 = createHash('sha1');
    const keepForPdq = this.opts.pdq !== undefined && /^image\//i.test(res.headers['content-type'] ?? '');
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > max) {
          res.destroy();
          chunks.length = 0;
          out.error = overLimit;
          return;
        }
        md5.update(chunk);
        sha1.update(chunk);
        if (keepForPdq) chunks.push(chunk);
      }
      if (!res.complete) throw new Error('connection closed before the end of the body');
    } catch (err) {
      chunks.length = 0;
      const why = signal.aborted ? `timed out after ${this.timeoutMs} ms` : errorMessage(err);
      out.error = `${why} while reading the body: hashes not computed`;
      return;
    }
    let pdq: string | null = null;
    if (keepForPdq && this.opts.pdq) {
      const image = Buffer.concat(chunks, bytes);
      chunks.length = 0;
      try {
        pdq = await this.opts.pdq(image);
      } catch (err) {
        out.error = `PDQ not computed: ${errorMessage(err)}`;
      } finally {
        image.fill(0);
      }
    }
    out.hashes = { md5: md5.digest('hex'), sha1: sha1.digest('hex'), pdq, bytes };
  }
}

/** The connection target of a URL, or a refusal for schemes and ports the checker never talks to. */
function targetOf(url: URL): Target {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CheckFailure(`refused: scheme "${url.protocol.replace(/:$/, '')}" is not allowed (http and https only)`, 'refused');
  }
  const tls = url.protocol === 'https:';
  const port = url.port === '' ? (tls ? 443 : 80) : Number(url.port);
  if (BAD_PORTS.has(port)) throw new CheckFailure(`refused: port ${port} is not allowed (reserved for another protocol)`, 'refused');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') throw new CheckFailure(`not a valid URL: ${url.href} has no host`, 'error');
  return { host, port, tls };
}
