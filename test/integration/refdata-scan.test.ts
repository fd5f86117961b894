import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { dropPostgresSchema } from '../../src/db/connection.js';
import { cli, exportJsonl, parseTsv, PG_URL, pgUrlWithSchema, refdata, tempDir, type JsonlRecord } from '../helpers/env.js';

/**
 * Scan every public reference folder (../shared/refdata/forensic/*) and reproduce every documented hash in its
 * HASHES.tsv — on the embedded SQLite store and on PostgreSQL, through the same code.
 */
const forensic = refdata('forensic');
const folders = readdirSync(forensic, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

function checkHashes(records: JsonlRecord[]): number {
  const byKey = new Map(records.map((r) => [`${r.evidence}\0${r.path}`, r]));
  let checked = 0;
  for (const folder of folders) {
    const expected = parseTsv(readFileSync(join(forensic, folder, 'HASHES.tsv'), 'utf8'));
    assert.ok(expected.length > 0, `${folder}/HASHES.tsv is empty`);
    for (const row of expected) {
      const got = byKey.get(`${folder}\0${row.path}`);
      assert.ok(got, `${folder}/${row.path} missing from the scan`);
      assert.equal(got.size, Number(row.size), `${folder}/${row.path} size`);
      assert.equal(got.md5, row.md5, `${folder}/${row.path} md5`);
      assert.equal(got.sha1, row.sha1, `${folder}/${row.path} sha1`);
      assert.equal(got.sha256, row.sha256, `${folder}/${row.path} sha256`);
      checked++;
    }
  }
  return checked;
}

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`scan of the reference data (${engine})`, () => {
    const ws = tempDir();
    const pg = engine === 'postgres' ? pgUrlWithSchema('refscan') : null;
    const db = pg ? ['--db', pg.url] : [];
    after(async () => {
      ws.cleanup();
      if (pg) await dropPostgresSchema(PG_URL, pg.schema);
    });

    test('every documented MD5, SHA-1 and SHA-256 is reproduced', () => {
      cli(['-w', ws.dir, ...db, 'case', 'create', 'refdata']);
      cli(['-w', ws.dir, ...db, 'scan', '--case', 'refdata', '-q', ...folders.map((f) => join(forensic, f))]);
      const records = exportJsonl(ws.dir, 'refdata', db);
      const checked = checkHashes(records);
      assert.ok(checked > 1500, `only ${checked} hashes checked`);
      // every record is complete: a digest or an error, never neither
      for (const r of records) assert.ok(r.md5 !== null || r.error !== null, `${r.path}: no digest and no error`);
      // the renamed-content detector fires on real data: HASHES.tsv-listed .out files are text, E01 are not JPEGs
      assert.ok(records.some((r) => r.mimeType === 'image/jpeg'));
    });
  });
}
