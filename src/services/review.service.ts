/**
 * The review API's domain logic: which cases a user sees, case and evidence counts, the cursor-paged grid, item
 * detail, safe thumbnails, and reveals of clear thumbnails with the exposure meter (forensic-formats.md §6:
 * INHOPE recommends at most 4 h of review a day, the IWF caps it at 5 h). No I/O here: the repositories are
 * ports and media files are returned as workspace-relative paths for the HTTP layer to stream.
 *
 * - Known-bad items never appear in the grid unless asked for (includeKnownBad), and asking is audited.
 * - A reveal is for one item, for the user's revealSeconds (or fewer if asked): the meter counts reveals and
 *   revealed seconds per user per UTC day; past the admin-set soft cap the response carries a warning, at the hard
 *   cap reveals are refused (403) until the next UTC day. The meter check and increment are one atomic UPDATE.
 * - Protection preferences (re-blur seconds, colour on reveal, break interval, lower caps) are per user, stored as
 *   JSON in server_setting under `user-pref:<userId>`, and bounded by the admin's policy: the server refuses values
 *   outside the bounds (400) and clamps saved values that a later, narrower policy puts out of bounds.
 */
import type { GridCursor, GridFilter, GridRow, ReviewRepository } from '../db/repositories/review.repository.js';
import type { UserRepository } from '../db/repositories/user.repository.js';
import type { CaseRow } from '../db/schema.js';
import { newId } from '../util/ids.js';
import { nowIso } from '../util/time.js';
import type { AuditService } from './audit.service.js';
import type { StoredAuditEntry } from './audit-chain.js';
import { ForbiddenError } from './auth.errors.js';
import { can } from './auth.roles.js';
import type { SessionUser } from './auth.service.js';
import { NotFoundError, UserError } from './errors.js';
import type { UserService } from './user.service.js';

export const GRID_PAGE_SIZE = 200;
/** Most GPS points the case map gets in one answer. */
export const GPS_POINTS_MAX = 5000;
const STATUSES = ['known-bad', 'alert', 'known-good', 'unknown'] as const;

export interface ExposurePolicy {
  softSeconds: number;
  hardSeconds: number;
  softReveals: number | null;
  hardReveals: number | null;
  /** The longest single reveal anyone may ask for (the reveal route refuses more with a 400). */
  maxRevealSeconds: number;
  /** Bounds of the per-user preferences (issue 6: a user may lower protection only within admin-set bounds). */
  revealSeconds: number;
  revealSecondsMin: number;
  revealSecondsMax: number;
  /** Whether a user may see revealed items in colour; when false revealed items are shown greyscale. */
  allowColour: boolean;
  breakMinutes: number;
  breakMinutesMin: number;
  breakMinutesMax: number;
}

export const DEFAULT_EXPOSURE_POLICY: ExposurePolicy = {
  softSeconds: 3 * 3600, hardSeconds: 4 * 3600, softReveals: null, hardReveals: null, maxRevealSeconds: 30,
  revealSeconds: 5, revealSecondsMin: 2, revealSecondsMax: 10, allowColour: false, breakMinutes: 60, breakMinutesMin: 30, breakMinutesMax: 60,
};
const POLICY_KEY = 'exposure-policy';
const PREF_KEY = (userId: string) => `user-pref:${userId}`;
const BREAK_MINUTES_LIMIT = 240;

/** What a user saved (each field optional: an absent field follows the policy's default). */
export interface ExposurePreference {
  revealSeconds?: number;
  colourOnReveal?: boolean;
  breakMinutes?: number;
  softSeconds?: number;
  hardSeconds?: number;
}
/** A PUT body: a value sets the field, null clears it back to the policy's default. */
export type ExposurePreferencePatch = { [K in keyof ExposurePreference]?: ExposurePreference[K] | null };

/** The values that apply to one user: the policy intersected with their preference. */
export interface EffectiveProtection {
  revealSeconds: number;
  colourOnReveal: boolean;
  breakMinutes: number;
  softSeconds: number;
  hardSeconds: number;
  softReveals: number | null;
  hardReveals: number | null;
}

export interface ProtectionPreferences {
  effective: EffectiveProtection;
  saved: ExposurePreference;
  /** Saved fields that fall outside the current bounds (an admin narrowed them) and were clamped on read. */
  clamped: (keyof ExposurePreference)[];
  bounds: {
    revealSeconds: { min: number; max: number; default: number };
    colourOnReveal: { allowed: boolean; default: false };
    breakMinutes: { min: number; max: number; default: number };
    softSeconds: { max: number };
    hardSeconds: { max: number };
  };
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/**
 * Make a stored policy self-consistent: the user ranges lie inside the absolute limits and the defaults inside the
 * ranges. Used on read (a policy stored before the bounds existed, or a narrowed maxRevealSeconds) and, in
 * setPolicy, for the fields the admin did not send.
 */
function fitPolicy(p: ExposurePolicy, fixed: ReadonlySet<string> = new Set()): ExposurePolicy {
  const q = { ...p };
  if (!fixed.has('revealSecondsMax')) q.revealSecondsMax = Math.min(q.revealSecondsMax, q.maxRevealSeconds);
  if (!fixed.has('revealSecondsMin')) q.revealSecondsMin = Math.min(q.revealSecondsMin, q.revealSecondsMax);
  if (!fixed.has('revealSeconds')) q.revealSeconds = clamp(q.revealSeconds, q.revealSecondsMin, q.revealSecondsMax);
  if (!fixed.has('breakMinutesMin')) q.breakMinutesMin = Math.min(q.breakMinutesMin, q.breakMinutesMax);
  if (!fixed.has('breakMinutes')) q.breakMinutes = clamp(q.breakMinutes, q.breakMinutesMin, q.breakMinutesMax);
  return q;
}

/** Policy ∩ preference. Saved values outside the current bounds are clamped (and named in `clamped`). */
export function effectiveProtection(policy: ExposurePolicy, saved: ExposurePreference): { effective: EffectiveProtection; clamped: (keyof ExposurePreference)[] } {
  const clamped: (keyof ExposurePreference)[] = [];
  const fit = (k: keyof ExposurePreference, v: number | undefined, lo: number, hi: number, dflt: number) => {
    if (v === undefined) return dflt;
    const c = clamp(v, lo, hi);
    if (c !== v) clamped.push(k);
    return c;
  };
  const hardSeconds = fit('hardSeconds', saved.hardSeconds, 0, policy.hardSeconds, policy.hardSeconds);
  const softSeconds = fit('softSeconds', saved.softSeconds, 0, Math.min(policy.softSeconds, hardSeconds), Math.min(policy.softSeconds, hardSeconds));
  const colour = saved.colourOnReveal === true;
  if (colour && !policy.allowColour) clamped.push('colourOnReveal');
  return {
    effective: {
      revealSeconds: fit('revealSeconds', saved.revealSeconds, policy.revealSecondsMin, policy.revealSecondsMax, policy.revealSeconds),
      colourOnReveal: colour && policy.allowColour,
      breakMinutes: fit('breakMinutes', saved.breakMinutes, policy.breakMinutesMin, policy.breakMinutesMax, policy.breakMinutes),
      softSeconds, hardSeconds, softReveals: policy.softReveals, hardReveals: policy.hardReveals,
    },
    clamped,
  };
}

/** Check a preference against the policy's bounds: a UserError (400) names the first field out of bounds. */
/** `hardCap` is the user's hard cap after the change (their soft cap may not exceed it). */
function checkPreference(policy: ExposurePolicy, pref: ExposurePreference, hardCap: number): void {
  const range = (k: string, v: number | undefined, lo: number, hi: number, unit: string) => {
    if (v !== undefined && (!Number.isInteger(v) || v < lo || v > hi)) throw new UserError(`${k}: a whole number of ${unit} from ${lo} to ${hi} (bounds set by an administrator)`);
  };
  range('revealSeconds', pref.revealSeconds, policy.revealSecondsMin, policy.revealSecondsMax, 'seconds');
  range('breakMinutes', pref.breakMinutes, policy.breakMinutesMin, policy.breakMinutesMax, 'minutes');
  if (pref.hardSeconds !== undefined && Number.isInteger(pref.hardSeconds) && pref.hardSeconds > policy.hardSeconds) {
    throw new UserError(`hardSeconds: you may only lower your daily hard cap (at most ${policy.hardSeconds}, set by an administrator)`);
  }
  range('hardSeconds', pref.hardSeconds, 0, policy.hardSeconds, 'seconds');
  const softMax = Math.min(policy.softSeconds, hardCap);
  if (pref.softSeconds !== undefined && Number.isInteger(pref.softSeconds) && pref.softSeconds > policy.softSeconds) {
    throw new UserError(`softSeconds: you may only lower your daily soft cap (at most ${policy.softSeconds}, set by an administrator)`);
  }
  range('softSeconds', pref.softSeconds, 0, softMax, 'seconds (not above your hard cap)');
  if (pref.colourOnReveal === true && !policy.allowColour) throw new UserError('colourOnReveal: an administrator has not allowed colour for revealed items');
}

export interface ExposureMeter {
  day: string;
  reveals: number;
  revealedSeconds: number;
  /** The policy, with the soft and hard seconds caps that apply to this user (their own when lower). */
  policy: ExposurePolicy;
  /** The user's effective protection (re-blur seconds, colour, break interval): the UI uses these. */
  protection: EffectiveProtection;
  softExceeded: boolean;
  hardReached: boolean;
}

/** Query parameters of the grid, as strings from the URL (validated here, not trusted). */
export interface GridQuery {
  cursor?: string;
  limit?: number;
  unknown?: boolean;
  matched?: boolean;
  status?: string;
  category?: string;
  set?: string;
  hasGps?: boolean;
  make?: string;
  model?: string;
  cluster?: string;
  evidence?: string;
  mime?: string;
  hasError?: boolean;
  includeKnownBad?: boolean;
  includeIgnorable?: boolean;
}

export interface GridItem {
  id: string;
  evidenceId: string;
  path: string;
  name: string;
  size: number | null;
  mimeType: string | null;
  md5: string | null;
  errorCode: string | null;
  status: string;
  ignorable: boolean;
  priority: number | null;
  category: string | null;
  categorySource: string | null;
  clusterId: string | null;
  clusterSize: number | null;
  make: string | null;
  model: string | null;
  hasGps: boolean;
  thumbnail: string | null;
}

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export class ReviewService {
  constructor(
    private readonly repo: ReviewRepository,
    private readonly users: UserRepository,
    private readonly userService: UserService,
    private readonly audit: AuditService,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The case, if the user may see it; otherwise NotFound (we do not tell outsiders which cases exist). */
  async caseFor(user: SessionUser, caseId: string): Promise<CaseRow> {
    const c = await this.repo.caseById(caseId);
    if (!c || !(await this.userService.canSeeCase(user, caseId))) throw new NotFoundError('no such case');
    return c;
  }

  async listCases(user: SessionUser) {
    const visible = await this.userService.visibleCases(user);
    const cases = (await this.repo.listCases()).filter((c) => visible === 'all' || visible.has(c.id));
    const out = [];
    for (const c of cases) out.push({ id: c.id, name: c.name, description: c.description, createdAt: c.created_at, createdBy: c.created_by, counts: await this.repo.caseCounts(c.id) });
    return out;
  }

  async caseDetail(user: SessionUser, caseId: string) {
    const c = await this.caseFor(user, caseId);
    const [counts, evidence, members] = await Promise.all([this.repo.caseCounts(caseId), this.evidence(user, caseId, c), this.userService.members(caseId)]);
    return { id: c.id, name: c.name, description: c.description, createdAt: c.created_at, createdBy: c.created_by, counts, evidence, members };
  }

  async evidence(user: SessionUser, caseId: string, known?: CaseRow) {
    if (!known) await this.caseFor(user, caseId);
    return (await this.repo.evidence(caseId)).map((e) => ({
      id: e.id, label: e.label, kind: e.kind, sourcePath: e.source_path, size: e.size, status: e.status, examiner: e.examiner, error: e.error,
      startedAt: e.started_at, finishedAt: e.finished_at,
      progress: { files: e.files, digested: e.digested, matched: e.matched, errors: e.errors, fraction: e.files ? e.matched / e.files : 0 },
    }));
  }

  async grid(user: SessionUser, caseId: string, q: GridQuery, ip: string | null): Promise<{ items: GridItem[]; nextCursor: string | null }> {
    await this.caseFor(user, caseId);
    const filter = toFilter(q);
    const limit = q.limit ?? GRID_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > GRID_PAGE_SIZE) throw new UserError(`limit: 1 to ${GRID_PAGE_SIZE}`);
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    if (filter.includeKnownBad && !after) {
      // Asking to see known-bad items is itself a recorded act (once per listing, not per page).
      await this.audit.record({ id: user.id, name: user.name, ip }, 'list-known-bad', { caseId, detail: { filter: { ...q, cursor: undefined } } });
    }
    const rows = await this.repo.gridPage(caseId, filter, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(gridItem), nextCursor: rows.length > limit && last ? encodeCursor({ k: last.sort_key, id: last.id }) : null };
  }

  /**
   * GPS positions of the case's files for the item detail's map: coordinates and ids only, never pictures, so the
   * no-view role may have them like any other metadata. At most `limit` (1 to GPS_POINTS_MAX) points.
   */
  async gpsPoints(user: SessionUser, caseId: string, limit: number = GPS_POINTS_MAX): Promise<{ points: { id: string; lat: number; lon: number }[] }> {
    await this.caseFor(user, caseId);
    if (!Number.isInteger(limit) || limit < 1 || limit > GPS_POINTS_MAX) throw new UserError(`limit: 1 to ${GPS_POINTS_MAX}`);
    return { points: await this.repo.gpsPoints(caseId, limit) };
  }

  /** The workspace's hash sets (metadata only) for the grid's set filter; any logged-in user may list them. */
  async hashSets(): Promise<{ sets: { id: string; name: string; role: string; entryCount: number }[] }> {
    return { sets: (await this.repo.hashSets()).map((s) => ({ id: s.id, name: s.name, role: s.role, entryCount: s.entry_count })) };
  }

  async item(user: SessionUser, caseId: string, fileId: string) {
    await this.caseFor(user, caseId);
    const found = await this.repo.item(caseId, fileId);
    if (!found) throw new NotFoundError('no such item in this case');
    const { row: r, media, matches } = found;
    if (r.status === 'known-bad') {
      // Detail of a known-bad item is metadata only; still, it is hidden by default, so reading it is recorded.
      await this.audit.record({ id: user.id, name: user.name }, 'list-known-bad', { caseId, fileId, detail: { view: 'item' } });
    }
    const [cluster, duplicates, history, notes, tags] = await Promise.all([
      r.cluster_id ? this.repo.clusterMembers(caseId, r.cluster_id, 200) : Promise.resolve([]),
      r.md5 ? this.repo.duplicates(caseId, r.md5, fileId, 200) : Promise.resolve([]),
      this.audit.historyOfItem(fileId),
      this.repo.notes(fileId),
      this.repo.tags(fileId),
    ]);
    return {
      id: r.id, evidence: { id: r.evidence_id, label: r.evidence_label }, path: r.path, name: r.name, extension: r.extension, size: r.size,
      times: { mtime: r.mtime, atime: r.atime, ctime: r.ctime, birthtime: r.birthtime },
      hashes: { md5: hex(r.md5), sha1: hex(r.sha1), sha256: hex(r.sha256), pdq: r.pdq, pdqQuality: r.pdq_quality },
      mimeType: r.mime_type, detectedExtension: r.detected_ext, extensionMismatch: !!r.extension_mismatch, error: r.error, errorCode: r.error_code,
      triage: r.status === null ? null : {
        status: r.status, ignorable: !!r.ignorable, priority: r.priority, priorityReasons: r.priority_reasons ? (JSON.parse(r.priority_reasons) as unknown) : [],
        baseline: !!r.baseline,
      },
      category: r.reviewer_category !== null
        ? { code: r.reviewer_category, source: 'reviewer', setBy: r.category_set_by, setAt: r.category_set_at }
        : r.set_category !== null ? { code: r.set_category, source: 'hash-set', profile: r.category_profile } : null,
      exif: media && {
        width: media.width, height: media.height, make: media.make, model: media.model, bodySerial: media.body_serial, internalSerial: media.internal_serial,
        lensSerial: media.lens_serial, dateTimeOriginal: media.date_time_original, software: media.software, orientation: media.orientation,
        gps: media.gps_lat !== null && media.gps_lon !== null ? { lat: media.gps_lat, lon: media.gps_lon, alt: media.gps_alt } : null, error: media.error,
      },
      video: r.duration_sec !== null || r.codec !== null ? { durationSec: r.duration_sec, codec: r.codec, width: r.video_width, height: r.video_height, framesHashed: r.frames_hashed } : null,
      thumbnail: r.thumb_kind ? { kind: r.thumb_kind, width: r.thumb_width, height: r.thumb_height } : null,
      matches: matches.map((m) => ({ setId: m.set_id, set: m.set_name, role: m.role, algorithm: m.algorithm, distance: m.distance, percent: m.match_percent, category: m.category, baseline: !!m.baseline })),
      cluster: r.cluster_id ? { id: r.cluster_id, size: r.cluster_size, members: cluster.map((m) => ({ id: m.id, path: m.path, md5: hex(m.md5), status: m.status })) } : null,
      duplicates: duplicates.map((d) => ({ id: d.id, path: d.path, evidence: d.evidence_label })),
      notes, tags,
      history: history.map(historyEntry),
    };
  }

  /** The SAFE (blurred, greyscale) thumbnail's workspace-relative path. */
  async safeThumbnail(user: SessionUser, caseId: string, fileId: string): Promise<string> {
    await this.caseFor(user, caseId);
    const t = await this.repo.thumbnail(caseId, fileId);
    if (!t) throw new NotFoundError('this item has no thumbnail');
    return t.safe_path;
  }

  /**
   * Reveal one item's clear thumbnail: checks the caps, moves the meter, writes the audit entry. The duration is
   * the user's effective revealSeconds (policy ∩ preference); a request for LONGER is clamped to it (the response
   * says the seconds granted, and only those count on the meter), a shorter one is granted as asked, and more than
   * the policy's absolute maxRevealSeconds is refused (400). The caps are the user's own when lower than the policy's.
   */
  async reveal(user: SessionUser, caseId: string, fileId: string, seconds: number | undefined, ip: string | null): Promise<{ path: string; seconds: number; meter: ExposureMeter }> {
    if (!can(user.role, 'view-media')) throw new ForbiddenError(`the ${user.role} role never receives images`);
    await this.caseFor(user, caseId);
    const policy = await this.policy();
    const { effective } = effectiveProtection(policy, await this.savedPreference(user.id));
    if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 1 || seconds > policy.maxRevealSeconds)) throw new UserError(`seconds: a whole number from 1 to ${policy.maxRevealSeconds}`);
    const s = Math.min(seconds ?? effective.revealSeconds, effective.revealSeconds);
    const t = await this.repo.thumbnail(caseId, fileId);
    if (!t) throw new NotFoundError('this item has no thumbnail');
    const day = utcDay(this.clock());
    const after = await this.users.addExposure(user.id, day, s, { hardSeconds: effective.hardSeconds, hardReveals: effective.hardReveals });
    if (!after) {
      const m = await this.users.exposure(user.id, day);
      const own = effective.hardSeconds < policy.hardSeconds;
      await this.audit.record({ id: user.id, name: user.name, ip }, 'reveal-refused', { caseId, fileId, detail: { seconds: s, reason: own ? 'own hard cap' : 'hard cap', revealedSeconds: m.revealedSeconds, reveals: m.reveals } });
      throw new ForbiddenError(
        `daily exposure limit reached: ${m.revealedSeconds} of ${effective.hardSeconds} revealed seconds` +
          (effective.hardReveals !== null ? ` (${m.reveals} of ${effective.hardReveals} reveals)` : '') +
          ` today. Reveals resume at 00:00 UTC; please take a break. ` +
          (own ? 'You set this limit yourself (Protection settings); you may raise it up to the administrator\'s.' : 'An administrator sets this limit.'),
      );
    }
    await this.audit.record({ id: user.id, name: user.name, ip }, 'reveal', {
      caseId, fileId, detail: { seconds: s, ...(seconds !== undefined && seconds !== s ? { requestedSeconds: seconds } : {}), status: t.status, kind: t.kind, revealedSecondsToday: after.revealedSeconds, revealsToday: after.reveals },
    });
    return { path: t.clear_path, seconds: s, meter: meter(day, after, policy, effective) };
  }

  async exposure(user: SessionUser): Promise<ExposureMeter> {
    const day = utcDay(this.clock());
    const policy = await this.policy();
    return meter(day, await this.users.exposure(user.id, day), policy, effectiveProtection(policy, await this.savedPreference(user.id)).effective);
  }

  async policy(): Promise<ExposurePolicy> {
    const v = await this.users.getSetting(POLICY_KEY);
    return v ? fitPolicy({ ...DEFAULT_EXPOSURE_POLICY, ...(JSON.parse(v) as Partial<ExposurePolicy>) }) : DEFAULT_EXPOSURE_POLICY;
  }

  /**
   * Change the policy (admins). Fields sent are validated strictly; derived fields NOT sent are fitted to them (e.g.
   * lowering maxRevealSeconds below revealSecondsMax lowers that too). Users' saved preferences are not rewritten:
   * values outside new bounds are clamped whenever they are read.
   */
  async setPolicy(user: SessionUser, p: Partial<ExposurePolicy>, ip: string | null): Promise<ExposurePolicy> {
    if (!can(user.role, 'manage-users')) throw new ForbiddenError('only an admin sets exposure limits');
    const next = fitPolicy({ ...(await this.policy()), ...p }, new Set(Object.keys(p)));
    const okInt = (n: number | null, max: number) => n === null || (Number.isInteger(n) && n >= 0 && n <= max);
    if (!okInt(next.softSeconds, 86400) || !okInt(next.hardSeconds, 86400) || !okInt(next.softReveals, 1e6) || !okInt(next.hardReveals, 1e6) || !okInt(next.maxRevealSeconds, 300) || next.maxRevealSeconds < 1) {
      throw new UserError('exposure policy: whole numbers; seconds at most 86400, maxRevealSeconds 1-300');
    }
    if (next.softSeconds > next.hardSeconds) throw new UserError('softSeconds must not exceed hardSeconds');
    if (next.softReveals !== null && next.hardReveals !== null && next.softReveals > next.hardReveals) throw new UserError('softReveals must not exceed hardReveals');
    if (![next.revealSeconds, next.revealSecondsMin, next.revealSecondsMax].every((n) => Number.isInteger(n) && n >= 1)) throw new UserError('revealSeconds, revealSecondsMin, revealSecondsMax: whole numbers of at least 1');
    if (!(next.revealSecondsMin <= next.revealSeconds && next.revealSeconds <= next.revealSecondsMax && next.revealSecondsMax <= next.maxRevealSeconds)) {
      throw new UserError(`reveal seconds: need revealSecondsMin ≤ revealSeconds ≤ revealSecondsMax ≤ maxRevealSeconds (now ${next.revealSecondsMin} ≤ ${next.revealSeconds} ≤ ${next.revealSecondsMax} ≤ ${next.maxRevealSeconds})`);
    }
    if (![next.breakMinutes, next.breakMinutesMin, next.breakMinutesMax].every((n) => Number.isInteger(n) && n >= 1 && n <= BREAK_MINUTES_LIMIT)) throw new UserError(`breakMinutes, breakMinutesMin, breakMinutesMax: whole numbers from 1 to ${BREAK_MINUTES_LIMIT}`);
    if (!(next.breakMinutesMin <= next.breakMinutes && next.breakMinutes <= next.breakMinutesMax)) {
      throw new UserError(`break minutes: need breakMinutesMin ≤ breakMinutes ≤ breakMinutesMax (now ${next.breakMinutesMin} ≤ ${next.breakMinutes} ≤ ${next.breakMinutesMax})`);
    }
    if (typeof next.allowColour !== 'boolean') throw new UserError('allowColour: true or false');
    await this.users.putSetting(POLICY_KEY, JSON.stringify(next), user.name, nowIso());
    await this.audit.record({ id: user.id, name: user.name, ip }, 'policy-change', { detail: { exposurePolicy: { ...next } } });
    return next;
  }

  private async savedPreference(userId: string): Promise<ExposurePreference> {
    const v = await this.users.getSetting(PREF_KEY(userId));
    return v ? (JSON.parse(v) as ExposurePreference) : {};
  }

  /** The user's protection: effective values (policy ∩ preference), what they saved, and the bounds to choose in. */
  async preferences(user: SessionUser): Promise<ProtectionPreferences> {
    const policy = await this.policy();
    const saved = await this.savedPreference(user.id);
    const { effective, clamped } = effectiveProtection(policy, saved);
    return {
      effective, saved, clamped,
      bounds: {
        revealSeconds: { min: policy.revealSecondsMin, max: policy.revealSecondsMax, default: policy.revealSeconds },
        colourOnReveal: { allowed: policy.allowColour, default: false },
        breakMinutes: { min: policy.breakMinutesMin, max: policy.breakMinutesMax, default: policy.breakMinutes },
        softSeconds: { max: policy.softSeconds },
        hardSeconds: { max: policy.hardSeconds },
      },
    };
  }

  /**
   * Change one's own protection within the bounds: out-of-bounds values (or raising a cap above the policy's) are
   * refused with a 400 naming the field and the bounds; null resets a field to the policy's default. Audited as a
   * 'policy-change' with `preference` in the detail.
   */
  async setPreferences(user: SessionUser, patch: ExposurePreferencePatch, ip: string | null): Promise<ProtectionPreferences> {
    const policy = await this.policy();
    const next: ExposurePreference = { ...(await this.savedPreference(user.id)) };
    const keys = ['revealSeconds', 'colourOnReveal', 'breakMinutes', 'softSeconds', 'hardSeconds'] as const;
    for (const k of keys) {
      if (!(k in patch)) continue;
      const v = patch[k];
      if (v === null || v === undefined) delete next[k];
      else (next as Record<string, unknown>)[k] = v;
    }
    const unknown = Object.keys(patch).filter((k) => !(keys as readonly string[]).includes(k));
    if (unknown.length) throw new UserError(`unknown preference: ${unknown.join(', ')}`);
    // Only the fields being changed must be within bounds; a kept value an admin has since narrowed stays clamped.
    const changed: ExposurePreference = {};
    for (const k of keys) if (patch[k] !== undefined && patch[k] !== null) (changed as Record<string, unknown>)[k] = next[k];
    checkPreference(policy, changed, Math.min(next.hardSeconds ?? policy.hardSeconds, policy.hardSeconds));
    if (next.softSeconds !== undefined && next.hardSeconds !== undefined && next.softSeconds > next.hardSeconds) throw new UserError('softSeconds must not exceed your hardSeconds');
    await this.users.putSetting(PREF_KEY(user.id), JSON.stringify(next), user.name, nowIso());
    const r = await this.preferences(user);
    await this.audit.record({ id: user.id, name: user.name, ip }, 'policy-change', { detail: { preference: { userId: user.id, changed: patch, effective: r.effective } } });
    return r;
  }

  async addNote(user: SessionUser, caseId: string, fileId: string, text: string, ip: string | null): Promise<{ id: string }> {
    if (!can(user.role, 'annotate')) throw new ForbiddenError(`the ${user.role} role cannot annotate`);
    await this.caseFor(user, caseId);
    const clean = text.trim();
    if (!clean || clean.length > 10_000) throw new UserError('note: 1 to 10000 characters');
    if (!(await this.repo.fileInCase(caseId, fileId))) throw new NotFoundError('no such item in this case');
    const id = newId();
    await this.repo.addNote({ id, case_id: caseId, file_id: fileId, user_id: user.id, at: nowIso(), text: clean });
    await this.audit.record({ id: user.id, name: user.name, ip }, 'note', { caseId, fileId, detail: { noteId: id, length: clean.length } });
    return { id };
  }

  async setTags(user: SessionUser, caseId: string, fileId: string, tags: readonly string[], ip: string | null): Promise<string[]> {
    if (!can(user.role, 'annotate')) throw new ForbiddenError(`the ${user.role} role cannot annotate`);
    await this.caseFor(user, caseId);
    const clean = [...new Set(tags.map((t) => t.trim().toLowerCase()))].sort();
    if (clean.length > 50 || clean.some((t) => !/^[\p{L}\p{N}][\p{L}\p{N} ._:-]{0,63}$/u.test(t))) throw new UserError('tags: at most 50, each 1-64 letters, digits, spaces and . _ : -');
    if (!(await this.repo.fileInCase(caseId, fileId))) throw new NotFoundError('no such item in this case');
    await this.repo.setTags(caseId, fileId, clean, user.name, nowIso());
    await this.audit.record({ id: user.id, name: user.name, ip }, 'tag', { caseId, fileId, detail: { tags: clean } });
    return clean;
  }
}

/** The meter against the caps that apply to this user: `policy` carries the user's effective soft/hard caps. */
function meter(day: string, m: { reveals: number; revealedSeconds: number }, base: ExposurePolicy, eff: EffectiveProtection): ExposureMeter {
  const policy = { ...base, softSeconds: eff.softSeconds, hardSeconds: eff.hardSeconds };
  return {
    day, reveals: m.reveals, revealedSeconds: m.revealedSeconds, policy, protection: eff,
    softExceeded: m.revealedSeconds >= policy.softSeconds || (policy.softReveals !== null && m.reveals >= policy.softReveals),
    hardReached: m.revealedSeconds >= policy.hardSeconds || (policy.hardReveals !== null && m.reveals >= policy.hardReveals),
  };
}

function toFilter(q: GridQuery): GridFilter {
  const f: GridFilter = { includeKnownBad: q.includeKnownBad === true, includeIgnorable: q.includeIgnorable === true };
  const statuses = new Set<string>();
  if (q.status !== undefined) {
    for (const s of q.status.split(',')) {
      if (!(STATUSES as readonly string[]).includes(s)) throw new UserError(`status: one or more of ${STATUSES.join(', ')}, comma-separated`);
      statuses.add(s);
    }
  }
  if (q.unknown) statuses.add('unknown');
  if (statuses.has('known-bad') && !f.includeKnownBad) throw new UserError('known-bad items are hidden: add includeKnownBad=true to list them (this is audited)');
  if (statuses.has('known-good')) f.includeIgnorable = true;
  if (statuses.size) f.statuses = [...statuses];
  if (q.matched !== undefined) f.matched = q.matched;
  if (q.category !== undefined) {
    if (q.category === 'uncategorised' || q.category === 'none') f.category = null;
    else if (/^[0-9A-Za-z]{1,8}$/.test(q.category)) f.category = q.category;
    else throw new UserError('category: a category code, or "uncategorised"');
  }
  if (q.set !== undefined) f.setId = q.set;
  if (q.hasGps !== undefined) f.hasGps = q.hasGps;
  if (q.make !== undefined) f.make = q.make;
  if (q.model !== undefined) f.model = q.model;
  if (q.cluster !== undefined) f.clusterId = q.cluster;
  if (q.evidence !== undefined) f.evidenceId = q.evidence;
  if (q.mime !== undefined) {
    if (!/^[a-z0-9.+-]+\/([a-z0-9.+-]+)?$/i.test(q.mime)) throw new UserError('mime: a type like image/jpeg, or a prefix like image/');
    f.mimeType = q.mime.toLowerCase();
  }
  if (q.hasError !== undefined) f.hasError = q.hasError;
  return f;
}

export function encodeCursor(c: GridCursor): string {
  return Buffer.from(JSON.stringify([c.k, c.id])).toString('base64url');
}

export function decodeCursor(s: string): GridCursor {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && Number.isInteger(v[0]) && typeof v[1] === 'string' && v[1].length <= 64) return { k: v[0] as number, id: v[1] };
  } catch {
    // fall through to the error below
  }
  throw new UserError('invalid cursor: pass back the nextCursor of the previous page unchanged');
}

const hex = (b: Buffer | null): string | null => (b ? b.toString('hex') : null);

function gridItem(r: GridRow): GridItem {
  return {
    id: r.id, evidenceId: r.evidence_id, path: r.path, name: r.name, size: r.size, mimeType: r.mime_type, md5: hex(r.md5), errorCode: r.error_code,
    status: r.status, ignorable: !!r.ignorable, priority: r.priority, category: r.category, categorySource: r.category_source, clusterId: r.cluster_id,
    clusterSize: r.cluster_size, make: r.make, model: r.model, hasGps: !!r.has_gps, thumbnail: r.thumb_kind,
  };
}

function historyEntry(e: StoredAuditEntry) {
  return { seq: e.seq, at: e.at, user: e.actorName, action: e.action, detail: JSON.parse(e.detail) as unknown };
}
