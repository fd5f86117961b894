/**
 * NIST NSRL RDS 2.x `NSRLFile.txt`: quoted CSV with a header,
 * `"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"` (the older 1.5 layout
 * adds MD4 and orders columns differently; columns are found by name so both read).
 *
 * Hex arrives upper case and is normalised. CRC32 and MD4 are not kept. ProductCode/OpSystemCode/SpecialCode go to
 * `extra` (they join to NSRLProd.txt/NSRLOS.txt, which are not hash lists and are refused by detection).
 */
import { parseSize } from '../field-normalise.js';
import { HashFields, record } from '../read-context.js';
import type { HeaderTableSpec } from './header-table.js';

export const NSRL_RDS2_TABLE: HeaderTableSpec = {
  label: 'NSRL RDS 2.x NSRLFile.txt',
  delimiter: ',',
  checkHeader: (keys) =>
    keys.has('sha1') && keys.has('md5') && keys.has('filename') ? null : 'expected "SHA-1", "MD5" and "FileName" columns',
  toRecord(row, ctx) {
    const fields = new HashFields();
    fields.add('sha1', row.get('sha1'), 'SHA-1');
    fields.add('md5', row.get('md5'));
    if (!fields.settle(ctx, row.location)) return null;
    const extra: Record<string, unknown> = {};
    const productCode = row.get('productcode');
    const opSystemCode = row.get('opsystemcode');
    const specialCode = row.get('specialcode');
    if (productCode) extra.productCode = productCode;
    if (opSystemCode) extra.opSystemCode = opSystemCode;
    if (specialCode) extra.specialCode = specialCode;
    return record(fields.hashes, {
      name: row.get('filename') ?? null,
      size: parseSize(row.get('filesize')),
      extra: Object.keys(extra).length > 0 ? extra : null,
    });
  },
};
