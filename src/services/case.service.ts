import type { CaseRepository } from '../db/repositories/case.repository.js';
import type { CaseRow } from '../db/schema.js';
import { newId } from '../util/ids.js';
import { nowIso } from '../util/time.js';
import { NotFoundError, UserError } from './errors.js';

export interface CaseSummary extends CaseRow {
  evidence: number;
  files: number;
  bytes: number;
}

export class CaseService {
  constructor(private readonly cases: CaseRepository) {}

  async create(name: string, opts: { description?: string; createdBy?: string } = {}): Promise<CaseRow> {
    const clean = name.trim();
    if (!/^[\p{L}\p{N}][\p{L}\p{N} ._\-()#]{0,127}$/u.test(clean)) {
      throw new UserError(`invalid case name "${name}": 1-128 letters, digits, spaces and . _ - ( ) #, starting with a letter or digit`);
    }
    if (await this.cases.findByName(clean)) throw new UserError(`case "${clean}" already exists`);
    const row: CaseRow = { id: newId(), name: clean, description: opts.description ?? null, created_at: nowIso(), created_by: opts.createdBy ?? null };
    await this.cases.create(row);
    return row;
  }

  async get(name: string): Promise<CaseRow> {
    const c = await this.cases.findByName(name);
    if (!c) throw new NotFoundError(`no case named "${name}" (create it with: winnow case create "${name}")`);
    return c;
  }

  async getOrCreate(name: string, createdBy?: string): Promise<CaseRow> {
    return (await this.cases.findByName(name)) ?? this.create(name, { createdBy });
  }

  async list(): Promise<CaseSummary[]> {
    const [rows, counts] = await Promise.all([this.cases.list(), this.cases.counts()]);
    return rows.map((r) => ({ ...r, ...(counts.get(r.id) ?? { evidence: 0, files: 0, bytes: 0 }) }));
  }
}
