import type { HotlineReportRepository } from '../../db/repositories/hotline/report.repository.js';
import { parseIccamJson, parsePartnerCsv, type PartnerParseError } from '../../formats/hotline/partner-report.js';
import { UserError } from '../errors.js';
import type { AssessmentService } from './assessment.service.js';
import type { DeskActor } from './hotline-types.js';
import type { IntakeService } from './intake.service.js';

export interface PartnerImportResult {
  partner: string;
  format: 'iccam-json' | 'csv';
  reports: number;
  /** Reports already imported earlier (same partner and external reference): skipped, nothing doubled. */
  alreadyImported: number;
  urls: number;
  /** URLs that were already known to the desk (linked, no new work). */
  knownUrls: number;
  assessments: number;
  errors: (PartnerParseError & { stage: 'parse' | 'intake' })[];
}

/**
 * Reports from partner hotlines (ICCAM-like JSON or CSV; docs/hotline-partner-formats.md). Each becomes a report on
 * the desk; a partner's classification becomes an assessment decided by the partner hotline (content not viewed
 * here), with its hashes. Importing the same file twice adds nothing.
 */
export class PartnerImportService {
  constructor(
    private readonly intake: IntakeService,
    private readonly reports: HotlineReportRepository,
    private readonly assessment: AssessmentService,
  ) {}

  async importText(text: string, format: 'iccam-json' | 'csv', partner: string, by: DeskActor): Promise<PartnerImportResult> {
    const name = partner.trim();
    if (!/^[\w .()-]{1,80}$/.test(name)) throw new UserError('name the partner hotline (letters, digits, spaces, . ( ) - _; at most 80)');
    const parsed = format === 'csv' ? parsePartnerCsv(text, { partner: name }) : parseIccamJson(text, { partner: name });
    const out: PartnerImportResult = { partner: name, format, reports: 0, alreadyImported: 0, urls: 0, knownUrls: 0, assessments: 0, errors: parsed.errors.map((e) => ({ ...e, stage: 'parse' as const })) };
    for (const [index, r] of parsed.reports.entries()) {
      if (r.externalRef && (await this.reports.byExternalRef(name, r.externalRef))) {
        out.alreadyImported++;
        continue;
      }
      try {
        const got = await this.intake.submit(
          { urls: r.urls, description: r.description, contentType: r.contentType },
          format === 'csv' ? 'partner-csv' : 'partner-json', by,
          { partner: name, receivedAt: r.receivedAt, ...(r.externalRef ? { externalRef: r.externalRef } : {}) },
        );
        out.reports++;
        out.urls += got.urls.length;
        out.knownUrls += got.urls.filter((u) => u.wasKnown).length;
        if (r.classification) {
          for (const u of got.urls) {
            if (u.wasKnown) continue; // the desk's own assessment of known work stands
            await this.assessment.assess(u.urlId, { classification: r.classification, decidedBy: 'partner-hotline', note: `classified by ${name}${r.externalRef ? ` (${r.externalRef})` : ''}`, hashes: r.hashes }, by);
            out.assessments++;
          }
        }
      } catch (err) {
        out.errors.push({ index, message: (err as Error).message, stage: 'intake' });
      }
    }
    return out;
  }
}
