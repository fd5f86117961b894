import { createHash } from 'node:crypto';
import type { DatabaseHandle } from '../../connection.js';
import { newId, sequentialId } from '../../../util/ids.js';

export const ANONYMISED = '(anonymised)';

/**
 * Retention: erase what identifies a site or a person (URLs, host names, IPs, reporter contacts and free text) and
 * keep classifications, hosting country/organisation and every timing, so statistics stay whole.
 */
export class HotlineRetentionRepository {
  constructor(private readonly h: DatabaseHandle) {}

  /** Closed URLs closed before `cutoff` and not yet anonymised. */
  async anonymiseUrls(cutoff: string, at: string): Promise<number> {
    const ids = (await this.h.db.selectFrom('hl_url').select('id').where('closed_at', '<', cutoff).where('anonymised_at', 'is', null).execute()).map((r) => r.id);
    for (const id of ids) {
      await this.h.db.transaction().execute(async (tx) => {
        // The dedupe key must stay unique, but no longer be the URL's hash (which would let anyone test a URL).
        const key = createHash('sha256').update(`anonymised:${id}`).digest('hex');
        await tx.updateTable('hl_url').set({ canonical_url: ANONYMISED, host: ANONYMISED, canonical_sha256: key, anonymised_at: at }).where('id', '=', id).execute();
        await tx.updateTable('hl_report_url').set({ raw_url: ANONYMISED }).where('url_id', '=', id).execute();
        await tx.updateTable('hl_trace').set({ host: ANONYMISED, cname_chain: '[]', addresses: '[]', ip: null, contacts: '[]', evidence: '{}' }).where('url_id', '=', id).execute();
        await tx.updateTable('hl_check').set({ dns: null, redirects: null, final_url: null }).where('url_id', '=', id).execute();
        await tx.updateTable('hl_event').set({ detail: '{}' }).where('url_id', '=', id).where('kind', 'in', ['received', 'linked', 'moved', 'traced', 'notice-sent']).execute();
        await tx.insertInto('hl_event').values({ id: sequentialId(), url_id: id, at, kind: 'anonymised', actor: null, detail: '{}' }).execute();
      });
    }
    return ids.length;
  }

  /** Reports received before `cutoff` whose URLs are all closed: reporter contact and free text erased. */
  async anonymiseReports(cutoff: string, at: string): Promise<number> {
    const open = this.h.db.selectFrom('hl_report_url as ru').innerJoin('hl_url as u', 'u.id', 'ru.url_id').select('ru.report_id').where('u.closed_at', 'is', null);
    const r = await this.h.db.updateTable('hl_report')
      .set({ reporter_contact: null, reporter_token_hash: null, description: null, where_found: null, referrer: null, anonymised_at: at })
      .where('received_at', '<', cutoff).where('anonymised_at', 'is', null).where('id', 'not in', open).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
