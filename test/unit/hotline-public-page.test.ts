import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReportForm, renderReportReceived, renderReportStatus, type FormValues } from '../../src/http/hotline/public-report-page.js';
import { PUBLIC_LANGS, PUBLIC_REPORT_MESSAGES } from '../../src/http/hotline/public-report-i18n.js';

const XSS = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`;
const base = { action: '/report', maxUrls: 20, hotlineName: 'Example Hotline' };

/** Every <input>/<textarea>/<select> start tag with its attributes. */
function controls(html: string): { tag: string; attrs: Record<string, string> }[] {
  return [...html.matchAll(/<(input|textarea|select)\b([^>]*)>/g)].map((m) => {
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([a-zA-Z_:-]+)(?:="([^"]*)")?/g)) attrs[a[1]!] = a[2] ?? '';
    return { tag: m[1]!, attrs };
  });
}

function assertNoActiveContent(html: string): void {
  assert.equal(/<script/i.test(html), false, 'no <script>');
  assert.equal(/<img/i.test(html), false, 'no injected <img>');
  // Attribute values are escaped (no raw quote inside), so blanking them leaves only real attribute names.
  assert.equal(/<[^>]*\son[a-z]+=/i.test(html.replace(/="[^"]*"/g, '=""')), false, 'no event-handler attributes');
  assert.equal(/javascript:/i.test(html), false, 'no javascript: URLs');
  assert.equal(/(src|href)="(https?:)?\/\//i.test(html.replace(/href="https?:\/\/status\.example\/[^"]*"/g, '')), false, 'no external assets');
}

test('the form renders in each language with lang, switcher, warning, field names and a honeypot', () => {
  for (const lang of PUBLIC_LANGS) {
    const m = PUBLIC_REPORT_MESSAGES[lang];
    const html = renderReportForm({ ...base, lang, csrf: 'tok123' });
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(html.includes(`<html lang="${lang}">`), lang);
    assert.ok(html.includes(m.formTitle), lang);
    assert.ok(html.includes(m.warningNeverImages.replace(/'/g, '&#39;')), `${lang}: never send images`);
    assert.ok(html.includes(m.urlsHint(20).replace(/'/g, '&#39;')), `${lang}: max URLs in the hint`);
    for (const name of ['urls', 'description', 'contentType', 'whereFound', 'contact', 'lang', '_csrf', 'website']) {
      assert.ok(html.includes(`name="${name}"`), `${lang}: field ${name}`);
    }
    assert.ok(html.includes('<input type="hidden" name="_csrf" value="tok123">'));
    assert.ok(html.includes(`<input type="hidden" name="lang" value="${lang}">`));
    assert.match(html, /<div class="hp" aria-hidden="true"><label for="f-website">[^<]+<\/label><input type="text" id="f-website" name="website" value="" tabindex="-1" autocomplete="off">/);
    assert.match(html, /<form method="post" action="\/report"/);
    for (const l of PUBLIC_LANGS) assert.ok(html.includes(`href="?lang=${l}" lang="${l}" hreflang="${l}"`), `${lang}: link to ${l}`);
    assert.equal(html.match(/aria-current="true"/g)?.length, 1);
    assert.ok(html.includes(`hreflang="${lang}" aria-current="true"`));
    assert.ok(/<fieldset[^>]*>\s*<legend>/.test(html), 'fieldset with legend');
    assert.ok(html.includes(':focus-visible{outline:3px solid'), 'visible focus style');
    assertNoActiveContent(html);
  }
  assert.notEqual(PUBLIC_REPORT_MESSAGES.nl.submit, PUBLIC_REPORT_MESSAGES.fr.submit);
});

test('every visible control has exactly one label bound by for/id, and ids are unique', () => {
  const html = renderReportForm({ ...base, lang: 'en', errors: [{ field: 'urls', message: 'x' }] });
  const cs = controls(html).filter((c) => c.attrs.type !== 'hidden');
  assert.equal(cs.length, 1 + 1 + 1 + 5 + 1 + 1, 'urls, whereFound, description, 5 radios, contact, honeypot');
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(new Set(ids).size, ids.length, 'unique ids');
  for (const c of cs) {
    const id = c.attrs.id;
    assert.ok(id, `${c.tag} ${c.attrs.name} has an id`);
    assert.equal(html.split(`<label for="${id}">`).length - 1, 1, `label for ${id}`);
  }
  // Hints are tied to their fields.
  for (const c of cs.filter((x) => x.attrs['aria-describedby'])) {
    for (const ref of c.attrs['aria-describedby']!.split(' ')) assert.ok(ids.includes(ref), `${ref} exists`);
  }
});

test('error summary links to the fields, fields get aria-invalid and their message', () => {
  const html = renderReportForm({
    ...base,
    lang: 'en',
    values: { urls: 'not a url', contentType: 'video' },
    errors: [
      { field: 'urls', message: 'Line 1 is not a web address.' },
      { field: 'contact', message: 'Enter an e-mail address.' },
      { field: 'contentType', message: 'Choose one.' },
      { field: 'form', message: 'Please try again.' },
    ],
  });
  assert.match(html, /<title>Error: Report child sexual abuse material online/);
  const summary = /<div class="error-summary" role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
  assert.ok(summary.includes('<h2 id="error-summary-title">There is a problem</h2>'));
  assert.ok(summary.includes('<li><a href="#f-urls">Line 1 is not a web address.</a></li>'));
  assert.ok(summary.includes('<li><a href="#f-contact">Enter an e-mail address.</a></li>'));
  assert.ok(summary.includes('<li><a href="#f-contentType">Choose one.</a></li>'));
  assert.ok(summary.includes('<li>Please try again.</li>'));
  const byId = (id: string) => controls(html).find((c) => c.attrs.id === id)!;
  assert.equal(byId('f-urls').attrs['aria-invalid'], 'true');
  assert.equal(byId('f-urls').attrs['aria-describedby'], 'f-urls-hint f-urls-error');
  assert.equal(byId('f-contact').attrs['aria-invalid'], 'true');
  assert.equal(byId('f-contentType-video').attrs['aria-invalid'], 'true');
  assert.equal('aria-invalid' in byId('f-description').attrs, false, 'fields without errors are not marked');
  assert.match(html, /<p class="field-error" id="f-urls-error"><span class="visually-hidden">Error: <\/span>Line 1 is not a web address.<\/p>/);
  assert.ok(html.includes('>not a url</textarea>'), 'value kept');
  assert.ok('checked' in byId('f-contentType-video').attrs, 'radio choice kept');
  assert.equal('checked' in byId('f-contentType').attrs, false);
  // Without errors: no summary, no aria-invalid.
  const clean = renderReportForm({ ...base, lang: 'de' });
  assert.equal(clean.includes('error-summary"'), false);
  assert.equal(clean.includes('aria-invalid="true"'), false);
  assert.ok('checked' in controls(clean).find((c) => c.attrs.id === 'f-contentType')!.attrs, '"do not know" is the default');
});

test('user values are escaped everywhere (<script> payloads)', () => {
  const values: Partial<FormValues> = { urls: XSS, description: XSS, whereFound: XSS, contact: XSS, contentType: XSS as FormValues['contentType'] };
  const form = renderReportForm({ ...base, lang: 'fr', hotlineName: XSS, csrf: XSS, values, errors: [{ field: 'urls', message: XSS }, { field: 'form', message: XSS }] });
  assertNoActiveContent(form);
  assert.ok(form.includes('&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#39;&#62;&#60;img src=x onerror=alert(2)&#62;'));
  assert.equal(form.includes('value="<'), false);
  const received = renderReportReceived({ lang: 'nl', reportNumber: XSS, statusToken: XSS, statusUrl: 'javascript:alert(1)', hotlineName: XSS });
  assertNoActiveContent(received);
  assert.ok(received.includes('href="#"'), 'unsafe link neutralised');
  const status = renderReportStatus({ lang: 'de', reportNumber: XSS, urls: [{ state: 'closed' }], hotlineName: XSS });
  assertNoActiveContent(status);
  const evilAction = renderReportForm({ ...base, lang: 'en', action: '//evil.example/collect' });
  assert.match(evilAction, /<form method="post" action="#"/);
});

test('received page: number and status code once, anonymity, status link, in each language', () => {
  for (const lang of PUBLIC_LANGS) {
    const m = PUBLIC_REPORT_MESSAGES[lang];
    const html = renderReportReceived({ lang, reportNumber: 'R-2026-000123', statusToken: 'K7QF-9XWM-2PLD', statusUrl: 'https://status.example/report/status', hotlineName: 'Example Hotline' });
    assert.ok(html.includes(`<html lang="${lang}">`));
    assert.equal(html.split('R-2026-000123').length - 1, 1);
    assert.equal(html.split('K7QF-9XWM-2PLD').length - 1, 1);
    assert.ok(html.includes(escapeText(m.receivedAnonymity)), lang);
    assert.ok(html.includes(escapeText(m.receivedTokenOnce)), lang);
    assert.ok(html.includes(`<a href="https://status.example/report/status">${escapeText(m.receivedStatusLink)}</a>`), lang);
    assertNoActiveContent(html);
  }
});

test('status page: only progress states, one per URL, no addresses', () => {
  const html = renderReportStatus({
    lang: 'en',
    reportNumber: 'R-2026-000123',
    urls: [{ state: 'received' }, { state: 'in-progress' }, { state: 'closed' }],
    hotlineName: 'Example Hotline',
  });
  const items = [...html.matchAll(/<li>(Address \d+): <span class="state">([^<]+)<\/span><\/li>/g)].map((m) => `${m[1]}=${m[2]}`);
  assert.deepEqual(items, ['Address 1=Received', 'Address 2=Being handled', 'Address 3=Handled']);
  assert.ok(html.includes('Report R-2026-000123'));
  assert.equal(/https?:\/\/(?!status)/.test(html.replace(/http-equiv/g, '')), false, 'no URL shown');
  for (const lang of PUBLIC_LANGS) {
    const h = renderReportStatus({ lang, reportNumber: 'R-1', urls: [{ state: 'in-progress' }], hotlineName: 'H' });
    assert.ok(h.includes(`<html lang="${lang}">`));
    assert.ok(h.includes(escapeText(PUBLIC_REPORT_MESSAGES[lang].states['in-progress'])), lang);
    assertNoActiveContent(h);
  }
  const custom = renderReportStatus({ lang: 'nl', reportNumber: 'R-1', urls: [], hotlineName: 'H', langHref: (l) => `/status/abc?lang=${l}` });
  assert.ok(custom.includes('href="/status/abc?lang=fr"'));
});

function escapeText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
