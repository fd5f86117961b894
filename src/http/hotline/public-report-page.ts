/**
 * The public report pages (issue 7, intake): the report form, the "received" page and the status page, rendered
 * on the server as complete HTML documents. No JavaScript and no external assets (inline CSS only), so the pages
 * work with scripts disabled and leak nothing to third parties; the CSP meta tag forbids scripts outright.
 * Accessibility: `lang` on <html>, every input labelled (label for=id), groups in fieldset/legend, hints and
 * errors tied to their field with aria-describedby, an error summary linking to the fields, aria-invalid on
 * fields in error, a visible focus ring and colours above WCAG AA contrast.
 * Every value that is not a fixed string of ours is HTML-escaped; the status page never echoes URLs or details.
 */
import {
  PUBLIC_LANGS,
  PUBLIC_REPORT_MESSAGES,
  type ContentTypeChoice,
  type PublicLang,
  type PublicReportMessages,
  type UrlProgress,
} from './public-report-i18n.js';

export type { PublicLang, UrlProgress, ContentTypeChoice };

/** The form's fields, named as the form posts them. */
export interface FormValues {
  /** One URL per line. */
  urls: string;
  description: string;
  contentType: ContentTypeChoice;
  whereFound: string;
  contact: string;
  lang: PublicLang;
}

export interface FormError {
  field: keyof FormValues | 'form';
  message: string;
}

/** Text and attribute escaping: & < > " ' (enough for element content and quoted attribute values). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A link target we produced: relative, or http(s); anything else (javascript:, data:, //host) becomes "#". */
function safeHref(u: string): string {
  const t = u.trim();
  return /^(https?:\/\/|\/(?!\/)|\?|#)/i.test(t) ? escapeHtml(t) : '#';
}

const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;line-height:1.5;color:#1a1a1a;background:#fff}
.wrap{max-width:42rem;margin:0 auto;padding:1rem}
a{color:#1d4ed8}
a:hover{color:#1e3a8a}
:focus{outline:3px solid #1d4ed8;outline-offset:2px}
:focus:not(:focus-visible){outline:none}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px;box-shadow:0 0 0 6px #fde047}
.skip{position:absolute;left:-10000px;top:0}
.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
header{border-bottom:2px solid #1a1a1a}
header .wrap{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem}
.brand{font-weight:700;margin:0}
nav ul{list-style:none;margin:0;padding:0;display:flex;gap:.75rem}
nav a[aria-current]{font-weight:700;color:#1a1a1a;text-decoration:none}
h1{font-size:1.75rem;line-height:1.2}
.warning{border-left:6px solid #b45309;background:#fff7e6;padding:.75rem 1rem;margin:1rem 0}
.warning p{margin:.25rem 0}
.error-summary{border:4px solid #b91c1c;padding:1rem;margin:1rem 0}
.error-summary h2{margin-top:0;font-size:1.25rem}
.error-summary a{color:#b91c1c;font-weight:700}
fieldset{border:1px solid #6b7280;margin:0 0 1.5rem;padding:1rem}
legend{font-weight:700;font-size:1.125rem;padding:0 .25rem}
.field{margin-bottom:1.25rem}
label{display:block;font-weight:600}
.radio label{display:inline;font-weight:400}
.radio{margin:.25rem 0}
.hint{color:#374151;margin:.125rem 0 .375rem}
.field-error{color:#b91c1c;font-weight:700;margin:.125rem 0}
.field.has-error{border-left:4px solid #b91c1c;padding-left:.75rem}
input[type=text],input[type=email],textarea{width:100%;font:inherit;padding:.5rem;border:2px solid #1a1a1a;border-radius:0;background:#fff;color:#1a1a1a}
[aria-invalid=true]{border-color:#b91c1c}
input[type=radio]{width:1.25rem;height:1.25rem;vertical-align:middle}
textarea{min-height:8rem}
button{font:inherit;font-weight:700;color:#fff;background:#1d4ed8;border:2px solid #1d4ed8;padding:.625rem 1.25rem;cursor:pointer}
button:hover{background:#1e3a8a}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
dt{font-weight:600}
.number{font-size:1.5rem;font-weight:700;font-family:ui-monospace,Consolas,monospace;letter-spacing:.05em}
.progress{padding-left:1.25rem}
.state{font-weight:700}
`;

interface PageOpts {
  lang: PublicLang;
  title: string;
  hotlineName: string;
  body: string;
  /** Link for each language in the switcher; `?lang=xx` by default. */
  langHref?: (lang: PublicLang) => string;
}

function page(o: PageOpts): string {
  const m = PUBLIC_REPORT_MESSAGES[o.lang];
  const href = o.langHref ?? ((l: PublicLang) => `?lang=${l}`);
  const langs = PUBLIC_LANGS.map((l) => {
    const current = l === o.lang ? ' aria-current="true"' : '';
    return `<li><a href="${safeHref(href(l))}" lang="${l}" hreflang="${l}"${current}>${escapeHtml(PUBLIC_REPORT_MESSAGES[l].langName)}</a></li>`;
  }).join('');
  return `<!DOCTYPE html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${escapeHtml(o.title)} – ${escapeHtml(o.hotlineName)}</title>
<style>${CSS}</style>
</head>
<body>
<a class="skip" href="#main">${escapeHtml(m.skipLink)}</a>
<header><div class="wrap"><p class="brand">${escapeHtml(o.hotlineName)}</p><nav aria-label="${escapeHtml(m.languageNav)}"><ul>${langs}</ul></nav></div></header>
<main id="main" class="wrap">
${o.body}
</main>
</body>
</html>
`;
}

const FIELD_ID: Record<keyof FormValues, string> = {
  urls: 'f-urls',
  description: 'f-description',
  contentType: 'f-contentType',
  whereFound: 'f-whereFound',
  contact: 'f-contact',
  lang: 'f-lang',
};

export interface ReportFormOptions {
  lang: PublicLang;
  /** Where the form posts to. */
  action: string;
  csrf?: string;
  values?: Partial<FormValues>;
  errors?: FormError[];
  maxUrls: number;
  hotlineName: string;
  langHref?: (lang: PublicLang) => string;
}

/** A field's error messages, each prefixed "Error:" for screen readers; empty when there are none. */
function fieldErrors(m: PublicReportMessages, id: string, errors: string[]): string {
  if (errors.length === 0) return '';
  const items = errors.map((e) => `<span class="visually-hidden">${escapeHtml(m.errorPrefix)} </span>${escapeHtml(e)}`);
  return `<p class="field-error" id="${id}-error">${items.join('<br>')}</p>`;
}

/** One labelled text field (input or textarea) with its hint and errors. */
function textField(
  m: PublicReportMessages,
  o: { name: 'urls' | 'description' | 'whereFound' | 'contact'; label: string; hint: string; required: boolean; value: string; errors: string[]; kind: 'textarea' | 'text' | 'email'; autocomplete?: string },
): string {
  const id = FIELD_ID[o.name];
  const describedBy = [`${id}-hint`, ...(o.errors.length ? [`${id}-error`] : [])].join(' ');
  const marker = `<span class="hint"> (${escapeHtml(o.required ? m.required : m.optional)})</span>`;
  const attrs = [
    `id="${id}"`,
    `name="${o.name}"`,
    `aria-describedby="${describedBy}"`,
    o.required ? 'aria-required="true"' : '',
    o.errors.length ? 'aria-invalid="true"' : '',
    o.autocomplete ? `autocomplete="${o.autocomplete}"` : '',
  ].filter(Boolean).join(' ');
  const control =
    o.kind === 'textarea'
      ? `<textarea ${attrs} rows="${o.name === 'urls' ? 6 : 4}" spellcheck="false">${escapeHtml(o.value)}</textarea>`
      : `<input type="${o.kind}" ${attrs} value="${escapeHtml(o.value)}"${o.kind === 'email' ? ' inputmode="email"' : ''}>`;
  const errors = fieldErrors(m, id, o.errors);
  return `<div class="field${o.errors.length ? ' has-error' : ''}">
<label for="${id}">${escapeHtml(o.label)}${marker}</label>
<p class="hint" id="${id}-hint">${escapeHtml(o.hint)}</p>
${errors}${control}
</div>`;
}

function contentTypeField(m: PublicReportMessages, value: string, errors: string[]): string {
  const id = FIELD_ID.contentType;
  const choices: ContentTypeChoice[] = ['', 'image', 'video', 'text', 'other'];
  const selected = choices.includes(value as ContentTypeChoice) ? value : '';
  const radios = choices.map((c) => {
    const rid = c === '' ? id : `${id}-${c}`;
    const checked = c === selected ? ' checked' : '';
    const invalid = errors.length ? ' aria-invalid="true"' : '';
    return `<div class="radio"><input type="radio" id="${rid}" name="contentType" value="${c}"${checked}${invalid}> <label for="${rid}">${escapeHtml(m.contentTypes[c])}</label></div>`;
  }).join('\n');
  const err = fieldErrors(m, id, errors);
  return `<fieldset${errors.length ? ` aria-describedby="${id}-error"` : ''}>
<legend>${escapeHtml(m.contentTypeLegend)} <span class="hint">(${escapeHtml(m.optional)})</span></legend>
${err}${radios}
</fieldset>`;
}

/** The report form, with the values and errors of a failed submission when given. */
export function renderReportForm(opts: ReportFormOptions): string {
  const m = PUBLIC_REPORT_MESSAGES[opts.lang];
  const v = opts.values ?? {};
  const errs = opts.errors ?? [];
  const of = (f: keyof FormValues): string[] => errs.filter((e) => e.field === f).map((e) => e.message);

  const summary = errs.length
    ? `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">${escapeHtml(m.errorSummaryTitle)}</h2>
<ul>${errs
        .map((e) => (e.field === 'form' || e.field === 'lang' ? `<li>${escapeHtml(e.message)}</li>` : `<li><a href="#${FIELD_ID[e.field]}">${escapeHtml(e.message)}</a></li>`))
        .join('')}</ul>
</div>`
    : '';

  const hidden = [
    opts.csrf !== undefined ? `<input type="hidden" name="_csrf" value="${escapeHtml(opts.csrf)}">` : '',
    `<input type="hidden" name="lang" value="${opts.lang}">`,
  ].join('');

  const body = `${summary}
<h1>${escapeHtml(m.formTitle)}</h1>
<p>${escapeHtml(m.formIntro(opts.hotlineName))}</p>
<div class="warning" role="note" aria-labelledby="warning-title">
<p id="warning-title"><strong>${escapeHtml(m.warningTitle)}</strong></p>
<p><strong>${escapeHtml(m.warningNeverImages)}</strong></p>
<p>${escapeHtml(m.warningNoCopies)}</p>
<p>${escapeHtml(m.anonymousNote)}</p>
</div>
<form method="post" action="${safeHref(opts.action)}" accept-charset="utf-8" novalidate>
${hidden}
<fieldset>
<legend>${escapeHtml(m.urlsLegend)}</legend>
${textField(m, { name: 'urls', label: m.urlsLabel, hint: m.urlsHint(opts.maxUrls), required: true, value: v.urls ?? '', errors: of('urls'), kind: 'textarea' })}
${textField(m, { name: 'whereFound', label: m.whereFoundLabel, hint: m.whereFoundHint, required: false, value: v.whereFound ?? '', errors: of('whereFound'), kind: 'text' })}
${textField(m, { name: 'description', label: m.descriptionLabel, hint: m.descriptionHint, required: false, value: v.description ?? '', errors: of('description'), kind: 'textarea' })}
</fieldset>
${contentTypeField(m, v.contentType ?? '', of('contentType'))}
<fieldset>
<legend>${escapeHtml(m.contactLegend)} <span class="hint">(${escapeHtml(m.optional)})</span></legend>
${textField(m, { name: 'contact', label: m.contactLabel, hint: m.contactHint, required: false, value: v.contact ?? '', errors: of('contact'), kind: 'email', autocomplete: 'email' })}
</fieldset>
<div class="hp" aria-hidden="true"><label for="f-website">${escapeHtml(m.honeypotLabel)}</label><input type="text" id="f-website" name="website" value="" tabindex="-1" autocomplete="off"></div>
<button type="submit">${escapeHtml(m.submit)}</button>
</form>`;
  const title = errs.length ? `${m.titleErrorPrefix}: ${m.formTitle}` : m.formTitle;
  return page({ lang: opts.lang, title, hotlineName: opts.hotlineName, body, langHref: opts.langHref });
}

export interface ReportReceivedOptions {
  lang: PublicLang;
  reportNumber: string;
  /** Shown on this page only; the service keeps only its hash. */
  statusToken: string;
  statusUrl: string;
  hotlineName: string;
  langHref?: (lang: PublicLang) => string;
}

/** The page after a report was accepted: report number and status code (shown once), and what happens next. */
export function renderReportReceived(opts: ReportReceivedOptions): string {
  const m = PUBLIC_REPORT_MESSAGES[opts.lang];
  const body = `<h1>${escapeHtml(m.receivedTitle)}</h1>
<dl>
<dt>${escapeHtml(m.receivedNumberLabel)}</dt>
<dd class="number">${escapeHtml(opts.reportNumber)}</dd>
<dt>${escapeHtml(m.receivedTokenLabel)}</dt>
<dd class="number">${escapeHtml(opts.statusToken)}</dd>
</dl>
<div class="warning" role="note"><p><strong>${escapeHtml(m.receivedTokenOnce)}</strong></p></div>
<p>${escapeHtml(m.receivedAnonymity)}</p>
<p>${escapeHtml(m.receivedNext)}</p>
<p><a href="${safeHref(opts.statusUrl)}">${escapeHtml(m.receivedStatusLink)}</a></p>
<p><strong>${escapeHtml(m.warningNeverImages)}</strong></p>`;
  return page({ lang: opts.lang, title: m.receivedTitle, hotlineName: opts.hotlineName, body, langHref: opts.langHref });
}

export interface ReportStatusOptions {
  lang: PublicLang;
  reportNumber: string;
  /** One entry per reported URL, in report order; deliberately nothing but the progress state. */
  urls: { state: UrlProgress }[];
  hotlineName: string;
  langHref?: (lang: PublicLang) => string;
}

/** The status page: the progress of each reported address, without the addresses or any outcome. */
export function renderReportStatus(opts: ReportStatusOptions): string {
  const m = PUBLIC_REPORT_MESSAGES[opts.lang];
  const items = opts.urls
    .map((u, i) => `<li>${escapeHtml(m.statusAddress(i + 1))}: <span class="state">${escapeHtml(m.states[u.state] ?? m.states.received)}</span></li>`)
    .join('\n');
  const body = `<h1>${escapeHtml(m.statusTitle)}</h1>
<p class="number">${escapeHtml(m.statusIntro(opts.reportNumber))}</p>
<ol class="progress">
${items}
</ol>
<p>${escapeHtml(m.statusPrivacy)}</p>`;
  return page({ lang: opts.lang, title: m.statusTitle, hotlineName: opts.hotlineName, body, langHref: opts.langHref });
}
