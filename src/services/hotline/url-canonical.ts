/**
 * URL canonicalisation for hotline intake (issue 7), after Google Safe Browsing's rules
 * (developers.google.com/safe-browsing/v4/urls-hashing; research note hotline-ntd.md §3.5).
 *
 * Two reports of the same URL written differently ("HTTP://Example.COM:80/a/./b#x" and "example.com/a/b") must land
 * on the same case, so intake keys URLs on `sha256` of the canonical form and keeps the raw text beside it. The
 * canonical form is a matching key, not necessarily a fetchable URL (see the %3F/%2F note below): fetchers use the
 * raw URL.
 *
 * Pure: no I/O. Deliberate deviations from Safe Browsing, each because a hotline has to act on the host:
 * - non-default ports are kept (Safe Browsing drops every port): another port can be another server;
 * - hosts with spaces, control bytes or other characters no DNS name can hold are rejected with a UserError
 *   (Safe Browsing percent-escapes them, e.g. "http://%20leadingspace.com/"): nothing could be traced or notified;
 * - dotted IPv4 parts above 255 are rejected (Safe Browsing masks them with 0xff);
 * - only http and https are accepted; userinfo is dropped like Safe Browsing does, but reported in `hadUserinfo`.
 * Like Safe Browsing, the whole URL is unescaped before it is split, so "%3F" in a path starts the query and "%2F"
 * is a path separator in the canonical form.
 */
import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { UserError } from '../errors.js';

export interface CanonicalUrl {
  /** The text as received, untouched. */
  raw: string;
  /** scheme://host[:port]/path[?query], ASCII only. */
  canonical: string;
  /** Hex SHA-256 of `canonical` (UTF-8, which is ASCII here): the key duplicates are found by. */
  sha256: string;
  scheme: 'http' | 'https';
  /** Lower-case; punycode (xn--) for IDN; an IPv4 in dotted decimal; an IPv6 compressed, without brackets. */
  host: string;
  /** Best-effort eTLD+1 (see MULTI_LABEL_SUFFIXES); for an IP address, the address itself. */
  registeredDomain: string;
  /** Non-default port, or null. */
  port: number | null;
  /** Canonical path, always starting with "/", percent-escaped as in `canonical`. */
  path: string;
  /** Query after "?" (percent-escaped as in `canonical`), "" for a bare "?", null when there was none. */
  query: string | null;
  isIp: boolean;
  /** The raw URL carried user:password@ (dropped from the canonical form). */
  hadUserinfo: boolean;
}

export const MAX_URL_LENGTH = 2048;
const MAX_UNESCAPE_ROUNDS = 1024; // as Google's reference implementation
const DEFAULT_PORTS = { http: 80, https: 443 } as const;

/**
 * Common public suffixes of more than one label. This is NOT the full Public Suffix List (publicsuffix.org): it is a
 * small built-in list so that registeredDomain is right for the usual ccTLD second levels, plus a few hosting
 * platforms whose sub-domains belong to different people (so a blocking list never names the whole platform).
 * Everything else is taken as a one-label suffix.
 */
const MULTI_LABEL_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'me.uk', 'net.uk', 'ltd.uk', 'plc.uk', 'sch.uk', 'nhs.uk', 'police.uk',
  'com.au', 'net.au', 'org.au', 'edu.au', 'gov.au', 'asn.au', 'id.au',
  'co.nz', 'net.nz', 'org.nz', 'govt.nz', 'ac.nz', 'school.nz', 'geek.nz',
  'co.jp', 'ne.jp', 'or.jp', 'ac.jp', 'go.jp', 'gr.jp', 'ed.jp', 'lg.jp',
  'com.br', 'net.br', 'org.br', 'gov.br', 'edu.br',
  'co.za', 'org.za', 'web.za', 'gov.za', 'ac.za',
  'co.in', 'net.in', 'org.in', 'firm.in', 'gen.in', 'ind.in', 'ac.in', 'gov.in',
  'com.cn', 'net.cn', 'org.cn', 'gov.cn', 'edu.cn',
  'com.mx', 'org.mx', 'gob.mx', 'com.ar', 'com.tr', 'com.tw', 'com.hk', 'com.sg', 'com.my', 'com.ua', 'com.ru',
  'co.kr', 'or.kr', 'co.id', 'co.il', 'co.th', 'com.pl', 'com.es', 'com.pt', 'co.at', 'or.at', 'gv.at',
  // Private-section entries of the PSL for large hosting platforms.
  'blogspot.com', 'github.io', 'herokuapp.com', 'appspot.com', 'netlify.app', 'pages.dev', 'web.app',
  'firebaseapp.com', 'azurewebsites.net', 'cloudfront.net', 'vercel.app', 'wordpress.com',
]);

/** Canonicalise one reported URL; throws UserError with a specific message when it cannot be a web URL. */
export function canonicaliseUrl(raw: string): CanonicalUrl {
  if (typeof raw !== 'string') throw new UserError('URL must be a string');
  let text = raw.trim();
  if (text === '') throw new UserError('URL is empty');
  if (text.length > MAX_URL_LENGTH) throw new UserError(`URL is longer than ${MAX_URL_LENGTH} characters`);
  text = text.replace(/[\t\r\n]/g, '');
  const hash = text.indexOf('#');
  if (hash >= 0) text = text.slice(0, hash);
  // From here on one JS char = one byte of the UTF-8 URL ("binary string"), so unescaping yields bytes.
  const bytes = recursiveUnescape(Buffer.from(text, 'utf8').toString('latin1'));

  const { scheme, rest: afterScheme } = splitScheme(bytes);
  let rest = afterScheme;
  let query: string | null = null;
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const slash = rest.indexOf('/');
  let authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const rawPath = slash >= 0 ? rest.slice(slash) : '';

  const at = authority.lastIndexOf('@');
  const hadUserinfo = at >= 0;
  if (hadUserinfo) authority = authority.slice(at + 1);
  if (authority === '') throw new UserError('URL has no host');

  const { hostPart, portText } = splitPort(authority);
  const port = parsePort(portText, scheme);
  const h = canonicalHost(hostPart);
  const path = escapeBytes(cleanPath(rawPath));
  const escQuery = query === null ? null : escapeBytes(query);
  const hostInUrl = h.ipv6 ? `[${h.host}]` : h.host;
  const canonical = `${scheme}://${hostInUrl}${port === null ? '' : `:${port}`}${path}${escQuery === null ? '' : `?${escQuery}`}`;
  return {
    raw,
    canonical,
    sha256: createHash('sha256').update(canonical, 'utf8').digest('hex'),
    scheme,
    host: h.host,
    registeredDomain: h.isIp ? h.host : registeredDomainOf(h.host),
    port,
    path,
    query: escQuery,
    isIp: h.isIp,
    hadUserinfo,
  };
}

/** Unescape %XX until stable; "%" not followed by two hex digits stays as it is. */
function recursiveUnescape(s: string): string {
  for (let i = 0; i < MAX_UNESCAPE_ROUNDS; i++) {
    const next = s.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === s) return s;
    s = next;
  }
  return s;
}

/** Escape bytes <= 0x20, >= 0x7f, "#" and "%" as %XX with upper-case hex (binary string in, ASCII out). */
function escapeBytes(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c <= 0x20 || c >= 0x7f || c === 0x23 || c === 0x25 ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : s[i];
  }
  return out;
}

/**
 * Find the scheme. "example.com/a" and "example.com:8080/a" have none (http is assumed); "//host/a" is http too.
 * Any other "name:" prefix is a scheme, and only http and https are accepted.
 */
function splitScheme(s: string): { scheme: 'http' | 'https'; rest: string } {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  if (m) {
    const after = s.slice(m[0].length);
    const name = (m[1] ?? '').toLowerCase();
    if (name === 'http' || name === 'https') {
      if (!after.startsWith('//')) throw new UserError(`malformed URL: "${name}:" must be followed by "//"`);
      return { scheme: name, rest: after.slice(2) };
    }
    // "example.com:8080/a" is a host and a port without a scheme; anything else is another scheme.
    if (after.startsWith('//') || !/^\d*(?:[/?]|$)/.test(after)) {
      throw new UserError(`only http and https URLs can be reported (this one starts with "${printable(name)}:")`);
    }
  }
  return { scheme: 'http', rest: s.startsWith('//') ? s.slice(2) : s };
}

function splitPort(authority: string): { hostPart: string; portText: string } {
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) throw new UserError('malformed IPv6 host: missing "]"');
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new UserError('malformed host: text after the IPv6 address');
    return { hostPart: authority.slice(0, close + 1), portText: after.slice(1) };
  }
  const colon = authority.indexOf(':');
  if (colon < 0) return { hostPart: authority, portText: '' };
  if (authority.indexOf(':', colon + 1) >= 0) throw new UserError('malformed host: an IPv6 address must be in brackets');
  return { hostPart: authority.slice(0, colon), portText: authority.slice(colon + 1) };
}

function parsePort(text: string, scheme: 'http' | 'https'): number | null {
  if (text === '') return null;
  if (!/^\d+$/.test(text)) throw new UserError(`port "${printable(text)}" is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new UserError(`port ${text} is out of range (1-65535)`);
  return port === DEFAULT_PORTS[scheme] ? null : port;
}

interface HostResult { host: string; isIp: boolean; ipv6: boolean }

function canonicalHost(binaryHost: string): HostResult {
  if (binaryHost.startsWith('[')) return ipv6Host(binaryHost.slice(1, -1));
  let host: string;
  try {
    host = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(binaryHost, 'latin1'));
  } catch {
    throw new UserError('host is not valid UTF-8');
  }
  if (/[\s\u0000-\u0020]/u.test(host)) throw new UserError('host contains spaces or control characters');
  host = tidyDots(host);
  if (host === '') throw new UserError('URL has no host');
  if (/[^\x00-\x7f]/.test(host)) {
    const ascii = domainToASCII(host);
    if (ascii === '') throw new UserError(`host "${host}" is not a valid internationalised domain name`);
    host = tidyDots(ascii);
  }
  host = host.toLowerCase();
  const bad = /[^a-z0-9._-]/.exec(host);
  if (bad) throw new UserError(`host contains an invalid character "${printable(bad[0])}"`);
  const labels = host.split('.');
  const last = labels[labels.length - 1] ?? '';
  if (/^(?:\d+|0x[0-9a-f]*)$/.test(last)) return { host: parseIpv4(labels), isIp: true, ipv6: false };
  if (host.length > 253) throw new UserError('host is longer than 253 characters');
  for (const label of labels) {
    if (label.length > 63) throw new UserError(`host label "${label.slice(0, 20)}…" is longer than 63 characters`);
    if (label.startsWith('xn--') && domainToASCII(label) === '') {
      throw new UserError(`host label "${label}" is not valid punycode`);
    }
  }
  return { host, isIp: false, ipv6: false };
}

/** Collapse runs of dots (after mapping ideographic full stops) and strip leading/trailing dots. */
function tidyDots(host: string): string {
  return host.replace(/[\u3002\uff0e\uff61]/g, '.').replace(/\.{2,}/g, '.').replace(/^\.+|\.+$/g, '');
}

/**
 * IPv4 in any inet_aton form: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the
 * remaining bytes (e.g. 3279880203 = 195.127.0.11, 10.1 = 10.0.0.1). A host whose last label is numeric and is not
 * such an address is rejected, as the WHATWG URL standard does.
 */
function parseIpv4(labels: string[]): string {
  const fail = (): never => {
    throw new UserError(`host "${labels.join('.')}" looks like an IPv4 address but is not a valid one`);
  };
  if (labels.length > 4) fail();
  const nums = labels.map((p) => {
    let v: number;
    if (/^0x[0-9a-f]*$/.test(p)) v = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]+$/.test(p)) v = parseInt(p.slice(1), 8);
    else if (/^(?:0|[1-9]\d*)$/.test(p)) v = Number(p);
    else return fail();
    return Number.isSafeInteger(v) ? v : fail();
  });
  const lastIndex = nums.length - 1;
  let value = 0;
  for (let i = 0; i < lastIndex; i++) {
    const n = nums[i] ?? 0;
    if (n > 255) fail();
    value = value * 256 + n;
  }
  const tailBytes = 4 - lastIndex;
  const tail = nums[lastIndex] ?? 0;
  if (tail >= 256 ** tailBytes) fail();
  value = value * 256 ** tailBytes + tail;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Bracketed IPv6: compressed lower-case (RFC 5952); IPv4-mapped and NAT64 (64:ff9b::/96) become the IPv4. */
function ipv6Host(inner: string): HostResult {
  if (inner.includes('%')) throw new UserError('IPv6 zone identifiers are not accepted in reported URLs');
  if (!ipaddr.IPv6.isValid(inner)) throw new UserError(`"[${printable(inner)}]" is not a valid IPv6 address`);
  const addr = ipaddr.IPv6.parse(inner);
  if (addr.isIPv4MappedAddress()) return { host: addr.toIPv4Address().toString(), isIp: true, ipv6: false };
  if (addr.range() === 'rfc6052') {
    const p = addr.parts;
    const v4 = [(p[6] ?? 0) >> 8, (p[6] ?? 0) & 0xff, (p[7] ?? 0) >> 8, (p[7] ?? 0) & 0xff].join('.');
    return { host: v4, isIp: true, ipv6: false };
  }
  return { host: addr.toRFC5952String(), isIp: true, ipv6: true };
}

/** Resolve "." and ".." segments and collapse "//" (Go's path.Clean, as the reference code); keep a trailing "/". */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  const cleaned = `/${out.join('/')}`;
  return p.endsWith('/') && cleaned !== '/' ? `${cleaned}/` : cleaned;
}

/** eTLD+1 with the small built-in suffix list; a host that is itself a suffix (or one label) is returned whole. */
export function registeredDomainOf(host: string): string {
  const labels = host.split('.');
  if (labels.length <= 2) return host;
  const lastTwo = labels.slice(-2).join('.');
  return labels.slice(MULTI_LABEL_SUFFIXES.has(lastTwo) ? -3 : -2).join('.');
}

/** Show a fragment of user input in an error message without control bytes. */
function printable(s: string): string {
  return s.slice(0, 40).replace(/[\x00-\x1f\x7f-\xff]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
