/**
 * Streaming line splitter with a hard cap on line length, for the text hash-set formats.
 *
 * Why our own instead of `node:readline`: readline buffers a line until it sees a newline, so one 2 GB line (a
 * corrupt or hostile file with no newline) becomes a 2 GB string. Here lines are split on raw bytes; a line longer
 * than `maxBytes` is not kept: its bytes are counted and dropped chunk by chunk, and it comes out as an `overlong`
 * event with its line number so the reader can report it as malformed. Memory stays at one read chunk plus one
 * capped line.
 *
 * Lines are yielded in batches (one per read chunk) so that format readers loop synchronously over a batch and
 * the per-line cost is not an `await`. Line numbers are 1-based. `\n` and `\r\n` endings are accepted; a UTF-8
 * BOM at the start of the file is dropped. A line is decoded as UTF-8 when it is valid UTF-8 and as ISO-8859-1
 * otherwise (NSRL RDS 2.x and Windows tools write Latin-1 names; hashes are ASCII either way).
 */
import { isUtf8 } from 'node:buffer';
import { readChunks } from './file-chunks.js';

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export type LineEvent =
  | { lineNo: number; text: string; overlong?: undefined }
  | { lineNo: number; text?: undefined; overlong: number };

export async function* readLineBatches(path: string, maxBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<LineEvent[]> {
  let parts: Buffer[] = [];
  let partLen = 0;
  /** Bytes of the current line dropped so far (> 0 while skipping an overlong line). */
  let skipped = 0;
  let lineNo = 0;
  let first = true;

  const finish = (tail: Buffer, out: LineEvent[]): void => {
    lineNo++;
    if (skipped > 0 || partLen + tail.length > maxBytes) {
      out.push({ lineNo, overlong: skipped + partLen + tail.length });
    } else {
      let buf = partLen === 0 ? tail : Buffer.concat([...parts, tail]);
      if (first && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      let end = buf.length;
      if (end > 0 && buf[end - 1] === 0x0d) end--;
      const bytes = buf.subarray(0, end);
      out.push({ lineNo, text: bytes.toString(isUtf8(bytes) ? 'utf8' : 'latin1') });
    }
    first = false;
    parts = [];
    partLen = 0;
    skipped = 0;
  };

  for await (const chunk of readChunks(path)) {
    const out: LineEvent[] = [];
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, pos);
      if (nl === -1) {
        const rest = chunk.subarray(pos);
        if (skipped > 0) {
          skipped += rest.length;
        } else if (partLen + rest.length > maxBytes) {
          skipped = partLen + rest.length;
          parts = [];
          partLen = 0;
        } else if (rest.length > 0) {
          // Copy: keeping a subarray would pin the whole 64 KiB read buffer for a few bytes.
          parts.push(Buffer.from(rest));
          partLen += rest.length;
        }
        break;
      }
      finish(chunk.subarray(pos, nl), out);
      pos = nl + 1;
    }
    if (out.length > 0) yield out;
  }
  if (skipped > 0 || partLen > 0) {
    const out: LineEvent[] = [];
    finish(Buffer.alloc(0), out);
    yield out;
  }
}
