/**
 * Roles and what they may do, as data (issue 6). One table answers every permission question, so a route never
 * tests a role name itself.
 * - admin: users, settings, every case.
 * - investigator: member cases — view, categorise, reveal, export.
 * - reviewer: member cases — view, categorise, reveal (to categorise one must sometimes see).
 * - no-view: member cases — counts, metadata and hashes; never image bytes (the server's media guard), never
 *   categorises (a category given without seeing would be a guess) — notes and tags only.
 */
export const ROLES = ['admin', 'investigator', 'reviewer', 'no-view'] as const;
export type Role = (typeof ROLES)[number];

export type Permission = 'all-cases' | 'manage-users' | 'view-media' | 'categorise' | 'annotate' | 'export' | 'audit-read';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['all-cases', 'manage-users', 'view-media', 'categorise', 'annotate', 'export', 'audit-read'],
  investigator: ['view-media', 'categorise', 'annotate', 'export'],
  reviewer: ['view-media', 'categorise', 'annotate'],
  'no-view': ['annotate'],
};

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function can(role: string, p: Permission): boolean {
  return isRole(role) && GRANTS[role].includes(p);
}
