import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { cli, exportJsonl, refdata, tempDir } from '../helpers/env.js';

/** The scan's PDQ stage reproduces Meta's reference hashes (full resolution, no pre-scale) for every 8-bit image. */
test('scan computes reference PDQ hashes for the PDQ test images', () => {
  const ws = tempDir();
  after(() => ws.cleanup());
  // two sources: evidence labels are the folder names, paths are relative to them
  cli(['-w', ws.dir, 'scan', '--case', 'pdq', '--create-case', '-q', refdata('pdq', 'pdq'), refdata('pdq', 'python-threatexchange')]);
  const by = new Map(exportJsonl(ws.dir, 'pdq').map((r) => [`${r.evidence}/${r.path}`, r]));
  const rows = readFileSync(refdata('pdq', 'REFERENCE-OUTPUT-cpp.tsv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  let checked = 0;
  for (const line of rows) {
    const [path, , , , hash, quality] = line.split('\t');
    if (!path || /I16|16bit/i.test(path)) continue; // 16-bit policy differs between references (see pdq.ts)
    const rel = path;
    const r = by.get(rel);
    assert.ok(r, `${rel} not scanned`);
    assert.equal(r.pdq, hash, `${rel} pdq`);
    assert.equal(r.pdqQuality, Number(quality), `${rel} quality`);
    checked++;
  }
  assert.ok(checked >= 40, `only ${checked} compared`);
});
