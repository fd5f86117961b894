import { buildXarfChildAbuseReport, noticeEmail, type NoticeLanguage } from '../../formats/hotline/xarf.js';
import type { HotlineSettingsService } from '../../services/hotline/hotline-settings.js';
import type { NoticeComposer, NoticeItem } from '../../services/hotline/notice.service.js';
import type { MailAttachment } from '../../services/hotline/mailer.js';
import type { HlContactRow } from '../../db/schema.js';

const LANGS: readonly string[] = ['en', 'nl', 'fr', 'de'];

/**
 * Notices as the formats module writes them: the text in the contact's language (English appended) and one XARF v4
 * `content`/`csam` JSON attachment per URL classified baseline. XARF v4 has no code for "illegal in this country
 * only", so nationally illegal URLs are listed in the text without an attachment rather than with a false code.
 */
export class FormatsNoticeComposer implements NoticeComposer {
  private country = 'BE';

  constructor(private readonly hotline: { name: string; email: string }, private readonly settings: HotlineSettingsService) {
    void this.settings.get().then((s) => { this.country = s.country; }, () => undefined);
  }

  compose(input: { contact: HlContactRow; items: NoticeItem[]; noticeId: string; xarfReportIds: string[]; at: string }): { subject: string; text: string; attachments: MailAttachment[] } {
    const domain = this.hotline.email.split('@')[1] ?? 'localhost';
    const party = { org: this.hotline.name, contact: this.hotline.email, domain };
    const language = (LANGS.includes(input.contact.language ?? '') ? input.contact.language : 'en') as NoticeLanguage;
    const mail = noticeEmail({
      contactOrg: input.contact.org, language, reference: input.noticeId,
      hotline: { name: this.hotline.name, email: this.hotline.email, country: this.country },
      urls: input.items.map((i) => ({ url: i.url.canonical_url, ip: i.ip, firstSeen: i.url.received_at, sequence: i.sequence })),
    });
    const attachments: MailAttachment[] = [];
    input.items.forEach((i, n) => {
      if (i.url.classification !== 'baseline') return;
      const x = buildXarfChildAbuseReport({
        reportId: input.xarfReportIds[n]!, reporter: party, sourceUrl: i.url.canonical_url, sourceIp: i.ip, occurredAt: i.url.received_at,
        classification: 'baseline', detectionMethod: 'user_report',
        hosting: { asn: i.url.hosting_asn, countryCode: i.url.hosting_country, org: i.url.hosting_org },
        ...(i.url.last_check_result === 'online' && i.url.last_check_at ? { verifiedAt: i.url.last_check_at } : {}),
      });
      attachments.push({ filename: `xarf-${n + 1}.json`, content: `${JSON.stringify(x, null, 2)}\n`, contentType: 'application/json' });
    });
    return { subject: mail.subject, text: mail.text, attachments };
  }
}
