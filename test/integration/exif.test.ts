import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cli, exportJsonl, refdata, tempDir } from '../helpers/env.js';

/** Minimal CSV parser for exiftool's -csv output (quoted fields with commas). */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') q = false;
      else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else if (ch !== '\r') cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  const header = rows.shift()!;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/**
 * Camera metadata equals ExifTool's reference output (exiftool 12.57, -n) for every file where ExifTool has the
 * field: make, model, serials, DateTimeOriginal, GPS to 1e-6 degrees.
 */
for (const folder of ['exif-samples', 'exifr-fixtures']) {
  describe(`EXIF of ${folder} matches exiftool`, () => {
    const ws = tempDir();
    after(() => ws.cleanup());
    test('make, model, serials, DateTimeOriginal and GPS', () => {
      const root = refdata('forensic', folder);
      cli(['-w', ws.dir, 'scan', '--case', 'exif', '--create-case', '-q', root]);
      const records = new Map(exportJsonl(ws.dir, 'exif').map((r) => [r.path, r]));
      // exiftool wrote this CSV in latin1 for some names; read as latin1 and map names back to UTF-8 bytes
      const csv = parseCsv(readFileSync(join(root, 'expected', 'exiftool-12.57-key-fields.csv'), 'latin1'));
      let compared = 0;
      const fields: [string, (r: NonNullable<ReturnType<typeof records.get>>) => unknown][] = [
        ['Make', (r) => r.exif?.make], ['Model', (r) => r.exif?.model], ['SerialNumber', (r) => r.exif?.serial],
        ['InternalSerialNumber', (r) => r.exif?.internalSerial], ['LensSerialNumber', (r) => r.exif?.lensSerial],
        ['DateTimeOriginal', (r) => r.exif?.dateTimeOriginal],
      ];
      for (const row of csv) {
        const path = Buffer.from(row.SourceFile!.replace(/^\.\//, ''), 'latin1').toString('utf8');
        const rec = records.get(path);
        assert.ok(rec, `${path} not in the scan`);
        if (!rec.mimeType?.startsWith('image/')) continue; // metadata is read for images; videos/other later
        for (const [field, get] of fields) {
          // NULs padding fixed-width maker-note strings are not part of the value
          let want = (row[field] ?? '').replace(/\0/g, '').trim();
          if (!want) continue;
          // ExifTool sometimes prints a Composite DateTimeOriginal with sub-seconds and offset appended; the
          // recorded EXIF value (what we store) is its first 19 characters
          // (and XMP values may carry a zone suffix): the date-time itself is compared
          let got = String(get(rec) ?? '').trim();
          if (field === 'DateTimeOriginal') { want = want.slice(0, 19); got = got.slice(0, 19); }
          assert.equal(got, want, `${path} ${field}`);
          compared++;
        }
        const lat = row.GPSLatitude?.trim();
        const lon = row.GPSLongitude?.trim();
        if (lat && lon) {
          assert.ok(rec.exif?.gps, `${path}: GPS missing`);
          assert.ok(Math.abs(rec.exif.gps.lat - Number(lat)) < 1e-6, `${path} lat ${rec.exif.gps.lat} vs ${lat}`);
          assert.ok(Math.abs(rec.exif.gps.lon - Number(lon)) < 1e-6, `${path} lon ${rec.exif.gps.lon} vs ${lon}`);
          compared++;
        }
      }
      assert.ok(compared > 40, `only ${compared} fields compared`);
    });
  });
}
