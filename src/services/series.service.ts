/**
 * Series and victims (issue 6), in the spirit of INTERPOL's ICSE database (forensic-formats.md §2.2): a series is
 * a named set of pictures and videos from one abuse scene, known across cases, with scene clues (location,
 * language, objects) and two facts recorded with who and when: victim identified, offender identified. No personal
 * data of victims or offenders is kept — only the flags, their dates and a free note.
 *
 * Items are attached by hash (SHA-256, else MD5), so every copy of the same bytes anywhere belongs to the series.
 * `occurrences` tells where else in the workspace (all cases) a series' hashes or PDQ near-duplicates occur; only
 * cases the user may see are listed, the others are a count.
 *
 * Who may do what is the table below (the roles of auth.roles.ts; hotline roles have no access): investigators and
 * admins edit; reviewers may also attach items of cases they belong to; no-view reads metadata (this service never
 * returns image bytes, and the UI's thumbnails go through the item routes' media guard). Every change is audited.
 */
import type { PlacedFile, SeriesFile, SeriesPatch, SeriesRepository, SeriesSummaryRow } from '../db/repositories/series.repository.js';
import type { SeriesItemRow, SeriesRow } from '../db/schema.js';
import { linearScan } from '../matching/pdq-linear-scan.js';
import { PDQ_WORDS, packInto } from '../matching/pdq-words.js';
import { PDQ_MATCH_DISTANCE } from '../hashing/pdq.js';
import { newId } from '../util/ids.js';
import { nowIso } from '../util/time.js';
import type { AuditService } from './audit.service.js';
import { ConflictError, ForbiddenError } from './auth.errors.js';
import type { Role } from './auth.roles.js';
import type { SessionUser } from './auth.service.js';
import { NotFoundError, UserError } from './errors.js';
import type { UserService } from './user.service.js';

export type SeriesPermission = 'read' | 'attach' | 'edit';

/** Series permissions per role (data, not branches): hotline roles are absent on purpose. */
const SERIES_GRANTS: Partial<Record<Role, readonly SeriesPermission[]>> = {
  admin: ['read', 'attach', 'edit'],
  investigator: ['read', 'attach', 'edit'],
  reviewer: ['read', 'attach'],
  'no-view': ['read'],
};

export const canSeries = (role: string, p: SeriesPermission): boolean => (SERIES_GRANTS[role as Role] ?? []).includes(p);

export const CLUE_KINDS = ['location', 'language', 'object', 'other'] as const;
export const SERIES_STATUSES = ['open', 'closed'] as const;
export const MAX_ATTACH = 5000;
/** Occurrence rows returned per kind (exact, near); more are counted as truncated. */
export const MAX_OCCURRENCES = 2000;
const PDQ_PAGE = 20_000;

export interface SeriesSummary {
  id: string; name: string; description: string | null; status: string; createdBy: string; createdAt: string; updatedAt: string;
  items: number; clues: number;
  victim: IdentifiedFact; offender: IdentifiedFact;
}
export interface IdentifiedFact { identified: boolean; at: string | null; by: string | null; note: string | null }

export interface SeriesItemView {
  algorithm: string; hash: string; md5: string | null; pdq: string | null; addedBy: string; addedAt: string;
  /** The file it was attached from, when the user may see that case (else null: "attached in a case you are not a member of"). */
  file: null | { id: string; caseId: string; caseName: string; path: string; name: string; mimeType: string | null; thumbnail: string | null; status: string | null; clusterId: string | null };
}

export interface Occurrence {
  fileId: string; caseId: string; caseName: string; evidence: string; path: string; name: string; mimeType: string | null;
  thumbnail: string | null; status: string | null;
  /** sha256 | md5 | pdq */
  match: string;
  distance: number;
  /** The series item (hash hex) it matches. */
  via: string;
}

export interface OccurrenceReport {
  exact: Occurrence[];
  near: Occurrence[];
  /** Occurrences in cases the user is not a member of: only counted. */
  hidden: { cases: number; files: number };
  truncated: boolean;
  cost: { seriesPdqs: number; pdqScanned: number; ms: number };
}

export interface AttachResult { hashes: number; added: number; already: number; withoutHash: number }

type Actor = { user: SessionUser; ip: string | null };

export class SeriesService {
  constructor(
    private readonly repo: SeriesRepository,
    private readonly users: UserService,
    private readonly audit: AuditService,
    private readonly clock: () => number = Date.now,
  ) {}

  async list(user: SessionUser, forItem?: { caseId: string; itemId: string }): Promise<SeriesSummary[]> {
    need(user, 'read');
    if (!forItem) return (await this.repo.list()).map(summary);
    await this.caseVisible(user, forItem.caseId);
    const [f] = await this.repo.filesInCase(forItem.caseId, [forItem.itemId]);
    if (!f) throw new NotFoundError('no such item in this case');
    return (await this.repo.list(await this.repo.seriesOfFile(f.md5, f.sha256))).map(summary);
  }

  async create({ user, ip }: Actor, input: { name: string; description?: string | null }): Promise<SeriesSummary> {
    need(user, 'edit');
    const name = checkName(input.name);
    const description = checkText('description', input.description ?? null, 10_000);
    if (await this.repo.byName(name)) throw new ConflictError(`a series named "${name}" already exists`);
    const at = nowIso();
    const row: SeriesRow = {
      id: newId(), name, description, status: 'open', created_by: user.name, created_at: at, updated_at: at,
      victim_identified: 0, victim_identified_at: null, victim_identified_by: null, victim_note: null,
      offender_identified: 0, offender_identified_at: null, offender_identified_by: null, offender_note: null,
    };
    await this.repo.create(row);
    await this.audit.record({ id: user.id, name: user.name, ip }, 'series-create', { detail: { seriesId: row.id, name } });
    return summary({ ...row, items: 0, clues: 0 });
  }

  /** Rename, describe, open/close. */
  async change({ user, ip }: Actor, id: string, input: { name?: string; description?: string | null; status?: string }): Promise<SeriesSummary> {
    need(user, 'edit');
    const s = await this.get(id);
    const patch: SeriesPatch = {};
    if (input.name !== undefined) {
      const name = checkName(input.name);
      const other = await this.repo.byName(name);
      if (other && other.id !== id) throw new ConflictError(`a series named "${name}" already exists`);
      patch.name = name;
    }
    if (input.description !== undefined) patch.description = checkText('description', input.description, 10_000);
    if (input.status !== undefined) {
      if (!(SERIES_STATUSES as readonly string[]).includes(input.status)) throw new UserError(`status: one of ${SERIES_STATUSES.join(', ')}`);
      patch.status = input.status;
    }
    if (Object.keys(patch).length === 0) throw new UserError('nothing to change: give name, description or status');
    await this.repo.update(id, { ...patch, updated_at: nowIso() });
    await this.audit.record({ id: user.id, name: user.name, ip }, 'series-change', {
      detail: { seriesId: id, ...(patch.name !== undefined ? { name: patch.name, previousName: s.name } : {}), ...(patch.description !== undefined ? { description: true } : {}), ...(patch.status ? { status: patch.status } : {}) },
    });
    return this.summaryOf(id);
  }

  /** Mark the victim or the offender identified (or undo that), with who, when and a free note — no personal data. */
  async setIdentified({ user, ip }: Actor, id: string, fact: 'victim' | 'offender', identified: boolean, note?: string | null): Promise<SeriesSummary> {
    need(user, 'edit');
    await this.get(id);
    const clean = checkText('note', note ?? null, 2000);
    const at = nowIso();
    const patch: SeriesPatch = fact === 'victim'
      ? { victim_identified: identified ? 1 : 0, victim_identified_at: identified ? at : null, victim_identified_by: identified ? user.name : null, victim_note: identified ? clean : null }
      : { offender_identified: identified ? 1 : 0, offender_identified_at: identified ? at : null, offender_identified_by: identified ? user.name : null, offender_note: identified ? clean : null };
    await this.repo.update(id, { ...patch, updated_at: at });
    await this.audit.record({ id: user.id, name: user.name, ip }, 'series-identified', { detail: { seriesId: id, fact, identified, note: clean !== null } });
    return this.summaryOf(id);
  }

  /** Attach items of a case (by file ids) or a whole near-duplicate cluster; their hashes join the series. */
  async attach({ user, ip }: Actor, id: string, caseId: string, target: { itemIds?: readonly string[]; clusterId?: string }): Promise<AttachResult> {
    need(user, 'attach');
    await this.get(id);
    await this.caseVisible(user, caseId);
    const hasItems = target.itemIds !== undefined;
    if (hasItems === (target.clusterId !== undefined)) throw new UserError('give exactly one of itemIds or clusterId');
    let files: SeriesFile[];
    if (hasItems) {
      const ids = [...new Set(target.itemIds!)];
      if (ids.length === 0 || ids.length > MAX_ATTACH) throw new UserError(`itemIds: 1 to ${MAX_ATTACH} ids`);
      files = await this.repo.filesInCase(caseId, ids);
      if (files.length !== ids.length) throw new NotFoundError(`${ids.length - files.length} of the items are not in this case`);
    } else {
      files = await this.repo.clusterFiles(caseId, target.clusterId!);
      if (files.length === 0) throw new NotFoundError('no such cluster in this case');
    }
    const hashed = files.filter((f) => f.sha256 || f.md5);
    if (hasItems && hashed.length === 0) throw new UserError('the item(s) have no hash (unreadable files) and cannot be attached');
    const at = nowIso();
    const rows = new Map<string, SeriesItemRow>();
    for (const f of hashed) {
      const algorithm = f.sha256 ? 'sha256' : 'md5';
      const hash = (f.sha256 ?? f.md5)!;
      const key = `${algorithm}:${hash.toString('hex')}`;
      if (!rows.has(key)) rows.set(key, { series_id: id, algorithm, hash, md5: f.md5, pdq: f.pdq, file_id: f.id, case_id: caseId, added_by: user.name, added_at: at });
    }
    const added = await this.repo.addItems([...rows.values()]);
    await this.repo.update(id, { updated_at: at });
    const result = { hashes: rows.size, added, already: rows.size - added, withoutHash: files.length - hashed.length };
    await this.audit.record({ id: user.id, name: user.name, ip }, 'series-attach', {
      caseId, fileId: hasItems && files.length === 1 ? files[0]!.id : null,
      detail: { seriesId: id, ...result, ...(hasItems ? { items: files.length } : { clusterId: target.clusterId! }) },
    });
    return result;
  }

  async detach({ user, ip }: Actor, id: string, algorithm: string, hashHex: string): Promise<{ removed: true }> {
    need(user, 'edit');
    await this.get(id);
    const hash = parseHash(algorithm, hashHex);
    const row = await this.repo.removeItem(id, algorithm, hash);
    if (!row) throw new NotFoundError('that hash is not in this series');
    await this.repo.update(id, { updated_at: nowIso() });
    await this.audit.record({ id: user.id, name: user.name, ip }, 'series-detach', { caseId: row.case_id, fileId: row.file_id, detail: { seriesId: id, algorithm, hash: hashHex.toLowerCase() } });
    return { removed: true };
  }

  async addClue({ user, ip }: Actor, id: string, kind: string, text: string): Promise<{ id: string }> {
    need(user, 'edit');
    await this.get(id);
    if (!(CLUE_KINDS as readonly string[]).includes(kind)) throw new UserError(`clue kind: one of ${CLUE_KINDS.join(', ')}`);
    const clean = checkText('clue text', text, 2000);
    if (clean === null) throw new UserError('clue text: 1 to 2000 characters');
    const clueId = newId();
    const at = nowIso();
    await this.repo.addClue({ id: clueId, series_id: id, kind, text: clean, added_by: user.name, added_at: at });
    await this.repo.update(id, { updated_at: at });
    await this.audit.record({ id: user.id, name: user.name, ip }, 'series-clue', { detail: { seriesId: id, clueId, kind, op: 'add', length: clean.length } });
    return { id: clueId };
  }

  async removeClue({ user, ip }: Actor, id: string, clueId: string): Promise<{ removed: true }> {
    need(user, 'edit');
    await this.get(id);
    const row = await this.repo.removeClue(id, clueId);
    if (!row) throw new NotFoundError('no such clue in this series');
    await this.repo.update(id, { updated_at: nowIso() });
    await this.audit.record({ id: user.id, name: user.name, ip }, 'series-clue', { detail: { seriesId: id, clueId, kind: row.kind, op: 'remove' } });
    return { removed: true };
  }

  async detail(user: SessionUser, id: string) {
    need(user, 'read');
    const s = await this.summaryOf(id);
    const [items, clues, visible] = await Promise.all([this.repo.items(id), this.repo.clues(id), this.users.visibleCases(user)]);
    const sources = new Map((await this.repo.placedFiles(items.flatMap((i) => (i.file_id ? [i.file_id] : [])))).map((f) => [f.id, f]));
    const view: SeriesItemView[] = items.map((i) => {
      const f = i.file_id ? sources.get(i.file_id) : undefined;
      const seen = f !== undefined && (visible === 'all' || visible.has(f.case_id));
      return {
        algorithm: i.algorithm, hash: i.hash.toString('hex'), md5: hex(i.md5), pdq: i.pdq, addedBy: i.added_by, addedAt: i.added_at,
        file: seen ? { id: f.id, caseId: f.case_id, caseName: f.case_name, path: f.path, name: f.name, mimeType: f.mime_type, thumbnail: f.thumb_kind, status: f.status, clusterId: f.cluster_id } : null,
      };
    });
    return { ...s, items: view, clues: clues.map((c) => ({ id: c.id, kind: c.kind, text: c.text, addedBy: c.added_by, addedAt: c.added_at })) };
  }

  /**
   * Where else the series occurs: exact copies (same SHA-256 or MD5, any case; two indexed lookups) and PDQ
   * near-duplicates within distance 31 of any item's PDQ. The near-duplicate search is a linear scan: every usable
   * PDQ of the workspace is read in keyset pages of 20 000 and compared with each series PDQ (SWAR Hamming
   * distance with early exit), so it costs one sequential read of perceptual_hash plus N×S comparisons — measured
   * in the report's `cost`. The attach-source files themselves are not listed.
   */
  async occurrences(user: SessionUser, id: string): Promise<OccurrenceReport> {
    need(user, 'read');
    await this.get(id);
    const started = this.clock();
    const [items, visible] = await Promise.all([this.repo.items(id), this.users.visibleCases(user)]);
    const sourceIds = new Set(items.flatMap((i) => (i.file_id ? [i.file_id] : [])));
    const bySha = new Map(items.filter((i) => i.algorithm === 'sha256').map((i) => [i.hash.toString('hex'), i]));
    const byMd5 = new Map(items.filter((i) => i.md5).map((i) => [i.md5!.toString('hex'), i]));
    let truncated = false;

    const exactFiles = await this.repo.exactFiles(id, MAX_OCCURRENCES + sourceIds.size + 1);
    if (exactFiles.length > MAX_OCCURRENCES + sourceIds.size) truncated = true;
    const exactIds = new Set(exactFiles.map((f) => f.id));
    const exact: { f: PlacedFile; match: string; distance: number; via: string }[] = [];
    for (const f of exactFiles) {
      if (sourceIds.has(f.id)) continue;
      const sha = f.sha256 ? bySha.get(f.sha256.toString('hex')) : undefined;
      const viaItem = sha ?? (f.md5 ? byMd5.get(f.md5.toString('hex')) : undefined);
      exact.push({ f, match: sha ? 'sha256' : 'md5', distance: 0, via: viaItem ? viaItem.hash.toString('hex') : '' });
    }

    // Near duplicates: pack the series' PDQs, then one pass over the workspace's PDQs.
    const pdqItems = items.filter((i) => i.pdq);
    const queries = new Uint32Array(pdqItems.length * PDQ_WORDS);
    pdqItems.forEach((i, k) => packInto(i.pdq!, queries, k * PDQ_WORDS));
    const best = new Map<string, { distance: number; via: string }>();
    let scanned = 0;
    if (pdqItems.length) {
      let after: string | null = null;
      for (;;) {
        const page = await this.repo.pdqPage(after, PDQ_PAGE);
        if (page.length === 0) break;
        const codes = new Uint32Array(page.length * PDQ_WORDS);
        page.forEach((p, k) => packInto(p.hash, codes, k * PDQ_WORDS));
        scanned += page.length;
        for (let q = 0; q < pdqItems.length; q++) {
          for (const hit of linearScan(codes, queries.subarray(q * PDQ_WORDS, (q + 1) * PDQ_WORDS), PDQ_MATCH_DISTANCE)) {
            const fileId = page[hit.index]!.file_id;
            if (sourceIds.has(fileId) || exactIds.has(fileId)) continue;
            const prev = best.get(fileId);
            if (!prev || hit.distance < prev.distance) best.set(fileId, { distance: hit.distance, via: pdqItems[q]!.hash.toString('hex') });
          }
        }
        after = page[page.length - 1]!.file_id;
        if (page.length < PDQ_PAGE) break;
      }
    }
    const nearIds = [...best.keys()];
    if (nearIds.length > MAX_OCCURRENCES) truncated = true;
    const nearFiles = await this.repo.placedFiles(nearIds.slice(0, MAX_OCCURRENCES));
    const near = nearFiles.map((f) => ({ f, match: 'pdq', ...best.get(f.id)! })).sort((a, b) => a.distance - b.distance || a.f.case_name.localeCompare(b.f.case_name) || a.f.path.localeCompare(b.f.path));

    const hiddenCases = new Set<string>();
    let hiddenFiles = 0;
    const shown = (list: typeof exact): Occurrence[] => list.flatMap((o) => {
      if (visible !== 'all' && !visible.has(o.f.case_id)) {
        hiddenCases.add(o.f.case_id);
        hiddenFiles++;
        return [];
      }
      return [{
        fileId: o.f.id, caseId: o.f.case_id, caseName: o.f.case_name, evidence: o.f.evidence_label, path: o.f.path, name: o.f.name,
        mimeType: o.f.mime_type, thumbnail: o.f.thumb_kind, status: o.f.status, match: o.match, distance: o.distance, via: o.via,
      }];
    });
    const report: OccurrenceReport = {
      exact: shown(exact), near: shown(near), hidden: { cases: hiddenCases.size, files: hiddenFiles }, truncated,
      cost: { seriesPdqs: pdqItems.length, pdqScanned: scanned, ms: this.clock() - started },
    };
    return report;
  }

  private async get(id: string): Promise<SeriesRow> {
    const s = await this.repo.byId(id);
    if (!s) throw new NotFoundError('no such series');
    return s;
  }

  private async summaryOf(id: string): Promise<SeriesSummary> {
    const [s] = await this.repo.list([id]);
    if (!s) throw new NotFoundError('no such series');
    return summary(s);
  }

  /** The case must be one the user may see (NotFound otherwise, as for the review routes). */
  private async caseVisible(user: SessionUser, caseId: string): Promise<void> {
    if (!(await this.users.canSeeCase(user, caseId))) throw new NotFoundError('no such case');
  }
}

function need(user: SessionUser, p: SeriesPermission): void {
  if (canSeries(user.role, p)) return;
  const what = { read: 'read series', attach: 'attach items to a series', edit: 'change series' }[p];
  throw new ForbiddenError(`the ${user.role} role cannot ${what}`);
}

function summary(s: SeriesSummaryRow): SeriesSummary {
  return {
    id: s.id, name: s.name, description: s.description, status: s.status, createdBy: s.created_by, createdAt: s.created_at, updatedAt: s.updated_at,
    items: s.items, clues: s.clues,
    victim: { identified: !!s.victim_identified, at: s.victim_identified_at, by: s.victim_identified_by, note: s.victim_note },
    offender: { identified: !!s.offender_identified, at: s.offender_identified_at, by: s.offender_identified_by, note: s.offender_note },
  };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function checkName(name: string): string {
  const n = name.trim().replace(/\s+/g, ' ');
  if (n.length < 1 || n.length > 200 || CONTROL.test(n)) throw new UserError('series name: 1 to 200 characters, no control characters');
  return n;
}

/** Trimmed text, null when empty; at most `max` characters. */
function checkText(what: string, v: string | null, max: number): string | null {
  if (v === null) return null;
  const t = v.trim();
  if (t.length > max || CONTROL.test(t)) throw new UserError(`${what}: at most ${max} characters, no control characters`);
  return t.length ? t : null;
}

function parseHash(algorithm: string, hashHex: string): Buffer {
  const len = algorithm === 'sha256' ? 64 : algorithm === 'md5' ? 32 : 0;
  if (!len) throw new UserError('algorithm: sha256 or md5');
  if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hashHex)) throw new UserError(`hash: ${len} hex digits for ${algorithm}`);
  return Buffer.from(hashHex.toLowerCase(), 'hex');
}

const hex = (b: Buffer | null): string | null => (b ? b.toString('hex') : null);
