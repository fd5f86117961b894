import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { loadReportFonts } from '../../src/adapters/report-fonts.js';
import { renderCourtReportHtml } from '../../src/formats/court-report-html.js';
import { buildCourtReportPdf, winAnsiText } from '../../src/formats/court-report-pdf.js';
import { orderedCategories, parseIncludeList, type CourtReport, type IncludedImage, type HashListEntry, type HashListSource } from '../../src/services/court-report.service.js';

// The court report renderers on a hand-made report model (no database): escaping, streaming page by page, the
// per-category PDF cap, and text in any script in the PDF.

const counts = { files: 5, errors: 1, byStatus: { 'known-bad': 1, unknown: 4 }, byCategory: { '1': 3, uncategorised: 2 } };
const report: CourtReport = {
  title: 'Court report: case Ωmega <&>',
  generatedAt: '2026-12-04T10:00:00.000Z',
  generatedBy: 'inv1',
  generator: { name: 'winnow', version: '0.1.0' },
  format: 'pdf',
  case: { id: 'c1', name: 'Ωmega <&>', description: 'Фото "seized" & <b>', createdAt: '2026-12-01T00:00:00.000Z', createdBy: 'root' },
  scope: null,
  examiners: ['Jane Roe'],
  reviewers: [],
  evidence: [{
    id: 'e1', label: 'laptop', kind: 'disk-image', sourcePath: '/cases/laptop.E01', size: 1 << 30, acquisitionNotes: null, examiner: 'Jane Roe',
    status: 'done', error: null, startedAt: null, finishedAt: null, imageFormat: 'ewf', imageSegments: ['laptop.E01', 'laptop.E02'],
    acquisition: [['ewf.examiner', 'Jane Roe'], ['ewf.caseNumber', '2026/17']],
    verification: { status: 'verified', storedMd5: 'aa', storedSha1: 'bb', computedMd5: 'aa', computedSha1: 'bb', detail: null, at: '2026-12-02T00:00:00Z' },
    volumes: [{ label: 'p1', slot: '000:000', startSector: 2048, lengthSectors: 1000, sectorSize: 512, description: 'Linux (0x83)', scheme: 'dos', fsType: 'ext4', status: 'scanned', note: null }],
    counts,
  }],
  processing: { hashAlgorithms: ['MD5'], rules: ['rule one'], hashSets: [] },
  counts,
  categories: orderedCategories(counts.byCategory),
  audit: { seq: 42, hash: 'f'.repeat(64) },
  images: 'none',
};

const files: HashListEntry[] = [
  { evidence: 'laptop', path: 'Фото/снимок 1.jpg', size: 10, md5: '0'.repeat(32), sha1: '1'.repeat(40), sha256: '2'.repeat(64) },
  { evidence: 'laptop', path: 'a/<script>.jpg', size: 11, md5: '3'.repeat(32), sha1: '4'.repeat(40), sha256: '5'.repeat(64) },
  { evidence: 'laptop', path: 'b/x.jpg', size: null, md5: null, sha1: null, sha256: null },
];
/** Two pages for category 1; records which categories were asked for. */
function source(asked: string[]): HashListSource {
  return async function* (category) {
    asked.push(category);
    if (category !== '1') return;
    yield files.slice(0, 2);
    yield files.slice(2);
  };
}

function pdfText(pdf: Buffer): string {
  const s = pdf.toString('latin1');
  return [...s.matchAll(/\[([^\]]*)\] TJ/g)]
    .map((m) => [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
    .join('\n');
}

test('HTML: escaped, streamed one chunk per hash-list page, uncategorised not listed, no images or scripts', async () => {
  const asked: string[] = [];
  const chunks: string[] = [];
  for await (const c of renderCourtReportHtml(report, source(asked))) chunks.push(c);
  const html = chunks.join('');
  assert.deepEqual(asked, ['1'], 'only categorised files are listed');
  assert.equal(chunks.filter((c) => c.includes('<td class="h">')).length, 2, 'one chunk per page');
  assert.ok(html.includes('Фото &#34;seized&#34; &#38; &#60;b&#62;'));
  assert.ok(html.includes('a/&#60;script&#62;.jpg'));
  assert.ok(html.includes('<h1>Court report: case Ωmega &#60;&#38;&#62;</h1>'));
  assert.equal(/<script|<img|data:image/i.test(html), false);
  for (const s of ['ewf.caseNumber', '2026/17', 'laptop.E01, laptop.E02', 'Linux (0x83)', 'verified at 2026-12-02T00:00:00Z', 'f'.repeat(64)]) assert.ok(html.includes(s), s);
  assert.match(html, /<tr><td>3<\/td><td>laptop<\/td><td class="p">b\/x.jpg<\/td><td>—<\/td>/, 'missing digests shown as a dash');
});

test('PDF with the standard fonts: non-Latin-1 text as <U+XXXX>, cap per category with a note', async () => {
  assert.equal(winAnsiText('Фото ü € ≤'), '<U+0424><U+043E><U+0442><U+043E> ü € <U+2264>');
  const pdf = await buildCourtReportPdf(report, source([]), { compress: false });
  const text = pdfText(pdf);
  assert.ok(text.includes('<U+0424><U+043E><U+0442><U+043E>/<U+0441>'), 'Cyrillic path escaped, not mangled');
  assert.ok(text.includes('Characters outside Latin-1 are written as <U+XXXX>'));
  assert.ok(text.includes('Jane Roe') && text.includes(`MD5 ${'3'.repeat(32)}`));
  assert.equal(text.includes('Truncated'), false);
  const capped = pdfText(await buildCourtReportPdf(report, source([]), { compress: false, maxRowsPerCategory: 2 }));
  assert.ok(capped.includes('Truncated: 2 of 3 files of this category are listed in the PDF.'));
  assert.equal(capped.includes('b/x.jpg'), false);
});

test('PDF with Unicode fonts (DejaVu) embedded', async () => {
  const fonts = loadReportFonts();
  if (!fonts) throw new Error('DejaVu fonts are required for this test: apt-get install -y fonts-dejavu-core (or set WINNOW_REPORT_FONTS_DIR)');
  const pdf = await buildCourtReportPdf(report, source([]), { compress: false, fonts });
  const raw = pdf.toString('latin1');
  assert.equal(raw.slice(0, 5), '%PDF-');
  assert.ok(/\/FontFile2/.test(raw), 'TrueType font embedded');
  assert.ok(/DejaVuSans/.test(raw));
  // The ToUnicode maps of the embedded subsets hold the Cyrillic letters of the path (Ф U+0424, с U+0441): drawn as
  // real glyphs, not escaped.
  const cmaps = [...raw.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)].map((m) => m[1]!).join(' ');
  assert.ok(cmaps.includes('<0424>') && cmaps.includes('<0441>'), 'Cyrillic glyphs embedded');
  assert.equal(/\/Subtype\s*\/Image/.test(raw), false);
});

/** A benign generated picture (flat colour with transparency), stored as the thumbnail store stores it: WebP. */
async function webp(r: number, g: number, b: number): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 4, background: { r, g, b, alpha: 0.5 } } }).webp().toBuffer();
}

async function withImages(n: number): Promise<CourtReport> {
  const items: IncludedImage[] = [];
  for (let i = 0; i < n; i++) {
    items.push({
      fileId: `0000000${i}-0000-4000-8000-000000000000`, evidence: 'laptop', path: `pics/<${i}>.jpg`, md5: String(i).repeat(32), category: 'Category 1: x',
      mime: 'image/webp', bytes: await webp(40 * i, 100, 200), width: 64, height: 48, auditSeq: 43 + i,
    });
  }
  return { ...report, images: { requestedBy: 'Jane <Roe>', items } };
}

test('HTML with images on request: exactly N inlined images, CSP allows data: images, first-page statement', async () => {
  let html = '';
  for await (const c of renderCourtReportHtml(await withImages(2), source([]))) html += c;
  assert.equal(html.match(/<img /g)?.length, 2);
  assert.equal(html.match(/src="data:image\/webp;base64,/g)?.length, 2);
  assert.ok(html.includes("default-src 'none'; style-src 'unsafe-inline'; img-src data:"));
  assert.ok(html.includes('This report includes 2 images, included on request by Jane &#60;Roe&#62;'));
  assert.ok(html.indexOf('This report includes 2 images') < html.indexOf('<h2>Summary</h2>'));
  assert.ok(html.includes('pics/&#60;1&#62;.jpg') && html.includes('1'.repeat(32)) && html.includes('entries 43–44, referring to entry 42'));
  assert.equal(/<script/i.test(html), false);
  // The default model: no images, and the CSP does not allow any.
  let plain = '';
  for await (const c of renderCourtReportHtml(report, source([]))) plain += c;
  assert.equal(/<img|data:image|img-src/i.test(plain), false);
});

test('PDF with images on request: one PNG image XObject per item (WebP converted, alpha flattened)', async () => {
  const pdf = await buildCourtReportPdf(await withImages(3), source([]), { compress: false });
  const raw = pdf.toString('latin1');
  assert.equal(raw.match(/\/Subtype\s*\/Image/g)?.length, 3, 'three image XObjects, no soft masks');
  assert.equal(raw.includes('/SMask'), false);
  const text = pdfText(pdf);
  assert.ok(text.includes('This report includes 3 images, included on request by Jane <Roe>'));
  assert.ok(text.includes('3 image(s) included on request'), 'footer');
  assert.ok(text.includes('Images included on request'));
  assert.equal(/\/Subtype\s*\/Image/.test((await buildCourtReportPdf(report, source([]), { compress: false })).toString('latin1')), false);
});

test('include lists: trimmed, deduplicated, lower-cased; malformed ids and more than 200 refused by name', () => {
  const a = '0190a2b3-0000-7000-8000-00000000000a';
  assert.deepEqual(parseIncludeList(` ${a.toUpperCase()}, ${a},,`), [a]);
  assert.deepEqual(parseIncludeList(undefined), []);
  assert.throws(() => parseIncludeList(`${a},../etc/passwd`), /"\.\.\/etc\/passwd" is not a file id/);
  const many = Array.from({ length: 201 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(',');
  assert.throws(() => parseIncludeList(many), /at most 200 items may be included in a report \(asked for 201\)/);
  assert.equal(parseIncludeList(many.split(',').slice(0, 200).join(',')).length, 200);
});
