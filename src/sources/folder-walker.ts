import { lstat, opendir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, join } from 'node:path';
import type { ImageFileRef } from '../adapters/sleuthkit/sleuthkit.js';
import type { EntryTimes, EntryType } from '../domain/entry.js';
import { isoOrNull } from '../util/time.js';

/** One entry found on a live file system (a folder source or a single-file source). */
export interface WalkEntry {
  /** Path inside the evidence item, '/'-separated, relative to the source root. */
  relPath: string;
  absPath: string;
  entryType: EntryType;
  size: number | null;
  times: EntryTimes;
  /** Depth below the source root (0 for the root's own children or a single-file source). */
  depth: number;
  /** Set when the entry cannot be read (permission denied, special file, unreadable directory). */
  error: string | null;
  errorCode: string | null;
  /** Set for a file inside a disk image (see disk-image-source.ts): where it lives and what TSK said about it. */
  image?: ImageEntryInfo;
}

/** What a disk-image walk knows about one of its entries, beyond a live file system's. */
export interface ImageEntryInfo {
  ref: ImageFileRef;
  /** Volume label (`p1` …, '' for a bare file system). */
  volume: string;
  fsType: string | null;
  /** Inode / MFT address as TSK gives it (`32-128-6` for an NTFS stream). */
  addr: string;
  deleted: boolean;
  reallocated: boolean;
}

export function entryTypeOf(st: Stats): EntryType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'char-device';
  if (st.isBlockDevice()) return 'block-device';
  return 'unknown';
}

export function timesOf(st: Stats): EntryTimes {
  return {
    mtime: isoOrNull(st.mtime),
    atime: isoOrNull(st.atime),
    ctime: isoOrNull(st.ctime),
    birthtime: st.birthtimeMs > 0 ? isoOrNull(st.birthtime) : null,
  };
}

const NOT_READ: Partial<Record<EntryType, string>> = {
  symlink: 'symbolic link: recorded, not followed',
  fifo: 'named pipe (fifo): special file, not read',
  socket: 'socket: special file, not read',
  'char-device': 'character device: special file, not read',
  'block-device': 'block device: special file, not read (scan a disk image instead)',
  unknown: 'unknown file type: not read',
};

/**
 * Walk a folder lazily, depth first, in name order (so reruns see the same order). Only the directories still to be
 * visited are held in memory, never the whole listing. Nothing is followed through symbolic links, so link loops
 * cannot trap the walk; links, fifos, sockets and devices are recorded but never opened. The source is only read.
 */
export async function* walkFolder(root: string): AsyncGenerator<WalkEntry> {
  const stack: { abs: string; rel: string; depth: number }[] = [{ abs: root, rel: '', depth: 0 }];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = await readDirNames(dir.abs);
    } catch (err) {
      if (dir.rel === '') throw err; // the source root itself: the caller reports it
      yield errorEntry(dir.abs, dir.rel, 'directory', dir.depth - 1, err);
      continue;
    }
    const subdirs: { abs: string; rel: string; depth: number }[] = [];
    for (const name of names) {
      const abs = join(dir.abs, name);
      const rel = dir.rel === '' ? name : `${dir.rel}/${name}`;
      let st: Stats;
      try {
        st = await lstat(abs);
      } catch (err) {
        yield errorEntry(abs, rel, 'unknown', dir.depth, err); // vanished between readdir and lstat
        continue;
      }
      const type = entryTypeOf(st);
      if (type === 'directory') {
        subdirs.push({ abs, rel, depth: dir.depth + 1 });
        continue;
      }
      const reason = NOT_READ[type] ?? null;
      yield {
        relPath: rel,
        absPath: abs,
        entryType: type,
        size: type === 'file' ? st.size : null,
        times: timesOf(st),
        depth: dir.depth,
        error: reason,
        errorCode: reason ? 'ESPECIAL' : null,
      };
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}

/** A single-file source: the file itself is the only top-level entry. */
export async function singleFileEntry(abs: string): Promise<WalkEntry> {
  const st = await lstat(abs);
  const type = entryTypeOf(st);
  const reason = type === 'file' ? null : (NOT_READ[type] ?? 'not a regular file');
  return {
    relPath: basename(abs),
    absPath: abs,
    entryType: type,
    size: type === 'file' ? st.size : null,
    times: timesOf(st),
    depth: 0,
    error: reason,
    errorCode: reason ? 'ESPECIAL' : null,
  };
}

async function readDirNames(abs: string): Promise<string[]> {
  // opendir streams entries; names are sorted per directory for a stable order (one directory's names, not the tree).
  const names: string[] = [];
  const d = await opendir(abs, { bufferSize: 256 });
  for await (const ent of d) names.push(ent.name);
  names.sort();
  return names;
}

function errorEntry(abs: string, rel: string, type: EntryType, depth: number, err: unknown): WalkEntry {
  const e = err as NodeJS.ErrnoException;
  return {
    relPath: rel,
    absPath: abs,
    entryType: type,
    size: null,
    times: { mtime: null, atime: null, ctime: null, birthtime: null },
    depth: Math.max(0, depth),
    error: describeFsError(e),
    errorCode: e.code ?? 'EUNKNOWN',
  };
}

export function describeFsError(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'vanished: no longer exists (removed during the scan?)';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EIO':
      return 'I/O error reading the source (damaged media?)';
    default:
      return e.message;
  }
}
