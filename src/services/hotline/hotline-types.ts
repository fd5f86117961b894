/** Vocabulary of the hotline desk (issue 7), shared by services, routes and the CLI. */

/** ICCAM-style classification: baseline (illegal everywhere), national (illegal here), not illegal, doubtful. */
export const CLASSIFICATIONS = ['baseline', 'national', 'not-illegal', 'doubtful'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
export const isIllegal = (c: string | null | undefined): boolean => c === 'baseline' || c === 'national';

export const DECIDED_BY = ['analyst', 'police', 'hash-match', 'partner-hotline'] as const;
export type DecidedBy = (typeof DECIDED_BY)[number];

export const AGE_GROUPS = ['not-determined', 'infant', 'pre-pubescent', 'pubescent'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

export const CONTENT_TYPES = ['image', 'video', 'text', 'other'] as const;
export type ContentTypeHint = (typeof CONTENT_TYPES)[number];

export const CLOSURE_REASONS = ['removed', 'unavailable', 'moved', 'not-illegal', 'duplicate'] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

/** new → assessed → traced → forwarded → notified → closed (assessment and trace may come in either order). */
export type UrlStatus = 'new' | 'assessed' | 'traced' | 'forwarded' | 'notified' | 'closed';

export type RouteKind = 'national-police' | 'partner-hotline' | 'interpol';

export const LANGUAGES = ['nl', 'fr', 'en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Who did something on the desk (null id: the system, e.g. the scheduler). */
export interface DeskActor {
  id: string | null;
  name: string | null;
  role: string | null;
  ip?: string | null;
}

export const SYSTEM_ACTOR: DeskActor = { id: null, name: 'system', role: null };
