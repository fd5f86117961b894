import type { HotlineReportRepository } from '../../db/repositories/hotline/report.repository.js';
import type { HotlineUrlRepository } from '../../db/repositories/hotline/url.repository.js';
import type { HlUrlRow } from '../../db/schema.js';
import { hammingDistance } from '../../hashing/pdq.js';
import { newId } from '../../util/ids.js';
import { addMinutesIso } from '../../util/time.js';
import { NotFoundError } from '../errors.js';
import type { AssessmentService } from './assessment.service.js';
import type { HotlineSettingsService } from './hotline-settings.js';
import { SYSTEM_ACTOR } from './hotline-types.js';
import type { UrlChecker, UrlCheckResult } from './ports.js';

/** PDQ matches at distance ≤ 31 (the ThreatExchange default). */
const PDQ_MATCH_DISTANCE = 31;

export interface CheckOutcome {
  urlId: string;
  result: UrlCheckResult['result'];
  httpStatus: number | null;
  hashMatch: 'known-bad' | 'assessed' | 'none' | null;
  /** What changed: offline (first offline check), removed (confirmed and closed), online-again, or nothing. */
  transition: 'offline' | 'removed' | 'online-again' | null;
}


/**
 * Online checks of open URLs, never showing content: DNS, HTTP status and redirects; optionally (per deployment,
 * off by default) a hash-only fetch whose hashes are compared with the known-bad sets and with the hashes recorded at
 * assessment. Removal is confirmed after N offline checks in a row; the time of removal is the first of them.
 */
export class CheckService {
  constructor(
    private readonly urls: HotlineUrlRepository,
    private readonly reports: HotlineReportRepository,
    private readonly checker: UrlChecker,
    private readonly settings: HotlineSettingsService,
    private readonly assessment: AssessmentService,
    private readonly now: () => string,
  ) {}

  /** Check every open URL that is due (or all open URLs with `all`). */
  async runDue(opts: { all?: boolean; limit?: number } = {}): Promise<CheckOutcome[]> {
    const s = await this.settings.get();
    const at = this.now();
    const due = await this.urls.dueForCheck(opts.all ? '9999' : addMinutesIso(at, -s.checkIntervalMinutes), opts.limit ?? 1000);
    const out: CheckOutcome[] = [];
    for (const u of due) out.push(await this.checkOne(u.id));
    return out;
  }

  async checkOne(urlId: string): Promise<CheckOutcome> {
    const u = await this.urls.get(urlId);
    if (!u) throw new NotFoundError('no such URL');
    const s = await this.settings.get();
    const r = await this.checker.check(await this.fetchableUrl(u), { hashBody: s.hashOnlyFetch });
    const at = this.now();
    const hashMatch = r.hashes ? await this.compare(u, r.hashes) : null;
    let transition: CheckOutcome['transition'] = null;
    await this.urls.inTransaction(async (tx) => {
      await this.urls.insertCheck({
        id: newId(Date.parse(at)), url_id: urlId, checked_at: at, method: r.hashes ? 'hash' : 'http', result: r.result, http_status: r.httpStatus,
        dns: JSON.stringify(r.dnsError ? { error: r.dnsError } : { addresses: r.addresses }), redirects: JSON.stringify(r.redirects), final_url: r.finalUrl,
        body_md5: r.hashes?.md5 ?? null, body_sha1: r.hashes?.sha1 ?? null, body_pdq: r.hashes?.pdq ?? null, hash_match: hashMatch, duration_ms: r.durationMs, error: r.error,
      }, tx);
      const patch: Partial<HlUrlRow> = { last_check_at: at, last_check_result: r.result };
      if (r.result === 'offline') {
        patch.offline_streak = u.offline_streak + 1;
        if (u.offline_streak === 0) {
          patch.first_offline_at = at;
          transition = 'offline';
          await this.urls.transition(urlId, { kind: 'offline', at, actor: null, detail: { httpStatus: r.httpStatus, dnsError: r.dnsError } }, {}, tx);
        }
        if (patch.offline_streak >= Math.max(1, s.offlineConfirmations)) {
          transition = 'removed';
          Object.assign(patch, { closed_at: at, closure_reason: 'removed', status: 'closed', gone_before_notice: u.notice_count === 0 ? 1 : 0 });
          await this.urls.transition(urlId, { kind: 'closed', at, actor: null, detail: { reason: 'removed', confirmations: patch.offline_streak, firstOffline: patch.first_offline_at ?? u.first_offline_at } }, {}, tx);
        }
      } else if (r.result === 'online') {
        if (u.offline_streak > 0) {
          transition = 'online-again';
          Object.assign(patch, { offline_streak: 0, first_offline_at: null });
          await this.urls.transition(urlId, { kind: 'online-again', at, actor: null, detail: { httpStatus: r.httpStatus } }, {}, tx);
        }
      }
      // error / refused: nothing is concluded (the next check tries again); the check row says why.
      await this.urls.transition(urlId, { kind: 'checked', at, actor: null, detail: { result: r.result, httpStatus: r.httpStatus, hashMatch, error: r.error } }, patch, tx);
    });
    if (transition === 'removed') await this.assessment.tellReporters(urlId);
    if (hashMatch === 'known-bad' && !u.classification) {
      await this.assessment.assess(urlId, { classification: 'baseline', decidedBy: 'hash-match', note: 'body hash found in a known-bad hash set by an online check' }, SYSTEM_ACTOR);
    }
    return { urlId, result: r.result, httpStatus: r.httpStatus, hashMatch, transition };
  }

  /**
   * The canonical form is a matching key (it unescapes %2F, %3F…), not always the address the server knows: checks
   * fetch the URL as first reported, in WHATWG serialisation (scheme added when the reporter left it out).
   */
  private async fetchableUrl(u: HlUrlRow): Promise<string> {
    const raw = (await this.reports.reportsOf(u.id))[0]?.raw_url;
    if (!raw) return u.canonical_url;
    try {
      return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`).href;
    } catch {
      return u.canonical_url;
    }
  }

  /** Compare a fetched body's hashes with the known-bad sets, then with the hashes recorded for this URL. */
  private async compare(u: HlUrlRow, h: NonNullable<UrlCheckResult['hashes']>): Promise<'known-bad' | 'assessed' | 'none'> {
    if ((await this.urls.knownBad('md5', h.md5)) || (await this.urls.knownBad('sha1', h.sha1))) return 'known-bad';
    const recorded = await this.urls.hashes(u.id);
    const hit = recorded.some((r) => (r.algorithm === 'md5' && r.hash === h.md5) || (r.algorithm === 'sha1' && r.hash === h.sha1)
      || (r.algorithm === 'pdq' && h.pdq !== null && hammingDistance(r.hash, h.pdq) <= PDQ_MATCH_DISTANCE));
    return hit ? 'assessed' : 'none';
  }
}
