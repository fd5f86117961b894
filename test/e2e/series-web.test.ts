import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cli, CLI, tempDir } from '../helpers/env.js';
import { startServer } from '../helpers/serve.js';

// Series and victims in the web UI, in Debian's Chromium (playwright-core) against a real `winnow serve` over a
// `winnow demo` workspace plus a second case holding a copy of a demo picture: from an item's detail page, add
// its near-duplicate cluster to a new series; on the series page the items are blurred thumbnails; add a clue,
// mark the victim identified, and find the occurrence in the other case, which links to the item there.

const CHROMIUM = process.env.WINNOW_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PASSWORD = 'correct horse battery staple';
const SOURCE = 'DCIM/100CAMERA/IMG_1001.JPG';

const ws = tempDir('winnow-series-e2e-');
let server: ChildProcess | undefined;
let browser: Browser | undefined;
let base = '';
let page: Page;

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is required for this test: apt-get install -y chromium (expected ${CHROMIUM})`);
  cli(['-w', ws.dir, 'demo', '-q']);
  const other = join(ws.dir, 'other-evidence');
  mkdirSync(other);
  copyFileSync(join(ws.dir, 'demo-evidence', SOURCE), join(other, 'copy.jpg'));
  cli(['-w', ws.dir, 'scan', '--case', 'other', '--create-case', '-q', other]);
  execFileSync(process.execPath, [CLI, '-w', ws.dir, 'user', 'add', 'ivy', '--role', 'investigator', '--password-stdin'], { input: PASSWORD + '\n', encoding: 'utf8' });
  for (const c of ['demo', 'other']) cli(['-w', ws.dir, 'user', 'grant', 'ivy', '--case', c]);
  ({ child: server, base } = await startServer(ws.dir, ['--hotline-every', '0']));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 30_000 });
  const context = await browser.newContext({ viewport: { width: 1400, height: 950 } });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  ws.cleanup();
});

test('add a cluster to a new series from the item page; clues, victim identified, occurrences in the other case', async () => {
  await page.goto(`${base}/`);
  await page.getByLabel('User name').fill('ivy');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('link', { name: 'Series' }).waitFor();

  const cases = (await (await page.request.get(`${base}/api/cases`)).json()) as { cases: { id: string; name: string }[] };
  const demoId = cases.cases.find((c) => c.name === 'demo')!.id;
  const items = (await (await page.request.get(`${base}/api/cases/${demoId}/items?limit=200`)).json()) as { items: { id: string; path: string }[] };
  const src = items.items.find((i) => i.path === SOURCE)!;

  await page.goto(`${base}/cases/${demoId}/items/${src.id}`);
  await page.getByText('In no series.').waitFor();
  await page.getByText('Add to series…').click();
  await page.getByLabel('New series name').fill('Blue room');
  await page.getByRole('button', { name: /Add its cluster \(2 items\)/ }).click();
  await page.getByText('2 hash(es) added.').waitFor();
  await page.getByTestId('item-series').getByRole('link', { name: 'Blue room' }).click();

  await page.getByTestId('series-detail').waitFor();
  await page.getByText(/No personal data of victims or offenders is stored here/).waitFor();
  assert.equal(await page.getByTestId('series-items').getByTestId('safe-img').count(), 2, 'both items as blurred thumbnails');
  assert.equal(await page.getByTestId('revealed-img').count(), 0);

  await page.getByLabel('Clue kind').selectOption('object');
  await page.getByLabel('Clue', { exact: true }).fill('Blue lamp on a shelf');
  await page.getByRole('button', { name: 'Add clue' }).click();
  await page.getByTestId('clues').getByText('Blue lamp on a shelf').waitFor();

  await page.getByLabel('Victim note').fill('agency ref 42');
  await page.getByRole('button', { name: 'Mark victim identified' }).click();
  await page.getByTestId('fact-victim').getByText('Victim: identified').waitFor();
  assert.match(await page.getByTestId('fact-victim').innerText(), /by ivy on .* · agency ref 42/);

  await page.getByRole('button', { name: 'Find occurrences' }).click();
  const occ = page.getByTestId('occurrences');
  await occ.getByText('exact (sha256)').waitFor();
  assert.match(await occ.innerText(), /other\s+other-evidence: copy\.jpg/);
  // WINNOW_SERIES_SCREENSHOT=file.png keeps a picture of the series page (blurred thumbnails only).
  if (process.env.WINNOW_SERIES_SCREENSHOT) await page.screenshot({ path: process.env.WINNOW_SERIES_SCREENSHOT, fullPage: true });
  await occ.getByRole('link', { name: /copy\.jpg/ }).click();
  await page.getByTestId('item-panel').getByText(/other-evidence: copy\.jpg/).waitFor();
  await page.getByTestId('item-series').getByRole('link', { name: 'Blue room' }).waitFor();
});
