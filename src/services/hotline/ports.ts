/**
 * Ports of the hotline desk (issue 7): what the desk's services need from the network and from offline datasets.
 * Adapters live in src/adapters/hotline/; services never open a socket or a file themselves.
 */

/** A host name resolved: the CNAME chain followed, then the A/AAAA addresses of the last name. */
export interface HostResolution {
  host: string;
  /** CNAME targets in the order they were followed (empty when the host has none). */
  cnameChain: string[];
  /** IPv4 and IPv6 addresses, IPv4 first, each list in the order the server gave. */
  addresses: string[];
  /** DNS error code when the name did not resolve (e.g. ENOTFOUND, ENODATA, ETIMEOUT, ESERVFAIL). */
  error?: string;
}

export interface HostResolver {
  resolve(host: string): Promise<HostResolution>;
}

/** What the imported network datasets say about one address. */
export interface NetworkInfo {
  ip: string;
  asn: number | null;
  /** The announced or delegated prefix that holds the address, CIDR notation. */
  prefix: string | null;
  /** Hosting organisation (AS name or registrant). */
  org: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
  /** arin | ripencc | apnic | lacnic | afrinic, when an RIR file answered. */
  registry: string | null;
  /** Name of the CDN when the ASN is on the known-CDN list (the origin host is then unknown). */
  cdn: string | null;
  /** Which dataset gave which field, e.g. ["ip2asn:iptoasn-2026-11.tsv", "rir:delegated-ripencc-extended-latest"]. */
  sources: string[];
}

export interface NetworkLookup {
  lookup(ip: string): NetworkInfo;
}

export interface FoundAbuseContact {
  email: string;
  /** hosting: the network's abuse contact; registrar: the domain's registrar abuse contact. */
  scope: 'hosting' | 'registrar';
  org: string | null;
  /** The RDAP URL the contact came from. */
  source: string;
}

export interface RdapAnswer {
  contacts: FoundAbuseContact[];
  /** The RDAP URLs queried (for the trace's evidence), with their HTTP status or error. */
  queried: { url: string; status: number | null; error?: string }[];
}

export interface RdapLookup {
  /** Abuse contacts for an IP address's network and, when given, for the registered domain. */
  abuseContacts(ip: string | null, domain: string | null): Promise<RdapAnswer>;
}

/** One online check of a URL (never showing content: only status, redirects and, optionally, hashes). */
export interface UrlCheckResult {
  /** online: 2xx at the end of the redirects; offline: 404/410/451, NXDOMAIN or refused connection; error: anything else. */
  result: 'online' | 'offline' | 'error' | 'refused';
  httpStatus: number | null;
  addresses: string[];
  dnsError: string | null;
  redirects: { url: string; status: number }[];
  finalUrl: string | null;
  /** Present only for a hash-only fetch: the body streamed through the hashes in memory; nothing else is kept. */
  hashes: { md5: string; sha1: string; pdq: string | null; bytes: number } | null;
  error: string | null;
  durationMs: number;
}

export interface UrlChecker {
  check(url: string, opts: { hashBody: boolean }): Promise<UrlCheckResult>;
}
