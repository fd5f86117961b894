import type { Insertable, Transaction, Updateable } from 'kysely';
import type { DatabaseHandle } from '../../connection.js';
import type { Database, HlForwardTable, HlNoticeTable } from '../../schema.js';

/** Forwardings to police and partner hotlines, and notices to hosts (with the URLs each notice carried). */
export class HotlineDeliveryRepository {
  constructor(private readonly h: DatabaseHandle) {}

  async insertForward(f: Insertable<HlForwardTable>, tx?: Transaction<Database>): Promise<void> {
    await (tx ?? this.h.db).insertInto('hl_forward').values(f).execute();
  }

  forwardsOf(urlId: string) {
    return this.h.db.selectFrom('hl_forward').selectAll().where('url_id', '=', urlId).orderBy('created_at').execute();
  }

  packageForwards(packageId: string) {
    return this.h.db.selectFrom('hl_forward').selectAll().where('package_id', '=', packageId).orderBy('created_at').execute();
  }

  packages() {
    return this.h.db.selectFrom('hl_forward').select(['package_id', 'destination_kind', 'destination', 'format', 'country'])
      .select((eb) => [eb.fn.min('created_at').as('created_at'), eb.fn.countAll<number>().as('urls')])
      .where('package_id', 'is not', null).groupBy(['package_id', 'destination_kind', 'destination', 'format', 'country']).orderBy('created_at', 'desc').execute();
  }

  async clearForward(urlId: string, at: string, by: string, tx?: Transaction<Database>): Promise<number> {
    const r = await (tx ?? this.h.db).updateTable('hl_forward').set({ cleared_at: at, cleared_by: by })
      .where('url_id', '=', urlId).where('destination_kind', '=', 'national-police').where('cleared_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async insertNotice(n: Insertable<HlNoticeTable>, urls: { urlId: string; sequence: number }[], tx?: Transaction<Database>): Promise<void> {
    const db = tx ?? this.h.db;
    await db.insertInto('hl_notice').values(n).execute();
    for (const u of urls) await db.insertInto('hl_notice_url').values({ notice_id: n.id, url_id: u.urlId, sequence: u.sequence }).execute();
  }

  async updateNotice(id: string, patch: Updateable<HlNoticeTable>, tx?: Transaction<Database>): Promise<void> {
    await (tx ?? this.h.db).updateTable('hl_notice').set(patch).where('id', '=', id).execute();
  }

  noticesOf(urlId: string) {
    return this.h.db.selectFrom('hl_notice_url as nu').innerJoin('hl_notice as n', 'n.id', 'nu.notice_id')
      .select(['n.id', 'n.to_address', 'n.status', 'n.created_at', 'n.sent_at', 'n.message_id', 'n.xarf_report_id', 'n.error', 'nu.sequence'])
      .where('nu.url_id', '=', urlId).orderBy('n.created_at').execute();
  }

  /** The latest notices, newest first, with how many URLs each carried and how many of those were re-notices. */
  notices(limit: number) {
    return this.h.db.selectFrom('hl_notice as n').innerJoin('hl_contact as c', 'c.id', 'n.contact_id').leftJoin('hl_notice_url as nu', 'nu.notice_id', 'n.id')
      .select(['n.id', 'n.to_address', 'n.status', 'n.created_at', 'n.sent_at', 'n.error', 'c.org'])
      .select((eb) => [eb.fn.count<number>('nu.url_id').as('urls'), eb.fn.sum<number>(eb.case().when('nu.sequence', '>', 1).then(1).else(0).end()).as('renotices')])
      .groupBy(['n.id', 'n.to_address', 'n.status', 'n.created_at', 'n.sent_at', 'n.error', 'c.org'])
      .orderBy('n.created_at', 'desc').limit(limit).execute()
      .then((rows) => rows.map((r) => ({ ...r, urls: Number(r.urls), renotices: Number(r.renotices ?? 0) })));
  }

}
