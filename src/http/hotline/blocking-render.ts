import { buildHashList, buildRpzZone, buildUrlList } from '../../formats/hotline/rpz.js';
import { UserError } from '../../services/errors.js';
import type { DeskActor } from '../../services/hotline/hotline-types.js';
import type { HotlineDeps } from '../hotline-context.js';
import type { RenderedFile } from './package-render.js';

export const BLOCKING_KINDS = ['rpz', 'urls', 'url-hashes', 'hashes-csv', 'hashes-jsonl'] as const;

/** Serial YYYYMMDDnn from the time (nn = the hour, so several exports a day still grow the serial). */
const serialOf = (iso: string) => Number(`${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}`);

/** The blocking and partner lists; each download is an audit entry (written by the reporting service). */
export async function renderBlocking(h: HotlineDeps, kind: string, by: DeskActor, now = new Date().toISOString()): Promise<RenderedFile> {
  if (!(BLOCKING_KINDS as readonly string[]).includes(kind)) throw new UserError(`kind must be one of ${BLOCKING_KINDS.join(', ')}`);
  const data = await h.reporting.blocking(kind.startsWith('hashes') ? 'hashes' : (kind as 'rpz' | 'urls' | 'url-hashes'), by);
  const date = now.slice(0, 10);
  if (kind === 'rpz') {
    const origin = process.env.WINNOW_RPZ_ORIGIN ?? 'rpz.winnow.invalid';
    return {
      body: buildRpzZone({ origin, serial: serialOf(now), domains: data.domains, soa: { mname: `ns.${origin}`, rname: `hostmaster@${origin}` }, generatedAt: now }),
      contentType: 'text/dns; charset=utf-8', filename: `winnow-${date}.rpz`,
    };
  }
  if (kind === 'urls' || kind === 'url-hashes') {
    const l = buildUrlList(data.urls);
    return { body: kind === 'urls' ? l.text : l.sha256Text, contentType: 'text/plain; charset=utf-8', filename: `winnow-${kind}-${date}.txt` };
  }
  const fmt = kind === 'hashes-csv' ? 'csv' : 'jsonl';
  return { body: buildHashList(data.hashes, fmt), contentType: fmt === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8', filename: `winnow-hashes-${date}.${fmt}` };
}
