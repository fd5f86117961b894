/**
 * XARF v4 `content`/`csam` reports and the plain-text notice e-mail sent to a hosting provider's abuse desk.
 *
 * Which XARF: "XARF v4" is the xarf.org specification (github.com/xarf/xarf-spec, JSON Schema draft 2020-12,
 * snake_case fields: `xarf_version`, `report_id`, `reporter`, `category: "content"`, `type: "csam"`, ...). The older
 * abusix/xarf schemas (`Version`, `ReporterInfo`, `Report.ReportType: "ChildAbuse"`) are a different, earlier format
 * (their versions are alpha/1/2/3) and are not emitted here. The schema's constraints are copied into
 * `xarf-v4-child-abuse.schema.json` and checked with ajv.
 *
 * What goes in, per the research note §6.6 and AWS's Abuse Signal guidance: URL, address, times, classification,
 * hashes when allowed — never the material, never `evidence` payloads, never a description of what is depicted.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { UserError } from '../../services/errors.js';
import schema from './xarf-v4-child-abuse.schema.json' with { type: 'json' };

export const XARF_VERSION = '4.0.0';

/** An organisation as XARF names it: `reporter` (who complains) and `sender` (who transmits). */
export interface XarfParty {
  org: string;
  /** E-mail address. */
  contact: string;
  domain: string;
}

/** The classification codes XARF v4 `content`/`csam` accepts (INTERPOL baseline, or the ICSE grades). */
export type XarfCsamClassification = 'baseline' | 'A1' | 'A2' | 'B1' | 'B2';
export const XARF_CSAM_CLASSIFICATIONS: readonly XarfCsamClassification[] = ['baseline', 'A1', 'A2', 'B1', 'B2'];

export type XarfDetectionMethod = 'hash_match' | 'ai_detection' | 'manual_review' | 'user_report' | 'automated_scan';

export interface XarfChildAbuseInput {
  /** UUID; the notice's id, reused when the same notice is re-sent. */
  reportId: string;
  reporter: XarfParty;
  /** Defaults to the reporter (the hotline sends its own reports). */
  sender?: XarfParty;
  /** Canonical URL. */
  sourceUrl: string;
  /** Hosting address from the trace; the URL's host name is used as `source_identifier` when null. */
  sourceIp: string | null;
  /** When the material was first seen (ISO 8601): XARF's `timestamp` is when the incident occurred. */
  occurredAt: string;
  classification: XarfCsamClassification;
  /** How the hotline knows: defaults to `user_report` (a public report, confirmed by the hotline). */
  detectionMethod?: XarfDetectionMethod;
  /** Free text for the recipient (at most 1,000 characters); must not describe the material. */
  note?: string;
  /** md5/sha1/sha256 go into `hash_values`; other algorithms (pdq) have no XARF field and are left out. */
  hashes?: { algorithm: string; hash: string }[];
  /** Trace results, when known. */
  hosting?: { asn?: number | null; countryCode?: string | null; org?: string | null };
  /** Last time a check saw the URL online. */
  verifiedAt?: string;
}

/** The JSON object, field names exactly as the XARF v4 schema spells them. */
export interface XarfCsamReport {
  xarf_version: string;
  report_id: string;
  timestamp: string;
  reporter: XarfParty;
  sender: XarfParty;
  source_identifier: string;
  category: 'content';
  type: 'csam';
  url: string;
  domain?: string;
  classification: XarfCsamClassification;
  detection_method: XarfDetectionMethod;
  hash_values?: { md5?: string; sha1?: string; sha256?: string };
  description?: string;
  hosting_provider?: string;
  asn?: number;
  country_code?: string;
  verified_at?: string;
}

/**
 * Builds the XARF v4 report for one URL and checks it against the schema; throws UserError listing every
 * problem (a bad attachment must never leave the desk).
 */
export function buildXarfChildAbuseReport(input: XarfChildAbuseInput): XarfCsamReport {
  let host: string | undefined;
  try {
    host = new URL(input.sourceUrl).hostname.replace(/^\[|\]$/g, '') || undefined;
  } catch {
    throw new UserError(`XARF report: not a URL: ${JSON.stringify(input.sourceUrl)}`);
  }
  const report: XarfCsamReport = {
    xarf_version: XARF_VERSION,
    report_id: input.reportId,
    timestamp: input.occurredAt,
    reporter: { ...input.reporter },
    sender: { ...(input.sender ?? input.reporter) },
    source_identifier: input.sourceIp ?? host ?? input.sourceUrl,
    category: 'content',
    type: 'csam',
    url: input.sourceUrl,
    classification: input.classification,
    detection_method: input.detectionMethod ?? 'user_report',
  };
  if (host && !/^[\d.]+$|:/.test(host)) report.domain = host;
  const hv: NonNullable<XarfCsamReport['hash_values']> = {};
  for (const h of input.hashes ?? []) {
    const alg = h.algorithm.toLowerCase().replace('-', '');
    if (alg === 'md5' || alg === 'sha1' || alg === 'sha256') hv[alg] = h.hash.toLowerCase();
  }
  if (Object.keys(hv).length > 0) report.hash_values = hv;
  if (input.note) report.description = input.note;
  if (input.hosting?.org) report.hosting_provider = input.hosting.org;
  if (input.hosting?.asn) report.asn = input.hosting.asn;
  if (input.hosting?.countryCode) report.country_code = input.hosting.countryCode.toUpperCase();
  if (input.verifiedAt) report.verified_at = input.verifiedAt;
  const problems = validateXarf(report);
  if (problems.length > 0) throw new UserError(`XARF report ${input.reportId} is not valid: ${problems.join('; ')}`);
  return report;
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose `default` is the plugin.
addFormats.default(ajv, ['uuid', 'date-time', 'email', 'hostname', 'uri']);
const validate = ajv.compile(schema);

/** Problems of `obj` against the XARF v4 `content`/`csam` schema, as "path: message" strings; empty when valid. */
export function validateXarf(obj: unknown): string[] {
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => {
    const where = e.instancePath || '/';
    const extra = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
    return `${where}: ${e.message ?? e.keyword}${extra}`;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Notice e-mail

export type NoticeLanguage = 'en' | 'nl' | 'fr' | 'de';

export interface NoticeEmailInput {
  /** The hosting organisation (or contact book entry) the notice goes to. */
  contactOrg: string;
  /** The contact's language; English is appended to every other language. */
  language: NoticeLanguage;
  /** URLs grouped for this contact; `sequence` 1 is the first notice, 2 and up are re-notices. */
  urls: { url: string; ip: string | null; firstSeen: string; sequence: number }[];
  hotline: { name: string; email: string; country: string };
  /** The notice reference the host should quote in its reply. */
  reference: string;
}

interface NoticeTexts {
  subject: string;
  subjectRenotice: string;
  greeting: (org: string) => string;
  intro: (hotline: string, country: string) => string;
  urlLabel: string;
  ipLabel: string;
  unknown: string;
  firstSeenLabel: string;
  noticeLabel: string;
  firstNotice: string;
  renotice: (n: number, notice: number) => string;
  request: string;
  preserve: string;
  reply: (email: string, ref: string) => string;
  closing: string;
}

/** The material is only ever named by this classification; nothing in a notice describes it. */
const MESSAGES: Record<NoticeLanguage, NoticeTexts> = {
  en: {
    subject: 'Child sexual abuse material on your network: removal request',
    subjectRenotice: 're-notice',
    greeting: (org) => `Dear ${org} abuse team,`,
    intro: (h, c) =>
      `${h}, the hotline for reports of illegal content online in ${c}, has assessed the web addresses below as ` +
      'child sexual abuse material. They appear to be hosted on your network.',
    urlLabel: 'URL',
    ipLabel: 'IP address',
    unknown: 'unknown',
    firstSeenLabel: 'First seen',
    noticeLabel: 'Notice',
    firstNotice: 'first notice',
    renotice: (n, k) => `re-notice ${n} (notice ${k}): the material was still online at our last check`,
    request: 'Please remove the material or disable access to it without delay.',
    preserve:
      'Please preserve the associated data (the files, account details and access logs) so that the police can ' +
      'request it: remove access, but do not destroy the evidence. Do not view or forward the material.',
    reply: (e, r) => `Please confirm the removal by replying to ${e}, quoting reference ${r}.`,
    closing: 'Kind regards,',
  },
  nl: {
    subject: 'Materiaal van seksueel misbruik van kinderen op uw netwerk: verzoek tot verwijdering',
    subjectRenotice: 'herhaalde melding',
    greeting: (org) => `Beste abuse-team van ${org},`,
    intro: (h, c) =>
      `${h}, het meldpunt voor illegale inhoud op internet in ${c}, heeft de onderstaande webadressen beoordeeld ` +
      'als materiaal van seksueel misbruik van kinderen. Ze lijken op uw netwerk te worden gehost.',
    urlLabel: 'URL',
    ipLabel: 'IP-adres',
    unknown: 'onbekend',
    firstSeenLabel: 'Eerst gezien',
    noticeLabel: 'Melding',
    firstNotice: 'eerste melding',
    renotice: (n, k) => `herhaalde melding ${n} (melding ${k}): het materiaal stond bij onze laatste controle nog online`,
    request: 'Wij vragen u het materiaal onverwijld te verwijderen of de toegang ertoe onmogelijk te maken.',
    preserve:
      'Bewaar de bijbehorende gegevens (de bestanden, accountgegevens en toegangslogs) zodat de politie ze kan ' +
      'opvragen: maak de inhoud ontoegankelijk, maar vernietig het bewijs niet. Bekijk of verstuur het materiaal niet.',
    reply: (e, r) => `Bevestig de verwijdering door te antwoorden aan ${e}, met vermelding van referentie ${r}.`,
    closing: 'Met vriendelijke groet,',
  },
  fr: {
    subject: "Matériel d'abus sexuels sur enfants sur votre réseau : demande de retrait",
    subjectRenotice: 'rappel',
    greeting: (org) => `Madame, Monsieur (service abuse de ${org}),`,
    intro: (h, c) =>
      `${h}, le point de contact pour le signalement de contenus illicites en ligne (${c}), a évalué les adresses ` +
      "web ci-dessous comme du matériel d'abus sexuels sur enfants. Elles semblent hébergées sur votre réseau.",
    urlLabel: 'URL',
    ipLabel: 'Adresse IP',
    unknown: 'inconnue',
    firstSeenLabel: 'Vu pour la première fois',
    noticeLabel: 'Notification',
    firstNotice: 'première notification',
    renotice: (n, k) => `rappel ${n} (notification ${k}) : le matériel était encore en ligne lors de notre dernier contrôle`,
    request: "Nous vous demandons de retirer ce matériel ou d'en rendre l'accès impossible sans délai.",
    preserve:
      'Veuillez conserver les données associées (fichiers, données du compte et journaux d’accès) afin que la police ' +
      'puisse les demander : supprimez l’accès, mais ne détruisez pas les preuves. Ne consultez ni ne transmettez le matériel.',
    reply: (e, r) => `Merci de confirmer le retrait en répondant à ${e}, en indiquant la référence ${r}.`,
    closing: 'Cordialement,',
  },
  de: {
    subject: 'Darstellungen sexuellen Kindesmissbrauchs in Ihrem Netz: Bitte um Entfernung',
    subjectRenotice: 'erneute Meldung',
    greeting: (org) => `Sehr geehrtes Abuse-Team von ${org},`,
    intro: (h, c) =>
      `${h}, die Meldestelle für illegale Inhalte im Internet in ${c}, hat die unten stehenden Webadressen als ` +
      'Darstellungen sexuellen Kindesmissbrauchs eingestuft. Sie werden offenbar in Ihrem Netz gehostet.',
    urlLabel: 'URL',
    ipLabel: 'IP-Adresse',
    unknown: 'unbekannt',
    firstSeenLabel: 'Zuerst gesehen',
    noticeLabel: 'Meldung',
    firstNotice: 'erste Meldung',
    renotice: (n, k) => `erneute Meldung ${n} (Meldung ${k}): das Material war bei unserer letzten Prüfung noch online`,
    request: 'Bitte entfernen Sie das Material oder sperren Sie den Zugang dazu unverzüglich.',
    preserve:
      'Bitte sichern Sie die zugehörigen Daten (Dateien, Kontodaten und Zugriffsprotokolle), damit die Polizei sie ' +
      'anfordern kann: sperren Sie den Zugang, aber vernichten Sie keine Beweise. Sehen Sie das Material nicht an und leiten Sie es nicht weiter.',
    reply: (e, r) => `Bitte bestätigen Sie die Entfernung per Antwort an ${e} unter Angabe der Referenz ${r}.`,
    closing: 'Mit freundlichen Grüßen',
  },
};

/** Removes line breaks and other control characters so a value can neither add lines nor forge headers. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

function noticeBody(t: NoticeTexts, input: NoticeEmailInput): string {
  const lines = [t.greeting(oneLine(input.contactOrg)), '', t.intro(oneLine(input.hotline.name), oneLine(input.hotline.country)), ''];
  input.urls.forEach((u, i) => {
    const seq = Math.max(1, Math.trunc(u.sequence));
    lines.push(
      `${i + 1}. ${t.urlLabel}: ${oneLine(u.url)}`,
      `   ${t.ipLabel}: ${u.ip ? oneLine(u.ip) : t.unknown}`,
      `   ${t.firstSeenLabel}: ${oneLine(u.firstSeen)}`,
      `   ${t.noticeLabel}: ${seq === 1 ? t.firstNotice : t.renotice(seq - 1, seq)}`,
    );
  });
  lines.push('', t.request, t.preserve, t.reply(oneLine(input.hotline.email), oneLine(input.reference)), '', t.closing,
    oneLine(input.hotline.name), oneLine(input.hotline.email));
  return lines.join('\n');
}

/**
 * The plain-text notice to a host for the URLs grouped for one contact: the language asked for, followed by
 * English when that is another language. Names the material only as "child sexual abuse material".
 */
export function noticeEmail(input: NoticeEmailInput): { subject: string; text: string } {
  if (input.urls.length === 0) throw new UserError('A notice needs at least one URL.');
  const langs: NoticeLanguage[] = input.language === 'en' ? ['en'] : [input.language, 'en'];
  const maxSeq = Math.max(...input.urls.map((u) => u.sequence));
  const local = MESSAGES[input.language];
  const renotice = maxSeq > 1 ? ` (${local.subjectRenotice} ${maxSeq - 1})` : '';
  const subject = `[${oneLine(input.reference)}] ${local.subject}${renotice}`;
  const text = langs.map((l) => noticeBody(MESSAGES[l], input)).join('\n\n----------------------------------------\n\n');
  return { subject, text: text + '\n' };
}
