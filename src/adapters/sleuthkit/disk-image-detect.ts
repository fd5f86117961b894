/**
 * Is a file a disk image, and of which container format? Decided by content, never by extension:
 *
 * - container signatures we read ourselves (EWF `EVF\t\r\n\xff\0`, VHD `conectix` footer/header, VMDK `KDMV` or a
 *   descriptor, AFF `AFF10\r\n\0`, and the ones TSK cannot open here: qcow `QFI\xfb`, VHDX, EWF2, AFF4-as-zip is
 *   left to the archive readers);
 * - a raw image (dd, or the first of a split .000/.001 set) is only called one when The Sleuth Kit itself finds a
 *   partition table (mmls) or a file system (fsstat) in it, after a cheap signature pre-check (boot-sector 0x55AA,
 *   GPT, ext/HFS+/ISO9660 superblocks) so that ordinary files never cost a tool run.
 *
 * Split raw sets: the given file must end in a number (`.000`, `.001`, `.002`…); the following numbers present
 * beside it are its segments, in order.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { runTool } from './tool-runner.js';

export type ImageFormat = 'raw' | 'split-raw' | 'ewf' | 'vhd' | 'vmdk' | 'aff' | 'iso9660';

export interface DetectedImage {
  format: ImageFormat;
  /** TSK's -i image type. */
  tskType: 'raw' | 'ewf' | 'vhd' | 'vmdk' | 'afflib';
  /** Files to name on TSK command lines (EWF: the first segment, libewf finds the others). */
  tskArgs: string[];
  /** Every file that makes up the image (all segments), for the record and for hashing raw sets. */
  segments: string[];
  /** Total bytes of the segment files. */
  segmentBytes: number;
  /** Partition-table scheme (`DOS Partition Table` …) or null for a bare file system. */
  hasVolumeSystem: boolean;
}

/** A file that is a disk image in a format Winnow cannot read: scanning it fails with this message. */
export class UnsupportedImageError extends Error {
  readonly code = 'EIMAGE_UNSUPPORTED';
}

const EWF = Buffer.from('EVF\x09\x0d\x0a\xff\x00', 'latin1');
const EWF2 = Buffer.from('EVF2\x0d\x0a\x81\x00', 'latin1');
const QCOW = Buffer.from('QFI\xfb', 'latin1');
const AFF = Buffer.from('AFF10\r\n\0', 'latin1');

async function readAt(path: string, pos: number, len: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(len);
    const { bytesRead } = await fh.read(buf, 0, len, pos);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Signatures of a raw volume or disk: worth asking TSK. */
function looksRaw(head: Buffer): boolean {
  if (head.length >= 512 && head[510] === 0x55 && head[511] === 0xaa) return true; // MBR or FAT/NTFS/exFAT boot sector
  if (head.subarray(512, 520).toString('latin1') === 'EFI PART') return true;
  if (head.length >= 1082 && head[1080] === 0x53 && head[1081] === 0xef) return true; // ext2/3/4
  const hfs = head.subarray(1024, 1026).toString('latin1');
  if (hfs === 'H+' || hfs === 'HX') return true;
  if (head.subarray(32769, 32774).toString('latin1') === 'CD001') return true; // ISO9660 primary volume descriptor
  return false;
}

/** Segments of a split raw set, starting at `first` (…/disk.001 → disk.001, disk.002 … while they exist). */
async function splitSegments(first: string): Promise<string[]> {
  const m = /^(.*\.)(\d{2,4})$/.exec(basename(first));
  if (!m) return [first];
  const dir = dirname(first);
  const names = new Set(await readdir(dir));
  const out = [first];
  const width = m[2]!.length;
  for (let n = Number(m[2]) + 1; ; n++) {
    const name = `${m[1]}${String(n).padStart(width, '0')}`;
    if (!names.has(name)) break;
    out.push(join(dir, name));
  }
  return out;
}

async function sizes(paths: string[]): Promise<number> {
  let n = 0;
  for (const p of paths) n += (await stat(p)).size;
  return n;
}

/** Does TSK see a partition table in the image? */
export async function hasPartitionTable(tskType: string, args: string[]): Promise<boolean> {
  const r = await runTool('mmls', ['-i', tskType, ...args], { timeoutMs: 60_000, maxOutput: 4 * 1024 * 1024 });
  return r.code === 0 && /^\d+:/m.test(r.stdout);
}

/** The file-system type TSK detects at `offsetSectors`, or null. */
export async function fileSystemType(tskType: string, args: string[], offsetSectors = 0): Promise<string | null> {
  const r = await runTool('fsstat', ['-t', '-i', tskType, '-o', String(offsetSectors), ...args], { timeoutMs: 60_000, maxOutput: 64 * 1024 });
  return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

/**
 * Detect a disk image by content. Returns null when the file is not one (an ordinary file or archive), throws
 * UnsupportedImageError for an image format Debian's TSK cannot read, and a ToolMissingError naming the Debian
 * package when a tool is needed but absent.
 */
export async function detectDiskImage(path: string): Promise<DetectedImage | null> {
  const st = await stat(path);
  if (st.size === 0) return null;
  const head = await readAt(path, 0, 40 * 1024);
  const sig = (b: Buffer) => head.subarray(0, b.length).equals(b);
  if (sig(QCOW)) throw new UnsupportedImageError('QEMU qcow/qcow2 image: not readable by the Debian build of The Sleuth Kit; convert it first (qemu-img convert -O raw IMAGE out.raw) and scan the raw image');
  if (sig(EWF2)) throw new UnsupportedImageError('EWF2 (Ex01) image: not readable by the installed libewf; convert it to E01 first (ewfexport)');
  if (head.subarray(0, 8).toString('latin1') === 'vhdxfile') throw new UnsupportedImageError('VHDX image: not readable by the Debian build of The Sleuth Kit (VHD is); convert it first (qemu-img convert -O raw)');

  let image: Omit<DetectedImage, 'hasVolumeSystem' | 'segmentBytes'> | null = null;
  if (sig(EWF)) {
    // libewf finds the other segments (E02…) itself; we list them for the record.
    const base = path.replace(/\.[Ee]01$/, '');
    const segs = base === path ? [path] : await ewfSegments(path);
    image = { format: 'ewf', tskType: 'ewf', tskArgs: [path], segments: segs };
  } else if (sig(AFF)) {
    image = { format: 'aff', tskType: 'afflib', tskArgs: [path], segments: [path] };
  } else if (head.subarray(0, 4).toString('latin1') === 'KDMV' || head.subarray(0, 21).toString('latin1') === '# Disk DescriptorFile') {
    image = { format: 'vmdk', tskType: 'vmdk', tskArgs: [path], segments: [path] };
  } else if (head.subarray(0, 8).toString('latin1') === 'conectix' || (st.size >= 512 && (await readAt(path, st.size - 512, 8)).toString('latin1') === 'conectix')) {
    image = { format: 'vhd', tskType: 'vhd', tskArgs: [path], segments: [path] };
  } else if (looksRaw(head)) {
    const segs = await splitSegments(path);
    image = { format: segs.length > 1 ? 'split-raw' : 'raw', tskType: 'raw', tskArgs: segs, segments: segs };
  }
  if (!image) return null;

  const table = await hasPartitionTable(image.tskType, image.tskArgs);
  let fs: string | null = null;
  if (!table) {
    fs = await fileSystemType(image.tskType, image.tskArgs, 0);
    if (!fs) {
      if (image.tskType === 'raw') return null; // signature by chance (a file with 0x55AA at 510): not an image
      throw new ImageUnreadableError(await describeOpenFailure(image.tskType, image.tskArgs, image.format));
    }
    if (fs.startsWith('iso9660') && image.format === 'raw') image.format = 'iso9660';
  }
  return { ...image, segmentBytes: await sizes(image.segments), hasVolumeSystem: table };
}

/** A disk image whose container or contents TSK cannot open (corrupt, truncated, encrypted). */
export class ImageUnreadableError extends Error {
  readonly code = 'EIMAGE_UNREADABLE';
}

async function describeOpenFailure(tskType: string, args: string[], format: string): Promise<string> {
  const r = await runTool('img_stat', ['-i', tskType, ...args], { timeoutMs: 60_000, maxOutput: 1024 * 1024 });
  if (r.code !== 0) return `${format} image cannot be opened (corrupt or truncated?): ${r.stderr.trim().split('\n')[0] ?? 'img_stat failed'}`;
  return `${format} image opens, but neither a partition table nor a file system that The Sleuth Kit knows was found in it (encrypted, wiped or corrupt?)`;
}

async function ewfSegments(first: string): Promise<string[]> {
  const dir = dirname(first);
  const stem = basename(first).slice(0, -3);
  const names = new Set(await readdir(dir));
  const out = [first];
  const upper = /E01$/.test(first);
  for (let n = 2; n < 100; n++) {
    const name = `${stem}${upper ? 'E' : 'e'}${String(n).padStart(2, '0')}`;
    if (!names.has(name)) break;
    out.push(join(dir, name));
  }
  return out;
}
