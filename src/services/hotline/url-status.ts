import type { HlUrlRow } from '../../db/schema.js';
import type { UrlStatus } from './hotline-types.js';

/**
 * A URL's status is derived from its transition times, never set by hand, so it cannot disagree with them:
 * closed > notified > forwarded > traced > assessed > new.
 */
export function deriveStatus(u: Pick<HlUrlRow, 'closed_at' | 'notice_count' | 'forwarded_at' | 'traced_at' | 'assessed_at'>): UrlStatus {
  if (u.closed_at) return 'closed';
  if (u.notice_count > 0) return 'notified';
  if (u.forwarded_at) return 'forwarded';
  if (u.traced_at) return 'traced';
  if (u.assessed_at) return 'assessed';
  return 'new';
}

/** The status after applying a patch to a row. */
export function statusWith(u: HlUrlRow, patch: Partial<HlUrlRow>): UrlStatus {
  return deriveStatus({ ...u, ...patch });
}
