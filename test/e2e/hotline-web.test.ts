import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { startFakeDns, type FakeDns } from '../helpers/hotline/fake-dns.js';
import { startFakeHost, type FakeHost } from '../helpers/hotline/fake-host.js';
import { startFakeRdap, type FakeRdap } from '../helpers/hotline/fake-rdap.js';
import { startSmtpSink, type SmtpSink } from '../helpers/hotline/smtp-sink.js';
import { cli, CLI, tempDir } from '../helpers/env.js';
import { startServer } from '../helpers/serve.js';

// The hotline desk in Debian's Chromium (playwright-core) against a real `winnow serve` on a free port, whose
// network side (DNS, RDAP, the "hosting site", SMTP) is loopback servers this test starts: the public report form
// without JavaScript (language switch, error summary, keyboard-only submission, status page), then the desk's whole
// workflow by an analyst and a police user (assess, trace, approve the contact, forward, clear, notice, three
// offline checks → removed, statistics). Throughout, no response from the server is an image and no desk page
// has an <img> (the desk never shows content), and the browser never contacts the reported site.

// WINNOW_CHROMIUM exists only to check that a missing browser fails this test (it does not skip).
const CHROMIUM = process.env.WINNOW_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PASSWORD = 'correct horse battery staple';
const vcard = (...props: [string, object, string, string][]) => ['vcard', [['version', {}, 'text', '4.0'], ...props]];


describe('hotline desk web UI in Chromium', () => {
  const ws = tempDir('winnow-hl-e2e-');
  let server: ChildProcess | undefined;
  let base = '';
  let browser: Browser | undefined;
  let dns: FakeDns | undefined;
  let site: FakeHost | undefined;
  let rdap: FakeRdap | undefined;
  let smtp: SmtpSink | undefined;
  let siteUrl = '';
  const SITE_PATH = '/gallery/page-1.html';
  /** Every response the browser got, and every request it made elsewhere than the server (there must be none). */
  const responses: { url: string; type: string; status: number }[] = [];
  const foreign: string[] = [];

  // Every test awaits the setup, so a setup failure (no Chromium, server not starting) fails each test by name.
  let setupDone: Promise<void> | undefined;
  const ready = () => setupDone ?? Promise.reject(new Error('setup did not run'));
  before(() => {
    setupDone = setup();
    setupDone.catch(() => undefined);
  });

  async function setup(): Promise<void> {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is required for the hotline web UI end-to-end test: apt-get install -y chromium (expected ${CHROMIUM})`);
    // The "hosting site" serves benign text; the server's checker is the only client that ever reaches it.
    site = await startFakeHost({ [SITE_PATH]: { status: 200, body: 'benign test page', headers: { 'content-type': 'text/plain' } } });
    dns = await startFakeDns({ 'shop.example-host.test': { CNAME: 'edge.example-host.test' }, 'edge.example-host.test': { A: ['127.0.0.1'] } });
    rdap = await startFakeRdap({
      ip: { '127.0.0.0/8': { objectClassName: 'ip network', handle: 'NET-EH', name: 'EXAMPLE-HOSTING', entities: [
        { roles: ['registrant'], vcardArray: vcard(['fn', {}, 'text', 'Example Hosting BV']) },
        { roles: ['abuse'], vcardArray: vcard(['email', {}, 'text', 'abuse@example-host.test']) },
      ] } },
    });
    smtp = await startSmtpSink();
    siteUrl = `http://shop.example-host.test:${site.port}${SITE_PATH}`;

    // Offline data an administrator imports with the CLI: loopback placed in Belgium (the desk's country), and
    // the RDAP bootstrap pointing at the fake RDAP server. Removal is confirmed after three offline checks.
    const ip2asn = join(ws.dir, 'ip2asn.tsv');
    writeFileSync(ip2asn, '127.0.0.0\t127.255.255.255\t64500\tBE\tEXAMPLE-HOSTING Example Hosting BV\n');
    const boot = join(ws.dir, 'ipv4.json');
    writeFileSync(boot, JSON.stringify({ version: '1.0', publication: '2026-01-01T00:00:00Z', services: [[['127.0.0.0/8'], [rdap.baseUrl]]] }));
    const dir = join(ws.dir, 'ws');
    cli(['-w', dir, 'hotline', 'netdata', 'import', ip2asn, '--kind', 'ip2asn']);
    cli(['-w', dir, 'hotline', 'rdap-bootstrap', boot]);
    cli(['-w', dir, 'hotline', 'settings', '--set', 'offlineConfirmations=3']);
    for (const [name, role] of [['ana', 'analyst'], ['pol', 'police'], ['adm', 'admin']] as const) {
      execFileSync(process.execPath, [CLI, '-w', dir, 'user', 'add', name, '--role', role, '--password-stdin'], { input: PASSWORD + '\n', encoding: 'utf8' });
    }
    ({ child: server, base } = await startServer(dir, ['--hotline-every', '0'], {
      WINNOW_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, WINNOW_SMTP_FROM: 'Test Hotline <desk@hotline.test>',
      WINNOW_DNS_SERVERS: dns.address, WINNOW_FETCH_ALLOW: '127.0.0.1', WINNOW_RDAP_ALLOW_HTTP: '1', WINNOW_HOTLINE_NAME: 'Test Hotline',
    }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 30_000 });
  }

  after(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    await Promise.all([site?.close(), dns?.close(), rdap?.close(), smtp?.close()]);
    ws.cleanup();
  });

  async function newContext(opts: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser!.newContext({ viewport: { width: 1300, height: 900 }, ...opts });
    context.setDefaultTimeout(10_000);
    context.on('response', (r: Response) => {
      responses.push({ url: r.url(), type: r.headers()['content-type'] ?? '', status: r.status() });
    });
    context.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
    });
    return { context, page: await context.newPage() };
  }

  /** The desk never shows content: no image, picture, media or embedded frame on the page. */
  const assertNoMedia = async (page: Page, where: string) => {
    assert.equal(await page.locator('img, picture, video, audio, iframe, object, embed, svg image').count(), 0, `no media element on ${where}`);
  };
  const focusedId = async (page: Page) => (await page.locator(':focus').count()) ? page.locator(':focus').getAttribute('id') : null;
  /** Press Tab until the element with `id` (or matching `selector`) has the focus. */
  const tabTo = async (page: Page, selector: string) => {
    for (let i = 0; i < 40; i++) {
      if ((await page.locator(`${selector}:focus`).count()) === 1) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${selector} (focus on #${await focusedId(page)})`);
  };

  let reportNumber = '';
  test('public report form without JavaScript: language link, error summary, keyboard-only submission, status page', async () => {
    await ready();
    const { context, page } = await newContext({ javaScriptEnabled: false });
    try {
      await page.goto(`${base}/report?lang=en`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.locator('script').count(), 0);
      await page.getByRole('link', { name: 'Français' }).click();
      await page.waitForURL(/lang=fr/);
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
      await page.getByRole('heading', { level: 1 }).filter({ hasText: 'Signaler' }).waitFor();

      // An invalid address: the error summary comes back, focused, linking to the field.
      await page.getByLabel(/Adresses web/).fill('ftp://nope.test/x');
      await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
      const summary = page.locator('.error-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /Il y a un problème/);
      assert.equal(await page.locator('.error-summary:focus').count(), 1, 'the error summary has the focus');
      const link = summary.locator('a[href="#f-urls"]');
      assert.equal(await link.count(), 1, 'the summary links to the URL field');
      assert.equal(await page.locator('#f-urls').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#f-urls').inputValue(), 'ftp://nope.test/x', 'the typed value is kept');
      await link.click();
      await page.waitForURL(/#f-urls$/);
      await assertNoMedia(page, 'the report form');

      // Fix it with the keyboard only: Tab to the field, replace the text, Tab to the button, Enter.
      await page.locator('body').press('Home');
      await tabTo(page, '#f-urls');
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(siteUrl);
      await tabTo(page, 'button[type=submit]');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: /votre signalement a été reçu/ }).waitFor();
      reportNumber = (/WR-\d{4}-\d{6}/.exec(await page.locator('dd.number').first().innerText()) ?? [''])[0];
      assert.match(reportNumber, /^WR-\d{4}-\d{6}$/);
      await assertNoMedia(page, 'the received page');

      await page.getByRole('link', { name: /Suivre l’avancement/ }).click();
      await page.getByRole('heading', { name: 'Avancement de votre signalement' }).waitFor();
      assert.match(await page.locator('body').innerText(), new RegExp(`${reportNumber}[\\s\\S]*Adresse 1\\s*:\\s*Reçu`));
      assert.ok(!(await page.content()).includes('example-host'), 'the status page never echoes the URL');
    } finally {
      await context.close();
    }
  });

  let ana: Page;
  let urlId = '';
  const login = async (page: Page, name: string) => {
    await page.goto(base);
    await page.getByLabel('User name').fill(name);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
  };
  const openFile = async (page: Page) => {
    await page.getByRole('navigation', { name: 'Hotline desk' }).getByRole('link', { name: 'Work list' }).click();
    const row = page.getByTestId('work-list').locator('tr', { hasText: siteUrl });
    await row.getByRole('link', { name: 'Open file' }).click();
    await page.getByTestId('url-detail').waitFor();
    await assertNoMedia(page, 'the URL file');
  };

  test('analyst: work list, assess, trace, approve the contact, forward', async () => {
    await ready();
    ({ page: ana } = await newContext());
    await login(ana, 'ana');
    await ana.getByTestId('work-list').waitFor();
    assert.match(await ana.getByTestId('who').innerText(), /ana · analyst/);
    assert.equal(await ana.getByTestId('exposure-meter').count(), 0, 'no exposure meter on the desk: nothing is ever shown');
    const row = ana.getByTestId('work-list').locator('tr', { hasText: siteUrl });
    assert.match(await row.innerText(), /new/);
    await assertNoMedia(ana, 'the work list');
    await openFile(ana);
    urlId = /\/desk\/urls\/([0-9a-f-]{36})/.exec(ana.url())![1]!;
    // The URL is text, never a link that would load it.
    assert.equal(await ana.getByTestId('url-text').innerText(), siteUrl);
    assert.equal(await ana.locator('a[href*="example-host"]').count(), 0);
    assert.match(await ana.getByTestId('reports').innerText(), new RegExp(reportNumber));

    // No-view mode (the default): the "viewed content" box is not offered.
    assert.equal(await ana.getByLabel(/I viewed the content/).count(), 0);
    await ana.getByLabel('Classification').selectOption('baseline');
    await ana.getByLabel('Age group').selectOption('pre-pubescent');
    await ana.getByLabel(/^Hashes/).fill('md5 0123456789abcdef0123456789abcdef');
    await ana.getByRole('button', { name: 'Record assessment' }).click();
    await ana.getByTestId('assessments').waitFor();
    await ana.getByTestId('url-classification').filter({ hasText: 'baseline' }).waitFor();
    assert.match(await ana.getByTestId('assessments').innerText(), /baseline\s+analyst \(ana\)\s+pre-pubescent\s+no/);

    await ana.getByRole('button', { name: 'Trace' }).click();
    const traced = ana.getByTestId('trace-result');
    await traced.waitFor();
    assert.match(await traced.innerText(), /127\.0\.0\.1, AS64500, BE, .*Example Hosting.*abuse@example-host\.test \(not approved\)/);
    await ana.getByTestId('traces').waitFor();
    assert.match(await ana.getByTestId('traces').innerText(), /AS64500[\s\S]*BE/);
    await ana.getByTestId('url-route').filter({ hasText: /national-police.*police clearance/ }).waitFor();
    // The trace chose the contact; the picker follows the file.
    await ana.locator('#nc-contact option:checked').filter({ hasText: 'abuse@example-host.test' }).waitFor({ state: 'attached' });

    await ana.getByRole('link', { name: 'Contacts' }).click();
    const contact = ana.getByTestId('contacts').locator('tr[data-contact="abuse@example-host.test"]');
    await contact.getByRole('button', { name: 'Approve abuse@example-host.test' }).click();
    await contact.getByRole('button', { name: 'Revoke abuse@example-host.test' }).waitFor();
    assert.match(await contact.innerText(), /yes/);

    await openFile(ana);
    await ana.getByRole('button', { name: /^Forward to / }).click();
    await ana.getByTestId('forward-result').waitFor();
    assert.match(await ana.getByTestId('forward-result').innerText(), /national-police/);
    await ana.getByTestId('url-status').filter({ hasText: 'forwarded' }).waitFor();
    await ana.getByTestId('forwards').waitFor();
  });

  test('police: the same file, cleared for notice; no analyst actions offered', async () => {
    await ready();
    const { context, page } = await newContext();
    try {
      await login(page, 'pol');
      await page.getByTestId('work-list').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Take the report' }).count(), 0);
      await openFile(page);
      assert.ok(page.url().endsWith(`/desk/urls/${urlId}`), 'the police see the same file');
      assert.equal(await page.getByRole('button', { name: 'Trace' }).count(), 0, 'police do not trace');
      assert.equal(await page.getByRole('button', { name: 'Check now' }).count(), 0);
      await page.getByRole('button', { name: 'Clear for notice' }).click();
      await page.getByText('Cleared for notice.').waitFor();
      assert.match(await page.getByTestId('forwards').innerText(), /\(pol\)/);
      assert.equal(await page.getByRole('link', { name: 'Settings' }).count(), 0, 'settings are for administrators');
    } finally {
      await context.close();
    }
  });

  test('analyst: notices run (the SMTP sink gets it), then three offline checks close it as removed; statistics', async () => {
    await ready();
    await ana.getByRole('link', { name: 'Exports' }).click();
    assert.equal(await ana.getByTestId('blocking-links').getByRole('link').count(), 5);
    await ana.getByLabel('ignore the grouping window').check();
    await ana.getByRole('button', { name: 'Run notices now' }).click();
    const run = ana.getByTestId('notice-run');
    await run.waitFor();
    assert.match(await run.innerText(), /1 sent, 0 failed/);
    assert.match(await run.innerText(), /sent to abuse@example-host\.test: 1 URL/);
    const mails = await smtp!.waitFor(1);
    const notice = mails.find((m) => m.to && 'text' in m.to && m.to.text === 'abuse@example-host.test');
    assert.ok(notice, 'the notice reached the SMTP server');
    assert.ok((notice.text ?? '').includes(siteUrl));

    // The host takes it down; three checks in a row confirm the removal.
    site!.set(SITE_PATH, { status: 404 });
    await openFile(ana);
    assert.match(await ana.getByTestId('notices').innerText(), /abuse@example-host\.test\s+sent/);
    for (const [n, want] of [[1, /offline \(HTTP 404\) → offline/], [2, /^\s*offline \(HTTP 404\)\s*$/], [3, /offline \(HTTP 404\) → removed/]] as const) {
      await ana.getByRole('button', { name: 'Check now' }).click();
      await ana.waitForFunction((k) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid=checks] tbody tr').length === k, n);
      assert.match(await ana.getByTestId('check-result').innerText(), want);
    }
    await ana.getByTestId('url-status').filter({ hasText: 'closed (removed)' }).waitFor();
    assert.match(await ana.getByTestId('timeline').innerText(), /offline[\s\S]*closed/);
    assert.equal(await ana.getByRole('button', { name: 'Close' }).count(), 0, 'a closed URL offers no close form');

    await ana.getByRole('link', { name: 'Statistics' }).click();
    await ana.getByTestId('stats-cards').waitFor();
    assert.equal(await ana.getByTestId('stat-removed').innerText(), '1');
    assert.match(await ana.getByTestId('stats-removal').innerText(), /From the report \(INHOPE\)\s+1\s+1/);
    assert.match(await ana.getByTestId('stats-countries').innerText(), /BE\s+1/);
    assert.equal(await ana.getByTestId('bar-chart').locator('rect').count(), 1);
    const csv = await ana.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    assert.match(csv ?? '', /^\/api\/hotline\/stats\.csv\?period=month$/);
    await assertNoMedia(ana, 'the statistics');

    // The police package of the forward: JSON and PDF links that download (metadata only).
    await ana.getByRole('link', { name: 'Packages' }).click();
    const pkg = ana.getByTestId('packages').locator('tbody tr');
    await pkg.first().waitFor(); // count() does not wait for the list to load
    assert.equal(await pkg.count(), 1);
    assert.match(await pkg.innerText(), /national-police/);
    const sent = ana.getByTestId('notice-list').locator('tbody tr');
    await sent.first().waitFor();
    assert.equal(await sent.count(), 1);
    assert.match(await sent.innerText(), /abuse@example-host\.test[\s\S]*sent[\s\S]*\b1\b/);
    const json = await ana.request.get(`${base}${(await pkg.getByRole('link', { name: 'JSON' }).getAttribute('href'))!}`);
    assert.equal(json.status(), 200);
    assert.equal(((await json.json()) as { urls: { canonicalUrl: string }[] }).urls[0]!.canonicalUrl, siteUrl);
    const pdf = await ana.request.get(`${base}${(await pkg.getByRole('link', { name: 'PDF' }).getAttribute('href'))!}`);
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

    // A partner import from a file input: a broken file shows the server's error, a good one its counts.
    await ana.getByRole('link', { name: 'Exports' }).click();
    await ana.getByLabel('Partner hotline').fill('Offlimits');
    await ana.getByLabel('File').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"reports": 5') });
    await ana.getByRole('button', { name: 'Import' }).click();
    await ana.getByRole('alert').filter({ hasText: /JSON/ }).waitFor();
    const file = { format: 'winnow-iccam-1', hotline: 'Offlimits', reports: [{ reportId: 'P-1', receivedAt: '2026-03-03T10:00:00Z', urls: [siteUrl, 'http://other.example-host.test/a'], classification: 'baseline' }] };
    await ana.getByLabel('File').setInputFiles({ name: 'offlimits.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    await ana.getByRole('button', { name: 'Import' }).click();
    const imported = ana.getByTestId('import-result');
    await imported.waitFor();
    assert.match(await imported.innerText(), /Offlimits: 1 report\(s\), 0 already imported, 2 URL\(s\) \(1 already known\), 1 assessment\(s\), 0 error\(s\)/);
    await ana.getByRole('button', { name: 'Log out' }).click();
  });

  test('admin sees review and desk; settings screen', async () => {
    await ready();
    const { context, page } = await newContext();
    try {
      await login(page, 'adm');
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Review' }).waitFor();
      await nav.getByRole('link', { name: 'Hotline desk' }).click();
      await page.getByRole('link', { name: 'Settings' }).click();
      const n = page.getByLabel('Offline checks in a row to confirm removal');
      assert.equal(await n.inputValue(), '3');
      await page.getByLabel('Country (ISO 3166-1 alpha-2)').fill('X');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByRole('alert').filter({ hasText: /country/ }).waitFor();
      await assertNoMedia(page, 'the settings');
    } finally {
      await context.close();
    }
  });

  test('no response from the server was an image; the browser never contacted the reported site', async () => {
    await ready();
    assert.ok(responses.length > 20, `${responses.length} responses recorded`);
    const images = responses.filter((r) => /^(image|video|audio)\//i.test(r.type));
    assert.deepEqual(images, [], 'no media response');
    assert.deepEqual(foreign, [], 'every browser request went to the Winnow server');
    assert.ok(site!.requests.length >= 3, 'the server-side checker did reach the site');
  });
});
