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
import { fileRef, listFiles, type ImageVolume, type VolumeLayout } from '../adapters/sleuthkit/sleuthkit.js';
import type { FsNameType } from '../adapters/sleuthkit/tsk-output.js';
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
