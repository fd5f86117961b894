/**
 * md5sum / sha1sum / sha256sum output, GNU and BSD style.
 *
 *  - GNU:  `<hex>␠␠<name>` (text mode) or `<hex>␠*<name>` (binary mode). A line starting with `\` has an escaped
 *    name (`\\`, `\n`, `\r`), as coreutils writes names containing a backslash or newline.
 *  - BSD / `--tag` / openssl: `MD5 (name) = <hex>`, `SHA256(name)= <hex>`: the line names its own algorithm, so it
 *    is accepted whatever the file's format is (a BSD file may mix algorithms).
 *
 * The file's format (md5sum, sha1sum, sha256sum) fixes the algorithm of GNU lines; a GNU hash of another length is
 * malformed ("expected 32 hex digits"), never re-interpreted. Blank lines and `#` comments are not records.
 */
import { algorithmFromName } from '../field-normalise.js';
import type { HashAlgorithm, HashSetRecord } from '../hash-set-record.js';
import { readLineBatches } from '../line-reader.js';
import { HashFields, record, type ReadContext } from '../read-context.js';

export const GNU_SUM_LINE = /^(\\?)([0-9A-Za-z]+) [ *](.*)$/;
export const BSD_SUM_LINE = /^(MD5|SHA1|SHA-1|SHA256|SHA-256|SHA2-256) ?\((.*)\) ?= ?([0-9A-Za-z]+)$/i;

export function unescapeGnuName(name: string): string {
  return name.replace(/\\(\\|n|r)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

export async function* readChecksumList(ctx: ReadContext, algorithm: HashAlgorithm): AsyncGenerator<HashSetRecord> {
  for await (const batch of readLineBatches(ctx.path, ctx.maxLineBytes)) {
    for (const line of batch) {
      if (line.overlong !== undefined) {
        ctx.overlong(line.lineNo, line.overlong);
        continue;
      }
      const text = line.text.trimEnd();
      if (text.trim() === '' || text.startsWith('#')) continue;
      const location = `line ${line.lineNo}`;
      const fields = new HashFields();
      let name: string;
      const gnu = GNU_SUM_LINE.exec(text);
      const bsd = gnu ? null : BSD_SUM_LINE.exec(text);
      if (gnu) {
        fields.add(algorithm, gnu[2]);
        name = gnu[1] ? unescapeGnuName(gnu[3]!) : gnu[3]!;
      } else if (bsd) {
        // The regex only admits names algorithmFromName knows, and never PDQ.
        const alg = algorithmFromName(bsd[1]!)!;
        fields.add(alg, bsd[3]);
        name = bsd[2]!;
      } else {
        ctx.malformed(location, `not a "<hash>  <name>" or "ALG (<name>) = <hash>" line`);
        continue;
      }
      if (!fields.settle(ctx, location)) continue;
      yield ctx.emit(record(fields.hashes, { name }));
    }
  }
}
