import { buildIccamExport, type PartnerExportRecord } from '../../formats/hotline/iccam-export.js';
import { buildLeaPackageJson, buildLeaPackagePdf, type LeaPackage } from '../../formats/hotline/lea-package.js';
import { UserError } from '../../services/errors.js';
import type { PackageData } from '../../services/hotline/forward.service.js';

export interface RenderedFile {
  body: string | Buffer;
  contentType: string;
  filename: string;
}

const AGE: Record<string, string> = { infant: 'Infant', 'pre-pubescent': 'Pre-pubescent', pubescent: 'Pubescent', 'not-determined': 'Not determined' };

/** A forwarding package in its destination's format: police get JSON or PDF, partner hotlines ICCAM-like JSON. */
export async function renderPackage(p: PackageData, format: string): Promise<RenderedFile> {
  const base = `winnow-package-${p.packageId}`;
  if (p.format === 'iccam-json') {
    if (format !== 'json') throw new UserError('a partner-hotline package is ICCAM-like JSON only: use format json');
    const reports: PartnerExportRecord[] = p.urls.map((u) => ({
      externalRef: u.firstReport?.number ?? u.urlId, receivedAt: u.firstReport?.receivedAt ?? p.createdAt, urls: [u.canonicalUrl],
      description: u.firstReport?.description ?? null, contentType: (u.firstReport?.contentType ?? null) as PartnerExportRecord['contentType'],
      classification: u.classification as PartnerExportRecord['classification'], hostingCountry: u.trace?.country ?? null,
      hashes: u.hashes as PartnerExportRecord['hashes'], ip: u.trace?.ip ?? null, asn: u.trace?.asn ?? null, hostingOrg: u.trace?.org ?? null,
      assessedAt: u.assessedAt, ageGroup: u.ageGroup ? AGE[u.ageGroup] ?? u.ageGroup : null,
    }));
    return { body: buildIccamExport({ hotline: p.hotline, generatedAt: new Date().toISOString(), reports }), contentType: 'application/json; charset=utf-8', filename: `${base}.json` };
  }
  const lea: LeaPackage = {
    hotline: p.hotline, packageId: p.packageId, createdAt: p.createdAt, createdBy: p.createdBy ?? 'unknown', destinationUnit: p.destination,
    urls: p.urls.map((u) => ({
      canonicalUrl: u.canonicalUrl, firstReport: { number: u.firstReport?.number ?? '-', receivedAt: u.firstReport?.receivedAt ?? '-' },
      classification: (u.classification ?? 'doubtful') as LeaPackage['urls'][number]['classification'],
      decidedBy: { kind: (u.decidedBy === 'partner-hotline' ? 'partner' : u.decidedBy ?? 'analyst') as LeaPackage['urls'][number]['decidedBy']['kind'], name: u.decidedByName, at: u.assessedAt ?? '-' },
      viewedContent: u.viewedContent,
      hosting: { ip: u.trace?.ip ?? null, asn: u.trace?.asn ?? null, org: u.trace?.org ?? null, country: u.trace?.country ?? null, cdn: u.trace?.cdn ?? null },
      abuseContacts: (u.trace?.contacts ?? []).map((c) => c.email), tracedAt: u.trace?.tracedAt ?? null, hashes: u.hashes,
    })),
  };
  if (format === 'pdf') return { body: await buildLeaPackagePdf(lea), contentType: 'application/pdf', filename: `${base}.pdf` };
  if (format === 'json') return { body: buildLeaPackageJson(lea), contentType: 'application/json; charset=utf-8', filename: `${base}.json` };
  throw new UserError('format must be json or pdf');
}
