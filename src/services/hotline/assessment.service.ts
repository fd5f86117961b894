import type { HotlineReportRepository } from '../../db/repositories/hotline/report.repository.js';
import type { HotlineUrlRepository } from '../../db/repositories/hotline/url.repository.js';
import type { HlUrlRow } from '../../db/schema.js';
import { newId } from '../../util/ids.js';
import type { AuditService } from '../audit.service.js';
import { ConflictError, ForbiddenError } from '../auth.errors.js';
import { NotFoundError, UserError } from '../errors.js';
import type { HotlineSettingsService } from './hotline-settings.js';
import { AGE_GROUPS, CLASSIFICATIONS, CLOSURE_REASONS, DECIDED_BY, type Classification, type ClosureReason, type DecidedBy, type DeskActor } from './hotline-types.js';
import { IntakeService } from './intake.service.js';
import type { Mailer } from './mailer.js';
import { canonicaliseUrl } from './url-canonical.js';
import { statusWith } from './url-status.js';

export interface AssessInput {
  classification: string;
  /** analyst (default for analysts), police (default for police), hash-match or partner-hotline. */
  decidedBy?: string;
  /** Whether the decider looked at the content. False unless said; refused outright in no-view mode. */
  viewedContent?: boolean;
  ageGroup?: string | null;
  contentKind?: string | null;
  note?: string | null;
  /** Whole domain dedicated to abuse material (only such domains go into the RPZ zone). */
  dedicatedDomain?: boolean;
  /** Hashes of the material, e.g. from a partner or a police database (never the bytes). */
  hashes?: { algorithm: string; hash: string }[];
}

const HASH_SHAPE: Record<string, RegExp> = { md5: /^[0-9a-f]{32}$/, sha1: /^[0-9a-f]{40}$/, sha256: /^[0-9a-f]{64}$/, pdq: /^[0-9a-f]{64}$/ };

export function checkHashes(hashes: { algorithm: string; hash: string }[]): { algorithm: string; hash: string }[] {
  return hashes.map((h) => {
    const algorithm = h.algorithm.toLowerCase();
    const hash = h.hash.trim().toLowerCase();
    const shape = HASH_SHAPE[algorithm];
    if (!shape) throw new UserError(`unknown hash algorithm "${h.algorithm}" (md5, sha1, sha256, pdq)`);
    if (!shape.test(hash)) throw new UserError(`"${h.hash}" is not a ${algorithm} hash`);
    return { algorithm, hash };
  });
}

/**
 * Assessment and the decisions around it: classification (who decided, whether content was viewed), police holds
 * and clearance, closure, the notice-contact override. In a no-view deployment, nobody can record having viewed
 * content — enforced here, whatever the interface.
 */
export class AssessmentService {
  constructor(
    private readonly urls: HotlineUrlRepository,
    private readonly reports: HotlineReportRepository,
    private readonly settings: HotlineSettingsService,
    private readonly audit: AuditService,
    private readonly mailer: Mailer | null,
    private readonly now: () => string,
  ) {}

  async get(urlId: string): Promise<HlUrlRow> {
    const u = await this.urls.get(urlId);
    if (!u) throw new NotFoundError('no such URL');
    return u;
  }

  async assess(urlId: string, input: AssessInput, by: DeskActor): Promise<HlUrlRow> {
    const u = await this.get(urlId);
    if (!(CLASSIFICATIONS as readonly string[]).includes(input.classification)) throw new UserError(`classification must be one of ${CLASSIFICATIONS.join(', ')}`);
    const decidedBy = (input.decidedBy ?? (by.role === 'police' ? 'police' : 'analyst')) as DecidedBy;
    if (!(DECIDED_BY as readonly string[]).includes(decidedBy)) throw new UserError(`decidedBy must be one of ${DECIDED_BY.join(', ')}`);
    if (decidedBy === 'police' && by.role !== 'police' && by.role !== 'admin' && by.role !== null) throw new ForbiddenError('only the police record a police assessment');
    if (input.ageGroup && !(AGE_GROUPS as readonly string[]).includes(input.ageGroup)) throw new UserError(`ageGroup must be one of ${AGE_GROUPS.join(', ')}`);
    const settings = await this.settings.get();
    if (input.viewedContent && settings.noView) throw new ForbiddenError('this desk runs in no-view mode: content may not be viewed, so an assessment cannot say it was');
    if (u.closed_at && u.closure_reason !== 'not-illegal') throw new ConflictError('the URL is closed');
    const hashes = checkHashes(input.hashes ?? []);
    const at = this.now();
    const classification = input.classification as Classification;
    await this.urls.inTransaction(async (tx) => {
      await this.urls.insertAssessment({
        id: newId(), url_id: urlId, classification, decided_by_kind: decidedBy, decided_by: by.name, decided_at: at,
        viewed_content: input.viewedContent ? 1 : 0, age_group: input.ageGroup ?? null, content_kind: input.contentKind ?? null, note: input.note ?? null,
      }, tx);
      await this.urls.addHashes(hashes.map((h) => ({ url_id: urlId, algorithm: h.algorithm, hash: h.hash, source: 'assessment', recorded_at: at })), tx);
      const patch: Partial<HlUrlRow> = { classification, assessed_at: u.assessed_at ?? at };
      if (input.dedicatedDomain !== undefined) patch.dedicated_domain = input.dedicatedDomain ? 1 : 0;
      // "Not illegal" closes the work; the assessment stays for statistics (share illegal). A later assessment that
      // finds it illegal after all (police, a partner, a hash match) reopens it.
      const closes = classification === 'not-illegal' && !u.closed_at;
      const reopens = u.closure_reason === 'not-illegal' && classification !== 'not-illegal';
      if (closes) Object.assign(patch, { closed_at: at, closure_reason: 'not-illegal' });
      if (reopens) Object.assign(patch, { closed_at: null, closure_reason: null });
      patch.status = statusWith(u, patch);
      await this.urls.transition(urlId, { kind: 'assessed', at, actor: by.name, detail: { classification, decidedBy, viewedContent: !!input.viewedContent, hashes: hashes.length } }, patch, tx);
      if (closes) await this.urls.transition(urlId, { kind: 'closed', at, actor: by.name, detail: { reason: 'not-illegal' } }, {}, tx);
      if (reopens) await this.urls.transition(urlId, { kind: 'reopened', at, actor: by.name, detail: { classification } }, {}, tx);
    });
    return this.get(urlId);
  }

  /** Police: "do not notify: investigation". Nothing is sent while the hold stands. */
  async hold(urlId: string, reason: string, by: DeskActor): Promise<HlUrlRow> {
    const u = await this.get(urlId);
    if (!reason.trim()) throw new UserError('give a reason for the hold');
    const at = this.now();
    await this.urls.transition(urlId, { kind: 'hold', at, actor: by.name, detail: { reason: reason.trim() } }, { hold_reason: reason.trim(), hold_by: by.name, hold_at: at });
    await this.audit.record(by, 'hotline-police', { detail: { action: 'hold', url: u.id, reason: reason.trim() } });
    return this.get(urlId);
  }

  async release(urlId: string, by: DeskActor): Promise<HlUrlRow> {
    const u = await this.get(urlId);
    if (!u.hold_reason) throw new ConflictError('there is no hold on this URL');
    await this.urls.transition(urlId, { kind: 'release', at: this.now(), actor: by.name, detail: { hold: u.hold_reason } }, { hold_reason: null, hold_by: null, hold_at: null });
    await this.audit.record(by, 'hotline-police', { detail: { action: 'release', url: u.id } });
    return this.get(urlId);
  }

  /** Analyst: choose the contact notices go to (overrides what the trace found). */
  async setNoticeContact(urlId: string, contactId: string | null, by: DeskActor): Promise<HlUrlRow> {
    await this.get(urlId);
    await this.urls.transition(urlId, { kind: 'traced', at: this.now(), actor: by.name, detail: { noticeContact: contactId, override: true } }, { notice_contact_id: contactId });
    return this.get(urlId);
  }

  /**
   * Close a URL. `moved`: the content moved to `movedTo`, which becomes new work linked to this one (as a report
   * by the analyst, so it is traced and assessed again).
   */
  async close(urlId: string, reason: string, by: DeskActor, movedTo?: string): Promise<HlUrlRow> {
    const u = await this.get(urlId);
    if (!(CLOSURE_REASONS as readonly string[]).includes(reason)) throw new UserError(`reason must be one of ${CLOSURE_REASONS.join(', ')}`);
    if (u.closed_at) throw new ConflictError(`already closed (${u.closure_reason})`);
    const at = this.now();
    let movedToId: string | null = null;
    if (reason === 'moved') {
      if (!movedTo) throw new UserError('give the new URL the content moved to');
      const c = canonicaliseUrl(movedTo);
      const intake = new IntakeService(this.reports, null, this.now);
      const r = await intake.submit({ urls: [movedTo], description: `moved from ${u.canonical_url}` }, 'analyst', by);
      movedToId = r.urls[0]!.urlId;
      if (movedToId === urlId || c.sha256 === u.canonical_sha256) throw new UserError('the new URL is the same as this one');
    }
    const reasonTyped = reason as ClosureReason;
    const patch: Partial<HlUrlRow> = { closed_at: at, closure_reason: reasonTyped, moved_to_url_id: movedToId };
    if (reasonTyped === 'removed' && !u.first_offline_at) patch.first_offline_at = at;
    if ((reasonTyped === 'removed' || reasonTyped === 'unavailable') && u.notice_count === 0) patch.gone_before_notice = 1;
    patch.status = 'closed';
    await this.urls.transition(urlId, { kind: reasonTyped === 'moved' ? 'moved' : 'closed', at, actor: by.name, detail: { reason, ...(movedToId ? { movedTo: movedToId } : {}) } }, patch);
    await this.tellReporters(urlId);
    return this.get(urlId);
  }

  /** E-mail reporters who left an address once every URL of their report is closed (no details, just the outcome). */
  async tellReporters(urlId: string): Promise<number> {
    if (!this.mailer) return 0;
    let sent = 0;
    for (const r of await this.reports.reportsOf(urlId)) {
      const report = await this.reports.byId(r.id);
      if (!report?.reporter_contact) continue;
      const urls = await this.reports.urlsOf(r.id);
      if (!urls.every((x) => x.status === 'closed')) continue;
      try {
        await this.mailer.send({
          to: report.reporter_contact, subject: `Report ${report.number}: dealt with`,
          text: `Your report ${report.number} has been dealt with. Thank you for reporting.\n`, headers: { 'Auto-Submitted': 'auto-generated' },
        });
        sent++;
      } catch {
        // An update that fails to send is not retried: the status page shows the same.
      }
    }
    return sent;
  }
}
