import ipaddr from 'ipaddr.js';

/**
 * Which IP addresses the hotline's URL checker may connect to (SSRF guard, issue 7).
 *
 * A reported URL is attacker-controlled: it, or a redirect it leads to, may point at the desk's own machine, its
 * private network or a cloud metadata service. Only public unicast addresses are allowed. The ranges are written
 * out here (parsed with ipaddr.js) instead of taken from `ipaddr`'s `range()` names, so the list is reviewable in one
 * place and the reason names are ours; addresses that embed an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by
 * the embedded address. Anything that does not parse is refused (fail closed).
 */

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Ordered: the first matching range names the reason, so more specific ranges come before wider ones. */
const V4_RANGES: [string, string][] = [
  ['0.0.0.0/8', 'unspecified'], // "this network", RFC 1122; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0/8', 'private'], // RFC 1918
  ['100.64.0.0/10', 'carrier-grade NAT'], // RFC 6598 (also Alibaba's metadata 100.100.100.200)
  ['127.0.0.0/8', 'loopback'],
  ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, OpenStack… instance metadata
  ['169.254.0.0/16', 'link-local'], // RFC 3927 (also ECS task metadata 169.254.170.2)
  ['172.16.0.0/12', 'private'],
  ['192.0.0.192/32', 'metadata'], // Oracle Cloud legacy metadata
  ['192.0.0.0/24', 'reserved'], // IETF protocol assignments, RFC 6890
  ['192.0.2.0/24', 'documentation'], // TEST-NET-1, RFC 5737
  ['192.88.99.0/24', 'reserved'], // deprecated 6to4 relay anycast, RFC 7526
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'], // benchmarking, RFC 2544
  ['198.51.100.0/24', 'documentation'], // TEST-NET-2
  ['203.0.113.0/24', 'documentation'], // TEST-NET-3
  ['168.63.129.16/32', 'metadata'], // Azure WireServer: public-looking, but answers VMs inside Azure only
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'], // RFC 1112 "future use"
];

const V6_RANGES: [string, string][] = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fd00:ec2::254/128', 'metadata'], // AWS instance metadata over IPv6
  ['fc00::/7', 'unique local'], // RFC 4193
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'], // deprecated, RFC 3879, still routed inside some sites
  ['ff00::/8', 'multicast'],
  ['64:ff9b:1::/48', 'private'], // local-use NAT64 prefix, RFC 8215
  ['::ffff:0:0:0/96', 'reserved'], // IPv4-translated, RFC 6145
  ['100::/64', 'reserved'], // discard-only, RFC 6666
  ['2001::/32', 'reserved'], // Teredo tunnels: the endpoint is an obfuscated IPv4 address
  ['2001:2::/48', 'reserved'], // benchmarking, RFC 5180
  ['2001:10::/28', 'reserved'], // ORCHID, RFC 4843
  ['2001:20::/28', 'reserved'], // ORCHIDv2, RFC 7343
  ['2001:db8::/32', 'documentation'], // RFC 3849
  ['3fff::/20', 'documentation'], // RFC 9637
  ['5f00::/16', 'reserved'], // SRv6 SIDs, RFC 9602
];

function parseTable(table: [string, string][]): [Cidr, string][] {
  return table.map(([cidr, reason]) => [ipaddr.parseCIDR(cidr), reason]);
}

const V4 = parseTable(V4_RANGES);
const V6 = parseTable(V6_RANGES);
/** All routable IPv6 unicast space (RFC 4291); anything outside it not named above is "reserved". */
const V6_GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96'); // RFC 6052 well-known prefix
const SIX_TO_FOUR = ipaddr.IPv6.parseCIDR('2002::/16'); // RFC 3056

function firstMatch(addr: ipaddr.IPv4 | ipaddr.IPv6, table: [Cidr, string][]): string | null {
  for (const [cidr, reason] of table) {
    if (addr.kind() === cidr[0].kind() && addr.match(cidr)) return reason;
  }
  return null;
}

function v4FromParts(hi: number, lo: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

function checkV6(addr: ipaddr.IPv6): string | null {
  if (addr.isIPv4MappedAddress()) {
    const inner = firstMatch(addr.toIPv4Address(), V4);
    return inner === null ? null : `IPv4-mapped ${inner}`;
  }
  const p = addr.parts;
  if (addr.match(NAT64)) {
    const inner = firstMatch(v4FromParts(p[6]!, p[7]!), V4);
    return inner === null ? null : `NAT64 ${inner}`;
  }
  if (addr.match(SIX_TO_FOUR)) {
    const inner = firstMatch(v4FromParts(p[1]!, p[2]!), V4);
    return inner === null ? null : `6to4 ${inner}`;
  }
  const named = firstMatch(addr, V6);
  if (named !== null) return named;
  return addr.match(V6_GLOBAL_UNICAST) ? null : 'reserved';
}

/**
 * Why the checker must not connect to `ip`, or null when it is a public unicast address.
 * Takes a literal address as a resolver returns it (dotted quad or IPv6 text, with or without a zone id or
 * brackets); parsing host names or other numeric spellings is the URL parser's job, not this function's.
 */
export function isForbiddenAddress(ip: string): string | null {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) addr = ipaddr.IPv4.parse(text);
    else if (ipaddr.IPv6.isValid(text)) addr = ipaddr.IPv6.parse(text);
    else return 'not an IP address';
  } catch {
    return 'not an IP address';
  }
  return addr.kind() === 'ipv4' ? firstMatch(addr, V4) : checkV6(addr as ipaddr.IPv6);
}

/** The canonical text of an address (RFC 5952 for IPv6) so that "::0001" and "::1" compare equal; null if not an IP. */
export function canonicalAddress(ip: string): string | null {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text).toString();
  if (ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text).toString();
  return null;
}

/**
 * The checker's address policy: {@link isForbiddenAddress}, except for the exact addresses a test configuration
 * allows (e.g. `['127.0.0.1']` so a test can reach its own loopback server). An allowed address does not open its
 * range: with `['127.0.0.1']`, 127.0.0.2 and ::1 are still refused.
 */
export class AddressPolicy {
  private readonly allowed: ReadonlySet<string>;

  constructor(allow: string[] = []) {
    this.allowed = new Set(allow.map((ip) => {
      const c = canonicalAddress(ip);
      if (c === null) throw new Error(`address policy: "${ip}" is not an IP address`);
      return c;
    }));
  }

  /** The reason `ip` is refused, or null when the checker may connect to it. */
  check(ip: string): string | null {
    const c = canonicalAddress(ip);
    if (c !== null && this.allowed.has(c)) return null;
    return isForbiddenAddress(ip);
  }
}
