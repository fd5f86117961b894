import { fileTypeFromBuffer } from 'file-type';
import type { TypeInfo } from '../domain/entry.js';

/** Extensions that legitimately carry a detected type besides file-type's canonical one. */
const ALIASES: Record<string, readonly string[]> = {
  jpg: ['jpg', 'jpeg', 'jpe', 'jfif', 'jif'],
  tif: ['tif', 'tiff'],
  heic: ['heic', 'heif', 'hif'],
  mp4: ['mp4', 'm4v', 'm4a', 'mp4v'],
  mov: ['mov', 'qt'],
  'tar.gz': ['tgz', 'taz'],
  gz: ['gz', 'tgz', 'gzip', 'emz', 'svgz'],
  bz2: ['bz2', 'tbz', 'tbz2', 'bzip2'],
  xz: ['xz', 'txz'],
  zip: ['zip', 'jar', 'apk', 'ipa', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub', 'kmz', 'cbz', 'whl', 'xpi', 'aar'],
  docx: ['docx', 'docm', 'dotx'],
  xlsx: ['xlsx', 'xlsm', 'xltx'],
  pptx: ['pptx', 'pptm', 'potx'],
  cfb: ['doc', 'xls', 'ppt', 'msg', 'msi', 'cfb', 'db', 'ole', 'pub', 'vsd'],
  ar: ['ar', 'a', 'deb', 'lib'],
  mpg: ['mpg', 'mpeg', 'vob', 'm2v', 'mpe'],
  mkv: ['mkv', 'mka', 'mks'],
  mp3: ['mp3', 'mpga'],
  html: ['html', 'htm', 'xhtml'],
  xml: ['xml', 'svg', 'plist', 'dfxml', 'kml', 'gpx', 'xsd', 'xsl', 'rss', 'atom', 'config', 'csproj'],
  ogg: ['ogg', 'oga', 'ogv', 'opus', 'ogx'],
  m4a: ['m4a', 'm4b', 'mp4', 'aac'],
  '3gp': ['3gp', '3gpp', '3g2'],
  iso: ['iso', 'img', 'udf'],
  ico: ['ico', 'cur'],
  txt: ['txt', 'text', 'log', 'md', 'csv', 'tsv', 'json', 'xml', 'html', 'htm', 'ini', 'cfg', 'conf', 'js', 'ts', 'py', 'c', 'h', 'cpp', 'cs', 'java', 'sh', 'rst', 'yml', 'yaml', 'css', 'sql', 'out', 'srt', 'vtt', 'eml', 'svg', 'tex', 'rtf', 'bat', 'ps1', 'reg', 'inf', 'url', 'desktop'],
};

/**
 * Extensions whose formats have a signature: if one of these names carries content with no signature at all
 * (or another one), the extension is lying.
 */
const SIGNED_EXTENSIONS = new Set([
  'jpg', 'jpeg', 'jpe', 'jfif', 'png', 'gif', 'bmp', 'tif', 'tiff', 'webp', 'heic', 'heif', 'avif', 'jxl',
  'mp4', 'm4v', 'mov', 'avi', 'mkv', 'webm', 'wmv', 'flv', '3gp', 'mpg', 'mpeg',
  'zip', 'rar', '7z', 'gz', 'tgz', 'bz2', 'xz', 'tar', 'pdf', 'docx', 'xlsx', 'pptx', 'doc', 'xls', 'ppt',
  'exe', 'dll', 'psd', 'mp3', 'flac', 'wav', 'ogg', 'sqlite', 'db', 'E01', 'e01',
]);

const TEXT_SAMPLE = 8192;

/** Content is plausibly text: no NUL bytes and valid UTF-8 (allowing a sequence cut at the sample's end). */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  const sample = head.subarray(0, TEXT_SAMPLE);
  if (sample.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.length === TEXT_SAMPLE ? sample.subarray(0, TEXT_SAMPLE - 4) : sample);
    return true;
  } catch {
    return false;
  }
}

/** ISO 9660 volume descriptor "CD001" at sector 16 (file-type does not look that far). */
function isIso9660(head: Uint8Array): boolean {
  const at = 32769;
  return head.length >= at + 5 && Buffer.from(head.buffer, head.byteOffset + at, 5).toString('latin1') === 'CD001';
}

export function extensionOf(name: string): string | null {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || dot === base.length - 1) return null;
  return base.slice(dot + 1).toLowerCase();
}

/** Whether a file named with extension `ext` may hold content whose canonical extension is `detected`. */
function extensionAccepts(ext: string, detected: string): boolean {
  if (ext === detected) return true;
  // compound types ('tar.gz'): the name's last extension must fit the outer layer ('gz', 'tgz')
  if (detected.includes('.')) return extensionAccepts(ext, detected.slice(detected.lastIndexOf('.') + 1)) || (ALIASES[detected] ?? []).includes(ext);
  return (ALIASES[detected] ?? []).includes(ext);
}

/**
 * Identify content by its magic bytes (the `file-type` package) from the first bytes of a file, falling back to a
 * text heuristic, and compare with the name's extension.
 */
export async function detectContentType(head: Uint8Array, name: string): Promise<TypeInfo> {
  const ext = extensionOf(name);
  let found: { mime: string; ext: string } | undefined;
  try {
    found = await fileTypeFromBuffer(head);
  } catch {
    found = undefined; // a malformed container header is "unknown", never a crash
  }
  if (!found && isIso9660(head)) found = { mime: 'application/x-iso9660-image', ext: 'iso' };
  if (found) {
    return { mime: found.mime, ext: found.ext, mismatch: ext !== null && !extensionAccepts(ext, found.ext) };
  }
  if (head.length === 0) {
    return { mime: 'application/x-empty', ext: null, mismatch: false };
  }
  if (looksLikeText(head)) {
    return { mime: 'text/plain', ext: 'txt', mismatch: ext !== null && SIGNED_EXTENSIONS.has(ext) };
  }
  return { mime: null, ext: null, mismatch: ext !== null && SIGNED_EXTENSIONS.has(ext) };
}

const ARCHIVE_MIMES = new Set([
  'application/zip', 'application/x-tar', 'application/gzip', 'application/x-bzip2', 'application/x-xz',
  'application/x-7z-compressed', 'application/x-rar-compressed', 'application/vnd.rar', 'application/x-iso9660-image',
  'application/x-unix-archive', 'application/x-deb', 'application/x-cpio', 'application/x-lzh-compressed',
  'application/vnd.ms-cab-compressed',
]);

export function isArchiveMime(mime: string | null): boolean {
  return mime !== null && ARCHIVE_MIMES.has(mime);
}

export function isImageMime(mime: string | null): boolean {
  return mime !== null && mime.startsWith('image/');
}

export function isVideoMime(mime: string | null): boolean {
  return mime !== null && mime.startsWith('video/');
}

/**
 * Cheap completeness check from the last bytes of an image: a JPEG must still contain its end-of-image marker,
 * a PNG its IEND chunk, a GIF its trailer. Catches truncated files (interrupted downloads, carved fragments)
 * without decoding. Data after the marker (maker trailers) is allowed.
 */
export function truncatedImageReason(mime: string | null, tail: Uint8Array): string | null {
  const t = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength);
  switch (mime) {
    case 'image/jpeg':
      return t.includes(Buffer.from([0xff, 0xd9])) ? null : 'truncated image: JPEG end-of-image marker (FFD9) missing';
    case 'image/png':
      return t.includes(Buffer.from('IEND', 'latin1')) ? null : 'truncated image: PNG IEND chunk missing';
    case 'image/gif':
      return t.length > 0 && t.includes(0x3b) ? null : 'truncated image: GIF trailer missing';
    default:
      return null;
  }
}
