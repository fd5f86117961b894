import { stat } from 'node:fs/promises';
import { detectDiskImage, ImageUnreadableError, UnsupportedImageError, type DetectedImage } from '../adapters/sleuthkit/disk-image-detect.js';
import { ewfInfo, listVolumes, verifyImage, type ImageVerification, type VolumeLayout } from '../adapters/sleuthkit/sleuthkit.js';
import { ToolMissingError } from '../adapters/sleuthkit/tool-runner.js';
import type { EwfInfo } from '../adapters/sleuthkit/tsk-output.js';
import { walkDiskImage } from './disk-image-source.js';
import { singleFileEntry, walkFolder, type WalkEntry } from './folder-walker.js';

export type SourceKind = 'folder' | 'file' | 'disk-image';

/** A disk image opened as a source: what it is, its volumes, and how to verify it (see sleuthkit.ts). */
export interface DiskImageHandle {
  image: DetectedImage;
  layout: VolumeLayout;
  /** E01 acquisition metadata (examiner, case number, dates, stored hashes); null for other formats. */
  acquisition: EwfInfo | null;
  verify(): Promise<ImageVerification>;
}

export interface SourceInfo {
  kind: SourceKind;
  size: number | null;
  image?: DiskImageHandle;
  /**
   * The file is (or claims to be) a disk image that cannot be read: unsupported format (qcow2), corrupt or
   * truncated container, or a tool missing. The scan records the evidence item as failed with this message.
   */
  imageError?: { message: string; code: string };
}

/** Extensions that claim an image container; such a file without a readable container is a failure, not a plain file. */
const IMAGE_CLAIM = /\.(e0[1-9]|ex01|s01|l01|vmdk|vhd|vhdx|aff|afd|qcow2?)$/i;

/**
 * A source is a folder (walked), a disk image (detected by content, listed through The Sleuth Kit), or a single
 * file (itself the only top-level entry; archives open from there).
 */
export async function inspectSource(abs: string): Promise<SourceInfo> {
  const st = await stat(abs);
  if (st.isDirectory()) return { kind: 'folder', size: null };
  if (!st.isFile()) throw new Error('not a folder or a regular file (block devices: acquire an image first)');
  try {
    const image = await detectDiskImage(abs);
    if (image) {
      const layout = await listVolumes(image);
      const acquisition = image.format === 'ewf' ? await ewfInfo(image) : null;
      return { kind: 'disk-image', size: image.segmentBytes, image: { image, layout, acquisition, verify: () => verifyImage(image) } };
    }
  } catch (err) {
    if (err instanceof UnsupportedImageError || err instanceof ImageUnreadableError || err instanceof ToolMissingError) {
      return { kind: 'disk-image', size: st.size, imageError: { message: err.message, code: err.code } };
    }
    return { kind: 'disk-image', size: st.size, imageError: { message: `disk image cannot be read: ${(err as Error).message}`, code: 'EIMAGE_UNREADABLE' } };
  }
  if (IMAGE_CLAIM.test(abs)) {
    const what = st.size === 0 ? 'is empty (0 bytes)' : 'has no container signature The Sleuth Kit can open';
    return { kind: 'disk-image', size: st.size, imageError: { message: `named as a disk image (${abs.slice(abs.lastIndexOf('.'))}) but ${what}: corrupt, truncated or not an image`, code: 'EIMAGE_UNREADABLE' } };
  }
  return { kind: 'file', size: st.size };
}

export async function* walkSource(abs: string, kind: SourceKind, info?: SourceInfo): AsyncGenerator<WalkEntry> {
  if (kind === 'folder') yield* walkFolder(abs);
  else if (kind === 'disk-image') {
    if (!info?.image) throw new Error('disk image source without its handle');
    yield* walkDiskImage(info.image.image, info.image.layout);
  } else yield await singleFileEntry(abs);
}
