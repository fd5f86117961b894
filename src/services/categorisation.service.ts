/**
 * Reviewer categorisation (VICS US codes: 0 non-pertinent, 1 CSAM, 2 child exploitative / age difficult,
 * 3 CGI/animation, 4 comparison; null clears). Categories are keyed by MD5 within the case, so duplicates
 * inherit them; bulk by item ids or by near-duplicate cluster; every action can be undone; all audited.
 */
import type { CategorisationRepository } from '../db/repositories/categorisation.repository.js';
import type { ReviewRepository } from '../db/repositories/review.repository.js';
import { newId } from '../util/ids.js';
import { nowIso } from '../util/time.js';
import type { AuditService } from './audit.service.js';
import { ForbiddenError } from './auth.errors.js';
import { can } from './auth.roles.js';
import type { SessionUser } from './auth.service.js';
import { NotFoundError, UserError } from './errors.js';

export const VICS_PROFILE = 'US';
export const VICS_CATEGORIES = ['0', '1', '2', '3', '4'] as const;
export const MAX_BULK_ITEMS = 5000;

export interface CategoriseResult {
  actionId: string;
  hashes: number;
  changed: number;
}

export class CategorisationService {
  constructor(
    private readonly repo: CategorisationRepository,
    private readonly review: ReviewRepository,
    private readonly audit: AuditService,
  ) {}

  async categorise(user: SessionUser, caseId: string, target: { itemIds?: readonly string[]; clusterId?: string }, category: string | null, ip: string | null): Promise<CategoriseResult> {
    if (!can(user.role, 'categorise')) throw new ForbiddenError(`the ${user.role} role cannot categorise`);
    if (category !== null && !(VICS_CATEGORIES as readonly string[]).includes(category)) {
      throw new UserError(`invalid category "${category}": one of ${VICS_CATEGORIES.join(', ')} (VICS ${VICS_PROFILE}), or null to clear`);
    }
    const hasItems = target.itemIds !== undefined;
    if (hasItems === (target.clusterId !== undefined)) throw new UserError('give exactly one of itemIds or clusterId');
    let md5s: Buffer[];
    let scope: string;
    if (hasItems) {
      const ids = [...new Set(target.itemIds!)];
      if (ids.length === 0 || ids.length > MAX_BULK_ITEMS) throw new UserError(`itemIds: 1 to ${MAX_BULK_ITEMS} ids`);
      const found = await this.review.filesInCase(caseId, ids);
      if (found.length !== ids.length) throw new NotFoundError(`${ids.length - found.length} of the items are not in this case`);
      const noHash = found.filter((f) => f.md5 === null);
      if (noHash.length) throw new UserError(`${noHash.length} item(s) have no MD5 (unreadable files) and cannot be categorised`);
      md5s = uniqueBuffers(found.map((f) => f.md5!));
      scope = 'items';
    } else {
      md5s = await this.repo.clusterMd5s(caseId, target.clusterId!);
      if (md5s.length === 0) throw new NotFoundError('no such cluster in this case');
      scope = 'cluster';
    }
    const actionId = newId();
    const changed = await this.repo.apply({ id: actionId, caseId, userId: user.id, userName: user.name, at: nowIso(), scope, category, profile: VICS_PROFILE }, md5s);
    await this.audit.record({ id: user.id, name: user.name, ip }, 'categorise', {
      caseId,
      fileId: hasItems && target.itemIds!.length === 1 ? target.itemIds![0]! : null,
      detail: { actionId, scope, category, profile: VICS_PROFILE, hashes: md5s.length, changed, ...(hasItems ? { items: target.itemIds!.length } : { clusterId: target.clusterId! }) },
    });
    return { actionId, hashes: md5s.length, changed };
  }

  /** Undo the given action, or the user's latest one when actionId is 'last'. Users undo their own actions; admins any. */
  async undo(user: SessionUser, caseId: string, actionId: string, ip: string | null): Promise<{ actionId: string; restored: number; skipped: number }> {
    if (!can(user.role, 'categorise')) throw new ForbiddenError(`the ${user.role} role cannot categorise`);
    const action = actionId === 'last' ? await this.repo.lastActionOf(caseId, user.id) : await this.repo.action(caseId, actionId);
    if (!action) throw new NotFoundError(actionId === 'last' ? 'nothing to undo' : 'no such categorisation action in this case');
    if (action.user_id !== user.id && !can(user.role, 'all-cases')) throw new ForbiddenError('only the user who made a categorisation (or an admin) can undo it');
    const r = await this.repo.undo(caseId, action.id, user.name, nowIso(), VICS_PROFILE);
    if (!r) throw new UserError('that action was already undone');
    await this.audit.record({ id: user.id, name: user.name, ip }, 'categorise-undo', { caseId, detail: { actionId: action.id, ...r } });
    return { actionId: action.id, ...r };
  }
}

function uniqueBuffers(list: Buffer[]): Buffer[] {
  const m = new Map<string, Buffer>();
  for (const b of list) m.set(b.toString('hex'), b);
  return [...m.values()];
}
