import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HashSetRepository } from '../db/repositories/hash-set.repository.js';
import type { HashSetRow } from '../db/schema.js';
import { EXACT_ALGORITHMS, DIGEST_BYTES, type ExactAlgorithm, type HashSetRole } from '../domain/hash-set.js';
import { ExactHashIndex, ExactHashIndexBuilder } from '../matching/exact-hash-index.js';
import { PdqIndex, PdqIndexBuilder } from '../matching/pdq-index.js';
import type { LoadedIndexes, MatchIndexSource, MatchLabel, PdqHit } from '../services/match.service.js';

/** Rows read per page from the database while building. */
const PAGE = 50_000;
const FORMAT = 1;

interface Manifest {
  format: number;
  /** The sets (id:generation) the indexes were built from; any import or removal changes it. */
  key: string;
  labels: MatchLabel[];
  entries: Partial<Record<ExactAlgorithm | 'pdq', number>>;
}

/**
 * The workspace's matching indexes, derived from the hash-set tables and cached as files under
 * `<workspace>/indexes/`: one sorted exact table per digest (MD5, SHA-1, SHA-256) and a multi-index for PDQ. They
 * are rebuilt only when the library changed (the manifest names every set and its generation), so matching a case
 * against 100 M known hashes does not re-read them from the database each time. Writes go to a fresh folder that
 * is renamed into place: a crash mid-build leaves the old indexes or none, never a mix.
 *
 * Payloads: every entry carries a label id (set + category + baseline); the PDQ index also gives back the set's hash
 * that was hit.
 */
export class MatchIndexStore implements MatchIndexSource {
  constructor(
    private readonly workspaceDir: string,
    private readonly sets: HashSetRepository,
  ) {}

  private get dir(): string {
    return join(this.workspaceDir, 'indexes');
  }

  async load(onProgress?: (message: string) => void): Promise<LoadedIndexes> {
    const sets = await this.sets.list();
    const key = sets.map((s) => `${s.id}:${s.generation}`).sort().join(',');
    const cached = this.readCache(key);
    if (cached) return cached;
    onProgress?.(`building match indexes over ${sets.length} hash set(s)`);
    return this.build(sets, key);
  }

  private readCache(key: string): LoadedIndexes | null {
    const manifestPath = join(this.dir, 'manifest.json');
    if (!existsSync(manifestPath)) return null;
    let manifest: Manifest;
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    } catch {
      return null;
    }
    if (manifest.format !== FORMAT || manifest.key !== key) return null;
    try {
      const exact: Partial<Record<ExactAlgorithm, ExactHashIndex>> = {};
      for (const alg of EXACT_ALGORITHMS) if (manifest.entries[alg]) exact[alg] = ExactHashIndex.readFileSync(join(this.dir, `${alg}.idx`));
      const pdq = manifest.entries.pdq ? PdqIndex.readFileSync(join(this.dir, 'pdq.idx')) : null;
      return loaded(manifest, exact, pdq);
    } catch {
      return null; // a damaged cache is rebuilt
    }
  }

  private async build(sets: HashSetRow[], key: string): Promise<LoadedIndexes> {
    const byId = new Map(sets.map((s) => [s.id, s]));
    const labels: MatchLabel[] = [];
    const labelIds = new Map<string, number>();
    const labelFor = (setId: string, category: string | null, entryBaseline: number | null): number => {
      const set = byId.get(setId)!;
      const baseline = set.baseline === 1 || entryBaseline === 1;
      const k = `${setId}\u0000${category ?? '\u0001'}\u0000${baseline ? 1 : 0}`;
      let id = labelIds.get(k);
      if (id === undefined) {
        id = labels.length;
        labels.push({ setId, setName: set.name, role: set.role as HashSetRole, profile: set.profile, category, baseline });
        labelIds.set(k, id);
      }
      return id;
    };

    const tmp = `${this.dir}.build-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const exact: Partial<Record<ExactAlgorithm, ExactHashIndex>> = {};
    const entries: Manifest['entries'] = {};
    for (const alg of EXACT_ALGORITHMS) {
      const b = new ExactHashIndexBuilder(DIGEST_BYTES[alg]);
      let after: { setId: string; hash: Buffer } | null = null;
      for (;;) {
        const rows = await this.sets.entriesPage(alg, after, PAGE);
        if (rows.length === 0) break;
        for (const r of rows) b.add(r.hash, labelFor(r.set_id, r.category, r.baseline));
        const last = rows[rows.length - 1]!;
        after = { setId: last.set_id, hash: last.hash };
      }
      if (b.size === 0) continue;
      const idx = b.build();
      idx.writeFileSync(join(tmp, `${alg}.idx`));
      exact[alg] = idx;
      entries[alg] = idx.size;
    }

    let pdq: PdqIndex | null = null;
    {
      const b = new PdqIndexBuilder();
      let after: { setId: string; hash: Buffer } | null = null;
      for (;;) {
        const rows = await this.sets.entriesPage('pdq', after, PAGE);
        if (rows.length === 0) break;
        for (const r of rows) b.add(r.hash, labelFor(r.set_id, r.category, r.baseline));
        const last = rows[rows.length - 1]!;
        after = { setId: last.set_id, hash: last.hash };
      }
      if (b.size > 0) {
        pdq = b.build();
        pdq.writeFileSync(join(tmp, 'pdq.idx'));
        entries.pdq = pdq.size;
      }
    }
    const manifest: Manifest = { format: FORMAT, key, labels, entries };
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest));
    const old = `${this.dir}.old-${process.pid}`;
    if (existsSync(this.dir)) renameSync(this.dir, old);
    renameSync(tmp, this.dir);
    rmSync(old, { recursive: true, force: true });
    return loaded(manifest, exact, pdq);
  }
}

function loaded(manifest: Manifest, exact: Partial<Record<ExactAlgorithm, ExactHashIndex>>, pdq: PdqIndex | null): LoadedIndexes {
  return {
    labels: manifest.labels,
    entries: manifest.entries,
    lookupExact(alg, digest) {
      return exact[alg]?.lookup(digest) ?? [];
    },
    queryPdq(hash, radius): PdqHit[] {
      if (!pdq) return [];
      return pdq.query(hash, radius).map((h) => ({ label: h.payload, hash: pdq.hashAt(h.index), distance: h.distance }));
    },
  };
}
