/**
 * `readHashSet(path, format, onMalformed)`: the one entry point the importer uses after `detectHashSetFormat`.
 *
 * Returns a single-use async iterable of records with an `info` object that fills in while reading (VICS
 * version/profile/shape, NSRL VERSION row, NCMEC deletions and paging, notes). Every reader streams: memory is one
 * read chunk plus one record, whatever the file size. Bad entries go to `onMalformed`; failures that make the
 * file untrustworthy (truncation, broken syntax, unreadable database, I/O errors) throw `HashSetReadError` /
 * `HashSetFormatError`, and the importer then keeps nothing from the file.
 */
import {
  HashSetError,
  HashSetFormatError,
  HashSetReadError,
  type HashSetFormat,
  type HashSetReader,
  type HashSetRecord,
  type MalformedRecord,
  type ReadHashSetOptions,
} from './hash-set-record.js';
import { ReadContext } from './read-context.js';
import { readChecksumList } from './readers/checksum-list-reader.js';
import { readHashdeep } from './readers/hashdeep-reader.js';
import { HASHKEEPER_TABLE } from './readers/hashkeeper-reader.js';
import { readHeaderTable } from './readers/header-table.js';
import { ICSE_CSV_TABLE } from './readers/icse-csv-reader.js';
import { readNcmecXml } from './readers/ncmec-xml-reader.js';
import { NSRL_RDS2_TABLE } from './readers/nsrl-rds2-reader.js';
import { readNsrlRdsV3 } from './readers/nsrl-rdsv3-reader.js';
import { readPdqList } from './readers/pdq-list-reader.js';
import { readPlainList } from './readers/plain-list-reader.js';
import { readVics } from './readers/vics-reader.js';

function openReader(ctx: ReadContext, format: HashSetFormat): AsyncGenerator<HashSetRecord> {
  switch (format) {
    case 'vics':
      return readVics(ctx);
    case 'nsrl-rdsv3':
      return readNsrlRdsV3(ctx);
    case 'nsrl-rds2':
      return readHeaderTable(ctx, NSRL_RDS2_TABLE);
    case 'md5sum':
      return readChecksumList(ctx, 'md5');
    case 'sha1sum':
      return readChecksumList(ctx, 'sha1');
    case 'sha256sum':
      return readChecksumList(ctx, 'sha256');
    case 'hashdeep':
      return readHashdeep(ctx);
    case 'hashkeeper':
      return readHeaderTable(ctx, HASHKEEPER_TABLE);
    case 'plain':
      return readPlainList(ctx);
    case 'pdq-list':
      return readPdqList(ctx);
    case 'ncmec-xml':
      return readNcmecXml(ctx);
    case 'icse-csv':
      return readHeaderTable(ctx, ICSE_CSV_TABLE);
    default: {
      const never: never = format;
      throw new HashSetFormatError(`unknown hash-set format: ${String(never)}`, ctx.path);
    }
  }
}

/**
 * I/O errors (missing file, permissions, EISDIR) become `HashSetReadError` with the path. A hand-written iterator
 * rather than a wrapping async generator: one generator layer less per record (measurable at NSRL scale).
 */
function guarded(ctx: ReadContext, inner: AsyncGenerator<HashSetRecord>): AsyncIterator<HashSetRecord> {
  const wrap = (err: unknown): never => {
    if (err instanceof HashSetError) throw err;
    throw new HashSetReadError(`cannot read ${ctx.path}: ${(err as Error).message}`, ctx.path);
  };
  return {
    next: () => inner.next().catch(wrap),
    return: (value?: unknown) => inner.return(value as undefined).catch(wrap),
    throw: (err?: unknown) => inner.throw(err).catch(wrap),
  };
}

export function readHashSet(
  path: string,
  format: HashSetFormat,
  onMalformed: (m: MalformedRecord) => void,
  options: ReadHashSetOptions = {},
): HashSetReader {
  const ctx = new ReadContext(path, format, onMalformed, options);
  let used = false;
  return {
    info: ctx.info,
    [Symbol.asyncIterator]() {
      if (used) throw new Error('a hash-set reader can be iterated only once; call readHashSet again');
      used = true;
      return guarded(ctx, openReader(ctx, format));
    },
  };
}
