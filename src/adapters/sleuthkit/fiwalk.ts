/**
 * Byte runs (where each file's data lies in the image) from fiwalk, the DFXML walker Debian's sleuthkit ships.
 *
 * Why fiwalk: it walks every partition and every file of an image in one pass and prints each file's data runs
 * as DFXML `<byte_run>`s, as TSK's own file walk reports them. `-g` (address-only walk, TSK_FS_FILE_WALK_FLAG_AONLY)
 * and `-z` (no MD5/SHA-1) make it read no file content, so a pass costs metadata reads only; `-x` prints the XML
 * to stdout. Without `-g -z` it would hash every file again; `-b` suppresses the runs altogether.
 *
 * The output is stream-parsed (a multi-GB DFXML is never held in memory): the parser keeps the current volume's
 * offset and the current fileobject (its name, inode and runs) only.
 */
import type { Readable } from 'node:stream';
import { XmlTokenizer } from '../../hashsets/xml-tokenizer.js';
import type { DetectedImage } from './disk-image-detect.js';
import { streamTool } from './tool-runner.js';

/** One `<byte_run>` as fiwalk prints it (TSK 4.11 content.cpp): every attribute it may carry. */
export interface FiwalkByteRun {
  fileOffset: number;
  /** Bytes from the start of the file system; null for sparse / compressed runs without a location. */
  fsOffset: number | null;
  /** Bytes from the start of the image (partition offset included). */
  imgOffset: number | null;
  /** Length in bytes; null for compressed runs, which give uncompressedLen instead. */
  len: number | null;
  uncompressedLen: number | null;
  /** Sparse run: the byte value it reads as (fiwalk writes fill='0'). */
  fill: string | null;
  /** `resident` (data inside the NTFS MFT entry), or null. */
  type: string | null;
}

/** One fiwalk `<fileobject>` that has data runs. */
export interface FiwalkFile {
  /** `<volume offset=…>`: byte offset of its file system in the image. */
  volumeOffset: number;
  /** Path inside the file system as fiwalk names it (no leading slash). */
  filename: string;
  inode: number;
  runs: FiwalkByteRun[];
}

/** What a walk found besides the files: the file systems it opened (byte offsets) and how many fileobjects it printed. */
export interface FiwalkSummary {
  volumeOffsets: number[];
  fileobjects: number;
}

const MAX_TEXT = 64 * 1024;
const num = (v: string | undefined): number | null => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);

/**
 * Push-parser over fiwalk's DFXML: feed text chunks, get the completed fileobjects that have byte runs. The
 * inode-facet `<byte_runs facet='inode'>` of newer fiwalks (where the metadata entry lies) is not file data and is
 * ignored, as are `<parent_object>`'s inode and everything else.
 */
export class FiwalkParser {
  private readonly tok = new XmlTokenizer();
  private readonly stack: string[] = [];
  private volumeOffset: number | null = null;
  private file: { filename: string; inode: number | null; runs: FiwalkByteRun[] } | null = null;
  private text = '';
  private inDataRuns = false;
  readonly summary: FiwalkSummary = { volumeOffsets: [], fileobjects: 0 };

  push(chunk: string): FiwalkFile[] {
    return this.handle(this.tok.push(chunk));
  }

  end(): FiwalkFile[] {
    const out = this.handle(this.tok.end());
    if (this.stack.length > 0) throw new Error(`fiwalk output ends inside <${this.stack[this.stack.length - 1]}> (truncated)`);
    return out;
  }

  private handle(events: ReturnType<XmlTokenizer['push']>): FiwalkFile[] {
    const out: FiwalkFile[] = [];
    for (const ev of events) {
      if (ev.type === 'text') {
        // Only short texts matter (filename, inode); a huge one (libmagic output of some fiwalk) is not kept whole.
        if (this.text.length < MAX_TEXT) this.text += ev.text;
        continue;
      }
      if (ev.type === 'open') {
        this.text = '';
        const parent = this.stack[this.stack.length - 1];
        if (ev.name === 'volume') {
          this.volumeOffset = num(ev.attrs.offset) ?? 0;
          this.summary.volumeOffsets.push(this.volumeOffset);
        } else if (ev.name === 'fileobject' && this.volumeOffset !== null) {
          this.file = { filename: '', inode: null, runs: [] };
          this.summary.fileobjects++;
        } else if (ev.name === 'byte_runs' && parent === 'fileobject') {
          this.inDataRuns = ev.attrs.facet === undefined || ev.attrs.facet === 'data';
        } else if (ev.name === 'byte_run' && this.inDataRuns && this.file && parent === 'byte_runs') {
          const a = ev.attrs;
          this.file.runs.push({
            fileOffset: num(a.file_offset) ?? 0, fsOffset: num(a.fs_offset), imgOffset: num(a.img_offset), len: num(a.len),
            uncompressedLen: num(a.uncompressed_len), fill: a.fill ?? null, type: a.type ?? null,
          });
        }
        if (!ev.selfClosing) this.stack.push(ev.name);
        continue;
      }
      const name = this.stack.pop();
      if (name !== ev.name) throw new Error(`fiwalk output: </${ev.name}> closes <${name ?? '(nothing)'}>`);
      const parent = this.stack[this.stack.length - 1];
      if (this.file && parent === 'fileobject') {
        if (name === 'filename') this.file.filename = this.text;
        else if (name === 'inode') this.file.inode = num(this.text.trim());
      }
      if (name === 'byte_runs') this.inDataRuns = false;
      else if (name === 'fileobject' && this.file) {
        const f = this.file;
        this.file = null;
        if (f.runs.length > 0 && f.inode !== null && this.volumeOffset !== null) out.push({ volumeOffset: this.volumeOffset, filename: f.filename, inode: f.inode, runs: f.runs });
      } else if (name === 'volume') this.volumeOffset = null;
      this.text = '';
    }
    return out;
  }
}

/** fiwalk's stdout for an image: every file system of every partition, address-only (no content read). */
export function streamFiwalk(img: DetectedImage): Readable {
  // fiwalk opens the image type itself (raw, split raw, E01 via libewf, VHD, VMDK, AFF); it takes the segments as
  // arguments. Deadline: 30 min without output (as fls's), since TSK's orphan-file search reads a whole FAT file
  // system before it prints the orphans.
  return streamTool('fiwalk', ['-x', '-g', '-z', ...img.tskArgs], 30 * 60_000);
}

/**
 * Every file of the image that has data runs, parsed as fiwalk streams them. `summary` is complete once the
 * iteration ends; a walk that opened no file system throws (fiwalk itself exits 0 then).
 */
export async function* fiwalkFiles(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, summary?: (s: FiwalkSummary) => void): AsyncGenerator<FiwalkFile> {
  const p = new FiwalkParser();
  const dec = new TextDecoder('utf-8');
  for await (const chunk of source) {
    yield* p.push(typeof chunk === 'string' ? chunk : dec.decode(chunk, { stream: true }));
  }
  yield* p.push(dec.decode());
  yield* p.end();
  summary?.(p.summary);
  if (p.summary.volumeOffsets.length === 0) throw new Error('fiwalk found no file system it can walk in this image');
}
