/**
 * The police export package (issue 7, "hosted in the country → national police"): the same facts as JSON for the
 * unit's systems and as a PDF summary for the case file. Metadata only: URLs, report numbers, decisions, trace
 * results and hashes — never the material itself.
 */
import PDFDocument from 'pdfkit';

export const LEA_PACKAGE_FORMAT = 'winnow-lea-1';

/** One URL in the package. */
export interface LeaPackageUrl {
  canonicalUrl: string;
  /** The first public/partner report that named this URL. */
  firstReport: { number: string; receivedAt: string };
  classification: 'baseline' | 'national' | 'not-illegal' | 'doubtful';
  /** Who decided the classification, and whether that person (or process) viewed the content. */
  decidedBy: { kind: 'analyst' | 'police' | 'hash-match' | 'partner'; name: string | null; at: string };
  viewedContent: boolean;
  hosting: {
    ip: string | null;
    asn: number | null;
    org: string | null;
    /** ISO 3166-1 alpha-2. */
    country: string | null;
    /** CDN name when the ASN is a known CDN (the origin host is then unknown); null when not a CDN. */
    cdn: string | null;
  };
  abuseContacts: string[];
  /** When the trace that gave `hosting` ran (ISO 8601). */
  tracedAt: string | null;
  hashes: { algorithm: string; hash: string }[];
}

export interface LeaPackage {
  hotline: string;
  packageId: string;
  createdAt: string;
  createdBy: string;
  /** The police unit the package is for, e.g. "Federal Computer Crime Unit". */
  destinationUnit: string;
  urls: LeaPackageUrl[];
}

/** The package as JSON: `{ "format": "winnow-lea-1", ...package }`, pretty-printed. */
export function buildLeaPackageJson(pkg: LeaPackage): string {
  return JSON.stringify({ format: LEA_PACKAGE_FORMAT, ...pkg }, null, 2) + '\n';
}

const DECIDER: Record<LeaPackageUrl['decidedBy']['kind'], string> = {
  analyst: 'hotline analyst',
  police: 'police',
  'hash-match': 'hash match',
  partner: 'partner hotline',
};

/** Label/value rows of one URL's table. */
function urlRows(u: LeaPackageUrl): [string, string][] {
  const h = u.hosting;
  return [
    ['Canonical URL', u.canonicalUrl],
    ['First report', `${u.firstReport.number}, received ${u.firstReport.receivedAt}`],
    ['Classification', u.classification],
    ['Decided by', `${DECIDER[u.decidedBy.kind]}${u.decidedBy.name ? ` (${u.decidedBy.name})` : ''}, ${u.decidedBy.at}`],
    ['Content viewed', u.viewedContent ? 'yes' : 'no'],
    ['Hosting IP', h.ip ?? 'unknown'],
    ['ASN', h.asn === null ? 'unknown' : `AS${h.asn}`],
    ['Hosting organisation', h.org ?? 'unknown'],
    ['Hosting country', h.country ?? 'unknown'],
    ['CDN', h.cdn ? `yes (${h.cdn}): origin host unknown` : 'no'],
    ['Abuse contacts', u.abuseContacts.length ? u.abuseContacts.join(', ') : 'none found'],
    ['Traced at', u.tracedAt ?? 'not traced'],
    ['Hashes', u.hashes.length ? u.hashes.map((x) => `${x.algorithm}: ${x.hash}`).join('\n') : 'none'],
  ];
}

/**
 * The PDF summary (A4, Helvetica): a header with the package facts, then a two-column table per URL. Resolves
 * to the whole file in memory. `compress: false` leaves the content streams readable (for tests).
 */
export function buildLeaPackagePdf(pkg: LeaPackage, opts: { compress?: boolean } = {}): Promise<Buffer> {
  const created = new Date(pkg.createdAt);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: opts.compress ?? true,
    info: {
      Title: `Police export package ${pkg.packageId}`,
      Author: pkg.hotline,
      Creator: 'Winnow',
      ...(Number.isNaN(created.getTime()) ? {} : { CreationDate: created }),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const labelWidth = 140;
  const valueX = left + labelWidth + 10;
  const valueWidth = doc.page.width - doc.page.margins.right - valueX;
  const bottom = (): number => doc.page.height - doc.page.margins.bottom;

  doc.font('Helvetica-Bold').fontSize(16).text('Police export package', left, doc.y);
  doc.moveDown(0.5);
  doc.fontSize(10);
  const header: [string, string][] = [
    ['Hotline', pkg.hotline],
    ['Package', pkg.packageId],
    ['Created', `${pkg.createdAt} by ${pkg.createdBy}`],
    ['For', pkg.destinationUnit],
    ['URLs', String(pkg.urls.length)],
  ];
  const row = (label: string, value: string): void => {
    const height = Math.max(doc.font('Helvetica').heightOfString(value, { width: valueWidth }), 12);
    if (doc.y + height > bottom()) doc.addPage();
    const y = doc.y;
    doc.font('Helvetica-Bold').text(label, left, y, { width: labelWidth });
    const afterLabel = doc.y;
    doc.font('Helvetica').text(value, valueX, y, { width: valueWidth });
    doc.x = left;
    doc.y = Math.max(afterLabel, doc.y) + 3;
  };
  for (const [l, v] of header) row(l, v);

  pkg.urls.forEach((u, i) => {
    doc.moveDown(1);
    if (doc.y + 60 > bottom()) doc.addPage();
    doc.font('Helvetica-Bold').fontSize(12).text(`URL ${i + 1} of ${pkg.urls.length}`, left, doc.y);
    const y = doc.y + 2;
    doc.moveTo(left, y).lineTo(doc.page.width - doc.page.margins.right, y).lineWidth(0.5).stroke();
    doc.y = y + 4;
    doc.fontSize(10);
    for (const [l, v] of urlRows(u)) row(l, v);
  });
  doc.end();
  return done;
}
