/**
 * Accounts and case membership. The first admin is created from the CLI (`winnow user add NAME --role admin`);
 * afterwards admins manage users over the API. Every change is audited. Names are short login names; passwords
 * need 10+ characters (length beats composition rules, NIST SP 800-63B).
 */
import type { CaseRepository } from '../db/repositories/case.repository.js';
import type { UserRepository } from '../db/repositories/user.repository.js';
import { newId } from '../util/ids.js';
import { nowIso } from '../util/time.js';
import type { AuditActor, AuditService } from './audit.service.js';
import { ConflictError } from './auth.errors.js';
import { can, isRole, ROLES, type Role } from './auth.roles.js';
import { hashPassword, type SessionUser } from './auth.service.js';
import { NotFoundError, UserError } from './errors.js';

export interface UserInfo {
  id: string;
  name: string;
  role: string;
  disabled: boolean;
  createdAt: string;
  createdBy: string | null;
}

export const MIN_PASSWORD_LENGTH = 10;

export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly cases: CaseRepository,
    private readonly audit: AuditService,
  ) {}

  async add(name: string, role: string, password: string, by: AuditActor): Promise<UserInfo> {
    const clean = name.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(clean)) throw new UserError(`invalid user name "${name}": 1-64 letters, digits and . _ @ -`);
    const r = checkRole(role);
    checkPassword(password);
    if (await this.users.byName(clean)) throw new ConflictError(`user "${clean}" already exists`);
    const row = { id: newId(), name: clean, role: r, password_hash: await hashPassword(password), disabled: 0, created_at: nowIso(), created_by: by.name };
    await this.users.create(row);
    await this.audit.record(by, 'user-add', { detail: { user: clean, userId: row.id, role: r } });
    return info(row);
  }

  async list(): Promise<UserInfo[]> {
    return (await this.users.list()).map(info);
  }

  async update(userId: string, change: { role?: string; disabled?: boolean; password?: string }, by: AuditActor): Promise<UserInfo> {
    const u = await this.users.byId(userId);
    if (!u) throw new NotFoundError('no such user');
    const set: { role?: string; disabled?: number; password_hash?: string } = {};
    if (change.role !== undefined) set.role = checkRole(change.role);
    if (change.disabled !== undefined) set.disabled = change.disabled ? 1 : 0;
    if (change.password !== undefined) {
      checkPassword(change.password);
      set.password_hash = await hashPassword(change.password);
    }
    if (Object.keys(set).length === 0) throw new UserError('nothing to change: give role, disabled or password');
    await this.users.update(userId, set);
    await this.audit.record(by, 'user-change', {
      detail: { user: u.name, userId, ...(set.role ? { role: set.role } : {}), ...(set.disabled !== undefined ? { disabled: !!set.disabled } : {}), ...(set.password_hash ? { password: 'changed' } : {}) },
    });
    return info({ ...u, ...set });
  }

  async addMember(caseId: string, userName: string, by: AuditActor): Promise<void> {
    const u = await this.users.byName(userName);
    if (!u) throw new NotFoundError(`no user named "${userName}"`);
    if (!(await this.cases.list()).some((c) => c.id === caseId)) throw new NotFoundError('no such case');
    await this.users.addMember(caseId, u.id, by.name, nowIso());
    await this.audit.record(by, 'member-add', { caseId, detail: { user: u.name, userId: u.id } });
  }

  async removeMember(caseId: string, userId: string, by: AuditActor): Promise<void> {
    if ((await this.users.removeMember(caseId, userId)) === 0) throw new NotFoundError('that user is not a member of this case');
    await this.audit.record(by, 'member-remove', { caseId, detail: { userId } });
  }

  members(caseId: string): Promise<{ id: string; name: string; role: string }[]> {
    return this.users.members(caseId);
  }

  /** Case ids the user may see: 'all' for admins, else the cases they are a member of. */
  async visibleCases(user: SessionUser): Promise<'all' | Set<string>> {
    if (can(user.role, 'all-cases')) return 'all';
    return new Set(await this.users.caseIdsOf(user.id));
  }

  async canSeeCase(user: SessionUser, caseId: string): Promise<boolean> {
    return can(user.role, 'all-cases') || this.users.isMember(caseId, user.id);
  }
}

function checkRole(role: string): Role {
  if (!isRole(role)) throw new UserError(`invalid role "${role}": one of ${ROLES.join(', ')}`);
  return role;
}

function checkPassword(p: string): void {
  if (p.length < MIN_PASSWORD_LENGTH) throw new UserError(`password too short: at least ${MIN_PASSWORD_LENGTH} characters`);
  if (p.length > 1024) throw new UserError('password too long: at most 1024 characters');
}

function info(u: { id: string; name: string; role: string; disabled: number; created_at: string; created_by: string | null }): UserInfo {
  return { id: u.id, name: u.name, role: u.role, disabled: !!u.disabled, createdAt: u.created_at, createdBy: u.created_by };
}
