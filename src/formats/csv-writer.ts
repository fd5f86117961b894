import type { ExportRecord } from './export-record.js';

export const CSV_COLUMNS = [
  'evidence', 'path', 'parent', 'entryType', 'size', 'mtime', 'atime', 'ctime', 'crtime', 'md5', 'sha1', 'sha256',
  'mimeType', 'detectedExtension', 'extensionMismatch', 'archiveStatus', 'archiveMembers', 'error', 'errorCode',
  'make', 'model', 'serial', 'internalSerial', 'lensSerial', 'dateTimeOriginal', 'software', 'width', 'height',
  'gpsLat', 'gpsLon', 'gpsAlt', 'pdq', 'pdqQuality', 'pdqMode', 'pdqUsable',
  'triage', 'ignorable', 'category', 'categoryProfile', 'baseline', 'matchedSets', 'cluster', 'clusterSize', 'priority', 'priorityRules',
] as const;

/** RFC 4180 quoting; cells starting with = + - @ are prefixed with ' so spreadsheets do not run them as formulas. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\r\n';
}

export function csvLine(r: ExportRecord): string {
  const e = r.exif;
  const cells: unknown[] = [
    r.evidence, r.path, r.parent, r.entryType, r.size, r.mtime, r.atime, r.ctime, r.crtime, r.md5, r.sha1, r.sha256,
    r.mimeType, r.detectedExtension, r.extensionMismatch, r.archive?.status, r.archive?.members, r.error, r.errorCode,
    e?.make, e?.model, e?.serial, e?.internalSerial, e?.lensSerial, e?.dateTimeOriginal, e?.software, e?.width, e?.height,
    e?.gps?.lat, e?.gps?.lon, e?.gps?.alt, r.pdq, r.pdqQuality, r.pdqMode, r.pdqUsable,
    r.triage, r.ignorable, r.category, r.categoryProfile, r.baseline,
    r.matches?.map((m) => `${m.set}:${m.algorithm}${m.algorithm === 'pdq' ? `@${m.distance}` : ''}`).join(';'),
    r.cluster, r.clusterSize, r.priority, r.priorityReasons?.map((x) => x.rule).join(';'),
  ];
  return cells.map(csvCell).join(',') + '\r\n';
}
