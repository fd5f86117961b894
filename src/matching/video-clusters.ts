/**
 * Near-duplicate videos: two videos are joined when, by HMA's vPDQ rule, one matches the other — at least
 * `queryMatchPercent` (default 80) of one video's unique usable frames (quality ≥ 50) lie within the radius of some
 * frame of the other. Groups are connected components (union-find), so a short clip cut from a long video joins it.
 *
 * Instead of comparing every pair of videos (V² × F² distance computations), all unique frames go into one PDQ
 * multi-index with the video's ordinal as payload, and each video's frames are queried once: per query frame the
 * set of videos it hits is counted, so the work is V × F queries. Exact: the index finds every frame within r ≤ 31.
 */
import { PdqIndexBuilder } from './pdq-index.js';

export interface VideoFrames {
  /** Frame hashes (64 hex) with their quality. */
  frames: readonly { hash: string; quality: number }[];
}

export interface VideoClusterOptions {
  radius?: number;
  qualityThreshold?: number;
  queryMatchPercent?: number;
}

/** Per video: the smallest video ordinal of its group when the group has ≥ 2 videos, else −1. */
export function clusterVideos(videos: readonly VideoFrames[], options: VideoClusterOptions = {}): Int32Array {
  const radius = options.radius ?? 31;
  const minQuality = options.qualityThreshold ?? 50;
  const percent = options.queryMatchPercent ?? 80;
  const unique = videos.map((v) => [...new Set(v.frames.filter((f) => f.quality >= minQuality).map((f) => f.hash.toLowerCase()))]);
  const b = new PdqIndexBuilder();
  unique.forEach((hashes, vi) => { for (const h of hashes) b.add(h, vi); });
  const parent = Int32Array.from(videos, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  if (b.size > 0) {
    const index = b.build();
    unique.forEach((hashes, vi) => {
      if (hashes.length === 0) return;
      const matched = new Map<number, number>();
      for (const h of hashes) {
        const hit = new Set<number>();
        for (const m of index.query(h, radius)) if (m.payload !== vi) hit.add(m.payload);
        for (const other of hit) matched.set(other, (matched.get(other) ?? 0) + 1);
      }
      for (const [other, n] of matched) {
        if (n * 100 < percent * hashes.length) continue;
        const ra = find(vi);
        const rb = find(other);
        if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    });
  }
  const size = new Map<number, number>();
  for (let i = 0; i < videos.length; i++) size.set(find(i), (size.get(find(i)) ?? 0) + 1);
  return Int32Array.from(videos, (_, i) => (size.get(find(i))! >= 2 ? find(i) : -1));
}
