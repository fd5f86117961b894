import type { TriageRepository, MatchInputRow, TriageVerdict } from '../db/repositories/triage.repository.js';
import type { FileMatchRow } from '../db/schema.js';
import { EXACT_ALGORITHMS, TRIAGE_STATUSES, type ExactAlgorithm, type HashSetRole, type TriageStatus } from '../domain/hash-set.js';
import { PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY } from '../hashing/pdq.js';
import type { CaseService } from './case.service.js';
import { UserError } from './errors.js';
import { scorePriority } from './priority-rules.js';

/** What a hash in an index stands for: one set, with the category and baseline flag its entry carries. */
export interface MatchLabel {
  setId: string;
  setName: string;
  role: HashSetRole;
  profile: string | null;
  category: string | null;
  baseline: boolean;
}

export interface PdqHit {
  /** Label id (index into `labels`). */
  label: number;
  /** The set's hash that was matched (lowercase hex). */
  hash: string;
  distance: number;
}

/** The matching indexes of the workspace's hash sets, loaded (built or read from cache) by an adapter. */
export interface LoadedIndexes {
  labels: readonly MatchLabel[];
  entries: Partial<Record<ExactAlgorithm | 'pdq', number>>;
  /** Label ids for an exact digest. */
  lookupExact(algorithm: ExactAlgorithm, digest: Uint8Array): readonly number[];
  /** Set entries within `radius` of a PDQ hash. */
  queryPdq(hash: string, radius: number): readonly PdqHit[];
}

export interface MatchIndexSource {
  load(onProgress?: (message: string) => void): Promise<LoadedIndexes>;
}

/** Near-duplicate clustering of pictures: cluster id per input (−1 = no near-duplicate). */
export type PdqClusterer = (hashes: readonly string[], radius: number) => Int32Array;
/** Near-duplicate clustering of videos by the vPDQ rule: group id per video (−1 = none). */
export type VideoClusterer = (videos: readonly { frames: readonly { hash: string; quality: number }[] }[], radius: number) => Int32Array;

export interface Clusterers {
  pictures: PdqClusterer;
  videos: VideoClusterer;
}

type Frame = { frameIndex: number; timestampSec: number; hash: string; quality: number };

export interface MatchOptions {
  /** Re-match every file (after new sets were imported), not only files whose match stage is pending. */
  all?: boolean;
  /** PDQ distance for a match and for near-duplicate clusters (≤ 31). */
  radius?: number;
  /** Also cluster near-duplicates across every case of the workspace (a series seen in several seizures). */
  acrossCases?: boolean;
  now?: Date;
  onProgress?: (p: { phase: string; done: number }) => void;
}

export interface MatchSummary {
  files: number;
  matchedFiles: number;
  byStatus: Record<TriageStatus, number>;
  byCategory: { status: string; category: string | null; n: number }[];
  clusters: number;
  clusteredFiles: number;
  /** Workspace-wide clusters that span more than one case (null when not computed). */
  crossCaseClusters: number | null;
  prioritised: number;
}

const PAGE = 2000;
const STRENGTH: Record<HashSetRole, number> = { 'known-bad': 3, alert: 2, 'known-good': 1 };

/**
 * Matching and triage of a case: every file with digests is looked up in all hash sets (MD5, SHA-1, SHA-256 exactly,
 * PDQ within the radius); its matches are stored with set, kind, distance and category; the verdict is the strongest
 * role matched (known-bad > alert > known-good > unknown); a known-good-only file is ignorable. Then unknown usable
 * PDQ hashes are clustered (near-duplicates) and every unknown picture or video gets an explainable priority.
 * Idempotent: re-running replaces each file's matches and verdict; progress is the per-file `match` stage.
 */
export class MatchService {
  constructor(
    private readonly cases: CaseService,
    private readonly triage: TriageRepository,
    private readonly indexes: MatchIndexSource,
    private readonly clusterers: Clusterers,
  ) {}

  async matchCase(caseName: string, opts: MatchOptions = {}): Promise<MatchSummary> {
    const radius = opts.radius ?? PDQ_MATCH_DISTANCE;
    if (!Number.isInteger(radius) || radius < 0 || radius > PDQ_MATCH_DISTANCE) {
      throw new UserError(`PDQ radius must be an integer 0..${PDQ_MATCH_DISTANCE} (got ${radius})`);
    }
    const c = await this.cases.get(caseName);
    const idx = await this.indexes.load((m) => opts.onProgress?.({ phase: m, done: 0 }));

    let files = 0;
    let matchedFiles = 0;
    let after = '';
    for (;;) {
      const rows = await this.triage.matchInputsPage(c.id, after, PAGE, !opts.all);
      if (rows.length === 0) break;
      const frames = await this.triage.videoFrames(rows.filter((r) => (r.video_frames ?? 0) > 0).map((r) => r.id));
      const verdicts = rows.map((r) => verdictFor(r, idx, radius, frames.get(r.id)));
      await this.triage.saveVerdicts(verdicts);
      files += rows.length;
      matchedFiles += verdicts.filter((v) => v.matches.length > 0).length;
      opts.onProgress?.({ phase: 'match', done: files });
      // Pending-only pages shrink as they are processed, but ids only grow: keyset on id works for both modes.
      after = rows[rows.length - 1]!.id;
    }

    const { clusters, clusteredFiles } = await this.clusterCase(c.id, radius);
    opts.onProgress?.({ phase: 'cluster', done: clusteredFiles });
    const crossCaseClusters = opts.acrossCases ? await this.clusterWorkspace(radius) : null;
    const prioritised = await this.prioritise(c.id, opts.now ?? new Date());
    opts.onProgress?.({ phase: 'priority', done: prioritised });

    const byCategory = await this.triage.statusCounts(c.id);
    const byStatus = Object.fromEntries(TRIAGE_STATUSES.map((s) => [s, 0])) as Record<TriageStatus, number>;
    for (const r of byCategory) if (r.status in byStatus) byStatus[r.status as TriageStatus] += r.n;
    return { files, matchedFiles, byStatus, byCategory, clusters, clusteredFiles, crossCaseClusters, prioritised };
  }

  /**
   * Near-duplicate clusters over the case's files that are still unknown (known material is already dealt with):
   * pictures by their usable PDQ hashes, videos by the vPDQ rule. Cluster ids are the smallest file id of the
   * cluster, so they are stable across reruns.
   */
  private async clusterCase(caseId: string, radius: number): Promise<{ clusters: number; clusteredFiles: number }> {
    const ids: string[] = [];
    const hashes: string[] = [];
    let after = '';
    for (;;) {
      const rows = await this.triage.clusterInputsPage(caseId, after, 10_000);
      if (rows.length === 0) break;
      for (const r of rows) {
        ids.push(r.id);
        hashes.push(r.hash);
      }
      after = rows[rows.length - 1]!.id;
    }
    const pictureGroups = groups(ids, hashes.length > 1 ? this.clusterers.pictures(hashes, radius) : new Int32Array(hashes.length).fill(-1));
    const videoIds = await this.triage.unknownVideoIds(caseId);
    const frames = await this.triage.videoFrames(videoIds);
    const videoGroups = groups(videoIds, videoIds.length > 1 ? this.clusterers.videos(videoIds.map((id) => ({ frames: frames.get(id) ?? [] })), radius) : new Int32Array(videoIds.length).fill(-1));
    const out: { fileId: string; clusterId: string; size: number }[] = [];
    for (const list of [...pictureGroups, ...videoGroups]) {
      if (list.length < 2) continue;
      const clusterId = list.reduce((a, b) => (a < b ? a : b));
      for (const fileId of list) out.push({ fileId, clusterId, size: list.length });
    }
    await this.triage.saveClusters(caseId, out);
    return { clusters: new Set(out.map((o) => o.clusterId)).size, clusteredFiles: out.length };
  }

  /**
   * Near-duplicate pictures across every case of the workspace (unknown, usable PDQ). Each file in a cluster of ≥ 2
   * gets the workspace cluster id (smallest file id) and the number of cases the cluster spans. Returns the number
   * of clusters spanning more than one case.
   */
  private async clusterWorkspace(radius: number): Promise<number> {
    const ids: string[] = [];
    const hashes: string[] = [];
    const caseOf: string[] = [];
    let after = '';
    for (;;) {
      const rows = await this.triage.workspaceClusterInputsPage(after, 10_000);
      if (rows.length === 0) break;
      for (const r of rows) {
        ids.push(r.id);
        hashes.push(r.hash);
        caseOf.push(r.case_id);
      }
      after = rows[rows.length - 1]!.id;
    }
    const assignment = hashes.length > 1 ? this.clusterers.pictures(hashes, radius) : new Int32Array(hashes.length).fill(-1);
    const position = new Map(ids.map((id, i) => [id, i]));
    const out: { fileId: string; clusterId: string; cases: number }[] = [];
    let spanning = 0;
    for (const list of groups(ids, assignment)) {
      if (list.length < 2) continue;
      const cases = new Set(list.map((id) => caseOf[position.get(id)!]!)).size;
      if (cases > 1) spanning++;
      const clusterId = list.reduce((a, b) => (a < b ? a : b));
      for (const fileId of list) out.push({ fileId, clusterId, cases });
    }
    await this.triage.saveWorkspaceClusters(out);
    return spanning;
  }

  private async prioritise(caseId: string, now: Date): Promise<number> {
    const serials = await this.triage.serialCounts(caseId);
    let after = '';
    let scored = 0;
    for (;;) {
      const rows = await this.triage.priorityFactsPage(caseId, after, PAGE);
      if (rows.length === 0) break;
      const updates = rows.map((r) => {
        const s = scorePriority(
          {
            status: r.status, mime: r.mime_type, clusterSize: r.cluster_size, clusterCases: r.workspace_cluster_cases, make: r.make, model: r.model, bodySerial: r.body_serial,
            software: r.software, dateTimeOriginal: r.date_time_original, hasGps: r.gps_lat !== null && r.gps_lon !== null,
            serialSeen: r.body_serial ? serials.get(r.body_serial) ?? 1 : 0,
          },
          now,
        );
        if (s) scored++;
        return { fileId: r.id, priority: s?.score ?? null, reasons: s ? JSON.stringify(s.reasons) : null };
      });
      await this.triage.savePriorities(updates);
      after = rows[rows.length - 1]!.id;
    }
    return scored;
  }
}

/** Members per group id (ids < 0 = no group). */
function groups(ids: readonly string[], assignment: Int32Array): string[][] {
  const members = new Map<number, string[]>();
  assignment.forEach((cid, i) => {
    if (cid < 0) return;
    const list = members.get(cid) ?? [];
    list.push(ids[i]!);
    members.set(cid, list);
  });
  return [...members.values()];
}

/** vPDQ share (HMA's rule) of a video's unique usable frames that must match a set for the video to match it. */
export const VPDQ_MATCH_PERCENT = 80;

/**
 * A video against the PDQ entries of every set: per set, the share of the video's unique frames with quality ≥ 50
 * that lie within the radius of one of the set's hashes; the video matches the set at ≥ 80 % (HMA's vPDQ rule).
 */
function videoMatches(frames: readonly Frame[], idx: LoadedIndexes, radius: number): { label: number; percent: number; distance: number; hash: string }[] {
  const unique = [...new Set(frames.filter((f) => f.quality >= PDQ_MIN_QUALITY).map((f) => f.hash))];
  if (unique.length === 0) return [];
  const perLabel = new Map<number, { n: number; distance: number; hash: string }>();
  for (const h of unique) {
    const best = new Map<number, { distance: number; hash: string }>();
    for (const hit of idx.queryPdq(h, radius)) {
      const b = best.get(hit.label);
      if (!b || hit.distance < b.distance) best.set(hit.label, { distance: hit.distance, hash: hit.hash });
    }
    for (const [label, b] of best) {
      const acc = perLabel.get(label) ?? { n: 0, distance: 0, hash: b.hash };
      acc.n++;
      acc.distance = Math.max(acc.distance, b.distance);
      perLabel.set(label, acc);
    }
  }
  return [...perLabel]
    .filter(([, a]) => a.n * 100 >= VPDQ_MATCH_PERCENT * unique.length)
    .map(([label, a]) => ({ label, percent: Math.round((a.n * 1000) / unique.length) / 10, distance: a.distance, hash: a.hash }));
}

/** Look a file up in every index and decide its verdict. Pure (indexes are in memory). */
export function verdictFor(r: MatchInputRow, idx: LoadedIndexes, radius: number, frames?: readonly Frame[]): TriageVerdict {
  const matches = new Map<string, Omit<FileMatchRow, 'file_id'>>();
  const labelsHit: { label: MatchLabel; exact: boolean }[] = [];
  const digests: Record<ExactAlgorithm, Buffer | null> = { md5: r.md5, sha1: r.sha1, sha256: r.sha256 };
  for (const alg of EXACT_ALGORITHMS) {
    const d = digests[alg];
    if (!d) continue;
    for (const l of idx.lookupExact(alg, d)) {
      const label = idx.labels[l]!;
      labelsHit.push({ label, exact: true });
      matches.set(`${label.setId}/${alg}`, {
        set_id: label.setId, algorithm: alg, distance: 0, match_percent: null, category: label.category, baseline: label.baseline ? 1 : 0, matched_hash: d.toString('hex'),
      });
    }
  }
  if (r.pdq_hash && r.pdq_usable === 1) {
    for (const hit of idx.queryPdq(r.pdq_hash, radius)) {
      const label = idx.labels[hit.label]!;
      labelsHit.push({ label, exact: false });
      const key = `${label.setId}/pdq`;
      const prev = matches.get(key);
      if (!prev || hit.distance < prev.distance) {
        matches.set(key, { set_id: label.setId, algorithm: 'pdq', distance: hit.distance, match_percent: null, category: label.category, baseline: label.baseline ? 1 : 0, matched_hash: hit.hash });
      }
    }
  }
  if (frames && frames.length > 0) {
    for (const m of videoMatches(frames, idx, radius)) {
      const label = idx.labels[m.label]!;
      labelsHit.push({ label, exact: false });
      const key = `${label.setId}/vpdq`;
      const prev = matches.get(key);
      if (!prev || (prev.match_percent ?? 0) < m.percent) {
        matches.set(key, { set_id: label.setId, algorithm: 'vpdq', distance: m.distance, match_percent: m.percent, category: label.category, baseline: label.baseline ? 1 : 0, matched_hash: m.hash });
      }
    }
  }
  let status: TriageStatus = 'unknown';
  for (const { label } of labelsHit) if (status === 'unknown' || STRENGTH[label.role] > STRENGTH[status as HashSetRole]) status = label.role;
  // The category shown is taken from a set of the winning role: exact matches before PDQ ones, baseline first,
  // then set name (stable). Every match keeps its own category and profile in file_match.
  const candidates = labelsHit
    .filter((h) => h.label.role === status && h.label.category !== null)
    .sort((a, b) => Number(b.exact) - Number(a.exact) || Number(b.label.baseline) - Number(a.label.baseline) || a.label.setName.localeCompare(b.label.setName));
  const chosen = candidates[0]?.label ?? null;
  return {
    fileId: r.id,
    status,
    ignorable: status === 'known-good',
    category: chosen?.category ?? null,
    categoryProfile: chosen?.profile ?? null,
    baseline: labelsHit.some((h) => h.label.role === 'known-bad' && h.label.baseline),
    matches: [...matches.values()],
  };
}
