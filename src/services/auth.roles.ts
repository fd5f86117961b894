/**
 * Roles and what they may do, as data (issue 6). One table answers every permission question, so a route never
 * tests a role name itself.
 * - admin: users, settings, every case.
 * - investigator: member cases — view, categorise, reveal, export.
 * - reviewer: member cases — view, categorise, reveal (to categorise one must sometimes see).
 * - no-view: member cases — counts, metadata and hashes; never image bytes (the server's media guard), never
 *   categorises (a category given without seeing would be a guess) — notes and tags only.
 * Hotline desk (issue 7). The desk never holds content (only URLs, metadata, hashes), and neither hotline role has
 * view-media: a hotline deployed in no-view mode (Belgium before 2017) is the default, not a special case.
 * - analyst: takes reports in, assesses (from metadata, hash matches, or — where the law allows — content seen in
 *   a sandbox outside Winnow, recorded as viewedContent), traces, forwards, sends notices, closes; blocking exports.
 * - police: reads the desk, assesses as police, holds and releases notices ("do not notify: investigation"),
 *   clears a forwarded URL for notice.
 */
export const ROLES = ['admin', 'investigator', 'reviewer', 'no-view', 'analyst', 'police'] as const;
export type Role = (typeof ROLES)[number];

export type Permission = 'all-cases' | 'manage-users' | 'view-media' | 'categorise' | 'annotate' | 'export' | 'audit-read'
  // Hotline desk: read the desk; do the analyst's work; police decisions; blocking/hash exports; network data,
  // contact book and desk settings.
  | 'hotline-read' | 'hotline-work' | 'hotline-police' | 'hotline-export' | 'hotline-admin';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['all-cases', 'manage-users', 'view-media', 'categorise', 'annotate', 'export', 'audit-read',
    'hotline-read', 'hotline-work', 'hotline-police', 'hotline-export', 'hotline-admin'],
  investigator: ['view-media', 'categorise', 'annotate', 'export'],
  reviewer: ['view-media', 'categorise', 'annotate'],
  'no-view': ['annotate'],
  analyst: ['hotline-read', 'hotline-work', 'hotline-export'],
  police: ['hotline-read', 'hotline-police'],
};

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function can(role: string, p: Permission): boolean {
  return isRole(role) && GRANTS[role].includes(p);
}
