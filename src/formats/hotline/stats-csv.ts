/**
 * CSV export of the hotline statistics tables (reports per period, removal times, hosts…). Quoting is the
 * project's one RFC 4180 cell writer (`csvCell`), which also defuses spreadsheet formulas in text cells.
 */
import { UserError } from '../../services/errors.js';
import { csvCell } from '../csv-writer.js';

/**
 * A header line with `columns`, then one line per row in that column order (CRLF line ends). A missing or null
 * value is an empty cell; a key not in `columns` is ignored. Throws UserError when there are no columns.
 */
export function statsCsv(rows: Record<string, string | number | null>[], columns: string[]): string {
  if (columns.length === 0) throw new UserError('A statistics CSV needs at least one column.');
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(Object.hasOwn(r, c) ? r[c] : null)).join(','));
  return lines.map((l) => l + '\r\n').join('');
}
