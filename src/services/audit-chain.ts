/**
 * The audit log's hash chain, as pure functions (no I/O), shared by the appender and `winnow audit verify`.
 *
 * Each entry's hash is SHA-256 over the previous entry's hash (hex) followed by the entry's canonical JSON
 * (keys sorted at every level, no whitespace). Canonical JSON is our own 20 lines rather than a dependency: the
 * format must never change under us, since every stored hash depends on it. Numbers, strings, booleans and null
 * only; `undefined` members are dropped exactly as JSON.stringify drops them.
 */
import { createHash } from 'node:crypto';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  throw new TypeError(`not JSON-serialisable: ${typeof v}`);
}

/** What one audit entry commits to (everything but its own hash). */
export interface AuditBody {
  seq: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  caseId: string | null;
  fileId: string | null;
  ip: string | null;
  /** Canonical JSON text of the action's details. */
  detail: string;
}

export function entryHash(prevHash: string, body: AuditBody): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(body)).digest('hex');
}

export interface StoredAuditEntry extends AuditBody {
  prevHash: string;
  hash: string;
}

export type ChainBreak = { seq: number; reason: string };

/**
 * Check a run of entries in seq order, continuing from (expectedSeq, expectedPrev). Returns the first broken link,
 * or the state to continue from with the next page.
 */
export function verifyRun(
  entries: readonly StoredAuditEntry[],
  state: { nextSeq: number; prevHash: string },
): { ok: true; nextSeq: number; prevHash: string } | { ok: false; broken: ChainBreak } {
  let { nextSeq, prevHash } = state;
  for (const e of entries) {
    if (e.seq !== nextSeq) return { ok: false, broken: { seq: nextSeq, reason: `entry ${nextSeq} is missing (next stored entry is ${e.seq})` } };
    if (e.prevHash !== prevHash) return { ok: false, broken: { seq: e.seq, reason: `entry ${e.seq} does not link to entry ${e.seq - 1} (prev_hash differs)` } };
    const h = entryHash(prevHash, { seq: e.seq, at: e.at, actorId: e.actorId, actorName: e.actorName, action: e.action, caseId: e.caseId, fileId: e.fileId, ip: e.ip, detail: e.detail });
    if (h !== e.hash) return { ok: false, broken: { seq: e.seq, reason: `entry ${e.seq} was altered (its content no longer matches its hash)` } };
    prevHash = e.hash;
    nextSeq++;
  }
  return { ok: true, nextSeq, prevHash };
}
