/**
 * Common loop of the "CSV with a header line" hash sets (NSRL RDS 2.x, HashKeeper, ICSE): the first non-blank
 * line is the header, columns are found by name (case, spaces, `_` and `-` ignored) so column order and extra
 * columns do not matter, and each data line becomes one record through the format's `toRecord`.
 *
 * A line identical to the header is skipped, not reported: NSRL RDS 2.x shipped NSRLFile.txt split over several
 * discs and the parts are concatenated header and all.
 */
import { headerKey, splitDelimited } from '../delimited-fields.js';
import { HashSetReadError, type HashSetRecord } from '../hash-set-record.js';
import { readLineBatches } from '../line-reader.js';
import type { ReadContext } from '../read-context.js';

export interface TableRow {
  location: string;
  /** Cell of the column whose header key (see `headerKey`) is one of `keys`; undefined if no such column. */
  get(...keys: string[]): string | undefined;
}

export interface HeaderTableSpec {
  /** Human name for messages ("NSRL RDS 2.x NSRLFile.txt"). */
  label: string;
  delimiter: string;
  /** Return why this header is wrong for the format, or null when it is fine. */
  checkHeader(keys: ReadonlySet<string>): string | null;
  /** Build the record, or report it through ctx and return null. */
  toRecord(row: TableRow, ctx: ReadContext): HashSetRecord | null;
}

export async function* readHeaderTable(ctx: ReadContext, spec: HeaderTableSpec): AsyncGenerator<HashSetRecord> {
  let headerText: string | null = null;
  let index: Map<string, number> | null = null;
  let width = 0;
  let cells: string[] = [];
  let location = '';
  const row: TableRow = {
    get location() {
      return location;
    },
    get(...keys: string[]) {
      for (const k of keys) {
        const i = index!.get(k);
        if (i !== undefined) return cells[i];
      }
      return undefined;
    },
  };

  for await (const batch of readLineBatches(ctx.path, ctx.maxLineBytes)) {
    for (const line of batch) {
      if (line.overlong !== undefined) {
        if (index === null) {
          throw new HashSetReadError(`${spec.label}: the header line is longer than ${ctx.maxLineBytes} bytes`, ctx.path);
        }
        ctx.overlong(line.lineNo, line.overlong);
        continue;
      }
      const text = line.text;
      if (text.trim() === '') continue;
      location = `line ${line.lineNo}`;
      if (index === null) {
        const header = splitDelimited(text, spec.delimiter);
        const keys = (header ?? []).map(headerKey);
        const why = header === null ? 'unbalanced quotes' : spec.checkHeader(new Set(keys));
        if (why !== null) {
          throw new HashSetReadError(`${spec.label}: unexpected header ${JSON.stringify(text.slice(0, 200))}: ${why}`, ctx.path);
        }
        headerText = text;
        width = keys.length;
        index = new Map();
        keys.forEach((k, i) => {
          if (!index!.has(k)) index!.set(k, i);
        });
        continue;
      }
      if (text === headerText) continue;
      const parsed = splitDelimited(text, spec.delimiter);
      if (parsed === null) {
        ctx.malformed(location, 'unbalanced quotes');
        continue;
      }
      if (parsed.length !== width) {
        ctx.malformed(location, `expected ${width} fields separated by "${spec.delimiter}", found ${parsed.length}`);
        continue;
      }
      cells = parsed;
      const rec = spec.toRecord(row, ctx);
      if (rec !== null) yield ctx.emit(rec);
    }
  }
  if (index === null) throw new HashSetReadError(`${spec.label}: the file is empty (no header line)`, ctx.path);
}
