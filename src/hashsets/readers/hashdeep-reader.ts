/**
 * hashdeep / md5deep `-c` files (jessek/hashdeep FILEFORMAT, `make_banner`):
 *
 *   %%%% HASHDEEP-1.0
 *   %%%% size,md5,sha256,filename
 *   ## comment lines
 *   61,83ce…,dc76…,./IMG_0001.JPG
 *
 * The second header line is the column spec: `size` first, `filename` last, hashes between (md5, sha1/sha-1,
 * sha256/sha-256, tiger, whirlpool). Values are never quoted and extra commas belong to the file name, so a line
 * is split into (columns - 1) fields plus the rest. Tiger and Whirlpool are read past but not kept (we do not
 * match on them; noted once in `info.notes`). A new `%%%% HASHDEEP` block (concatenated files) restarts the spec.
 */
import { parseSize } from '../field-normalise.js';
import type { HashAlgorithm, HashSetRecord } from '../hash-set-record.js';
import { HashSetReadError } from '../hash-set-record.js';
import { readLineBatches } from '../line-reader.js';
import { HashFields, record, type ReadContext } from '../read-context.js';

type Column = 'size' | 'filename' | HashAlgorithm | 'ignored';

const COLUMN_NAMES: Record<string, Column> = {
  size: 'size', filename: 'filename', md5: 'md5', sha1: 'sha1', 'sha-1': 'sha1', sha256: 'sha256', 'sha-256': 'sha256',
  tiger: 'ignored', whirlpool: 'ignored',
};

export async function* readHashdeep(ctx: ReadContext): AsyncGenerator<HashSetRecord> {
  let sawBanner = false;
  let columns: Column[] | null = null;
  for await (const batch of readLineBatches(ctx.path, ctx.maxLineBytes)) {
    for (const line of batch) {
      if (line.overlong !== undefined) {
        ctx.overlong(line.lineNo, line.overlong);
        continue;
      }
      const text = line.text;
      const location = `line ${line.lineNo}`;
      if (text.startsWith('%%%% HASHDEEP-')) {
        sawBanner = true;
        ctx.info.version ??= text.slice('%%%% HASHDEEP-'.length).trim();
        columns = null;
        continue;
      }
      if (text.startsWith('%%%% ')) {
        const names = text.slice(5).trim().toLowerCase().split(',');
        const cols = names.map((n) => COLUMN_NAMES[n.trim()]);
        if (cols.some((c) => c === undefined) || cols[cols.length - 1] !== 'filename') {
          throw new HashSetReadError(
            `hashdeep column header at ${location} is not understood: ${JSON.stringify(text)} ` +
              '(expected e.g. "%%%% size,md5,sha256,filename")',
            ctx.path,
          );
        }
        columns = cols as Column[];
        if (columns.includes('ignored')) ctx.note('hashdeep tiger/whirlpool columns are read past and not kept');
        continue;
      }
      if (text.startsWith('##')) {
        if (text.startsWith('## $ ') && ctx.info.description === null) ctx.info.description = text.slice(3).trim();
        continue;
      }
      if (text.trim() === '') continue;
      if (!sawBanner) {
        throw new HashSetReadError(`not a hashdeep file: it does not start with "%%%% HASHDEEP-1.0" (${location})`, ctx.path);
      }
      if (columns === null) {
        ctx.malformed(location, 'data line before the "%%%% size,…,filename" column header');
        continue;
      }
      const values: string[] = [];
      let pos = 0;
      for (let c = 0; c < columns.length - 1; c++) {
        const comma = text.indexOf(',', pos);
        if (comma === -1) break;
        values.push(text.slice(pos, comma));
        pos = comma + 1;
      }
      if (values.length !== columns.length - 1) {
        ctx.malformed(location, `expected ${columns.length} comma-separated fields (${columns.join(',')})`);
        continue;
      }
      values.push(text.slice(pos));
      const fields = new HashFields();
      let size: number | null = null;
      let name: string | null = null;
      let bad: string | null = null;
      for (let i = 0; i < columns.length; i++) {
        const col = columns[i]!;
        const v = values[i]!;
        if (col === 'size') {
          size = parseSize(v);
          if (size === null) bad = `size ${JSON.stringify(v)} is not a non-negative integer`;
        } else if (col === 'filename') name = v;
        else if (col !== 'ignored') fields.add(col, v);
      }
      if (bad !== null) {
        ctx.malformed(location, bad);
        continue;
      }
      if (!fields.settle(ctx, location)) continue;
      yield ctx.emit(record(fields.hashes, { name, size }));
    }
  }
  if (!sawBanner) throw new HashSetReadError('not a hashdeep file: no "%%%% HASHDEEP-1.0" header', ctx.path);
}
