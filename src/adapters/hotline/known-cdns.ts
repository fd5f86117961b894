/**
 * Default known-CDN list: ASNs whose addresses are reverse proxies / edge caches, so the address a URL resolves to
 * says nothing about where the content is really hosted (the trace then marks the origin as unknown and the desk
 * asks the CDN). Administrators can import further lists (kind "cdn-list"); an imported entry overrides these.
 *
 * Deliberately NOT listed, because the same ASN mostly carries ordinary hosting and a CDN flag there would hide
 * the real host from the analyst (the notice would reach the same company either way):
 * - AS16509 (AMAZON-02): Amazon CloudFront shares it with EC2/S3 hosting. CloudFront is better detected from
 *   Amazon's published ip-ranges.json (service CLOUDFRONT) — not yet an importable kind — or by the CNAME chain
 *   (*.cloudfront.net). A deployment that prefers the other trade-off can import a cdn-list with `16509\tAmazon`.
 * - AS60068 (Datacamp Limited): carries CDN77 but also Datacamp's dedicated servers, VPN and proxy exits (public
 *   ASN tables list it as "Datacamp / CDN77", hosting). Same remedy: import it if wanted.
 * - AS15169 (Google), AS8075 (Microsoft), AS63949 (Linode, now Akamai): hosting / cloud.
 *
 * Checked against public CDN-detection code and ASN tables (search of public repositories, not the operators'
 * own pages): AS13335/AS209242 Cloudflare, AS16625/AS20940 Akamai, AS54113 Fastly, AS19551 Imperva Incapsula,
 * AS200325 Bunny, AS15133 Edgecast, AS22822 Limelight (AS-LLNW), AS33438 StackPath (one tool lists StackPath under
 * AS64259 instead). StackPath sold its CDN business and Edgio (Edgecast + Limelight) wound
 * down in 2024–25 as far as known here (unverified): the ASNs may change hands — review this list yearly.
 */
export interface KnownCdn {
  asn: number;
  name: string;
}

export const KNOWN_CDNS: readonly KnownCdn[] = [
  { asn: 13335, name: 'Cloudflare' },
  { asn: 209242, name: 'Cloudflare' },
  { asn: 20940, name: 'Akamai' },
  { asn: 16625, name: 'Akamai' },
  { asn: 54113, name: 'Fastly' },
  { asn: 19551, name: 'Imperva Incapsula' },
  { asn: 33438, name: 'StackPath' },
  { asn: 200325, name: 'BunnyCDN' },
  { asn: 15133, name: 'Edgecast (Edgio)' },
  { asn: 22822, name: 'Limelight (Edgio)' },
];
