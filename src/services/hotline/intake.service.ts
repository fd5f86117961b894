import { createHash, randomBytes } from 'node:crypto';
import type { HotlineReportRepository, IntakeUrl, IntakeUrlResult } from '../../db/repositories/hotline/report.repository.js';
import { newId } from '../../util/ids.js';
import { NotFoundError, UserError } from '../errors.js';
import { CONTENT_TYPES, LANGUAGES, type ContentTypeHint, type DeskActor, type Language } from './hotline-types.js';
import type { Mailer } from './mailer.js';
import { canonicaliseUrl } from './url-canonical.js';

/** Limits on one report: a report names web addresses, it never carries files. */
export const REPORT_LIMITS = { maxUrls: 20, maxUrlsPartner: 500, maxDescription: 4000, maxWhereFound: 500, maxContact: 254 } as const;

export type ReportSource = 'webform' | 'api' | 'partner-json' | 'partner-csv' | 'analyst';

export interface ReportInput {
  /** One or more URLs as the reporter typed them (a string may hold several, one per line). */
  urls: string[] | string;
  description?: string | null;
  contentType?: string | null;
  whereFound?: string | null;
  /** Optional e-mail address for updates. */
  contact?: string | null;
  language?: string | null;
}

export interface IntakeProblem {
  field: 'urls' | 'description' | 'contentType' | 'whereFound' | 'contact' | 'language';
  message: string;
}

/** A report that cannot be taken: every problem, each naming its field (the public form shows them all). */
export class IntakeError extends UserError {
  constructor(readonly problems: IntakeProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

export interface ReceivedReport {
  reportId: string;
  number: string;
  /** Shown once to the reporter: with the number, it opens the report's status page. Only its hash is stored. */
  statusToken: string;
  urls: IntakeUrlResult[];
}

export interface ReportStatus {
  number: string;
  receivedAt: string;
  /** Progress per URL, without the URL itself or anything found about it. */
  urls: { state: 'received' | 'in-progress' | 'closed' }[];
}

const EMAIL = /^[^\s@<>(),;:"\[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const tokenHash = (t: string) => createHash('sha256').update(t).digest('hex');

/** Split the URL field: one per line (also commas-free whitespace), blanks dropped. */
export function splitUrls(urls: string[] | string): string[] {
  const list = Array.isArray(urls) ? urls : urls.split(/\r?\n/);
  return list.map((u) => u.trim()).filter((u) => u.length > 0);
}

/**
 * Takes reports in: from the public form and API (anonymous allowed), from analysts and from partner hotlines.
 * URLs are canonicalised (raw kept); a URL already known links the report to the existing work instead of creating
 * new work. The reporter gets a number and a status token; when they left an address, a confirmation by e-mail.
 */
export class IntakeService {
  constructor(
    private readonly reports: HotlineReportRepository,
    private readonly mailer: Mailer | null,
    private readonly now: () => string,
    private readonly hotlineName = 'Winnow hotline',
  ) {}

  /** Validate and canonicalise without storing anything (the form re-shows what was typed with the errors). */
  validate(input: ReportInput, maxUrls: number = REPORT_LIMITS.maxUrls): { urls: IntakeUrl[]; contentType: ContentTypeHint | null; language: Language; contact: string | null } {
    const problems: IntakeProblem[] = [];
    const raw = splitUrls(input.urls);
    if (raw.length === 0) problems.push({ field: 'urls', message: 'give at least one web address' });
    if (raw.length > maxUrls) problems.push({ field: 'urls', message: `at most ${maxUrls} web addresses per report (${raw.length} given)` });
    const urls: IntakeUrl[] = [];
    for (const [i, r] of raw.slice(0, maxUrls).entries()) {
      try {
        const c = canonicaliseUrl(r);
        urls.push({ raw: r, canonical: c.canonical, sha256: c.sha256, host: c.host });
      } catch (err) {
        problems.push({ field: 'urls', message: `address ${i + 1} (${r.length > 80 ? `${r.slice(0, 80)}…` : r}): ${(err as Error).message}` });
      }
    }
    const description = input.description ?? '';
    if (description.length > REPORT_LIMITS.maxDescription) problems.push({ field: 'description', message: `at most ${REPORT_LIMITS.maxDescription} characters (${description.length} given)` });
    if ((input.whereFound ?? '').length > REPORT_LIMITS.maxWhereFound) problems.push({ field: 'whereFound', message: `at most ${REPORT_LIMITS.maxWhereFound} characters` });
    let contentType: ContentTypeHint | null = null;
    if (input.contentType) {
      if ((CONTENT_TYPES as readonly string[]).includes(input.contentType)) contentType = input.contentType as ContentTypeHint;
      else problems.push({ field: 'contentType', message: `one of ${CONTENT_TYPES.join(', ')}` });
    }
    const language = (input.language ?? 'en') as Language;
    if (!(LANGUAGES as readonly string[]).includes(language)) problems.push({ field: 'language', message: `one of ${LANGUAGES.join(', ')}` });
    const contact = input.contact?.trim() || null;
    if (contact && (contact.length > REPORT_LIMITS.maxContact || !EMAIL.test(contact))) problems.push({ field: 'contact', message: 'not an e-mail address (leave it empty to stay anonymous)' });
    if (problems.length > 0) throw new IntakeError(problems);
    return { urls, contentType, language, contact };
  }

  /** Store a report from the public (webform/api) or an analyst. */
  async submit(input: ReportInput, source: ReportSource, by: DeskActor | null = null, extra: { partner?: string; externalRef?: string; receivedAt?: string; maxUrls?: number } = {}): Promise<ReceivedReport> {
    const v = this.validate(input, extra.maxUrls ?? (source.startsWith('partner') ? REPORT_LIMITS.maxUrlsPartner : REPORT_LIMITS.maxUrls));
    const receivedAt = extra.receivedAt ?? this.now();
    const statusToken = randomBytes(18).toString('base64url');
    const reportId = newId(Date.parse(receivedAt));
    for (let attempt = 0; ; attempt++) {
      const prefix = `WR-${receivedAt.slice(0, 4)}-`;
      const number = `${prefix}${String((await this.reports.lastNumber(prefix)) + 1).padStart(6, '0')}`;
      try {
        const urls = await this.reports.insertReport({
          id: reportId, number, received_at: receivedAt, source, partner: extra.partner ?? null, external_ref: extra.externalRef ?? null,
          description: input.description?.trim() || null, content_type_hint: v.contentType, where_found: input.whereFound?.trim() || null,
          referrer: null, language: v.language, reporter_contact: v.contact, reporter_token_hash: tokenHash(statusToken),
          created_by: by?.name ?? null, anonymised_at: null,
        }, v.urls);
        if (v.contact && this.mailer) await this.confirm(v.contact, number, v.urls.length);
        return { reportId, number, statusToken, urls };
      } catch (err) {
        // Two reports taking the same number at once: the unique index refuses one; it takes the next number.
        if (attempt < 5 && /unique|duplicate/i.test(String((err as Error).message)) && (await this.reports.byNumber(number))) continue;
        throw err;
      }
    }
  }

  /** The reporter's view: progress only (no URLs, no findings), given the number and the token shown once. */
  async status(number: string, token: string): Promise<ReportStatus> {
    const r = await this.reports.byNumber(number.trim());
    if (!r || !r.reporter_token_hash || r.reporter_token_hash !== tokenHash(token.trim())) throw new NotFoundError('no report with that number and token');
    const urls = await this.reports.urlsOf(r.id);
    return {
      number: r.number, receivedAt: r.received_at,
      urls: urls.map((u) => ({ state: u.status === 'closed' ? 'closed' : u.status === 'new' ? 'received' : 'in-progress' })),
    };
  }

  private async confirm(to: string, number: string, count: number): Promise<void> {
    try {
      await this.mailer!.send({
        to, subject: `${this.hotlineName}: report ${number} received`,
        text: `Thank you. Your report ${number} (${count} web address${count === 1 ? '' : 'es'}) was received and will be assessed.\n` +
          `You will hear from us when it has been dealt with. Please never send us images or files: only web addresses.\n`,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch {
      // The report is stored; a failed confirmation must not lose it (the reporter has the number on screen).
    }
  }
}
