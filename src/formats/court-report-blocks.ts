/**
 * The court report as a sequence of neutral blocks (headings, fact lists, tables, hash lists), shared by the HTML
 * and PDF renderers so that both documents say exactly the same things in the same order. Pure: no I/O; hash
 * lists are placeholders that the renderers fill from a HashListSource page by page.
 */
import { formatBytes } from '../util/format-bytes.js';
import { orderedCategories, TRIAGE_STATUSES, type CourtReport, type IncludedImage, type ReportCategory, type ReportEvidence } from '../services/court-report.service.js';

export type ReportBlock =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string; note?: boolean }
  | { kind: 'facts'; rows: [string, string][] }
  | { kind: 'table'; columns: string[]; rows: string[][] }
  | { kind: 'hash-list'; category: ReportCategory }
  /** One image included on request (its clear stored thumbnail), numbered from 1. */
  | { kind: 'image'; n: number; image: IncludedImage };

export const HASH_LIST_COLUMNS = ['#', 'Evidence', 'Path', 'Size (bytes)', 'MD5', 'SHA-1', 'SHA-256'];

const dash = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? '—' : String(v));
const size = (n: number | null): string => (n === null ? '—' : `${n.toLocaleString('en-US')} bytes (${formatBytes(n)})`);

export const NO_IMAGES_NOTE =
  'This report contains no images, thumbnails or other depictions: only metadata, counts and hashes. ' +
  '(Images of chosen items are included only on explicit, audited request.)';

export const IMAGES_SECTION = 'Images included on request';

/** The first-page statement of a report with images: how many, on whose request, how audited. */
export function imagesNote(r: CourtReport): string | null {
  if (r.images === 'none') return null;
  const n = r.images.items.length;
  return `This report includes ${n} image${n === 1 ? '' : 's'}, included on request by ${r.images.requestedBy} (section "${IMAGES_SECTION}"). ` +
    'Each image is the stored 256-pixel review thumbnail of the item, never the original file; otherwise the report contains only metadata, counts and hashes.';
}

export function courtReportBlocks(r: CourtReport): ReportBlock[] {
  const b: ReportBlock[] = [];
  b.push({ kind: 'heading', level: 1, text: r.title });
  b.push({ kind: 'paragraph', text: imagesNote(r) ?? NO_IMAGES_NOTE, note: true });
  b.push({
    kind: 'facts',
    rows: [
      ['Case', r.case.name],
      ['Case description', dash(r.case.description)],
      ['Case created', `${r.case.createdAt}${r.case.createdBy ? ` by ${r.case.createdBy}` : ''}`],
      ['Scope', r.scope ? `evidence item ${r.scope.label} only` : `the whole case (${r.evidence.length} evidence item${r.evidence.length === 1 ? '' : 's'})`],
      ['Examiner(s)', r.examiners.length ? r.examiners.join(', ') : '—'],
      ['Report generated', `${r.generatedAt}${r.generatedBy ? ` by ${r.generatedBy}` : ''}`],
      ['Generated with', `${r.generator.name} ${r.generator.version}`],
      ['Audit log anchor', `entry ${r.audit.seq} (this report's generation), chain hash ${r.audit.hash}`],
    ],
  });
  b.push({
    kind: 'paragraph', note: true,
    text: `The audit log is hash-chained: each entry carries the SHA-256 of the previous one. Entry ${r.audit.seq} records the generation of this report; ` +
      '`winnow audit verify` on the workspace must reach this same hash, which proves that the log up to this report was not altered afterwards.',
  });

  b.push({ kind: 'heading', level: 2, text: 'Summary' });
  b.push(countsTable(r.counts.byStatus, r.counts.files, r.counts.errors));
  b.push({ kind: 'heading', level: 3, text: 'By category' });
  b.push(categoryTable(r.categories));
  if (r.reviewers.length) {
    b.push({ kind: 'heading', level: 3, text: 'Reviewers who categorised' });
    b.push({ kind: 'table', columns: ['Reviewer', 'Hashes categorised', 'First', 'Last'], rows: r.reviewers.map((x) => [x.name, String(x.hashes), x.first, x.last]) });
  }

  b.push({ kind: 'heading', level: 2, text: 'Evidence items' });
  for (const e of r.evidence) b.push(...evidenceBlocks(e));

  b.push({ kind: 'heading', level: 2, text: 'Processing' });
  b.push({ kind: 'facts', rows: [['Software', `${r.generator.name} ${r.generator.version}`], ['Hash algorithms', r.processing.hashAlgorithms.join('; ')]] });
  b.push({ kind: 'heading', level: 3, text: 'Matching rules' });
  for (const rule of r.processing.rules) b.push({ kind: 'paragraph', text: `• ${rule}` });
  b.push({ kind: 'heading', level: 3, text: 'Hash sets' });
  if (r.processing.hashSets.length === 0) b.push({ kind: 'paragraph', text: 'No hash sets were imported in this workspace.' });
  else {
    b.push({
      kind: 'table',
      columns: ['Name', 'Role', 'Format', 'Category profile', 'Source', 'Source SHA-256', 'Entries', 'Imported', 'Files matched'],
      rows: r.processing.hashSets.map((s) => [
        s.name, s.role, s.formatVersion ? `${s.format} ${s.formatVersion}` : s.format, dash(s.profile), s.source, dash(s.sourceSha256),
        `${s.entries} (${s.records} records, ${s.malformed} malformed)`, `${s.importedAt}${s.importedBy ? ` by ${s.importedBy}` : ''}`, String(s.matchedFiles),
      ]),
    });
  }

  b.push({ kind: 'heading', level: 2, text: 'Hash lists by category' });
  b.push({ kind: 'paragraph', note: true, text: 'Every file with a category, evidence item by evidence item, in path order. Uncategorised files are counted above but not listed (see the CSV or VICS export of the case).' });
  const listed = r.categories.filter((c) => c.listed);
  if (listed.length === 0) b.push({ kind: 'paragraph', text: 'No file is categorised.' });
  for (const c of listed) {
    b.push({ kind: 'heading', level: 3, text: `${c.label} (${c.files} file${c.files === 1 ? '' : 's'})` });
    b.push({ kind: 'hash-list', category: c });
  }
  if (r.images !== 'none') b.push(...imageBlocks(r, r.images.items));
  return b;
}

function imageBlocks(r: CourtReport, items: readonly IncludedImage[]): ReportBlock[] {
  const seqs = items.map((i) => i.auditSeq);
  return [
    { kind: 'heading', level: 2, text: IMAGES_SECTION },
    {
      kind: 'paragraph', note: true,
      text: `${items.length} image${items.length === 1 ? '' : 's'} included on request by ${r.images === 'none' ? '—' : r.images.requestedBy}. ` +
        `Each inclusion was recorded in the audit log before this report was rendered (action "reveal", purpose court-report, entries ${Math.min(...seqs)}–${Math.max(...seqs)}, referring to entry ${r.audit.seq}). ` +
        'Inclusions in a report are not counted against the daily exposure meter of the person who asked: a document is not a viewing.',
    },
    ...items.map((image, i): ReportBlock => ({ kind: 'image', n: i + 1, image })),
  ];
}

/** The facts printed beside an included image. */
export function imageFacts(i: IncludedImage): [string, string][] {
  return [['Evidence', i.evidence], ['Path', i.path], ['MD5', dash(i.md5)], ['Category', i.category], ['File id', i.fileId], ['Audit entry', String(i.auditSeq)]];
}

function categoryTable(categories: readonly ReportCategory[]): ReportBlock {
  return { kind: 'table', columns: ['Category', 'Files'], rows: categories.map((c) => [c.label, String(c.files)]) };
}

function countsTable(byStatus: Record<string, number>, files: number, errors: number): ReportBlock {
  const rows = TRIAGE_STATUSES.filter((s) => s.key !== 'pending' || (byStatus[s.key] ?? 0) > 0).map((s) => [s.label, String(byStatus[s.key] ?? 0)]);
  return { kind: 'table', columns: ['Files', 'Count'], rows: [['All files (including archive members)', String(files)], ...rows, ['Files with errors (unreadable, corrupt)', String(errors)]] };
}

function evidenceBlocks(e: ReportEvidence): ReportBlock[] {
  const b: ReportBlock[] = [{ kind: 'heading', level: 3, text: `Evidence ${e.label}` }];
  const facts: [string, string][] = [
    ['Label', e.label],
    ['Kind', e.imageFormat ? `${e.kind} (${e.imageFormat})` : e.kind],
    ['Source path', e.sourcePath],
    ['Size', size(e.size)],
    ['Acquisition notes', dash(e.acquisitionNotes)],
    ['Examiner', dash(e.examiner)],
    ['Processing started', dash(e.startedAt)],
    ['Processing finished', dash(e.finishedAt)],
    ['Status', e.error ? `${e.status}: ${e.error}` : e.status],
  ];
  if (e.imageSegments.length) facts.push(['Image segments', e.imageSegments.join(', ')]);
  b.push({ kind: 'facts', rows: facts });
  if (e.acquisition.length) {
    b.push({ kind: 'paragraph', text: 'Acquisition metadata (from the image):' });
    b.push({ kind: 'facts', rows: e.acquisition });
  }
  if (e.verification) {
    const v = e.verification;
    b.push({
      kind: 'facts',
      rows: [
        ['Image verification', `${v.status}${v.at ? ` at ${v.at}` : ''}`],
        ['Stored MD5 / SHA-1', `${dash(v.storedMd5)} / ${dash(v.storedSha1)}`],
        ['Computed MD5 / SHA-1', `${dash(v.computedMd5)} / ${dash(v.computedSha1)}`],
        ...(v.detail ? [['Verification detail', v.detail] as [string, string]] : []),
      ],
    });
  }
  if (e.volumes.length) {
    b.push({
      kind: 'table',
      columns: ['Volume', 'Slot', 'Start sector', 'Sectors', 'Sector size', 'Scheme', 'File system', 'Description', 'Status'],
      rows: e.volumes.map((v) => [v.label || '(whole image)', dash(v.slot), String(v.startSector), dash(v.lengthSectors), String(v.sectorSize), dash(v.scheme), dash(v.fsType), v.description, v.note ? `${v.status}: ${v.note}` : v.status]),
    });
  }
  b.push(countsTable(e.counts.byStatus, e.counts.files, e.counts.errors));
  b.push(categoryTable(orderedCategories(e.counts.byCategory)));
  return b;
}
