/**
 * HashKeeper `.hsh`: CSV whose header is hashdeep's HASHKEEPER_HEADER
 * (`"file_id","hashset_id","file_name","directory","hash","file_size",…,"comments",…`). `hash` is an MD5 (Autopsy's
 * HashkeeperHashSetParser requires 32 chars). Directories are written as `"C:\dir\"`: the backslash is not an
 * escape (see delimited-fields.ts).
 */
import { capText, parseSize } from '../field-normalise.js';
import { HashFields, record } from '../read-context.js';
import type { HeaderTableSpec } from './header-table.js';

export const HASHKEEPER_TABLE: HeaderTableSpec = {
  label: 'HashKeeper .hsh',
  delimiter: ',',
  checkHeader: (keys) => (keys.has('hash') && keys.has('filename') ? null : 'expected "hash" and "file_name" columns'),
  toRecord(row, ctx) {
    const fields = new HashFields();
    fields.add('md5', row.get('hash'), 'hash (MD5)');
    if (!fields.settle(ctx, row.location)) return null;
    const extra: Record<string, unknown> = {};
    const directory = row.get('directory');
    const hashsetId = row.get('hashsetid');
    const comments = row.get('comments');
    if (directory) extra.directory = directory;
    if (hashsetId) extra.hashsetId = hashsetId;
    if (comments) extra.comments = capText(comments);
    return record(fields.hashes, {
      name: row.get('filename') || null,
      size: parseSize(row.get('filesize')),
      extra: Object.keys(extra).length > 0 ? extra : null,
    });
  },
};
