/**
 * PDQ hash lists (64 hex digits per hash, `src/hashing/pdq.ts`):
 *  - bare `hash` lines (ThreatExchange `haystack.txt`, `needles.txt`);
 *  - `hash,quality[,name…]` (the ThreatExchange C++ `pdq-photo-hasher` output) or the same with tabs;
 *  - a signal-type prefix `pdq <hash>` / `pdq,<hash>` (python-threatexchange style);
 *  - CSV with a header naming the columns (`pdq`/`hash`/`signal`, optional `quality`, optional
 *    `filepath`/`path`/`filename`/`name`/`content_id`), e.g. the ThreatExchange WASM test CSV `FilePath,Hash`.
 * Without a header the second field is the quality if it is an integer (the dihedral CSV puts a second hash there,
 * which is then ignored) and the rest of the line is the name. A bad quality keeps the record with `pdqQuality` null and
 * is reported. A 32-hex value in a PDQ list (the WASM CSV lists two video MD5s) is malformed, not re-read as MD5.
 */
import { headerKey, splitDelimited } from '../delimited-fields.js';
import { parseQuality, preview } from '../field-normalise.js';
import type { HashSetRecord } from '../hash-set-record.js';
import { readLineBatches } from '../line-reader.js';
import { HashFields, record, type ReadContext } from '../read-context.js';

const HASH_COLUMNS = ['pdq', 'pdqhash', 'pdqhex', 'hash', 'signal', 'signalvalue', 'value'];
const QUALITY_COLUMNS = ['quality', 'pdqquality'];
const NAME_COLUMNS = ['filepath', 'path', 'file', 'filename', 'name', 'contentid'];

interface Header {
  hash: number;
  quality: number;
  name: number;
}

/** A first line with no 64-hex token and a known hash column name is a header. */
export function parsePdqHeader(text: string, delimiter: string): Header | null {
  if (/[0-9a-fA-F]{64}/.test(text)) return null;
  const keys = (splitDelimited(text, delimiter) ?? []).map(headerKey);
  const find = (names: string[]): number => keys.findIndex((k) => names.includes(k));
  const hash = find(HASH_COLUMNS);
  return hash === -1 ? null : { hash, quality: find(QUALITY_COLUMNS), name: find(NAME_COLUMNS) };
}

export async function* readPdqList(ctx: ReadContext): AsyncGenerator<HashSetRecord> {
  let first = true;
  let header: Header | null = null;
  let delimiter = ',';
  for await (const batch of readLineBatches(ctx.path, ctx.maxLineBytes)) {
    for (const line of batch) {
      if (line.overlong !== undefined) {
        ctx.overlong(line.lineNo, line.overlong);
        first = false;
        continue;
      }
      let text = line.text.trim();
      if (text === '' || text.startsWith('#')) continue;
      const location = `line ${line.lineNo}`;
      if (first) {
        first = false;
        delimiter = text.includes('\t') ? '\t' : ',';
        header = parsePdqHeader(text, delimiter);
        if (header !== null) continue;
      }
      let hash: string | undefined;
      let qualityText: string | undefined;
      let name: string | null = null;
      if (header !== null) {
        const cells = splitDelimited(text, delimiter);
        if (cells === null) {
          ctx.malformed(location, 'unbalanced quotes');
          continue;
        }
        hash = cells[header.hash];
        qualityText = header.quality >= 0 ? cells[header.quality] : undefined;
        name = header.name >= 0 ? (cells[header.name] ?? null) : null;
      } else {
        if (/^pdq[\s,]/i.test(text)) text = text.slice(4).trim();
        const d = text.search(/[,\t]/);
        hash = d === -1 ? text : text.slice(0, d);
        if (d !== -1) {
          const rest = text.slice(d + 1);
          const d2 = rest.search(/[,\t]/);
          const second = d2 === -1 ? rest : rest.slice(0, d2);
          if (/^\s*\d+\s*$/.test(second)) {
            qualityText = second;
            name = d2 === -1 ? null : rest.slice(d2 + 1) || null;
          }
        }
      }
      const fields = new HashFields();
      fields.add('pdq', hash ?? '', 'PDQ');
      if (!fields.settle(ctx, location, 'no PDQ hash in the hash column')) continue;
      let pdqQuality: number | null = null;
      if (qualityText !== undefined && qualityText.trim() !== '') {
        pdqQuality = parseQuality(qualityText);
        if (pdqQuality === null) {
          ctx.malformed(location, `quality ${preview(qualityText)} is not an integer 0..100 (record kept without quality)`);
        }
      }
      yield ctx.emit(record(fields.hashes, { name, pdqQuality }));
    }
  }
}
