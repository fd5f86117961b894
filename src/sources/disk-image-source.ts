/**
 * A disk image as a source: every volume of its partition table (or the bare file system), and in each every name
 * The Sleuth Kit lists — allocated and deleted files, NTFS alternate data streams, directories, TSK's virtual files
 * ($MBR, $FAT1 …) — as walk entries whose content the workers stream from icat (nothing is extracted).
 *
 * Paths: `p1/dir/file` for the first partition (dfVFS's naming), `dir/file` for a bare file system. fls lists in a
 * fixed order, so a rerun after a crash sees the same paths; a path TSK lists twice (a deleted and a live file of
 * the same name) gets `;ADDR` appended to the second so that neither hides the other.
 *
 * Entries are depth 0: nesting depth counts containers (archives), and a disk image is the evidence item itself.
 */
import type { DetectedImage } from '../adapters/sleuthkit/disk-image-detect.js';
import { fiwalkFiles, streamFiwalk, type FiwalkByteRun } from '../adapters/sleuthkit/fiwalk.js';
import { fileRef, listFiles, type ImageVolume, type VolumeLayout } from '../adapters/sleuthkit/sleuthkit.js';
import type { FsNameType } from '../adapters/sleuthkit/tsk-output.js';
import type { ByteRun, ImageFileKey } from '../db/repositories/file.repository.js';
import type { EntryType } from '../domain/entry.js';
import type { WalkEntry } from './folder-walker.js';

function entryType(t: FsNameType): EntryType {
  switch (t) {
    case 'file': case 'virtual': return 'file';
    case 'directory': case 'virtual-dir': return 'directory';
    case 'symlink': return 'symlink';
    case 'fifo': return 'fifo';
    case 'socket': return 'socket';
    case 'char-device': return 'char-device';
    case 'block-device': return 'block-device';
    default: return 'unknown';
  }
}

const NOT_READ: Partial<Record<EntryType, string>> = {
  symlink: 'symbolic link: recorded, not followed',
  fifo: 'named pipe (fifo): special file, not read',
  socket: 'socket: special file, not read',
  'char-device': 'character device: special file, not read',
  'block-device': 'block device: special file, not read',
};

/** Walk the files of every scanned volume. A volume whose listing fails yields one error entry naming it. */
export async function* walkDiskImage(img: DetectedImage, layout: VolumeLayout): AsyncGenerator<WalkEntry> {
  for (const vol of layout.volumes) {
    if (vol.status !== 'scanned') continue;
    yield* walkVolume(img, vol);
  }
}

async function* walkVolume(img: DetectedImage, vol: ImageVolume): AsyncGenerator<WalkEntry> {
  let entries;
  try {
    entries = await listFiles(img, vol);
  } catch (err) {
    vol.status = 'failed';
    vol.note = (err as Error).message;
    return;
  }
  const seen = new Set<string>();
  for (const e of entries) {
    let rel = vol.label ? `${vol.label}/${e.path}` : e.path;
    if (seen.has(rel)) rel = `${rel};${e.addr}`;
    seen.add(rel);
    const type = entryType(e.type);
    // A deleted name whose metadata now belongs to another file (or is of unknown type) has no content of its own.
    let reason = NOT_READ[type] ?? null;
    let code = reason ? 'ESPECIAL' : null;
    if (type === 'unknown') {
      reason = e.deleted ? 'deleted name whose metadata no longer describes a file: nothing to recover' : 'unknown file type: not read';
      code = 'ESPECIAL';
    }
    yield {
      relPath: rel,
      absPath: '',
      entryType: type,
      size: type === 'file' ? e.size : null,
      times: { mtime: e.mtime, atime: e.atime, ctime: e.ctime, birthtime: e.crtime },
      depth: 0,
      error: reason,
      errorCode: code,
      image: { ref: fileRef(img, vol, e), volume: vol.label, fsType: vol.fsType, addr: e.addr, deleted: e.deleted, reallocated: e.reallocated },
    };
  }
}

/** Where byte-run matching reads our files and writes their runs (FileRepository, bound to one evidence item). */
export interface ByteRunStore {
  /** Top-level files at exactly these paths. */
  filesAt(paths: readonly string[]): Promise<ImageFileKey[]>;
  /** Top-level files whose path has `:` or `;`, in path order after `afterPath`, `limit` at a time. */
  filesSuffixed(afterPath: string, limit: number): Promise<ImageFileKey[]>;
  replace(items: readonly { fileId: string; runs: readonly ByteRun[] }[]): Promise<void>;
}

export interface ByteRunOutcome {
  /** File systems fiwalk walked. */
  volumes: number;
  /** Labels of our scanned volumes fiwalk did not walk (their files have no runs). */
  notWalked: string[];
  /** fiwalk fileobjects with data runs, and how many of them matched one or more of our files. */
  withRuns: number;
  matched: number;
  /** Our files that got runs (a hard-linked inode gives the same runs to every name), and the runs stored. */
  files: number;
  runs: number;
}

const RUN_BATCH = 500;
/** Names an exact lookup missed, kept for the final pass; past this many the rest stay without runs (counted). */
const MAX_PENDING = 100_000;

interface Candidate { path: string; inode: number; runs: ByteRun[] }

function toByteRun(r: FiwalkByteRun): ByteRun {
  return { file_offset: r.fileOffset, fs_offset: r.fsOffset, img_offset: r.imgOffset, len: r.len, uncompressed_len: r.uncompressedLen, fill: r.fill, type: r.type };
}

const inodeOf = (f: ImageFileKey): string | undefined => f.fs_addr?.split('-')[0];

/** The paths a suffixed name may extend: everything before a `:` or `;` in its last component. */
function basesOf(path: string): string[] {
  const out: string[] = [];
  for (let i = path.lastIndexOf('/') + 1; i < path.length; i++) if (path[i] === ':' || path[i] === ';') out.push(path.slice(0, i));
  return out;
}

/**
 * Byte runs of every file of the image, from one fiwalk pass, stored per file. A fiwalk fileobject is matched to
 * our files by (volume, inode): its volume offset names the volume, its filename the candidates, and only a
 * candidate with the same inode (fs_addr's first number) gets the runs. Candidates: our file at that path (one
 * indexed lookup per batch); failing that, in one final paged pass over our few names with `:` or `;`, the path
 * with `;ADDR` (a name fls lists twice) or else with `:name` (an NTFS file whose default attribute is a named
 * index or stream, `$ObjId:$O`). fiwalk walks the default data attribute only, so an alternate data stream
 * (`name:stream` beside a plain `name` of the same inode) gets none. Names fiwalk escapes (control characters as
 * \xNN; fls prints `^`) are looked up the fls way. `.`/`..` entries are skipped: they repeat their directory.
 */
export async function collectByteRuns(img: DetectedImage, layout: VolumeLayout, store: ByteRunStore, source: AsyncIterable<Buffer | string> | Iterable<Buffer | string> = streamFiwalk(img)): Promise<ByteRunOutcome> {
  const volumes = new Map<number, ImageVolume>();
  for (const v of layout.volumes) if (v.status !== 'skipped') volumes.set(v.startSector * layout.sectorSize, v);
  const outcome: ByteRunOutcome = { volumes: 0, notWalked: [], withRuns: 0, matched: 0, files: 0, runs: 0 };
  const give = async (pairs: readonly (readonly [Candidate, ImageFileKey[]])[]) => {
    const items: { fileId: string; runs: ByteRun[] }[] = [];
    const given = new Set<string>();
    for (const [c, targets] of pairs) {
      if (targets.length) outcome.matched++;
      for (const t of targets) {
        if (given.has(t.id)) continue; // two fiwalk names for one of our files: the same inode, the same runs
        given.add(t.id);
        items.push({ fileId: t.id, runs: c.runs });
        outcome.runs += c.runs.length;
      }
    }
    outcome.files += items.length;
    for (let i = 0; i < items.length; i += RUN_BATCH) await store.replace(items.slice(i, i + RUN_BATCH));
  };

  const pending = new Map<string, Candidate[]>();
  let pendingCount = 0;
  let batch: Candidate[] = [];
  const flush = async () => {
    const byPath = new Map((await store.filesAt(batch.map((b) => b.path))).map((f) => [f.path, f]));
    const hits: [Candidate, ImageFileKey[]][] = [];
    for (const b of batch) {
      const exact = byPath.get(b.path);
      if (exact && inodeOf(exact) === String(b.inode)) hits.push([b, [exact]]);
      else if (pendingCount < MAX_PENDING) {
        pending.set(b.path, [...(pending.get(b.path) ?? []), b]);
        pendingCount++;
      }
    }
    await give(hits);
    batch = [];
  };
  let walked: number[] = [];
  for await (const f of fiwalkFiles(source, (s) => { walked = s.volumeOffsets; })) {
    if (/(^|\/)\.\.?$/.test(f.filename)) continue;
    outcome.withRuns++;
    const vol = volumes.get(f.volumeOffset);
    if (!vol) continue;
    const name = f.filename.replace(/\\x[0-9A-Fa-f]{2}/g, '^');
    batch.push({ path: vol.label ? `${vol.label}/${name}` : name, inode: f.inode, runs: f.runs.map(toByteRun) });
    if (batch.length >= RUN_BATCH) await flush();
  }
  if (batch.length) await flush();

  // The names an exact lookup missed: one pass over our names with `:` / `;` (system files, duplicates, ADS).
  if (pending.size) {
    const suffixed = new Map<string, ImageFileKey[]>();
    for (let after = ''; ;) {
      const rows = await store.filesSuffixed(after, 2000);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.path;
      for (const r of rows) for (const base of basesOf(r.path)) if (pending.has(base)) suffixed.set(base, [...(suffixed.get(base) ?? []), r]);
    }
    const pairs: [Candidate, ImageFileKey[]][] = [];
    for (const [path, cands] of pending) {
      for (const c of cands) {
        const same = (suffixed.get(path) ?? []).filter((f) => inodeOf(f) === String(c.inode));
        const dup = same.filter((f) => f.path.startsWith(`${path};`) && !f.path.slice(path.length + 1).includes(':'));
        pairs.push([c, dup.length ? dup : same.filter((f) => f.path.startsWith(`${path}:`)).slice(0, 1)]);
      }
    }
    await give(pairs);
  }
  outcome.volumes = walked.length;
  outcome.notWalked = layout.volumes.filter((v) => v.status === 'scanned' && !walked.includes(v.startSector * layout.sectorSize)).map((v) => v.label || '(bare)');
  return outcome;
}
