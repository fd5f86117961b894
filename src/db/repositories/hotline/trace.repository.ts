import type { Insertable, Updateable } from 'kysely';
import type { DatabaseHandle } from '../../connection.js';
import type { HlContactRow, HlContactTable, HlTraceRow, HlTraceTable } from '../../schema.js';

/** Versioned traces of a URL's hosting, and the abuse-contact book. */
export class HotlineTraceRepository {
  constructor(private readonly h: DatabaseHandle) {}

  latest(urlId: string): Promise<HlTraceRow | undefined> {
    return this.h.db.selectFrom('hl_trace').selectAll().where('url_id', '=', urlId).orderBy('version', 'desc').limit(1).executeTakeFirst();
  }

  versions(urlId: string): Promise<HlTraceRow[]> {
    return this.h.db.selectFrom('hl_trace').selectAll().where('url_id', '=', urlId).orderBy('version').execute();
  }

  async insert(t: Insertable<HlTraceTable>): Promise<void> {
    await this.h.db.insertInto('hl_trace').values(t).execute();
  }

  contact(id: string): Promise<HlContactRow | undefined> {
    return this.h.db.selectFrom('hl_contact').selectAll().where('id', '=', id).executeTakeFirst();
  }

  contacts(filter: { org?: string; asn?: number; approved?: boolean } = {}): Promise<HlContactRow[]> {
    let q = this.h.db.selectFrom('hl_contact').selectAll().orderBy('org').orderBy('scope').orderBy('email');
    if (filter.org !== undefined) q = q.where('org', '=', filter.org);
    if (filter.asn !== undefined) q = q.where('asn', '=', filter.asn);
    if (filter.approved !== undefined) q = q.where('approved', '=', filter.approved ? 1 : 0);
    return q.execute();
  }

  findContact(org: string, scope: string, email: string): Promise<HlContactRow | undefined> {
    return this.h.db.selectFrom('hl_contact').selectAll().where('org', '=', org).where('scope', '=', scope).where('email', '=', email).executeTakeFirst();
  }

  async insertContact(c: Insertable<HlContactTable>): Promise<void> {
    await this.h.db.insertInto('hl_contact').values(c).execute();
  }

  async updateContact(id: string, patch: Updateable<HlContactTable>): Promise<void> {
    await this.h.db.updateTable('hl_contact').set(patch).where('id', '=', id).execute();
  }
}
