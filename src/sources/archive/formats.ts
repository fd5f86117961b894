import { readAr } from './ar-reader.js';
import { readWithLibarchive } from './libarchive-reader.js';
import { pipeDecompressor, readGzip } from './single-stream-readers.js';
import { readTar } from './tar-reader.js';
import type { ArchiveInput, ArchiveMember } from './types.js';
import { readZip } from './zip-reader.js';

type Opener = (input: ArchiveInput, outerName: string, scratchDir: string) => AsyncGenerator<ArchiveMember>;

const bzip2 = pipeDecompressor('bzip2', ['.bz2', '.bzip2', '.bz']);
const xz = pipeDecompressor('xz', ['.xz', '.lzma']);
const libarchive = (format: string): Opener => (input, _name, scratch) => readWithLibarchive(input, format, scratch);

/**
 * Which reader opens which content type (detected from magic bytes, never from the name). Office Open XML,
 * OpenDocument and EPUB files are ZIP containers: they are opened too, because pictures hide inside documents.
 */
const OPENERS: Record<string, Opener> = {
  'application/zip': readZip,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': readZip,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': readZip,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': readZip,
  'application/vnd.oasis.opendocument.text': readZip,
  'application/vnd.oasis.opendocument.spreadsheet': readZip,
  'application/vnd.oasis.opendocument.presentation': readZip,
  'application/epub+zip': readZip,
  'application/x-tar': readTar,
  'application/gzip': readGzip,
  'application/x-bzip2': bzip2,
  'application/x-xz': xz,
  'application/x-7z-compressed': libarchive('7z'),
  'application/x-rar-compressed': libarchive('rar'),
  'application/vnd.rar': libarchive('rar'),
  'application/x-iso9660-image': libarchive('iso9660'),
  'application/x-cpio': libarchive('cpio'),
  'application/vnd.ms-cab-compressed': libarchive('cab'),
  'application/x-lzh-compressed': libarchive('lha'),
  'application/x-xar': libarchive('xar'),
  'application/x-unix-archive': readAr,
  'application/x-deb': readAr,
};

export function archiveOpener(mime: string | null): Opener | null {
  return mime ? (OPENERS[mime] ?? null) : null;
}

/** Archive formats we recognise but have no reader for on this platform: recorded as not opened, with why. */
const UNSUPPORTED: Record<string, string> = {
  'application/x-arj': 'ARJ', 'application/x-ace-compressed': 'ACE', 'application/x-apple-diskimage': 'Apple disk image',
  'application/x-ms-wim': 'WIM', 'application/x-vmdk': 'VMDK (scan disk images as evidence)',
};

export function unsupportedArchive(mime: string | null): string | null {
  return mime ? (UNSUPPORTED[mime] ?? null) : null;
}

export function isContainerMime(mime: string | null): boolean {
  return archiveOpener(mime) !== null;
}
