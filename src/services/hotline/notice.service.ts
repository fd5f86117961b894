import type { HotlineDeliveryRepository } from '../../db/repositories/hotline/delivery.repository.js';
import type { HotlineTraceRepository } from '../../db/repositories/hotline/trace.repository.js';
import type { HotlineUrlRepository } from '../../db/repositories/hotline/url.repository.js';
import type { HlContactRow, HlUrlRow } from '../../db/schema.js';
import { newId } from '../../util/ids.js';
import { addMinutesIso } from '../../util/time.js';
import type { HotlineSettings, HotlineSettingsService } from './hotline-settings.js';
import { isIllegal } from './hotline-types.js';
import type { MailAttachment, Mailer } from './mailer.js';
import { routeFor } from './routing.js';

export interface NoticeItem {
  url: HlUrlRow;
  /** 1 for the first notice, 2 for the first re-notice, … */
  sequence: number;
  ip: string | null;
}

/** Builds the message of one notice (text in the contact's language, XARF attachments); see formats/hotline. */
export interface NoticeComposer {
  compose(input: { contact: HlContactRow; items: NoticeItem[]; noticeId: string; xarfReportIds: string[]; at: string }): { subject: string; text: string; attachments: MailAttachment[] };
}

export interface NoticeRunResult {
  sent: { noticeId: string; to: string; urls: number; renotices: number }[];
  failed: { noticeId: string; to: string; error: string }[];
  /** URLs that would be due but wait: police hold, no clearance, no approved contact, grouping window. */
  waiting: { urlId: string; reason: string }[];
}


/**
 * Notices to hosts, grouped per contact. A URL is due for its first notice once it is forwarded (and cleared by
 * the police where the route needs it), not on hold, with an approved contact; a group is sent when its oldest due
 * URL has waited the grouping window. While the content stays online, a re-notice goes out every `renoticeHours`.
 * The notice row is stored before the mail is handed over; only an accepted mail moves the URLs on, so a failed
 * send is retried by the next run and nothing is counted twice.
 */
export class NoticeService {
  constructor(
    private readonly urls: HotlineUrlRepository,
    private readonly traces: HotlineTraceRepository,
    private readonly delivery: HotlineDeliveryRepository,
    private readonly settings: HotlineSettingsService,
    private readonly mailer: Mailer,
    private readonly composer: NoticeComposer,
    private readonly now: () => string,
  ) {}

  /** `force`: ignore the grouping window (an analyst's "send now"). */
  async run(opts: { force?: boolean } = {}): Promise<NoticeRunResult> {
    const s = await this.settings.get();
    const at = this.now();
    const result: NoticeRunResult = { sent: [], failed: [], waiting: [] };
    const byContact = new Map<string, { contact: HlContactRow; items: NoticeItem[]; oldestDue: string }>();
    for (const u of await this.urls.list({ open: true, limit: 100_000 })) {
      const due = await this.dueSince(u, s, at, result);
      if (!due) continue;
      const contact = (await this.traces.contact(u.notice_contact_id!))!;
      const t = await this.traces.latest(u.id);
      const g = byContact.get(contact.id) ?? { contact, items: [], oldestDue: due };
      g.items.push({ url: u, sequence: u.notice_count + 1, ip: t?.ip ?? null });
      if (due < g.oldestDue) g.oldestDue = due;
      byContact.set(contact.id, g);
    }
    for (const g of byContact.values()) {
      const hasRenotice = g.items.some((i) => i.sequence > 1);
      if (!opts.force && !hasRenotice && addMinutesIso(g.oldestDue, s.noticeGroupingMinutes) > at) {
        for (const i of g.items) result.waiting.push({ urlId: i.url.id, reason: `grouping window: sent after ${addMinutesIso(g.oldestDue, s.noticeGroupingMinutes)}` });
        continue;
      }
      await this.send(g.contact, g.items, at, result);
    }
    return result;
  }

  /** When the URL became due for a (re-)notice, or null (with the reason recorded in `waiting`). */
  private async dueSince(u: HlUrlRow, s: HotlineSettings, at: string, r: NoticeRunResult): Promise<string | null> {
    if (!u.forwarded_at || !isIllegal(u.classification)) return null;
    const wait = (reason: string) => { r.waiting.push({ urlId: u.id, reason }); return null; };
    const route = routeFor(u.hosting_country, s);
    if (!route.hotlineNotifies) return null; // the partner hotline notifies in its own country
    if (u.hold_reason) return wait(`police hold: ${u.hold_reason}`);
    if (!u.notice_contact_id) return wait('no abuse contact: add one to the contact book or trace again');
    const contact = await this.traces.contact(u.notice_contact_id);
    if (!contact?.approved) return wait(`contact ${contact?.email ?? '?'} is not approved`);
    if (u.notice_count === 0) {
      if (route.needsClearance) {
        const cleared = (await this.delivery.forwardsOf(u.id)).find((f) => f.destination_kind === 'national-police' && f.cleared_at);
        if (!cleared) return wait('waiting for police clearance');
        return cleared.cleared_at;
      }
      return u.forwarded_at;
    }
    if (u.last_check_result === 'offline') return null;
    const next = addMinutesIso(u.notice_last_sent_at!, s.renoticeHours * 60);
    return next <= at ? next : null;
  }

  private async send(contact: HlContactRow, items: NoticeItem[], at: string, r: NoticeRunResult): Promise<void> {
    const noticeId = newId(Date.parse(at));
    const xarfReportIds = items.map(() => newId(Date.parse(at)));
    await this.delivery.insertNotice({
      id: noticeId, contact_id: contact.id, to_address: contact.email, created_at: at, status: 'queued', sent_at: null, message_id: null,
      xarf_report_id: xarfReportIds.join(','), error: null, attempts: 0,
    }, items.map((i) => ({ urlId: i.url.id, sequence: i.sequence })));
    const msg = this.composer.compose({ contact, items, noticeId, xarfReportIds, at });
    try {
      const { messageId } = await this.mailer.send({
        to: contact.email, subject: msg.subject, text: msg.text, attachments: msg.attachments,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Winnow-Notice': noticeId },
      });
      await this.urls.inTransaction(async (tx) => {
        await this.delivery.updateNotice(noticeId, { status: 'sent', sent_at: at, message_id: messageId, attempts: 1 }, tx);
        for (const i of items) {
          await this.urls.transition(i.url.id, { kind: 'notice-sent', at, actor: null, detail: { notice: noticeId, to: contact.email, sequence: i.sequence } }, {
            notice_first_sent_at: i.url.notice_first_sent_at ?? at, notice_last_sent_at: at, notice_count: i.sequence, status: 'notified',
          }, tx);
        }
      });
      r.sent.push({ noticeId, to: contact.email, urls: items.length, renotices: items.filter((i) => i.sequence > 1).length });
    } catch (err) {
      const error = (err as Error).message;
      await this.delivery.updateNotice(noticeId, { status: 'failed', error, attempts: 1 });
      r.failed.push({ noticeId, to: contact.email, error });
    }
  }
}
