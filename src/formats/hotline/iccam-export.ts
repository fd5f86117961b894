/**
 * The `winnow-iccam-1` partner export: reports forwarded to another hotline, in the ICCAM-like JSON the partner
 * intake parser reads (research note §1.9 for the ICCAM fields it mirrors). Only the fields listed below are
 * written, in this order, so nothing else from a case (reporter contact, analyst notes) can leak into it.
 *
 * ```json
 * { "format": "winnow-iccam-1", "hotline": "…", "generatedAt": "…",
 *   "reports": [ { "externalRef": "…", "receivedAt": "…", "urls": ["…"], "description": null,
 *                  "contentType": "image", "classification": "baseline", "hostingCountry": "NL",
 *                  "hashes": [ { "algorithm": "sha1", "hash": "…" } ], "ip": "…", "asn": 123,
 *                  "hostingOrg": "…", "assessedAt": "…", "ageGroup": null } ] }
 * ```
 * `ip`, `asn`, `hostingOrg` and `assessedAt` are null when the trace or assessment has not given them.
 */
import { UserError } from '../../services/errors.js';
import { HASH_HEX_LENGTH } from '../../hashsets/hash-set-record.js';
import type { PartnerReportInput } from './partner-report.js';

export const ICCAM_EXPORT_FORMAT = 'winnow-iccam-1';

export type { PartnerClassification, PartnerContentType, PartnerHashAlgorithm } from './partner-report.js';

const CONTENT_TYPES: readonly string[] = ['image', 'video', 'text', 'other'];
const CLASSIFICATIONS: readonly string[] = ['baseline', 'national', 'not-illegal', 'doubtful'];

/**
 * One report in the export: the fields the `winnow-iccam-1` reader takes (the partner name is the reader's choice,
 * the report number travels as `reportId`), plus what a partner needs to act on it.
 */
export interface PartnerExportRecord extends Omit<PartnerReportInput, 'partner' | 'externalRef'> {
  /** Our report number, for the partner to quote back. */
  externalRef: string;
  ip: string | null;
  asn: number | null;
  hostingOrg: string | null;
  /** ISO 8601. */
  assessedAt: string | null;
  /** ICCAM age category as text (e.g. "Pre-pubescent"), when assessed. */
  ageGroup: string | null;
}

function check(ok: boolean, ref: string, what: string): void {
  if (!ok) throw new UserError(`Partner export, report ${JSON.stringify(ref)}: ${what}`);
}

/** As written: the report id under `reportId`, the key the `winnow-iccam-1` reader takes (partner-report.ts). */
type WrittenRecord = Omit<PartnerExportRecord, 'externalRef'> & { reportId: string };

function record(r: PartnerExportRecord): WrittenRecord {
  const ref = r.externalRef;
  check(typeof ref === 'string' && ref !== '', ref, 'externalRef is empty');
  check(Array.isArray(r.urls) && r.urls.length > 0, ref, 'needs at least one URL');
  check(r.contentType === null || CONTENT_TYPES.includes(r.contentType), ref, `contentType ${JSON.stringify(r.contentType)}`);
  check(r.classification === null || CLASSIFICATIONS.includes(r.classification), ref, `classification ${JSON.stringify(r.classification)}`);
  check(r.hostingCountry === null || /^[A-Z]{2}$/.test(r.hostingCountry), ref, `hostingCountry ${JSON.stringify(r.hostingCountry)} is not an ISO 3166 alpha-2 code`);
  check(r.asn === null || (Number.isInteger(r.asn) && r.asn >= 0 && r.asn <= 4294967295), ref, `asn ${r.asn}`);
  const hashes = r.hashes.map((h) => {
    const hash = h.hash.toLowerCase();
    const len = Object.hasOwn(HASH_HEX_LENGTH, h.algorithm) ? HASH_HEX_LENGTH[h.algorithm] : 0;
    check(len > 0 && new RegExp(`^[0-9a-f]{${len}}$`).test(hash), ref, `${JSON.stringify(h.hash)} is not a ${h.algorithm} hash`);
    return { algorithm: h.algorithm, hash };
  });
  return {
    reportId: ref,
    receivedAt: r.receivedAt,
    urls: [...r.urls],
    description: r.description,
    contentType: r.contentType,
    classification: r.classification,
    hostingCountry: r.hostingCountry,
    hashes,
    ip: r.ip,
    asn: r.asn,
    hostingOrg: r.hostingOrg,
    assessedAt: r.assessedAt,
    ageGroup: r.ageGroup,
  };
}

/** The export file's text (pretty-printed JSON, trailing newline); throws UserError on a malformed record. */
export function buildIccamExport(input: { hotline: string; generatedAt: string; reports: PartnerExportRecord[] }): string {
  const doc = {
    format: ICCAM_EXPORT_FORMAT,
    hotline: input.hotline,
    generatedAt: input.generatedAt,
    reports: input.reports.map(record),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
