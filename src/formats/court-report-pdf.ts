/**
 * The court report as a PDF (A4, Helvetica and Courier, pdfkit): the same blocks as the HTML report, with page
 * numbers and the audit anchor in every footer. No images, unless images of chosen items were included on request:
 * pdfkit embeds only JPEG and PNG, so each stored WebP thumbnail is converted to PNG in memory (sharp, alpha
 * flattened so that each picture is exactly one image XObject). Hash lists are capped per category (default 10,000
 * files) with a clear truncation note pointing to the CSV/VICS export, which has no cap; the pages of the lists
 * are still read one at a time.
 */
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import type { CourtReport, HashListEntry, HashListSource, ReportCategory } from '../services/court-report.service.js';
import { courtReportBlocks, imageFacts, type ReportBlock } from './court-report-blocks.js';

/** TrueType fonts with Unicode coverage (see adapters/report-fonts.ts). */
export interface PdfFonts {
  regular: Buffer;
  bold: Buffer;
  italic: Buffer;
  mono: Buffer;
}

export interface CourtReportPdfOptions {
  /** Unicode fonts to embed; without them the standard fonts are used and non-Latin-1 text is written as <U+XXXX>. */
  fonts?: PdfFonts | null;
  /** false leaves content streams readable (tests). */
  compress?: boolean;
  /** Files listed per category before the list is cut (default 10,000). */
  maxRowsPerCategory?: number;
}

export const PDF_MAX_ROWS_PER_CATEGORY = 10_000;

/** The pdfkit document, carrying the fonts chosen for it (set once, right after creation). */
type Doc = InstanceType<typeof PDFDocument> & { winnow: Face; winnowPng: Map<string, Buffer> };
type FontRole = 'regular' | 'bold' | 'italic' | 'mono';
/** The fonts of one document and how text must be prepared for them. */
interface Face {
  name: Record<FontRole, string>;
  text: (s: string) => string;
}

const STANDARD: Record<FontRole, string> = { regular: 'Helvetica', bold: 'Helvetica-Bold', italic: 'Helvetica-Oblique', mono: 'Courier' };
/** The characters of WinAnsiEncoding (what the 14 standard PDF fonts can show) beyond Latin-1. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const isWinAnsi = (ch: string): boolean => {
  const c = ch.codePointAt(0)!;
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || c === 0x0a || WIN_ANSI_EXTRA.has(ch);
};
/** Text for the standard fonts: anything they cannot show becomes a visible <U+XXXX>, never a wrong glyph. */
export function winAnsiText(s: string): string {
  let out = '';
  for (const ch of s) out += isWinAnsi(ch) ? ch : `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;
  return out;
}
/** Tables with more columns than this are printed row by row as fact lists. */
const WIDE = 4;

/** Resolves to the whole PDF (bounded by the per-category cap). */
export async function buildCourtReportPdf(report: CourtReport, lists: HashListSource, opts: CourtReportPdfOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    bufferPages: true,
    compress: opts.compress ?? true,
    info: { Title: report.title, Author: report.generatedBy ?? undefined, Creator: `${report.generator.name} ${report.generator.version}`, CreationDate: new Date(report.generatedAt) },
  });
  const d = doc as Doc;
  if (opts.fonts) {
    for (const role of ['regular', 'bold', 'italic', 'mono'] as const) doc.registerFont(`winnow-${role}`, opts.fonts[role]);
    d.winnow = { name: { regular: 'winnow-regular', bold: 'winnow-bold', italic: 'winnow-italic', mono: 'winnow-mono' }, text: (t) => t };
  } else {
    d.winnow = { name: STANDARD, text: winAnsiText };
  }
  d.winnowPng = await includedPngs(report);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const max = opts.maxRowsPerCategory ?? PDF_MAX_ROWS_PER_CATEGORY;
  if (!opts.fonts) drawBlock(d, { kind: 'paragraph', note: true, text: 'Characters outside Latin-1 are written as <U+XXXX> in this PDF (no Unicode font was installed); the HTML report shows them as they are.' });
  for (const b of courtReportBlocks(report)) {
    if (b.kind === 'hash-list') await hashList(d, b.category, lists, max);
    else drawBlock(d, b);
  }
  footers(d, report);
  doc.end();
  return done;
}

/** The included thumbnails as PNG (file id → bytes), converted in memory; nothing is written to disk. */
async function includedPngs(report: CourtReport): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (report.images === 'none') return out;
  for (const i of report.images.items) out.set(i.fileId, await sharp(i.bytes).flatten({ background: '#ffffff' }).png().toBuffer());
  return out;
}

/** Largest side of an included image on the page, in points (the thumbnails are 256 px). */
const IMAGE_BOX = 180;

const font = (doc: Doc, role: FontRole) => doc.font(doc.winnow.name[role]);
const left = (doc: Doc) => doc.page.margins.left;
const width = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;
function ensure(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function drawBlock(doc: Doc, b: Exclude<ReportBlock, { kind: 'hash-list' }>): void {
  doc.x = left(doc);
  switch (b.kind) {
    case 'image': {
      const png = doc.winnowPng.get(b.image.fileId);
      if (!png) throw new Error(`included image ${b.image.fileId} was not converted`);
      ensure(doc, IMAGE_BOX + 20);
      const y = doc.y;
      font(doc, 'bold').fontSize(9).text(`Image ${b.n}`, left(doc), y, { width: width(doc) });
      const top = doc.y + 2;
      doc.image(png, left(doc), top, { fit: [IMAGE_BOX, IMAGE_BOX] });
      const x = left(doc) + IMAGE_BOX + 10;
      doc.y = top;
      for (const [k, v] of imageFacts(b.image)) {
        font(doc, 'bold').fontSize(8).text(doc.winnow.text(k), x, doc.y, { width: width(doc) - IMAGE_BOX - 10 });
        font(doc, 'regular').fontSize(8).text(doc.winnow.text(v), x, doc.y, { width: width(doc) - IMAGE_BOX - 10 });
      }
      doc.x = left(doc);
      doc.y = Math.max(doc.y, top + IMAGE_BOX) + 10;
      return;
    }
    case 'heading': {
      const size = b.level === 1 ? 16 : b.level === 2 ? 13 : 11;
      doc.moveDown(b.level === 1 ? 0 : 0.6);
      ensure(doc, size * 3);
      font(doc, 'bold').fontSize(size).text(doc.winnow.text(b.text), left(doc), doc.y, { width: width(doc) });
      if (b.level === 2) {
        const y = doc.y + 1;
        doc.moveTo(left(doc), y).lineTo(left(doc) + width(doc), y).lineWidth(0.5).stroke();
        doc.y = y + 3;
      }
      doc.moveDown(0.2);
      return;
    }
    case 'paragraph':
      font(doc, b.note ? 'italic' : 'regular').fontSize(9);
      ensure(doc, doc.heightOfString(doc.winnow.text(b.text), { width: width(doc) }));
      doc.text(doc.winnow.text(b.text), left(doc), doc.y, { width: width(doc) });
      doc.moveDown(0.3);
      return;
    case 'facts':
      for (const [k, v] of b.rows) cells(doc, [k, v], [130, width(doc) - 130], ['bold', 'regular'], 9);
      doc.moveDown(0.3);
      return;
    case 'table': {
      if (b.columns.length > WIDE) {
        // Too wide for a portrait page: one small fact list per row, its first cell as the title.
        for (const r of b.rows) {
          ensure(doc, 40);
          font(doc, 'bold').fontSize(9).text(doc.winnow.text(r[0] ?? ''), left(doc), doc.y, { width: width(doc) });
          for (let i = 1; i < b.columns.length; i++) cells(doc, [b.columns[i]!, r[i] ?? ''], [130, width(doc) - 130], ['bold', 'regular'], 8);
          doc.moveDown(0.3);
        }
        return;
      }
      const widths = columnWidths(b.columns, b.rows, width(doc));
      cells(doc, b.columns, widths, b.columns.map(() => 'bold'), 8);
      for (const r of b.rows) cells(doc, r, widths, r.map(() => 'regular'), 8);
      doc.moveDown(0.3);
    }
  }
}

/** Column widths proportional to the longest cell (at least 8 % each). */
function columnWidths(columns: readonly string[], rows: readonly string[][], total: number): number[] {
  const len = columns.map((c, i) => Math.min(60, Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length))));
  const weights = len.map((l) => Math.max(l, (0.08 * len.reduce((a, x) => a + x, 0))));
  const sum = weights.reduce((a, x) => a + x, 0);
  return weights.map((w) => (w / sum) * total);
}

/** One row of cells, page break before it if it does not fit. */
function cells(doc: Doc, raw: readonly string[], widths: readonly number[], fonts: readonly FontRole[], size: number): void {
  const pad = 3;
  const values = raw.map(doc.winnow.text);
  const heights = values.map((v, i) => font(doc, fonts[i]!).fontSize(size).heightOfString(v, { width: widths[i]! - pad }));
  const h = Math.max(size + 2, ...heights) + 2;
  ensure(doc, h);
  const y = doc.y;
  let x = left(doc);
  values.forEach((v, i) => {
    font(doc, fonts[i]!).fontSize(size).text(v, x, y, { width: widths[i]! - pad });
    x += widths[i]!;
  });
  doc.x = left(doc);
  doc.y = y + h;
}

async function hashList(doc: Doc, category: ReportCategory, lists: HashListSource, max: number): Promise<void> {
  let n = 0;
  let truncated = false;
  for await (const page of lists(category.code)) {
    for (const f of page) {
      if (n >= max) {
        truncated = true;
        break;
      }
      hashEntry(doc, ++n, f);
    }
    if (truncated) break;
  }
  if (truncated || category.files > n) {
    drawBlock(doc, {
      kind: 'paragraph', note: true,
      text: `Truncated: ${n} of ${category.files} files of this category are listed in the PDF. The HTML report, the CSV export and the VICS export (winnow export --format csv|vics) list every file.`,
    });
  }
  doc.moveDown(0.3);
}

function hashEntry(doc: Doc, n: number, f: HashListEntry): void {
  const head = doc.winnow.text(`${n}. ${f.evidence} · ${f.path} · ${f.size === null ? 'size unknown' : `${f.size} bytes`}`);
  font(doc, 'regular').fontSize(8);
  const h = doc.heightOfString(head, { width: width(doc) }) + 2 * 9 + 3;
  ensure(doc, h);
  doc.text(head, left(doc), doc.y, { width: width(doc) });
  font(doc, 'mono').fontSize(7);
  doc.text(`MD5 ${f.md5 ?? '—'}   SHA-1 ${f.sha1 ?? '—'}`, left(doc) + 10, doc.y, { width: width(doc) - 10 });
  doc.text(`SHA-256 ${f.sha256 ?? '—'}`, left(doc) + 10, doc.y, { width: width(doc) - 10 });
  doc.y += 3;
}

/** Page n of N, the case and the audit anchor at the foot of every page. */
function footers(doc: Doc, report: CourtReport): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    font(doc, 'regular').fontSize(7).text(
      doc.winnow.text(`${report.title} · audit ${report.audit.seq}:${report.audit.hash.slice(0, 16)}… · ${report.images === 'none' ? 'no images' : `${report.images.items.length} image(s) included on request`} · page ${i - range.start + 1} of ${range.count}`),
      left(doc), doc.page.height - 30, { width: width(doc), align: 'center', lineBreak: false },
    );
    doc.page.margins.bottom = keep;
  }
}
