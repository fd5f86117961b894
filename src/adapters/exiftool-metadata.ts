import { ExifTool } from 'exiftool-vendored';
import type { MediaInfo } from '../domain/entry.js';

/** Tags we read; asking for them by name keeps exiftool fast. `-n`: numbers, GPS as signed decimal degrees. */
const TAGS = [
  'Make', 'Model', 'SerialNumber', 'InternalSerialNumber', 'BodySerialNumber', 'CameraSerialNumber', 'LensSerialNumber',
  'DateTimeOriginal', 'GPSLatitude', 'GPSLongitude', 'GPSAltitude', 'Software', 'Orientation', 'ImageWidth', 'ImageHeight',
];
// -G: keys are "Group:Tag", so the same tag from EXIF, maker notes, XMP and ExifTool's Composite tags can be told
// apart (ExifTool ≥13 adds a Composite DateTimeOriginal with sub-seconds and offset; we keep the recorded value).
const READ_ARGS = ['-fast', '-n', '-G', ...TAGS.map((t) => `-${t}`)];

/** Where a tag is read from first; Composite only where it is the better answer (signed GPS). */
const PRIORITY = ['EXIF', 'MakerNotes', 'XMP', 'QuickTime', 'PNG', 'File', 'IPTC', 'Composite'];
const GPS_PRIORITY = ['Composite', 'EXIF', 'XMP', 'QuickTime'];

/** The value of `tag` from the first group in `order` that has it (any other group last). */
function pick(t: RawTags, tag: string, order: readonly string[] = PRIORITY): unknown {
  for (const g of order) {
    const v = t[`${g}:${tag}`];
    if (v !== undefined && str(v) !== null) return v;
  }
  for (const [k, v] of Object.entries(t)) {
    if (k.endsWith(`:${tag}`) && !k.startsWith('Composite:') && str(v) !== null) return v;
  }
  return undefined;
}

type RawTags = Record<string, unknown>;

function str(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  const s = String(v).replace(/\0+$/g, '').trim();
  return s === '' ? null : s;
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function int(v: unknown): number | null {
  const n = num(v);
  return n === null ? null : Math.round(n);
}

/** Map exiftool's tags onto our model. Camera body serials come under several names depending on the maker. */
export function mediaInfoFromTags(t: RawTags): MediaInfo {
  const lat = num(pick(t, 'GPSLatitude', GPS_PRIORITY));
  const lon = num(pick(t, 'GPSLongitude', GPS_PRIORITY));
  const hasGps = lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  const error = str(t['ExifTool:Error']);
  return {
    width: int(pick(t, 'ImageWidth', ['File', 'EXIF', 'PNG', 'QuickTime'])),
    height: int(pick(t, 'ImageHeight', ['File', 'EXIF', 'PNG', 'QuickTime'])),
    make: str(pick(t, 'Make')),
    model: str(pick(t, 'Model')),
    bodySerial: str(pick(t, 'SerialNumber')) ?? str(pick(t, 'BodySerialNumber')) ?? str(pick(t, 'CameraSerialNumber')),
    internalSerial: str(pick(t, 'InternalSerialNumber')),
    lensSerial: str(pick(t, 'LensSerialNumber')),
    dateTimeOriginal: str(pick(t, 'DateTimeOriginal')),
    gpsLat: hasGps ? lat : null,
    gpsLon: hasGps ? lon : null,
    gpsAlt: hasGps ? num(pick(t, 'GPSAltitude', GPS_PRIORITY)) : null,
    software: str(pick(t, 'Software')),
    orientation: int(pick(t, 'Orientation')),
    error,
  };
}

/**
 * Camera metadata through ExifTool (the reference tool of the field; it also decodes maker notes, where most
 * body serial numbers live). One long-lived `-stay_open` process per reader, so the per-file cost is a few ms.
 */
export class ExifToolMetadataReader {
  private readonly exiftool: ExifTool;

  constructor(opts: { maxProcs?: number; taskTimeoutMillis?: number } = {}) {
    this.exiftool = new ExifTool({
      maxProcs: opts.maxProcs ?? 1,
      taskTimeoutMillis: opts.taskTimeoutMillis ?? 30_000,
      minDelayBetweenSpawnMillis: 0,
    });
  }

  async read(path: string): Promise<MediaInfo> {
    const tags = (await this.exiftool.readRaw(path, { readArgs: READ_ARGS, useMWG: false })) as unknown as RawTags;
    return mediaInfoFromTags(tags);
  }

  async close(): Promise<void> {
    await this.exiftool.end();
  }
}
