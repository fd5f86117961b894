/**
 * The court report of a case or of one evidence item (issue 6): what was examined, by whom, when and how, what was
 * found (counts by triage status and by category), and the hash list of every categorised file. No I/O here: the
 * repositories are ports, and renderers (formats/court-report-html.ts, formats/court-report-pdf.ts) turn the model
 * into documents.
 *
 * - By default the report contains no images or thumbnails: metadata and hashes only. Images of chosen items are
 *   included only on explicit request (`include`: file ids of the case, at most MAX_INCLUDED_IMAGES), and then only
 *   each item's stored CLEAR 256 px thumbnail, never the original file. Who may ask (view-media) is checked by the
 *   callers (HTTP route; the CLI is the workspace operator), which items may be asked for is checked here.
 * - Each included image is audited BEFORE anything is rendered, one entry per item, with the existing action
 *   `reveal` (so the item's history shows it, like any other sight of the clear picture) and detail
 *   `{ purpose: 'court-report', reportSeq, format }`, reportSeq being the report's own `export` entry. These
 *   entries do NOT move the daily exposure meter (users.addExposure is not called): a court document is not a
 *   viewing session, and the report says so.
 * - Generating a report is itself audited (action `export`, detail kind `court-report`) BEFORE the report is built,
 *   and the report prints the hash of that very entry: the chain head at generation time. A later `winnow audit
 *   verify` that reaches this hash proves the log up to the report was not rewritten afterwards.
 * - Hash lists are read a page at a time (`hashList`), so a million-file case is never held in memory.
 */
import type { CourtReportRepository, ReportCounts } from '../db/repositories/court-report.repository.js';
import type { EvidenceRepository } from '../db/repositories/evidence.repository.js';
import type { HashSetRepository } from '../db/repositories/hash-set.repository.js';
import type { CaseRow, EvidenceRow } from '../db/schema.js';
import { PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY } from '../hashing/pdq.js';
import type { AuditActor, AuditService } from './audit.service.js';
import { NotFoundError, UserError } from './errors.js';
import { VPDQ_MATCH_PERCENT } from './match.service.js';

export const COURT_REPORT_FORMATS = ['html', 'pdf'] as const;
export type CourtReportFormat = (typeof COURT_REPORT_FORMATS)[number];

/** VICS categories (US profile), as categorisation.service.ts accepts them and web/src/lib/vics.ts labels them. */
const VICS_US_LABELS: Record<string, string> = {
  '1': 'CSAM (child abuse material)',
  '2': 'Exploitative / age difficult',
  '3': 'CGI / animation',
  '4': 'Comparison (victim or location reference)',
  '0': 'Non-pertinent',
};
/** Report order: the most serious first, non-pertinent after, other profiles' codes, then uncategorised. */
const CATEGORY_ORDER = ['1', '2', '3', '4', '0'];
export const UNCATEGORISED = 'uncategorised';

export const TRIAGE_STATUSES = [
  { key: 'known-bad', label: 'Known-bad (matched a known-bad hash set)' },
  { key: 'alert', label: 'Alert (matched an alert set)' },
  { key: 'known-good', label: 'Known-good (ignorable: matched only known-good sets)' },
  { key: 'unknown', label: 'Unknown (no match)' },
  { key: 'pending', label: 'Not matched yet' },
] as const;

export function categoryLabel(code: string): string {
  if (code === UNCATEGORISED) return 'Uncategorised';
  const l = VICS_US_LABELS[code];
  return l ? `Category ${code}: ${l}` : `Category ${code}`;
}

export interface ReportEvidence {
  id: string;
  label: string;
  kind: string;
  sourcePath: string;
  size: number | null;
  acquisitionNotes: string | null;
  examiner: string | null;
  status: string;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  imageFormat: string | null;
  imageSegments: string[];
  /** E01 (or other image) acquisition metadata as key/value pairs, in the order stored. */
  acquisition: [string, string][];
  verification: null | { status: string; storedMd5: string | null; storedSha1: string | null; computedMd5: string | null; computedSha1: string | null; detail: string | null; at: string | null };
  volumes: { label: string; slot: string | null; startSector: number; lengthSectors: number | null; sectorSize: number; description: string; scheme: string | null; fsType: string | null; status: string; note: string | null }[];
  counts: ReportCounts;
}

export interface ReportHashSet {
  name: string;
  role: string;
  format: string;
  formatVersion: string | null;
  profile: string | null;
  source: string;
  sourceSha256: string | null;
  entries: number;
  records: number;
  malformed: number;
  importedAt: string;
  importedBy: string | null;
  /** Files of the report's scope that matched the set. */
  matchedFiles: number;
}

export interface ReportCategory {
  code: string;
  label: string;
  files: number;
  /** Whether the report lists the category's files (every category but "uncategorised"). */
  listed: boolean;
}

export interface CourtReport {
  title: string;
  generatedAt: string;
  generatedBy: string | null;
  generator: { name: string; version: string };
  format: CourtReportFormat;
  case: { id: string; name: string; description: string | null; createdAt: string; createdBy: string | null };
  /** null: the whole case; else the one evidence item reported on. */
  scope: null | { evidenceId: string; label: string };
  examiners: string[];
  reviewers: { name: string; hashes: number; first: string; last: string }[];
  evidence: ReportEvidence[];
  processing: { hashAlgorithms: string[]; rules: string[]; hashSets: ReportHashSet[] };
  counts: ReportCounts;
  categories: ReportCategory[];
  /** The audit entry that records this report's generation: its sequence number and hash (the chain head then). */
  audit: { seq: number; hash: string };
  /** "none" (the default), or the images included on explicit request. */
  images: 'none' | IncludedImages;
}

export const MAX_INCLUDED_IMAGES = 200;
const FILE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `ID,ID,…` (CLI --include-items, HTTP ?include=) as file ids: well-formed, at most MAX_INCLUDED_IMAGES, duplicates dropped. */
export function parseIncludeList(text: string | undefined): string[] {
  const ids = [...new Set((text ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== ''))];
  for (const id of ids) if (!FILE_ID.test(id)) throw new UserError(`include: "${id}" is not a file id`);
  if (ids.length > MAX_INCLUDED_IMAGES) throw new UserError(`at most ${MAX_INCLUDED_IMAGES} items may be included in a report (asked for ${ids.length})`);
  return ids;
}

/** One image included on request: the item's identity and its stored clear thumbnail's bytes. */
export interface IncludedImage {
  fileId: string;
  evidence: string;
  path: string;
  md5: string | null;
  category: string;
  /** The stored thumbnail: image/webp bytes as written by the thumbnail store. */
  mime: string;
  bytes: Buffer;
  width: number | null;
  height: number | null;
  /** The `reveal` audit entry that records this inclusion. */
  auditSeq: number;
}

export interface IncludedImages {
  /** Who asked for them (the actor of the report). */
  requestedBy: string;
  items: IncludedImage[];
}

export interface HashListEntry {
  evidence: string;
  path: string;
  size: number | null;
  md5: string | null;
  sha1: string | null;
  sha256: string | null;
}

/** The hash list of one category, page by page. */
export type HashListSource = (category: string) => AsyncIterable<HashListEntry[]>;

export interface CourtReportRequest {
  format: CourtReportFormat;
  /** One evidence item, by id or by label. */
  evidenceId?: string;
  evidenceLabel?: string;
  generator: { name: string; version: string };
  ip?: string | null;
  /**
   * Images of these files (ids), on explicit request. `read` loads a workspace-relative thumbnail path (the caller's
   * I/O port; the service does none). Absent or empty: no images, exactly as without the option.
   */
  include?: { fileIds: readonly string[]; read: (relPath: string) => Promise<Buffer> };
}

const hex = (b: Buffer | null): string | null => (b ? b.toString('hex') : null);
export const HASH_LIST_PAGE = 1000;

export class CourtReportService {
  constructor(
    private readonly repo: CourtReportRepository,
    private readonly evidenceRepo: EvidenceRepository,
    private readonly hashSets: HashSetRepository,
    private readonly audit: AuditService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Build the report model for a case the caller may see (permission checks are the caller's). */
  async build(actor: AuditActor, c: CaseRow, req: CourtReportRequest): Promise<CourtReport> {
    const all = await this.evidenceRepo.listForCase(c.id);
    const chosen = pickEvidence(all, req);
    const evidenceId = chosen?.id ?? null;
    // Checked and read before anything is audited: a refused request leaves no misleading entry.
    const wanted = await this.includedItems(c.id, evidenceId, req.include);
    // Recorded first, so that the report can print the hash of its own audit entry.
    const entry = await this.audit.record(actor, 'export', {
      caseId: c.id,
      detail: { kind: 'court-report', format: req.format, evidenceId, images: wanted.length > 0 ? wanted.length : false },
    });
    // One `reveal` entry per included image, before rendering; purpose court-report, NOT counted on the exposure meter.
    const included: IncludedImage[] = [];
    for (const w of wanted) {
      const e = await this.audit.record(actor, 'reveal', { caseId: c.id, fileId: w.fileId, detail: { purpose: 'court-report', reportSeq: entry.seq, format: req.format } });
      included.push({ ...w, auditSeq: e.seq });
    }
    const scoped = chosen ? [chosen] : all;
    const [perEvidence, perSet, sets, reviewers] = await Promise.all([
      this.repo.countsByEvidence(c.id, evidenceId), this.repo.matchesPerSet(c.id, evidenceId), this.hashSets.list(), this.repo.reviewers(c.id),
    ]);
    const evidence: ReportEvidence[] = [];
    for (const e of scoped) evidence.push(await this.evidenceSection(e, perEvidence.get(e.id) ?? emptyCounts()));
    const counts = sumCounts(evidence.map((e) => e.counts));
    const examiners = [...new Set(scoped.flatMap((e) => [e.examiner, acquisitionExaminer(e)]).filter((x): x is string => !!x))];
    return {
      title: chosen ? `Court report: case ${c.name}, evidence ${chosen.label}` : `Court report: case ${c.name}`,
      generatedAt: this.clock().toISOString(),
      generatedBy: actor.name,
      generator: req.generator,
      format: req.format,
      case: { id: c.id, name: c.name, description: c.description, createdAt: c.created_at, createdBy: c.created_by },
      scope: chosen ? { evidenceId: chosen.id, label: chosen.label } : null,
      examiners,
      reviewers,
      evidence,
      processing: {
        hashAlgorithms: ['MD5, SHA-1 and SHA-256 of every file and archive member', 'PDQ (pictures)', 'vPDQ (video frames)'],
        rules: matchingRules(),
        hashSets: sets.map((s) => ({
          name: s.name, role: s.role, format: s.format, formatVersion: s.format_version, profile: s.profile, source: s.source_name,
          sourceSha256: s.source_sha256, entries: Number(s.entry_count), records: Number(s.record_count), malformed: Number(s.malformed_count),
          importedAt: s.imported_at, importedBy: s.imported_by, matchedFiles: perSet.get(s.id) ?? 0,
        })),
      },
      counts,
      categories: orderedCategories(counts.byCategory),
      audit: { seq: entry.seq, hash: entry.hash },
      images: included.length > 0 ? { requestedBy: actor.name ?? 'unknown', items: included } : 'none',
    };
  }

  /** The requested items, checked (of this case / evidence item, with a thumbnail, at most 200) and their thumbnails read. */
  private async includedItems(caseId: string, evidenceId: string | null, include: CourtReportRequest['include']): Promise<Omit<IncludedImage, 'auditSeq'>[]> {
    const ids = [...new Set(include?.fileIds ?? [])];
    if (!include || ids.length === 0) return [];
    if (ids.length > MAX_INCLUDED_IMAGES) throw new UserError(`at most ${MAX_INCLUDED_IMAGES} items may be included in a report (asked for ${ids.length})`);
    const rows = new Map((await this.repo.includedItems(caseId, evidenceId, ids)).map((r) => [r.id, r]));
    const out: Omit<IncludedImage, 'auditSeq'>[] = [];
    for (const id of ids) {
      const r = rows.get(id);
      if (!r) throw new UserError(`item ${id} is not a file of this ${evidenceId ? 'evidence item' : 'case'}`);
      if (!r.clear_path) throw new UserError(`item ${id} (${r.path}) has no thumbnail to include`);
      out.push({
        fileId: r.id, evidence: r.evidence_label, path: r.path, md5: hex(r.md5), category: categoryLabel(r.category ?? UNCATEGORISED),
        mime: `image/${r.thumb_format ?? 'webp'}`, bytes: await include.read(r.clear_path), width: r.width, height: r.height,
      });
    }
    return out;
  }

  /** The files of one category of the report's scope, a page at a time, evidence item by evidence item. */
  async *hashList(report: CourtReport, category: string, pageSize = HASH_LIST_PAGE): AsyncGenerator<HashListEntry[]> {
    const code = category === UNCATEGORISED ? null : category;
    for (const e of report.evidence) {
      let after: string | null = null;
      for (;;) {
        const rows = await this.repo.hashListPage(report.case.id, e.id, code, after, pageSize);
        if (rows.length > 0) {
          yield rows.map((r) => ({ evidence: r.evidence_label, path: r.path, size: r.size, md5: hex(r.md5), sha1: hex(r.sha1), sha256: hex(r.sha256) }));
        }
        if (rows.length < pageSize) break;
        after = rows[rows.length - 1]!.path;
      }
    }
  }

  /** A HashListSource bound to one report (what the renderers take). */
  lists(report: CourtReport): HashListSource {
    return (category) => this.hashList(report, category);
  }

  private async evidenceSection(e: EvidenceRow, counts: ReportCounts): Promise<ReportEvidence> {
    const volumes = await this.evidenceRepo.volumes(e.id);
    return {
      id: e.id, label: e.label, kind: e.kind, sourcePath: e.source_path, size: e.size, acquisitionNotes: e.acquisition_notes, examiner: e.examiner,
      status: e.status, error: e.error, startedAt: e.started_at, finishedAt: e.finished_at, imageFormat: e.image_format,
      imageSegments: parseJson<string[]>(e.image_segments, []).map(String),
      acquisition: flatten(parseJson<Record<string, unknown>>(e.acquisition, {})),
      verification: e.verify_status === null ? null : {
        status: e.verify_status, storedMd5: e.stored_md5, storedSha1: e.stored_sha1, computedMd5: e.computed_md5, computedSha1: e.computed_sha1,
        detail: e.verify_detail, at: e.verified_at,
      },
      volumes: volumes.map((v) => ({
        label: v.label, slot: v.slot, startSector: Number(v.start_sector), lengthSectors: v.length_sectors === null ? null : Number(v.length_sectors),
        sectorSize: v.sector_size, description: v.description, scheme: v.scheme, fsType: v.fs_type, status: v.status, note: v.note,
      })),
      counts,
    };
  }
}

const emptyCounts = (): ReportCounts => ({ files: 0, errors: 0, byStatus: {}, byCategory: {} });

function sumCounts(parts: readonly ReportCounts[]): ReportCounts {
  const total = emptyCounts();
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
  };
  for (const p of parts) {
    total.files += p.files;
    total.errors += p.errors;
    add(total.byStatus, p.byStatus);
    add(total.byCategory, p.byCategory);
  }
  return total;
}

function pickEvidence(all: readonly EvidenceRow[], req: CourtReportRequest): EvidenceRow | null {
  if (req.evidenceId === undefined && req.evidenceLabel === undefined) return null;
  const found = all.find((e) => (req.evidenceId !== undefined ? e.id === req.evidenceId : e.label === req.evidenceLabel));
  if (!found) {
    const labels = all.map((e) => e.label).join(', ') || 'none';
    throw new NotFoundError(`no such evidence item in this case (evidence items: ${labels})`);
  }
  return found;
}

function matchingRules(): string[] {
  return [
    'Exact match: a file matches a hash set when its MD5, SHA-1 or SHA-256 equals an entry of the set.',
    `Near match (pictures): PDQ Hamming distance at most ${PDQ_MATCH_DISTANCE} of 256 bits (the default radius), only for PDQ hashes of quality at least ${PDQ_MIN_QUALITY}.`,
    `Near match (videos): at least ${VPDQ_MATCH_PERCENT} % of the video's unique usable frames within PDQ distance ${PDQ_MATCH_DISTANCE} of the set's hashes (vPDQ rule).`,
    'Triage status: known-bad over alert over known-good over unknown (the strongest role among the matched sets); known-good-only files are ignorable.',
    'Near-duplicate clusters: pictures within PDQ distance 31 of each other.',
    'Categories: a reviewer\'s category (VICS, keyed by MD5 within the case, so every copy of the same bytes shares it) overrides the category of a matched hash set.',
  ];
}

/** Categories with their counts, most serious first. */
export function orderedCategories(byCategory: Record<string, number>): ReportCategory[] {
  const rank = (c: string) => (c === UNCATEGORISED ? 1e6 : CATEGORY_ORDER.includes(c) ? CATEGORY_ORDER.indexOf(c) : 100);
  return Object.entries(byCategory)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([code, files]) => ({ code, label: categoryLabel(code), files, listed: code !== UNCATEGORISED }));
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Nested acquisition metadata as dotted key/value pairs. */
function flatten(o: Record<string, unknown>, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...flatten(v as Record<string, unknown>, key));
    else if (v !== null && v !== undefined && v !== '') out.push([key, Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : String(v)]);
  }
  return out;
}

function acquisitionExaminer(e: EvidenceRow): string | null {
  // scan.service.ts stores { scheme, sectorSize, ewf: EwfInfo | null }; the E01 header names its examiner.
  const a = parseJson<{ ewf?: { examiner?: unknown } | null }>(e.acquisition, {});
  const v = a.ewf?.examiner;
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}
