/**
 * The review API client: JSON over fetch with the session cookie (sent by the browser, HttpOnly) and the CSRF
 * token in X-CSRF-Token on every state-changing request. Two failures are global, not per screen:
 * - 401 anywhere → the session has expired or was ended: `onUnauthenticated` listeners send the user to login;
 * - every other non-2xx → an ApiError carrying the server's `{ error }` message, which screens show as is (the
 *   server writes its messages for people: e.g. the hard exposure cap's 403 says when reveals resume).
 * Types mirror src/services/review.service.ts; kept by hand because the UI is built separately from the server.
 */
export interface SessionUser { id: string; name: string; role: 'admin' | 'investigator' | 'reviewer' | 'no-view' | 'analyst' | 'police' }

export interface ExposurePolicy {
  softSeconds: number; hardSeconds: number; softReveals: number | null; hardReveals: number | null; maxRevealSeconds: number;
  revealSeconds: number; revealSecondsMin: number; revealSecondsMax: number; allowColour: boolean; breakMinutes: number; breakMinutesMin: number; breakMinutesMax: number;
}
/** The protection that applies to the logged-in user: the admin's policy intersected with their own preference. */
export interface EffectiveProtection {
  revealSeconds: number; colourOnReveal: boolean; breakMinutes: number; softSeconds: number; hardSeconds: number; softReveals: number | null; hardReveals: number | null;
}
export interface ExposureMeter { day: string; reveals: number; revealedSeconds: number; policy: ExposurePolicy; protection: EffectiveProtection; softExceeded: boolean; hardReached: boolean }
export interface ExposurePreference { revealSeconds?: number; colourOnReveal?: boolean; breakMinutes?: number; softSeconds?: number; hardSeconds?: number }
/** GET /api/me/preferences: effective values, what the user saved, saved values clamped by narrower bounds, the bounds. */
export interface ProtectionPreferences {
  effective: EffectiveProtection; saved: ExposurePreference; clamped: (keyof ExposurePreference)[];
  bounds: {
    revealSeconds: { min: number; max: number; default: number }; colourOnReveal: { allowed: boolean; default: false };
    breakMinutes: { min: number; max: number; default: number }; softSeconds: { max: number }; hardSeconds: { max: number };
  };
}

export interface CaseCounts { files: number; errors: number; byStatus: Record<string, number>; byCategory: Record<string, number> }
export interface CaseSummary { id: string; name: string; description: string | null; createdAt: string; createdBy: string; counts: CaseCounts }
export interface Evidence {
  id: string; label: string; kind: string; sourcePath: string; size: number | null; status: string; examiner: string | null; error: string | null;
  startedAt: string | null; finishedAt: string | null;
  progress: { files: number; digested: number; matched: number; errors: number; fraction: number };
}
export interface CaseDetail extends CaseSummary { evidence: Evidence[]; members: SessionUser[] }

export interface GridItem {
  id: string; evidenceId: string; path: string; name: string; size: number | null; mimeType: string | null; md5: string | null; errorCode: string | null;
  status: string; ignorable: boolean; priority: number | null; category: string | null; categorySource: string | null; clusterId: string | null;
  clusterSize: number | null; make: string | null; model: string | null; hasGps: boolean; thumbnail: string | null;
}
export interface GridPage { items: GridItem[]; nextCursor: string | null }

export interface HistoryEntry { seq: number; at: string; user: string; action: string; detail: unknown }
export interface ItemDetail {
  id: string; evidence: { id: string; label: string }; path: string; name: string; extension: string | null; size: number | null;
  times: { mtime: string | null; atime: string | null; ctime: string | null; birthtime: string | null };
  hashes: { md5: string | null; sha1: string | null; sha256: string | null; pdq: string | null; pdqQuality: number | null };
  mimeType: string | null; detectedExtension: string | null; extensionMismatch: boolean; error: string | null; errorCode: string | null;
  triage: null | { status: string; ignorable: boolean; priority: number | null; priorityReasons: unknown; baseline: boolean };
  category: null | { code: string; source: string; setBy?: string | null; setAt?: string | null; profile?: string | null };
  exif: null | {
    width: number | null; height: number | null; make: string | null; model: string | null; bodySerial: string | null; internalSerial: string | null;
    lensSerial: string | null; dateTimeOriginal: string | null; software: string | null; orientation: number | null;
    gps: { lat: number; lon: number; alt: number | null } | null; error: string | null;
  };
  video: null | { durationSec: number | null; codec: string | null; width: number | null; height: number | null; framesHashed: number | null };
  thumbnail: null | { kind: string; width: number | null; height: number | null };
  matches: { setId: string; set: string; role: string; algorithm: string; distance: number | null; percent: number | null; category: string | null; baseline: boolean }[];
  cluster: null | { id: string; size: number | null; members: { id: string; path: string; md5: string | null; status: string | null }[] };
  duplicates: { id: string; path: string; evidence: string }[];
  notes: { id: string; at: string; text: string; user: string | null }[];
  tags: string[];
  history: HistoryEntry[];
}
/** A hash set as GET /api/hash-sets lists it (metadata only), for the grid's set filter. */
export interface HashSetSummary { id: string; name: string; role: string; entryCount: number }
export interface CategoriseResult { actionId: string; hashes: number; changed: number }

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

let csrfToken: string | null = null;
const unauthenticatedListeners = new Set<() => void>();

export function setCsrfToken(t: string | null): void {
  csrfToken = t;
}
export function onUnauthenticated(fn: () => void): () => void {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'the Winnow server cannot be reached');
  }
  if (res.ok) return res;
  let message = `${res.status} ${res.statusText}`;
  try {
    const j = (await res.json()) as { error?: unknown };
    if (typeof j.error === 'string') message = j.error;
  } catch {
    // not JSON: keep the status line
  }
  // A failed login is also a 401, but it is not an expired session.
  if (res.status === 401 && path !== '/api/auth/login') for (const fn of unauthenticatedListeners) fn();
  throw new ApiError(res.status, message);
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return (await (await send(method, path, body)).json()) as T;
}

/** Query string from defined values only. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const thumbnailUrl = (caseId: string, itemId: string): string => `/api/cases/${caseId}/items/${itemId}/thumbnail`;

/** Reveal ONE item's clear thumbnail: the bytes as a Blob plus the meter the server moved. Audited by the server. */
export async function reveal(caseId: string, itemId: string, seconds?: number): Promise<{ blob: Blob; seconds: number; revealedSeconds: number; reveals: number; warning: string | null }> {
  const res = await send('POST', `/api/cases/${caseId}/items/${itemId}/reveal`, seconds ? { seconds } : {});
  const num = (h: string, d: number) => {
    const v = Number(res.headers.get(h));
    return Number.isFinite(v) && res.headers.get(h) !== null ? v : d;
  };
  return {
    blob: await res.blob(),
    seconds: num('x-winnow-reveal-seconds', seconds ?? 5),
    revealedSeconds: num('x-winnow-exposure-seconds', 0),
    reveals: num('x-winnow-exposure-reveals', 0),
    warning: res.headers.get('x-winnow-exposure-warning'),
  };
}

/** Downloads of a case (court report, VICS export): plain links, the browser sends the session cookie. */
export const caseDownloadUrl = (caseId: string, kind: 'report.html' | 'report.pdf' | 'export.vics', evidenceId?: string): string =>
  `/api/cases/${caseId}/${kind}${evidenceId ? qs({ evidence: evidenceId }) : ''}`;

/** Roles with the server's `export` permission (src/services/auth.roles.ts); others get 403 from the download routes. */
export const canExport = (role: SessionUser['role']): boolean => role === 'admin' || role === 'investigator';
// ---- Series and victims (issue 6): types mirror src/services/series.service.ts ----

/** A fact about a series (victim / offender identified): who and when, and a free note — never personal data. */
export interface IdentifiedFact { identified: boolean; at: string | null; by: string | null; note: string | null }
export interface SeriesSummary {
  id: string; name: string; description: string | null; status: 'open' | 'closed'; createdBy: string; createdAt: string; updatedAt: string;
  items: number; clues: number; victim: IdentifiedFact; offender: IdentifiedFact;
}
export interface SeriesItem {
  algorithm: 'sha256' | 'md5'; hash: string; md5: string | null; pdq: string | null; addedBy: string; addedAt: string;
  file: null | { id: string; caseId: string; caseName: string; path: string; name: string; mimeType: string | null; thumbnail: string | null; status: string | null; clusterId: string | null };
}
export interface SeriesClue { id: string; kind: 'location' | 'language' | 'object' | 'other'; text: string; addedBy: string; addedAt: string }
export interface SeriesDetail extends Omit<SeriesSummary, 'items' | 'clues'> { items: SeriesItem[]; clues: SeriesClue[] }
export interface Occurrence {
  fileId: string; caseId: string; caseName: string; evidence: string; path: string; name: string; mimeType: string | null; thumbnail: string | null;
  status: string | null; match: 'sha256' | 'md5' | 'pdq'; distance: number; via: string;
}
export interface OccurrenceReport {
  exact: Occurrence[]; near: Occurrence[]; hidden: { cases: number; files: number }; truncated: boolean;
  cost: { seriesPdqs: number; pdqScanned: number; ms: number };
}
export interface AttachResult { hashes: number; added: number; already: number; withoutHash: number }
export const CLUE_KINDS = ['location', 'language', 'object', 'other'] as const;

/** What a role may do with series (the server's table in series.service.ts decides; this only hides buttons). */
export const seriesCan = (role: SessionUser['role'], p: 'read' | 'attach' | 'edit'): boolean =>
  ({ admin: true, investigator: true, reviewer: p !== 'edit', 'no-view': p === 'read', analyst: false, police: false })[role];

let currentUser: SessionUser | null = null;
/** The logged-in user, set by the shell (App) so that deep components (the item panel) can hide what the role cannot do. */
export function setCurrentUser(u: SessionUser | null): void {
  currentUser = u;
}
export const getCurrentUser = (): SessionUser | null => currentUser;

let protection: EffectiveProtection | null = null;
/** The user's effective protection, set by the shell from the session's meter, read by the tiles (colour on reveal). */
export function setProtection(p: EffectiveProtection | null): void {
  protection = p;
}
export const getProtection = (): EffectiveProtection | null => protection;
