/**
 * The Sleuth Kit and libewf behind one interface: volumes (mmls + fsstat), file listings (fls), file content
 * (icat, streamed), image content (img_cat, streamed, for hashing non-EWF images), E01 acquisition metadata
 * (ewfinfo) and E01 verification (ewfverify). A real, trusted forensic engine rather than home-made file-system
 * parsers: TSK knows FAT, NTFS (with alternate data streams), ext2/3/4, HFS+, ISO9660, exFAT, UFS and recovers
 * deleted entries the way investigators' other tools (Autopsy) do, so our answers can be compared with theirs.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { DetectedImage } from './disk-image-detect.js';
import { fileSystemType } from './disk-image-detect.js';
import { runTool, runToolOk, streamTool } from './tool-runner.js';
import { parseEwfinfo, parseEwfverify, parseFls, parseMmls, type EwfInfo, type FlsEntry } from './tsk-output.js';

/** One volume of an image: a partition, a region that is not one (unallocated, tables), or the bare file system. */
export interface ImageVolume {
  /** Path prefix of its files: `p1`, `p2` … in partition-table order (as dfVFS names them); '' for a bare file system. */
  label: string;
  /** mmls slot (`000:001`), `Meta`, `-------`, or null for a bare file system. */
  slot: string | null;
  startSector: number;
  lengthSectors: number | null;
  description: string;
  /** TSK file-system type (`ntfs`, `fat16`, `ext2` …) when one was found. */
  fsType: string | null;
  /** scanned: its files are listed; skipped: not a file system (unallocated space, tables, containers); failed: a partition whose file system TSK could not open. */
  status: 'scanned' | 'skipped' | 'failed';
  note: string | null;
}

export interface VolumeLayout {
  scheme: string | null;
  sectorSize: number;
  volumes: ImageVolume[];
}

/** Where one file's content lives: everything icat needs, cloneable to a worker thread. */
export interface ImageFileRef {
  tskType: string;
  tskArgs: string[];
  offsetSectors: number;
  fsType: string | null;
  addr: string;
  /** Recover a deleted file (icat -r). */
  deleted: boolean;
}

/** Volumes of the image: every partition of the table (DOS incl. extended, GPT …), or the bare file system. */
export async function listVolumes(img: DetectedImage): Promise<VolumeLayout> {
  if (!img.hasVolumeSystem) {
    const fs = await fileSystemType(img.tskType, img.tskArgs, 0);
    return {
      scheme: null,
      sectorSize: 512,
      volumes: [{ label: '', slot: null, startSector: 0, lengthSectors: null, description: 'file system (no partition table)', fsType: fs, status: fs ? 'scanned' : 'failed', note: fs ? null : 'no file system The Sleuth Kit knows' }],
    };
  }
  const mm = parseMmls(await runToolOk('mmls', ['-i', img.tskType, ...img.tskArgs], { timeoutMs: 60_000, maxOutput: 16 * 1024 * 1024 }));
  const volumes: ImageVolume[] = [];
  let k = 0;
  for (const row of mm.rows) {
    if (row.kind === 'partition') {
      k++;
      const fs = await fileSystemType(img.tskType, img.tskArgs, row.startSector);
      volumes.push({
        label: `p${k}`, slot: row.slot, startSector: row.startSector, lengthSectors: row.lengthSectors, description: row.description,
        fsType: fs, status: fs ? 'scanned' : 'failed',
        note: fs ? null : 'The Sleuth Kit cannot determine the file system (unknown, encrypted, damaged, or more than one file system in the partition)',
      });
    } else {
      volumes.push({
        label: '', slot: row.slot, startSector: row.startSector, lengthSectors: row.lengthSectors, description: row.description, fsType: null,
        status: 'skipped',
        note: row.kind === 'unallocated' ? 'unallocated space: not carved in this version (recorded as skipped)' : 'partition-table structure',
      });
    }
  }
  return { scheme: mm.scheme, sectorSize: mm.sectorSize, volumes };
}

/** Every name in a file system, allocated and deleted, recursively, with full paths (`fls -r -p -l`). */
export async function listFiles(img: DetectedImage, vol: ImageVolume): Promise<FlsEntry[]> {
  const args = ['-r', '-p', '-l', '-z', 'UTC', '-i', img.tskType, '-o', String(vol.startSector)];
  if (vol.fsType) args.push('-f', vol.fsType);
  const r = await runTool('fls', [...args, ...img.tskArgs], { timeoutMs: 30 * 60_000 });
  const entries = parseFls(r.stdout);
  if (r.code !== 0 && entries.length === 0) throw new Error(`fls failed (exit ${r.code}): ${r.stderr.trim().split('\n')[0] ?? ''}`);
  return entries;
}

export function fileRef(img: DetectedImage, vol: ImageVolume, e: FlsEntry): ImageFileRef {
  return { tskType: img.tskType, tskArgs: img.tskArgs, offsetSectors: vol.startSector, fsType: vol.fsType, addr: e.addr, deleted: e.deleted };
}

/** A file's content, streamed from icat (nothing is extracted to disk). */
export function openFileContent(ref: ImageFileRef): Readable {
  const args = ['-i', ref.tskType, '-o', String(ref.offsetSectors)];
  if (ref.fsType) args.push('-f', ref.fsType);
  if (ref.deleted) args.push('-r');
  return streamTool('icat', [...args, ...ref.tskArgs, ref.addr]);
}

export async function ewfInfo(img: DetectedImage): Promise<EwfInfo> {
  return parseEwfinfo(await runToolOk('ewfinfo', [img.tskArgs[0]!], { timeoutMs: 60_000, maxOutput: 1024 * 1024 }));
}

export interface ImageVerification {
  /** verified: recomputed hash equals the stored one; mismatch: it does not (or the container reports corrupt data); computed: no stored hash to compare with; failed: could not be read to the end. */
  status: 'verified' | 'mismatch' | 'computed' | 'failed';
  storedMd5: string | null;
  storedSha1: string | null;
  computedMd5: string | null;
  computedSha1: string | null;
  detail: string;
}

/**
 * Recompute the image's hash. E01: ewfverify (checks every chunk's checksum and the stored MD5/SHA-1). Raw and split
 * raw: MD5 + SHA-1 of the concatenated segments. VHD/VMDK/AFF: of the media data TSK reads (img_cat).
 */
export async function verifyImage(img: DetectedImage): Promise<ImageVerification> {
  if (img.format === 'ewf') {
    const r = await runTool('ewfverify', ['-q', '-d', 'sha1', img.tskArgs[0]!], { timeoutMs: 6 * 3600_000, maxOutput: 4 * 1024 * 1024 });
    const v = parseEwfverify(r.stdout + '\n' + r.stderr);
    const md5Mismatch = v.storedMd5 !== null && v.computedMd5 !== null && v.storedMd5 !== v.computedMd5;
    const sha1Mismatch = v.storedSha1 !== null && v.computedSha1 !== null && v.storedSha1 !== v.computedSha1;
    let status: ImageVerification['status'];
    if (v.success && v.storedMd5) status = 'verified';
    else if (v.success) status = 'computed';
    else if (md5Mismatch || sha1Mismatch || v.computedMd5) status = 'mismatch';
    else status = 'failed';
    const detail = status === 'verified' ? 'ewfverify: SUCCESS, stored MD5 reproduced'
      : status === 'computed' ? 'ewfverify: SUCCESS, but the image stores no MD5 to compare with'
      : `ewfverify: FAILURE${md5Mismatch ? ` (stored MD5 ${v.storedMd5}, recomputed ${v.computedMd5})` : ''}${v.problems.length ? `: ${v.problems.slice(0, 3).join('; ')}` : ''}`;
    return { status, storedMd5: v.storedMd5, storedSha1: v.storedSha1, computedMd5: v.computedMd5, computedSha1: v.computedSha1, detail };
  }
  const md5 = createHash('md5');
  const sha1 = createHash('sha1');
  try {
    if (img.tskType === 'raw') {
      for (const seg of img.segments) for await (const c of createReadStream(seg, { highWaterMark: 1 << 20 })) { md5.update(c as Buffer); sha1.update(c as Buffer); }
    } else {
      for await (const c of streamTool('img_cat', ['-i', img.tskType, ...img.tskArgs])) { md5.update(c as Buffer); sha1.update(c as Buffer); }
    }
  } catch (err) {
    return { status: 'failed', storedMd5: null, storedSha1: null, computedMd5: null, computedSha1: null, detail: `image could not be read to the end: ${(err as Error).message}` };
  }
  return {
    status: 'computed', storedMd5: null, storedSha1: null, computedMd5: md5.digest('hex'), computedSha1: sha1.digest('hex'),
    detail: `${img.format}: no stored acquisition hash in this format; MD5/SHA-1 of the media data recorded`,
  };
}
