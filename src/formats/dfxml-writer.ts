import type { ExportRecord } from './export-record.js';

/** Characters XML 1.0 can carry at all (production [2] Char); anything else (control characters, lone surrogates, U+FFFE/U+FFFF) cannot appear even escaped. */
const NON_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * XML 1.0 element text: escape markup, write CR as a character reference (a parser would otherwise turn a literal CR
 * into LF), and replace characters XML cannot carry (control characters in hostile file names) with U+FFFD.
 */
export function xmlText(s: string): string {
  return s
    .replace(NON_XML_CHAR, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');
}

/** XML 1.0 attribute value (double-quoted): as text, plus TAB/LF as character references so attribute normalisation keeps them. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

/** True when `s` has characters XML 1.0 cannot carry, so xmlText() would lose them. */
export function hasNonXmlChars(s: string): boolean {
  NON_XML_CHAR.lastIndex = 0;
  const found = NON_XML_CHAR.test(s);
  NON_XML_CHAR.lastIndex = 0;
  return found;
}

/**
 * Reversible ASCII-safe spelling of a string XML cannot carry: every non-XML character (all in the BMP: C0
 * controls, lone surrogates, U+FFFE/U+FFFF) becomes `\uXXXX`, and a backslash becomes `\\`; the rest is unchanged.
 */
export function escapeNonXml(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(NON_XML_CHAR, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

export interface DfxmlRunInfo {
  program: string;
  version: string;
  commandLine: string;
  startTime: string;
  caseName: string;
}

/** One evidence item (scanned folder, file or archive) of the case. */
export interface DfxmlSource {
  label: string;
  path: string;
}

export const DFXML_NS = 'http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML';
/** Winnow's own elements/attributes, where the DFXML schema leaves room for other namespaces (validated laxly). */
export const WINNOW_DFXML_NS = 'urn:winnow:dfxml-extensions:1';
/** The schema revision the output validates against (dfxml_schema dfxml.xsd, see test/fixtures/dfxml-schema/SOURCE.md). */
export const DFXML_VERSION = '2.0.0-beta.0';

/** xs:dateTime as libxml2 (XML Schema 1.0) accepts it: ISO text with a 4-digit year from 0001, which toISOString() gives for years 1-9999. */
const XSD_DATETIME = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const HEX = /^[0-9a-f]+$/;

/**
 * Digital Forensics XML, valid against the DFXML schema (dfxml_schema dfxml.xsd, version 2.0.0-beta.0):
 *
 *   <dfxml> metadata, creator, ONE <source> listing every evidence item as an <image_filename>, then one <volume>
 *   per evidence item (attributes winnow:evidence / winnow:source name it) holding that item's <fileobject>s,
 *   whose <filename> is relative to the evidence root, as DFXML defines it relative to the volume root.
 *
 * Archive members keep the `outer.zip!/inner` path notation in <filename>. The schema's <parent_object> can only hold
 * the parent directory's <inode>, which archive members (and the files Winnow records) do not have, so the member →
 * archive relation is written as a trailing <winnow:parent_id> giving the <id> of the archive's fileobject.
 * File names with characters XML cannot carry get U+FFFD in <filename> and their exact spelling, escaped, in the
 * attribute winnow:escaped (see escapeNonXml).
 *
 * Streaming: the writer remembers only the ids of archives of the current evidence item (to resolve parent_id).
 */
/** A partition / file system of a disk image, as a DFXML volume. */
export interface DfxmlPartition {
  label: string;
  /** Byte offset of the volume in the image. */
  offset: number;
  sectorSize: number;
  fsType: string | null;
}

/** One data run of a file (fiwalk's `<byte_run>` attributes; offsets and lengths in bytes). */
export interface DfxmlByteRun {
  file_offset: number;
  fs_offset: number | null;
  img_offset: number | null;
  len: number | null;
  uncompressed_len: number | null;
  fill: string | null;
  type: string | null;
}

/** `<byte_runs>` as DFXML (and fiwalk) write them: one `<byte_run>` per run, with the attributes the run has. */
export function byteRunsXml(runs: readonly DfxmlByteRun[], indent: string): string {
  const lines = [`${indent}<byte_runs>`];
  for (const r of runs) {
    let a = ` file_offset="${r.file_offset}"`;
    if (r.fs_offset !== null) a += ` fs_offset="${r.fs_offset}"`;
    if (r.img_offset !== null) a += ` img_offset="${r.img_offset}"`;
    if (r.len !== null) a += ` len="${r.len}"`;
    if (r.uncompressed_len !== null) a += ` uncompressed_len="${r.uncompressed_len}"`;
    if (r.fill !== null) a += ` fill="${xmlAttr(r.fill)}"`;
    if (r.type !== null) a += ` type="${xmlAttr(r.type)}"`;
    lines.push(`${indent}  <byte_run${a}/>`);
  }
  lines.push(`${indent}</byte_runs>`);
  return lines.join('\n');
}

export class DfxmlWriter {
  private nextId = 1;
  private volumeOpen = false;
  private currentEvidence: string | null = null;
  /** Archive path → fileobject id, for the current evidence item only. */
  private readonly archiveIds = new Map<string, number>();

  header(info: DfxmlRunInfo, sources: readonly DfxmlSource[]): string {
    const start = XSD_DATETIME.test(info.startTime) ? `      <start_time>${info.startTime}</start_time>\n` : '';
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<dfxml xmlns="${DFXML_NS}" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:winnow="${WINNOW_DFXML_NS}" version="${DFXML_VERSION}">\n` +
      `  <metadata>\n    <dc:type>File List</dc:type>\n    <dc:description>${xmlText(`Winnow case ${info.caseName}`)}</dc:description>\n  </metadata>\n` +
      `  <creator>\n    <program>${xmlText(info.program)}</program>\n    <version>${xmlText(info.version)}</version>\n` +
      `    <execution_environment>\n      <command_line>${xmlText(info.commandLine)}</command_line>\n${start}    </execution_environment>\n  </creator>\n` +
      `  <source>\n${sources.map((s) => `    <image_filename>${xmlText(s.path)}</image_filename>\n`).join('')}  </source>\n`
    );
  }

  /**
   * Start a <volume> (closing the previous one); its fileobjects follow. A folder or archive evidence item is one
   * volume; a disk image gives one per partition / file system, with its offset, sector size and file-system type
   * as TSK reported them (fiwalk's layout).
   */
  volume(source: DfxmlSource, partition?: DfxmlPartition): string {
    const close = this.closeVolume();
    this.currentEvidence = source.label;
    this.archiveIds.clear();
    this.volumeOpen = true;
    const p = partition;
    const part = p ? ` winnow:volume="${xmlAttr(p.label)}"` : '';
    const inner = p
      ? `    <partition_offset>${p.offset}</partition_offset>\n    <sector_size>${p.sectorSize}</sector_size>\n` +
        (p.fsType ? `    <ftype_str>${xmlText(p.fsType)}</ftype_str>\n` : '')
      : '';
    return `${close}  <volume winnow:evidence="${xmlAttr(source.label)}" winnow:source="${xmlAttr(source.path)}"${part}>\n${inner}`;
  }

  /** A file; `runs`: where its data lies in the disk image (written as <byte_runs> when there are any). */
  fileobject(r: ExportRecord, runs?: readonly DfxmlByteRun[]): string {
    if (!this.volumeOpen || r.evidence !== this.currentEvidence) {
      throw new Error(`DFXML: fileobject of evidence "${r.evidence}" outside its volume`);
    }
    const id = this.nextId++;
    if (r.archive !== null) this.archiveIds.set(r.path, id);
    const parentId = r.parent !== null ? this.archiveIds.get(r.parent) : undefined;
    const I = '      ';
    const lines: string[] = ['    <fileobject>'];
    // Element order is the schema's fileobject_type sequence.
    const escaped = hasNonXmlChars(r.path) ? ` winnow:escaped="${xmlAttr(escapeNonXml(r.path))}"` : '';
    lines.push(`${I}<filename${escaped}>${xmlText(r.path)}</filename>`);
    if (r.error) lines.push(`${I}<error>${xmlText(r.error)}</error>`);
    lines.push(`${I}<id>${id}</id>`);
    lines.push(`${I}<name_type>${nameType(r.entryType)}</name_type>`);
    if (r.size !== null) lines.push(`${I}<filesize>${r.size}</filesize>`);
    // Deleted files of a disk image: the name is unallocated (TSK recovered the content as far as it could).
    lines.push(`${I}<alloc>${r.image?.deleted ? 0 : 1}</alloc>`);
    const inode = r.image ? /^\d+/.exec(r.image.address)?.[0] : undefined;
    if (inode !== undefined) lines.push(`${I}<inode>${inode}</inode>`);
    lines.push(`${I}<meta_type>${metaType(r.entryType)}</meta_type>`);
    for (const [tag, v] of [['mtime', r.mtime], ['ctime', r.ctime], ['atime', r.atime], ['crtime', r.crtime]] as const) {
      if (v && XSD_DATETIME.test(v)) lines.push(`${I}<${tag}>${v}</${tag}>`);
    }
    if (runs && runs.length > 0) lines.push(byteRunsXml(runs, I));
    for (const [type, v] of [['md5', r.md5], ['sha1', r.sha1], ['sha256', r.sha256]] as const) {
      const hex = v?.toLowerCase();
      if (hex && HEX.test(hex)) lines.push(`${I}<hashdigest type="${type}">${hex}</hashdigest>`);
    }
    // Extension elements: the schema allows other namespaces only after the DFXML ones.
    if (parentId !== undefined) lines.push(`${I}<winnow:parent_id>${parentId}</winnow:parent_id>`);
    if (r.errorCode) lines.push(`${I}<winnow:error_code>${xmlText(r.errorCode)}</winnow:error_code>`);
    if (r.image) lines.push(`${I}<winnow:tsk_address>${xmlText(r.image.address)}</winnow:tsk_address>`);
    if (r.image?.recoveryNote) lines.push(`${I}<winnow:recovery_note>${xmlText(r.image.recoveryNote)}</winnow:recovery_note>`);
    lines.push('    </fileobject>');
    return lines.join('\n') + '\n';
  }

  footer(): string {
    return `${this.closeVolume()}</dfxml>\n`;
  }

  private closeVolume(): string {
    if (!this.volumeOpen) return '';
    this.volumeOpen = false;
    return '  </volume>\n';
  }
}

function nameType(t: string): string {
  switch (t) {
    case 'file': return 'r';
    case 'directory': return 'd';
    case 'symlink': return 'l';
    case 'fifo': return 'p';
    case 'socket': return 's';
    case 'char-device': return 'c';
    case 'block-device': return 'b';
    default: return '-';
  }
}

function metaType(t: string): number {
  // TSK_FS_META_TYPE: 0 undefined, 1 regular, 2 directory, 3 fifo, 4 char, 5 block, 6 symlink, 8 socket
  switch (t) {
    case 'file': return 1;
    case 'directory': return 2;
    case 'fifo': return 3;
    case 'char-device': return 4;
    case 'block-device': return 5;
    case 'symlink': return 6;
    case 'socket': return 8;
    default: return 0;
  }
}
