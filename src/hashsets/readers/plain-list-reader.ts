/**
 * One hash per line, no names: Griffeye/X-Ways style lists, ClamAV/VirusShare MD5 lists.
 *
 * The algorithm of each line is decided by its length (32 MD5, 40 SHA-1, 64 SHA-256), unless
 *  - the first non-comment line is just an algorithm name (`MD5`, `SHA-1`, `SHA256`, `PDQ`): the X-Ways hash-set
 *    header, which then fixes the algorithm of every line; or
 *  - the caller passes `plainAlgorithm` (e.g. 'pdq': a bare PDQ list is byte-for-byte a SHA-256 list).
 * With a fixed algorithm a line of another length is malformed. Blank lines and `#` comments are not records.
 */
import { algorithmForHexLength, algorithmFromName, preview } from '../field-normalise.js';
import type { HashAlgorithm, HashSetRecord } from '../hash-set-record.js';
import { readLineBatches } from '../line-reader.js';
import { HashFields, record, type ReadContext } from '../read-context.js';

export async function* readPlainList(ctx: ReadContext): AsyncGenerator<HashSetRecord> {
  let fixed: HashAlgorithm | null = ctx.options.plainAlgorithm ?? null;
  let firstData = true;
  for await (const batch of readLineBatches(ctx.path, ctx.maxLineBytes)) {
    for (const line of batch) {
      if (line.overlong !== undefined) {
        ctx.overlong(line.lineNo, line.overlong);
        firstData = false;
        continue;
      }
      const text = line.text.trim();
      if (text === '' || text.startsWith('#')) continue;
      const location = `line ${line.lineNo}`;
      if (firstData) {
        firstData = false;
        const named = algorithmFromName(text);
        if (named !== null) {
          fixed ??= named;
          ctx.note(`header line names the algorithm: ${text}`);
          continue;
        }
      }
      const algorithm = fixed ?? algorithmForHexLength(text.length);
      if (algorithm === null) {
        ctx.malformed(location, `${preview(text)} is ${text.length} characters: not a 32/40/64-digit hex hash`);
        continue;
      }
      const fields = new HashFields();
      fields.add(algorithm, text);
      if (!fields.settle(ctx, location)) continue;
      yield ctx.emit(record(fields.hashes));
    }
  }
}
