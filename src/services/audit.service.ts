/**
 * Writes and verifies the hash-chained audit log. Every security-relevant act goes through `record`: logins
 * (success and failure), reveals of clear thumbnails, categorisations and their undo, exports, known-bad
 * listings, user and membership changes, policy changes. The chain makes silent edits or deletions detectable by
 * `verify` (and so by `winnow audit verify`); it does not stop a database owner from rewriting the whole chain —
 * publishing the head hash elsewhere (a case report, a notebook) is what anchors it.
 */
import type { AuditRepository } from '../db/repositories/audit.repository.js';
import { canonicalJson, entryHash, verifyRun, type ChainBreak, type StoredAuditEntry } from './audit-chain.js';
import { nowIso } from '../util/time.js';

export interface AuditActor {
  id: string | null;
  name: string | null;
  ip?: string | null;
}

export type AuditAction =
  | 'login' | 'login-failed' | 'logout'
  | 'reveal' | 'reveal-refused'
  | 'categorise' | 'categorise-undo' | 'note' | 'tag'
  | 'list-known-bad' | 'export'
  | 'user-add' | 'user-change' | 'member-add' | 'member-remove' | 'policy-change'
  // hotline desk (issue 7): blocking and package downloads, police decisions, the contact book, desk settings
  | 'hotline-export' | 'hotline-police' | 'hotline-contact' | 'hotline-settings' | 'hotline-retention'
  // series and victims (issue 6)
  | 'series-create' | 'series-change' | 'series-attach' | 'series-detach' | 'series-clue' | 'series-identified';

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  headHash: string;
  broken: ChainBreak | null;
}

export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  record(actor: AuditActor, action: AuditAction, target: { caseId?: string | null; fileId?: string | null; detail?: Record<string, unknown> } = {}): Promise<StoredAuditEntry> {
    const detail = canonicalJson(target.detail ?? {});
    return this.repo.append((seq, prevHash) => {
      const body = {
        seq, at: nowIso(), actorId: actor.id, actorName: actor.name, action, caseId: target.caseId ?? null, fileId: target.fileId ?? null,
        ip: actor.ip ?? null, detail,
      };
      return { body, hash: entryHash(prevHash, body) };
    });
  }

  /** Walk the whole chain in pages; the first broken link (altered, missing, relinked, truncated) is reported. */
  async verify(pageSize = 5000): Promise<AuditVerifyResult> {
    let state = { nextSeq: 1, prevHash: '0'.repeat(64) };
    let after = 0;
    for (;;) {
      const page = await this.repo.page(after, pageSize);
      if (page.length === 0) break;
      const r = verifyRun(page, state);
      if (!r.ok) return { ok: false, entries: state.nextSeq - 1, headHash: state.prevHash, broken: r.broken };
      state = { nextSeq: r.nextSeq, prevHash: r.prevHash };
      after = page[page.length - 1]!.seq;
    }
    const head = await this.repo.head();
    const last = state.nextSeq - 1;
    if (head.seq !== last || head.hash !== state.prevHash) {
      return { ok: false, entries: last, headHash: state.prevHash, broken: { seq: last + 1, reason: `the chain head says ${head.seq} entries but ${last} are intact: entries after ${last} were removed or the head was altered` } };
    }
    return { ok: true, entries: last, headHash: state.prevHash, broken: null };
  }

  historyOfItem(fileId: string, limit = 100): Promise<StoredAuditEntry[]> {
    return this.repo.forFile(fileId, limit);
  }

  recent(filter: { caseId?: string; action?: string }, beforeSeq: number | null, limit: number): Promise<StoredAuditEntry[]> {
    return this.repo.recent(filter, beforeSeq, limit);
  }
}
