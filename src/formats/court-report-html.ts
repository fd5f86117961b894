/**
 * The court report as one self-contained HTML document: inline CSS (print-friendly, A4), no scripts, no external
 * resources, and no images unless images of chosen items were included on request (then each is the stored clear
 * thumbnail inlined as a data: URL, so the file stays self-contained; the CSP then allows data: images only). Written as a stream of text chunks: the hash lists are pulled from the source
 * page by page, so a million-file case is rendered with flat memory. Every value is HTML-escaped.
 */
import type { CourtReport, HashListSource } from '../services/court-report.service.js';
import { courtReportBlocks, HASH_LIST_COLUMNS, imageFacts, type ReportBlock } from './court-report-blocks.js';

/** Element content and quoted attribute values: & < > " '. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
body { font: 10pt/1.35 "DejaVu Sans", Helvetica, Arial, sans-serif; color: #111; margin: 2em; }
h1 { font-size: 16pt; margin: 0 0 .5em; } h2 { font-size: 13pt; margin: 1.6em 0 .4em; border-bottom: 1px solid #444; }
h3 { font-size: 11pt; margin: 1.2em 0 .3em; }
p.note { background: #f2f2f2; border-left: 3px solid #666; padding: .4em .6em; }
table { border-collapse: collapse; margin: .3em 0 .8em; }
th, td { border: 1px solid #999; padding: 2px 5px; text-align: left; vertical-align: top; }
th { background: #e6e6e6; }
table.facts th { width: 12em; background: none; border: none; border-bottom: 1px solid #ddd; }
table.facts td { border: none; border-bottom: 1px solid #ddd; }
table.hashes { font-size: 7.5pt; width: 100%; }
table.hashes td.h { font-family: "DejaVu Sans Mono", Courier, monospace; word-break: break-all; }
table.hashes td.p { word-break: break-all; }
figure.included { display: flex; gap: 1em; margin: .6em 0; break-inside: avoid; }
figure.included img { max-width: 256px; max-height: 256px; border: 1px solid #999; }
@page { size: A4; margin: 15mm; }
@media print { body { margin: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; } thead { display: table-header-group; } }
`;

const row = (cells: readonly string[], tag: 'td' | 'th' = 'td', classes: readonly string[] = []): string =>
  `<tr>${cells.map((c, i) => `<${tag}${classes[i] ? ` class="${classes[i]}"` : ''}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;

function block(b: Exclude<ReportBlock, { kind: 'hash-list' }>): string {
  if (b.kind === 'image') {
    const i = b.image;
    const facts = imageFacts(i).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
    return `<figure class="included" data-file-id="${escapeHtml(i.fileId)}"><img alt="${escapeHtml(`Image ${b.n}: ${i.path}`)}" src="data:${escapeHtml(i.mime)};base64,${i.bytes.toString('base64')}">` +
      `<figcaption><strong>Image ${b.n}</strong><table class="facts"><tbody>${facts}</tbody></table></figcaption></figure>\n`;
  }
  switch (b.kind) {
    case 'heading': return `<h${b.level}>${escapeHtml(b.text)}</h${b.level}>\n`;
    case 'paragraph': return `<p${b.note ? ' class="note"' : ''}>${escapeHtml(b.text)}</p>\n`;
    case 'facts': return `<table class="facts"><tbody>${b.rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>\n`;
    case 'table': return `<table><thead>${row(b.columns, 'th')}</thead><tbody>${b.rows.map((r) => row(r)).join('')}</tbody></table>\n`;
  }
}

const HASH_CLASSES = ['', '', 'p', '', 'h', 'h', 'h'];

/** The document, chunk by chunk (headers first, then one chunk per hash-list page). */
export async function* renderCourtReportHtml(report: CourtReport, lists: HashListSource): AsyncGenerator<string> {
  yield `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'${report.images === 'none' ? '' : '; img-src data:'}">` +
    `<title>${escapeHtml(report.title)}</title><style>${CSS}</style></head><body>\n`;
  for (const b of courtReportBlocks(report)) {
    if (b.kind !== 'hash-list') {
      yield block(b);
      continue;
    }
    yield `<table class="hashes" data-category="${escapeHtml(b.category.code)}"><thead>${row(HASH_LIST_COLUMNS, 'th')}</thead><tbody>\n`;
    let n = 0;
    for await (const page of lists(b.category.code)) {
      yield page.map((f) => row([String(++n), f.evidence, f.path, f.size === null ? '—' : String(f.size), f.md5 ?? '—', f.sha1 ?? '—', f.sha256 ?? '—'], 'td', HASH_CLASSES)).join('\n') + '\n';
    }
    yield `</tbody></table>\n`;
  }
  yield `<p class="note">End of report. ${escapeHtml(report.title)}; audit chain hash ${escapeHtml(report.audit.hash)}.</p>\n</body></html>\n`;
}

/** The whole document as one string (tests, small cases). */
export async function courtReportHtmlString(report: CourtReport, lists: HashListSource): Promise<string> {
  let out = '';
  for await (const chunk of renderCourtReportHtml(report, lists)) out += chunk;
  return out;
}
