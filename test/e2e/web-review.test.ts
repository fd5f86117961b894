import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { cli, CLI, REPO, tempDir } from '../helpers/env.js';
import { startServer } from '../helpers/serve.js';

// The review web UI end to end, in Debian's Chromium driven by playwright-core, against a real `winnow serve` on a
// free port over a `winnow demo` workspace: log in, open the demo case, filter, reveal one item (the audit log gains
// an entry, the meter moves, the tile re-blurs and the object URL is revoked), categorise a near-duplicate cluster
// with the keyboard, undo, the hard exposure cap's 403 shown as a message, and an ended session back to login.
// WINNOW_UPDATE_SCREENSHOT=1 rewrites docs/review-grid.png (blurred thumbnails only); otherwise it goes to the temp dir.

// WINNOW_CHROMIUM exists only to check that a missing browser fails this test (it does not skip).
const CHROMIUM = process.env.WINNOW_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PASSWORD = 'correct horse battery staple';

interface GridItem { id: string; name: string; status: string; category: string | null; clusterId: string | null; clusterSize: number | null; md5: string | null }
// The server build has no DOM library: the little of the page's DOM that page functions touch, typed by hand.
interface DomEl { scrollTop: number; scrollHeight: number; textContent: string | null }
interface Dom { querySelector(s: string): DomEl | null; querySelectorAll(s: string): ArrayLike<unknown> & Iterable<unknown> }
interface Store { getItem(k: string): string | null; setItem(k: string, v: string): void }
interface Attr { getAttribute(name: string): string | null }
interface AuditEntry { seq: number; action: string; actorName: string; fileId: string | null; detail: { seconds?: number } }

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is required for the web UI end-to-end test: apt-get install -y chromium (expected ${CHROMIUM})`);
}


describe('review web UI in Chromium', () => {
  const ws = tempDir('winnow-e2e-');
  let server: ChildProcess | undefined;
  let base = '';
  let browser: Browser | undefined;
  let context: BrowserContext;
  let admin: BrowserContext;
  let page: Page;
  let caseId = '';

  // A setup failure (no Chromium, server not starting) fails every test by name, so the runner counts failures.
  let setupError: unknown = null;
  const ready = () => {
    if (setupError) throw setupError;
  };

  before(async () => {
    try {
      await setup();
    } catch (err) {
      setupError = err;
    }
  });

  async function setup(): Promise<void> {
    requireChromium();
    cli(['-w', ws.dir, 'demo', '-q']);
    for (const [name, role] of [['ivy', 'investigator'], ['boss', 'admin']] as const) {
      execFileSync(process.execPath, [CLI, '-w', ws.dir, 'user', 'add', name, '--role', role, '--password-stdin'], { input: PASSWORD + '\n', encoding: 'utf8' });
    }
    cli(['-w', ws.dir, 'user', 'grant', 'ivy', '--case', 'demo']);
    ({ child: server, base } = await startServer(ws.dir));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 30_000 });
    context = await browser.newContext({ viewport: { width: 1400, height: 950 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    // The administrator reads the audit log and sets the exposure policy through the API, in its own context.
    admin = await browser.newContext();
    const r = await admin.request.post(`${base}/api/auth/login`, { data: { name: 'boss', password: PASSWORD } });
    assert.equal(r.status(), 200, await r.text());
  }

  after(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    ws.cleanup();
  });

  const adminCsrf = async () => (await admin.cookies()).find((c) => c.name === 'winnow_csrf')!.value;
  const audit = async (action: string): Promise<AuditEntry[]> => {
    const r = await admin.request.get(`${base}/api/audit?action=${action}&caseId=${caseId}`);
    assert.equal(r.status(), 200, await r.text());
    return ((await r.json()) as { entries: AuditEntry[] }).entries;
  };
  const apiItems = async (query: string): Promise<GridItem[]> => {
    const r = await page.request.get(`${base}/api/cases/${caseId}/items?limit=200${query ? `&${query}` : ''}`);
    assert.equal(r.status(), 200, await r.text());
    return ((await r.json()) as { items: GridItem[] }).items;
  };
  // Page functions are passed as strings or typed by hand: the server build's tsconfig has no DOM library.
  // (String predicates are not an option: waitForFunction evaluates them with eval, which the UI's CSP forbids.)
  const waitForTiles = (n: number) => page.waitForFunction((want) => (globalThis as unknown as { document: Dom }).document.querySelectorAll('[data-testid=tile]').length === want, n);
  const tileIds = async () => page.locator('[data-testid=tile]').evaluateAll((els: Attr[]) => els.map((e) => e.getAttribute('data-item-id')!));

  test('static UI: served without a session, SPA fallback, API still needs one', async () => {
    ready();
    const anon = await browser!.newContext();
    try {
      const index = await anon.request.get(`${base}/`);
      assert.equal(index.status(), 200);
      assert.match(index.headers()['content-type'] ?? '', /text\/html/);
      assert.match(index.headers()['content-security-policy'] ?? '', /script-src 'self'/);
      const deep = await anon.request.get(`${base}/cases/00000000-0000-0000-0000-000000000000/review?status=unknown`);
      assert.equal(await deep.text(), await index.text(), 'a deep link gets index.html');
      assert.equal((await anon.request.get(`${base}/assets/no-such-file.js`)).status(), 404);
      assert.equal((await anon.request.get(`${base}/api/cases`)).status(), 401);
      assert.equal((await anon.request.get(`${base}/api/no-such-route`)).status(), 401);
      assert.equal((await anon.request.get(`${base}/api/auth/session`)).status(), 401);
    } finally {
      await anon.close();
    }
  });

  test('log in, case list, dashboard', async () => {
    ready();
    await page.goto(base);
    await page.getByLabel('User name').fill('ivy');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /password|invalid|unknown/i);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('case-list').waitFor();
    assert.match(await page.getByTestId('who').innerText(), /ivy · investigator/);
    assert.match(await page.getByTestId('exposure-meter').innerText(), /0 reveals/);
    const row = page.getByTestId('case-list').locator('tr', { hasText: 'demo' });
    assert.match(await row.innerText(), /demo\s+20\s+16\s+2\s+0\s+2\s+1/, 'files, unknown, known-bad, alert, known-good, errors');
    await row.getByRole('link', { name: 'demo' }).click();
    await page.getByRole('heading', { name: 'Case demo' }).waitFor();
    caseId = /\/cases\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    assert.match(await page.getByTestId('evidence').innerText(), /demo-evidence[\s\S]*done[\s\S]*100%/);
    await page.getByRole('link', { name: 'Open the review grid' }).click();
    await page.getByTestId('tile').first().waitFor();
  });

  test('grid: known-bad hidden by default, filters match the API', async () => {
    ready();
    const shown = await tileIds();
    const expected = (await apiItems('')).map((i) => i.id);
    assert.deepEqual(shown, expected, 'grid shows the API order (priority)');
    const all = await apiItems('includeKnownBad=true&includeIgnorable=true');
    const knownBad = all.filter((i) => i.status === 'known-bad');
    assert.ok(knownBad.length > 0);
    for (const k of knownBad) assert.ok(!shown.includes(k.id), 'known-bad hidden by default');
    assert.equal(await page.locator('[data-testid=tile][data-item-id] .st-known-bad').count(), 0);

    await page.getByLabel('Show', { exact: true }).selectOption('unknown');
    await page.waitForURL(/status=unknown/);
    await page.getByLabel('GPS').selectOption('true');
    await page.waitForURL(/hasGps=true/);
    const want = (await apiItems('status=unknown&hasGps=true')).map((i) => i.id);
    assert.ok(want.length >= 2 && want.length < expected.length, `${want.length} unknown items with GPS`);
    await waitForTiles(want.length);
    assert.deepEqual(await tileIds(), want);
    assert.match(await page.getByTestId('grid-status').innerText(), new RegExp(`^${want.length} items`));
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForTiles(expected.length);
  });

  test('reveal one item: audited, meter moves, re-blurs and revokes the object URL', async () => {
    ready();
    const first = page.getByTestId('tile').first();
    const itemId = (await first.getAttribute('data-item-id'))!;
    assert.equal(await page.getByTestId('revealed-img').count(), 0);
    assert.equal((await audit('reveal')).length, 0);
    // A click is not a reveal: it takes a press-and-hold.
    await first.getByTestId('reveal').click();
    await page.waitForTimeout(300);
    assert.equal(await page.getByTestId('revealed-img').count(), 0, 'a short click does not reveal');
    await first.getByTestId('reveal').hover();
    await page.mouse.down();
    await page.getByTestId('revealed-img').waitFor();
    await page.mouse.up();
    assert.equal(await page.getByTestId('revealed-img').count(), 1, 'exactly one item revealed');
    const blobUrl = (await page.getByTestId('revealed-img').getAttribute('src'))!;
    assert.match(blobUrl, /^blob:/);
    assert.equal(await first.getByTestId('revealed-img').count(), 1, 'the held item is the revealed one');
    const entries = await audit('reveal');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.fileId, itemId);
    assert.equal(entries[0]!.actorName, 'ivy');
    await page.getByTestId('exposure-meter').filter({ hasText: /(^|\D)1 reveals/ }).waitFor();
    assert.match(await page.getByTestId('meter-seconds').innerText(), /^5 s$/);
    // Re-blur after the granted seconds (5 by default): the safe picture is back and the blob URL is dead.
    await page.getByTestId('revealed-img').waitFor({ state: 'detached', timeout: 12_000 });
    assert.equal(await first.getByTestId('safe-img').count(), 1);
    const stillReadable = await page.evaluate(async (u) => {
      try {
        await (await fetch(u)).blob();
        return true;
      } catch {
        return false;
      }
    }, blobUrl);
    assert.equal(stillReadable, false, 'object URL revoked');
  });

  test('screenshot of the grid (blurred thumbnails only)', async () => {
    ready();
    assert.equal(await page.getByTestId('revealed-img').count(), 0);
    const imgs = await page.getByTestId('safe-img').evaluateAll((els: { src: string }[]) => els.map((e) => e.src));
    assert.ok(imgs.length > 0 && imgs.every((s) => /\/thumbnail$/.test(s)), 'every picture is the safe thumbnail');
    await page.waitForFunction(() => [...((globalThis as unknown as { document: Dom }).document.querySelectorAll('img') as unknown as { complete: boolean; naturalWidth: number }[])].every((i) => i.complete && i.naturalWidth > 0));
    const out = process.env.WINNOW_UPDATE_SCREENSHOT === '1' ? join(REPO, 'docs', 'review-grid.png') : join(ws.dir, 'review-grid.png');
    await page.screenshot({ path: out });
    assert.ok(existsSync(out));
  });

  test('categorise a near-duplicate cluster with the keyboard, then undo with Ctrl+Z', async () => {
    ready();
    const items = await apiItems('');
    const clustered = items.find((i) => i.clusterId && (i.clusterSize ?? 0) >= 2 && i.category === null)!;
    assert.ok(clustered, 'the demo has a near-duplicate cluster');
    const members = items.filter((i) => i.clusterId === clustered.clusterId);
    assert.ok(members.length >= 2);
    const tile = page.locator(`[data-testid=tile][data-item-id="${clustered.id}"]`);
    await tile.locator('.meta').click();
    await page.keyboard.press('Shift+Digit2');
    for (const m of members) await page.locator(`[data-testid=tile][data-item-id="${m.id}"][data-category="2"]`).waitFor();
    const after = await apiItems(`cluster=${clustered.clusterId}`);
    assert.ok(after.length >= 2 && after.every((i) => i.category === '2'), 'every member categorised 2 on the server');
    const others = (await apiItems('')).filter((i) => i.clusterId !== clustered.clusterId && !members.some((m) => m.md5 === i.md5));
    assert.ok(others.every((i) => i.category !== '2'), 'nothing outside the cluster changed');
    assert.match(await page.getByTestId('message-info').innerText(), /cluster of \d+: 2 · Exploitative/);
    assert.equal((await audit('categorise')).length, 1);

    await page.keyboard.press('Control+z');
    for (const m of members) await page.locator(`[data-testid=tile][data-item-id="${m.id}"][data-category=""]`).waitFor();
    assert.ok((await apiItems(`cluster=${clustered.clusterId}`)).every((i) => i.category === null), 'undo restored the server state');
    assert.equal((await audit('categorise-undo')).length, 1);

    // Bulk: Ctrl-click two items, one key for both; Ctrl+Z undoes both at once.
    const [t5, t6] = [page.getByTestId('tile').nth(5), page.getByTestId('tile').nth(6)];
    const bulk = [(await t5.getAttribute('data-item-id'))!, (await t6.getAttribute('data-item-id'))!];
    await t5.locator('.meta').click({ modifiers: ['Control'] });
    await t6.locator('.meta').click({ modifiers: ['Control'] });
    await page.getByText('2 selected').waitFor();
    await page.keyboard.press('Digit3');
    for (const id of bulk) await page.locator(`[data-testid=tile][data-item-id="${id}"][data-category="3"]`).waitFor();
    await page.keyboard.press('Control+z');
    for (const id of bulk) await page.locator(`[data-testid=tile][data-item-id="${id}"][data-category=""]`).waitFor();
    assert.equal((await audit('categorise-undo')).length, 2);

    // A single item with a digit key, shown in the detail panel (opened with Enter).
    const one = page.getByTestId('tile').nth(4);
    await one.locator('.meta').click();
    await page.keyboard.press('Digit0');
    await one.locator('[data-category="0"]').or(page.locator(`[data-testid=tile][data-item-id="${await one.getAttribute('data-item-id')}"][data-category="0"]`)).waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('item-panel').waitFor();
    await page.getByTestId('detail-category').filter({ hasText: '0 · Non-pertinent' }).waitFor();
    assert.match(await page.getByTestId('history').innerText(), /categorise/);
  });

  test('item detail: EXIF, GPS coordinates, cluster members, notes and tags', async () => {
    ready();
    const gpsItem = (await apiItems('hasGps=true'))[0]!;
    await page.locator(`[data-testid=tile][data-item-id="${gpsItem.id}"]`).dblclick();
    const panel = page.getByTestId('item-panel');
    await panel.getByText(gpsItem.name).first().waitFor();
    assert.match(await panel.getByTestId('gps').innerText(), /-?\d+\.\d{6}, -?\d+\.\d{6}[\s\S]*[NS], [\s\S]*[EW]/);
    assert.match(await panel.innerText(), /WinnowCam/);
    assert.match(await panel.innerText(), /Near-duplicate cluster/i);
    await panel.getByLabel('New note').fill('seen in the e2e test');
    const noted = page.waitForResponse((r) => r.url().endsWith('/notes') && r.request().method() === 'POST');
    await panel.getByRole('button', { name: 'Add note' }).click();
    assert.equal((await noted).status(), 200);
    await panel.getByText('seen in the e2e test').waitFor();
    await panel.getByLabel('Tags').fill('beach, e2e');
    const tagged = page.waitForResponse((r) => r.url().endsWith('/tags') && r.request().method() === 'PUT');
    await panel.getByRole('button', { name: 'Save tags' }).click();
    assert.equal((await tagged).status(), 200, await (await tagged).text());
    await panel.getByTestId('history').filter({ hasText: /\btag\b/ }).waitFor();
    const detail = (await (await page.request.get(`${base}/api/cases/${caseId}/items/${gpsItem.id}`)).json()) as { tags: string[]; notes: { text: string }[] };
    assert.deepEqual(detail.tags, ['beach', 'e2e']);
    assert.equal(detail.notes.at(-1)?.text, 'seen in the e2e test');
    await panel.getByRole('button', { name: 'Close detail' }).click();
  });

  test('a 403 from the hard exposure cap is shown as a clear message', async () => {
    ready();
    const r = await admin.request.put(`${base}/api/admin/exposure-policy`, { data: { hardReveals: 1, softReveals: 1 }, headers: { 'x-csrf-token': await adminCsrf() } });
    assert.equal(r.status(), 200, await r.text());
    const tile = page.getByTestId('tile').nth(1);
    await tile.getByTestId('reveal').hover();
    await page.mouse.down();
    await page.getByTestId('message-error').waitFor();
    await page.mouse.up();
    assert.match(await page.getByTestId('message-error').innerText(), /Reveal refused: daily exposure limit reached/);
    assert.equal(await page.getByTestId('revealed-img').count(), 0);
    assert.equal((await audit('reveal-refused')).length, 1);
    await page.getByTestId('exposure-meter').filter({ hasText: 'Daily limit reached' }).waitFor();
  });

  test('virtual scrolling over a million items: bounded DOM, a window of pages, cursors followed in order', async () => {
    ready();
    // The grid API is replaced, for this page only, by a synthetic 1,000,000-item listing (cursor = offset).
    const TOTAL = 1_000_000;
    const p2 = await context.newPage();
    const asked: number[] = [];
    const fake = (i: number) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, evidenceId: 'e', path: `synthetic/${i}.jpg`, name: `item-${i}.jpg`, size: 1, mimeType: 'image/jpeg',
      md5: null, errorCode: null, status: 'unknown', ignorable: false, priority: 1, category: null, categorySource: null, clusterId: null, clusterSize: null,
      make: null, model: null, hasGps: false, thumbnail: null,
    });
    await p2.route(/\/api\/cases\/[^/]+\/items\?/, async (route) => {
      const u = new URL(route.request().url());
      const start = Number(u.searchParams.get('cursor') ?? '0');
      const limit = Number(u.searchParams.get('limit'));
      asked.push(start);
      const items = Array.from({ length: Math.max(0, Math.min(limit, TOTAL - start)) }, (_, k) => fake(start + k));
      await route.fulfill({ json: { items, nextCursor: start + limit < TOTAL ? String(start + limit) : null } });
    });
    try {
      await p2.goto(`${base}/cases/${caseId}/review`);
      await p2.getByText('item-0.jpg', { exact: true }).waitFor();
      assert.deepEqual(asked, [0], 'one page for the first screen');
      const scrollToEnd = () => p2.evaluate(() => { const g = (globalThis as unknown as { document: Dom }).document.querySelector('[data-testid=grid]')!; g.scrollTop = g.scrollHeight; });
      const known = async () => Number(/^(\d+)\+ items/.exec(await p2.getByTestId('grid-status').innerText())?.[1] ?? NaN);
      let before = await known();
      for (let n = 0; n < 6; n++) {
        await scrollToEnd();
        await p2.waitForFunction((prev) => {
          const m = /^(\d+)\+ items/.exec((globalThis as unknown as { document: Dom }).document.querySelector('[data-testid=grid-status]')?.textContent ?? '');
          return m !== null && Number(m[1]) > prev;
        }, before);
        const now = await known();
        assert.ok(now > before);
        before = now;
      }
      assert.ok(before >= 2000, `the list grew as the reviewer scrolled (${before}+ items)`);
      assert.deepEqual(asked, Array.from({ length: asked.length }, (_, k) => k * 200), 'pages fetched in cursor order, each once');
      assert.ok(asked.length >= 8 && asked.length < TOTAL / 200);
      const held = Number(/pages held: (\d+)/.exec(await p2.getByTestId('grid-status').innerText())![1]);
      assert.ok(held >= 1 && held <= 5, `a window of pages is held, not all ${asked.length} (${held})`);
      // The page under the viewport may still be on its way: count in the page once tiles are there (one evaluation,
      // so tiles cannot disappear between the wait and the count).
      const tiles = Number(await (await p2.waitForFunction(() => {
        const n = (globalThis as unknown as { document: Dom }).document.querySelectorAll('[data-testid=tile]').length;
        return n > 0 ? n : false;
      })).jsonValue());
      assert.ok(tiles > 0 && tiles < 200, `only the tiles on screen are in the DOM (${tiles})`);
      const deepest = Math.max(...(await p2.locator('[data-testid=tile] .name').allInnerTexts()).map((t) => Number(/item-(\d+)/.exec(t)?.[1] ?? -1)));
      assert.ok(deepest >= before - 400, `the tiles on screen are from deep in the list (item-${deepest})`);
      // Back to the top: page 0 was evicted, so it is fetched again from its kept cursor.
      await p2.evaluate(() => { (globalThis as unknown as { document: Dom }).document.querySelector('[data-testid=grid]')!.scrollTop = 0; });
      await p2.getByText('item-0.jpg', { exact: true }).waitFor();
      assert.equal(asked.at(-1), 0, 'the evicted first page was fetched again');
    } finally {
      await p2.close();
    }
  });

  test('break reminder after an hour of active use; idle time does not count', async () => {
    ready();
    const ctx = await browser!.newContext({ viewport: { width: 1200, height: 800 } });
    try {
      await ctx.clock.install();
      const r = await ctx.request.post(`${base}/api/auth/login`, { data: { name: 'ivy', password: PASSWORD } });
      assert.equal(r.status(), 200);
      const userId = ((await r.json()) as { user: { id: string } }).user.id;
      const p3 = await ctx.newPage();
      await p3.goto(`${base}/cases/${caseId}`);
      await p3.getByRole('heading', { name: 'Case demo' }).waitFor();
      const key = `winnow.active.${userId}.${await p3.evaluate(() => new Date().toISOString().slice(0, 10))}`;
      const active = async () => Number(await p3.evaluate((k) => (globalThis as unknown as { localStorage: Store }).localStorage.getItem(k) ?? '0', key));
      await p3.evaluate((k) => (globalThis as unknown as { localStorage: Store }).localStorage.setItem(k, '3400'), key);
      await ctx.clock.fastForward('10:00');
      assert.ok((await active()) <= 3400 + 120, `idle time is not counted (${await active()})`);
      assert.equal(await p3.getByRole('dialog').count(), 0);
      for (let i = 0; i < 16 && (await p3.getByRole('dialog').count()) === 0; i++) {
        await p3.mouse.move(100 + i * 10, 300);
        await ctx.clock.fastForward(15_000);
      }
      await p3.getByRole('heading', { name: 'Time for a break' }).waitFor();
      assert.ok((await active()) >= 3600);
      await p3.getByRole('button', { name: 'I took a break' }).click();
      assert.equal(await p3.getByRole('dialog').count(), 0);
      assert.equal(await active(), 0, 'a new hour starts');
    } finally {
      await ctx.close();
    }
  });

  test('an ended session sends the reviewer back to the login screen', async () => {
    ready();
    await context.clearCookies();
    await page.getByLabel('Category').selectOption('uncategorised');
    await page.getByText('Your session has expired or was ended').waitFor();
    await page.getByLabel('User name').waitFor();
    await page.getByLabel('User name').fill('ivy');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('grid').waitFor();
    assert.match(page.url(), /\/review\?category=uncategorised/, 'back where the reviewer was');
  });

  test('the investigator downloads the court report (HTML and PDF) from the case dashboard', async () => {
    ready();
    await page.goto(`${base}/cases/${caseId}`);
    await page.getByRole('heading', { name: 'Case demo' }).waitFor();
    const [html] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Court report (HTML)' }).click()]);
    assert.equal(html.suggestedFilename(), 'court-report-demo.html');
    const text = readFileSync(await html.path(), 'utf8');
    assert.ok(text.includes('<h1>Court report: case demo</h1>'), 'the report names the case');
    assert.ok(text.includes('Evidence demo-evidence'));
    assert.equal(/<img|data:image/i.test(text), false, 'no images');
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Court report (PDF)' }).click()]);
    assert.equal(readFileSync(await pdf.path()).subarray(0, 5).toString('latin1'), '%PDF-');
    const exports = (await audit('export')) as unknown as { actorName: string; detail: { kind: string; format: string } }[];
    assert.deepEqual(exports.slice(0, 2).map((e) => [e.actorName, e.detail.kind, e.detail.format]), [['ivy', 'court-report', 'pdf'], ['ivy', 'court-report', 'html']]);
  });

  test('item detail map: offline land layer and a marker at the GPS position, no request outside the server', async () => {
    ready();
    const p4 = await context.newPage();
    const origin = new URL(base).origin;
    const requests: string[] = [];
    const cspErrors: string[] = [];
    p4.on('request', (r) => requests.push(r.url()));
    p4.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text()); });
    try {
      const gpsItems = await apiItems('hasGps=true');
      assert.ok(gpsItems.length >= 2);
      const item = gpsItems[0]!;
      const detail = (await (await page.request.get(`${base}/api/cases/${caseId}/items/${item.id}`)).json()) as { exif: { gps: { lat: number; lon: number } } };
      const points = ((await (await page.request.get(`${base}/api/cases/${caseId}/gps-points?limit=5000`)).json()) as { points: { id: string }[] }).points;
      await p4.goto(`${base}/cases/${caseId}/review?hasGps=true`);
      await p4.locator(`[data-testid=tile][data-item-id="${item.id}"]`).dblclick();
      const map = p4.getByTestId('item-map');
      await map.locator('svg path.map-land').first().waitFor();
      assert.ok((await map.locator('svg path.map-land').count()) >= 1, 'land drawn as SVG');
      assert.ok((await map.locator('svg path.map-border').count()) >= 1, 'country borders drawn');
      assert.equal(await map.locator('svg path.map-here').count(), 1, 'one marker for the item');
      assert.equal(await map.locator('img').count(), 0, 'no tile or icon images');
      await map.locator('svg path.map-other').nth(points.length - 2).waitFor({ state: 'attached' });
      assert.equal(await map.locator('svg path.map-other').count(), points.length - 1, "the case's other GPS items");
      // The view is centred on the item: its marker sits at the middle of the map.
      const box = (await map.boundingBox())!;
      const mark = (await map.locator('svg path.map-here').boundingBox())!;
      assert.ok(Math.abs(mark.x + mark.width / 2 - (box.x + box.width / 2)) < 3 && Math.abs(mark.y + mark.height / 2 - (box.y + box.height / 2)) < 3, `marker at the centre (${JSON.stringify({ box, mark })})`);
      assert.match(await map.getAttribute('aria-label') ?? '', new RegExp(`${detail.exif.gps.lat.toFixed(4)}, ${detail.exif.gps.lon.toFixed(4)}`));
      // A dot of another GPS item opens that item in the panel (the map follows it).
      const paths = new Map<string, string>();
      for (const pt of points) paths.set(pt.id, ((await (await page.request.get(`${base}/api/cases/${caseId}/items/${pt.id}`)).json()) as { name: string }).name);
      await map.locator('svg path.map-other').first().dispatchEvent('click');
      await p4.waitForFunction((name) => {
        const t = (globalThis as unknown as { document: Dom }).document.querySelector('[data-testid=item-panel] .path')?.textContent ?? '';
        return !t.endsWith(`/${name}`) && t.length > 0;
      }, item.name);
      const opened = (await p4.getByTestId('item-panel').locator('.path').innerText()).split('/').pop()!;
      assert.ok([...paths.values()].includes(opened) && opened !== item.name, `opened ${opened}`);
      assert.equal(await map.locator('svg path.map-here').count(), 1);
      // Zoom in and out: no tile is ever asked for (there is no tile layer), nothing leaves the server's origin.
      await map.locator('.leaflet-control-zoom-in').click();
      await map.locator('.leaflet-control-zoom-out').click();
      await p4.waitForTimeout(300);
      assert.ok(requests.length > 0);
      const outside = requests.filter((u) => new URL(u).origin !== origin);
      assert.deepEqual(outside, [], 'no request to any host but the server');
      assert.ok(requests.some((u) => u.includes('/gps-points')), 'the other points came from the server');
      assert.deepEqual(cspErrors, [], 'nothing blocked by the Content-Security-Policy');
    } finally {
      await p4.close();
    }
  });

  test('grid: the "Hash set" filter lists the sets and shows what the API returns for one', async () => {
    ready();
    const sets = ((await (await page.request.get(`${base}/api/hash-sets`)).json()) as { sets: { id: string; name: string; role: string }[] }).sets;
    assert.ok(sets.length >= 2);
    await page.goto(`${base}/cases/${caseId}/review`);
    await page.getByTestId('tile').first().waitFor();
    const select = page.getByLabel('Hash set');
    await select.locator(`option[value="${sets[0]!.id}"]`).waitFor({ state: 'attached' });
    assert.deepEqual(await select.locator('option').evaluateAll((els: Attr[]) => els.map((e) => e.getAttribute('value'))), ['', ...sets.map((x) => x.id)]);
    // The demo's sets are known-bad or known-good, so the default grid (known-bad hidden, known-good ignorable and
    // hidden) shows none of their matches: a set filter alone gives the empty grid the API gives.
    const all = (await apiItems('')).length;
    const good = sets.find((h) => h.role === 'known-good')!;
    assert.deepEqual(await apiItems(`set=${good.id}`), []);
    await select.selectOption(good.id);
    await page.waitForURL(new RegExp(`set=${good.id}`));
    await page.getByText('No items match these filters.').waitFor();
    assert.equal(await page.getByTestId('tile').count(), 0);
    // A known-bad set with "show known-bad" ticked (confirmed, audited): exactly the API's items for that set.
    const bad = sets.find((h) => h.role === 'known-bad' && h.name === 'demo-known-vics') ?? sets.find((h) => h.role === 'known-bad')!;
    const want = (await apiItems(`set=${bad.id}&includeKnownBad=true`)).map((i) => i.id);
    assert.ok(want.length >= 1 && want.length < all, `${want.length} items matched ${bad.name}`);
    await select.selectOption(bad.id);
    await page.waitForURL(new RegExp(`set=${bad.id}`));
    assert.match(await page.getByTestId('set-hint').innerText(), /known-bad/);
    page.once('dialog', (d) => void d.accept());
    await page.getByLabel('show known-bad (audited)').check();
    await page.waitForURL(/includeKnownBad=true/);
    await waitForTiles(want.length);
    assert.deepEqual(await tileIds(), want);
    const shown = await apiItems(`set=${bad.id}&includeKnownBad=true`);
    assert.ok(shown.every((i) => i.status === 'known-bad'));
    await page.reload();
    await waitForTiles(want.length);
    assert.equal(await page.getByLabel('Hash set').inputValue(), bad.id, 'kept in the URL across a reload');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForTiles(all);
  });
});

// Protection preferences (issue 6): a user lowers the re-blur time to the admin's minimum in the Protection panel,
// and a revealed tile re-blurs after that time, shown greyscale (colour is not allowed by default).
describe('review web UI: protection preferences in Chromium', () => {
  const ws = tempDir('winnow-e2e-prefs-');
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let base = '';

  before(async () => {
    requireChromium();
    cli(['-w', ws.dir, 'demo', '-q']);
    execFileSync(process.execPath, [CLI, '-w', ws.dir, 'user', 'add', 'rita', '--role', 'investigator', '--password-stdin'], { input: PASSWORD + '\n', encoding: 'utf8' });
    cli(['-w', ws.dir, 'user', 'grant', 'rita', '--case', 'demo']);
    ({ child: server, base } = await startServer(ws.dir));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    ws.cleanup();
  });

  test('set the re-blur time to the minimum: the revealed tile re-blurs after that time', async () => {
    const ctx = await browser!.newContext({ viewport: { width: 1400, height: 950 } });
    ctx.setDefaultTimeout(15_000);
    try {
      const page: Page = await ctx.newPage();
      await page.goto(`${base}/`);
      await page.getByLabel('User name').fill('rita');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByTestId('who').waitFor();
      await page.getByRole('button', { name: 'Protection' }).click();
      const panel = page.getByTestId('protection-panel');
      await panel.getByText('2–10 s, default 5 s').waitFor();
      const field = panel.getByLabel('Re-blur after (seconds)');
      assert.equal(await field.inputValue(), '5');
      // Out of bounds: the server's message is shown and nothing changes.
      await field.fill('1');
      await panel.getByRole('button', { name: 'Save protection' }).click();
      assert.match(await panel.getByTestId('protection-error').innerText(), /revealSeconds: a whole number of seconds from 2 to 10/);
      await field.fill('2');
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/me/preferences') && r.request().method() === 'PUT');
      await panel.getByRole('button', { name: 'Save protection' }).click();
      assert.equal((await saved).status(), 200, await (await saved).text());
      await panel.getByTestId('protection-info').filter({ hasText: 'Protection saved' }).waitFor();
      await panel.getByRole('button', { name: 'Close' }).click();
      const prefs = (await (await page.request.get(`${base}/api/me/preferences`)).json()) as { effective: { revealSeconds: number }; saved: Record<string, unknown> };
      assert.deepEqual([prefs.effective.revealSeconds, prefs.saved], [2, { revealSeconds: 2 }]);

      const id = ((await (await page.request.get(`${base}/api/cases`)).json()) as { cases: { id: string }[] }).cases[0]!.id;
      await page.goto(`${base}/cases/${id}/review`);
      const first = page.getByTestId('tile').first();
      await first.getByTestId('reveal').waitFor();
      await first.getByTestId('reveal').hover();
      const granted = page.waitForResponse((r) => r.url().endsWith('/reveal'));
      await page.mouse.down();
      const res = await granted;
      await page.getByTestId('revealed-img').waitFor();
      const shownAt = Date.now();
      await page.mouse.up();
      assert.equal(res.headers()['x-winnow-reveal-seconds'], '2', 'the server grants the preferred 2 s');
      assert.match(await first.locator('.thumb').getAttribute('class') ?? '', /revealed grey/);
      assert.equal(await page.getByTestId('revealed-img').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { filter: string } }).getComputedStyle(el).filter), 'grayscale(1)');
      await page.waitForTimeout(1000);
      assert.equal(await page.getByTestId('revealed-img').count(), 1, 'still clear after 1 s');
      await page.getByTestId('revealed-img').waitFor({ state: 'detached', timeout: 4000 });
      const clearFor = Date.now() - shownAt;
      assert.ok(clearFor >= 1500 && clearFor < 3500, `re-blurred after about 2 s, not the default 5 s (${clearFor} ms)`);
      assert.equal(await first.getByTestId('safe-img').count(), 1);
      await page.getByTestId('exposure-meter').filter({ hasText: /(^|\D)1 reveals/ }).waitFor();
      assert.match(await page.getByTestId('meter-seconds').innerText(), /^2 s$/);
    } finally {
      await ctx.close();
    }
  });
});
