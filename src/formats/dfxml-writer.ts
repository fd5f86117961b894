import type { ExportRecord } from './export-record.js';

/** XML 1.0 text: escape markup and drop characters XML cannot carry (control characters in hostile file names). */
export function xmlText(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export interface DfxmlRunInfo {
  program: string;
  version: string;
  commandLine: string;
  startTime: string;
  caseName: string;
}

const NS = 'http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML';

/**
 * Digital Forensics XML (DFXML 1.2.0 schema): one <fileobject> per file or archive member. Archive members keep
 * the `outer.zip!/inner` path notation in <filename>, and carry <parent_object> pointing at their archive.
 */
export class DfxmlWriter {
  private currentSource: string | null = null;
  private nextId = 1;
  private readonly ids = new Map<string, number>();

  header(info: DfxmlRunInfo): string {
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<dfxml xmlns="${NS}" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.2.0">\n` +
      `  <metadata>\n    <dc:type>File List</dc:type>\n    <dc:description>${xmlText(`Winnow case ${info.caseName}`)}</dc:description>\n  </metadata>\n` +
      `  <creator version="1.0">\n    <program>${xmlText(info.program)}</program>\n    <version>${xmlText(info.version)}</version>\n` +
      `    <execution_environment>\n      <command_line>${xmlText(info.commandLine)}</command_line>\n      <start_time>${info.startTime}</start_time>\n    </execution_environment>\n  </creator>\n`
    );
  }

  /** Opening of a new evidence item's section; DFXML names its source image/folder. */
  source(label: string, sourcePath: string): string {
    this.currentSource = label;
    return `  <source>\n    <image_filename>${xmlText(sourcePath)}</image_filename>\n  </source>\n`;
  }

  fileobject(r: ExportRecord): string {
    const id = this.nextId++;
    const key = `${r.evidence}\0${r.path}`;
    this.ids.set(key, id);
    const lines: string[] = ['  <fileobject>'];
    if (r.parent !== null) {
      const pid = this.ids.get(`${r.evidence}\0${r.parent}`);
      if (pid !== undefined) lines.push(`    <parent_object>\n      <id>${pid}</id>\n    </parent_object>`);
    }
    lines.push(`    <filename>${xmlText(r.path)}</filename>`);
    if (r.error) lines.push(`    <error>${xmlText(r.error)}</error>`);
    lines.push(`    <id>${id}</id>`);
    lines.push(`    <name_type>${nameType(r.entryType)}</name_type>`);
    if (r.size !== null) lines.push(`    <filesize>${r.size}</filesize>`);
    lines.push(`    <alloc>1</alloc>`);
    lines.push(`    <meta_type>${metaType(r.entryType)}</meta_type>`);
    for (const [tag, v] of [['mtime', r.mtime], ['ctime', r.ctime], ['atime', r.atime], ['crtime', r.crtime]] as const) {
      if (v) lines.push(`    <${tag}>${v}</${tag}>`);
    }
    if (r.md5) lines.push(`    <hashdigest type="md5">${r.md5}</hashdigest>`);
    if (r.sha1) lines.push(`    <hashdigest type="sha1">${r.sha1}</hashdigest>`);
    if (r.sha256) lines.push(`    <hashdigest type="sha256">${r.sha256}</hashdigest>`);
    lines.push('  </fileobject>');
    return lines.join('\n') + '\n';
  }

  footer(): string {
    return `</dfxml>\n`;
  }

}

function nameType(t: string): string {
  switch (t) {
    case 'directory': return 'd';
    case 'symlink': return 'l';
    case 'fifo': return 'p';
    case 'socket': return 's';
    case 'char-device': return 'c';
    case 'block-device': return 'b';
    default: return 'r';
  }
}

function metaType(t: string): number {
  // TSK_FS_META_TYPE: 1 regular, 2 directory, 3 fifo, 4 char, 5 block, 6 symlink, 8 socket
  switch (t) {
    case 'directory': return 2;
    case 'fifo': return 3;
    case 'char-device': return 4;
    case 'block-device': return 5;
    case 'symlink': return 6;
    case 'socket': return 8;
    default: return 1;
  }
}
