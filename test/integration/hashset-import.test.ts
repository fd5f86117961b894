/**
 * Hash-set imports through the CLI: atomic under kill -9 (the previous content of the set survives, no half set),
 * re-import replaces in place, malformed lines are reported with their line numbers, a broken file imports nothing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { CLI, cli, tempDir } from '../helpers/env.js';

const tmp = tempDir('winnow-import-');
after(() => tmp.cleanup());
const ws = join(tmp.dir, 'ws');

interface SetRow { name: string; entry_count: number; malformed_count: number; generation: number; record_count: number }
const sets = (): SetRow[] => (JSON.parse(cli(['-w', ws, 'hashset', 'list', '--json'])) as SetRow[]).map((s) => ({ ...s, entry_count: Number(s.entry_count), malformed_count: Number(s.malformed_count), record_count: Number(s.record_count) }));

async function writeBigList(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < lines; i++) {
    if (!out.write(`${createHash('md5').update(String(i)).digest('hex')}  file-${i}.bin\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

test('kill -9 during a re-import leaves the previous set intact; a full re-import then replaces it', async () => {
  const small = join(tmp.dir, 'small.md5');
  writeFileSync(small, `${'11'.repeat(16)}  a\n${'22'.repeat(16)}  b\n`);
  cli(['-w', ws, 'hashset', 'import', small, '--name', 'big', '--role', 'known-good']);
  assert.deepEqual(sets().map((s) => [s.name, s.entry_count, s.generation]), [['big', 2, 1]]);

  const bigPath = join(tmp.dir, 'big.md5');
  await writeBigList(bigPath, 600_000);
  const child = spawn(process.execPath, [CLI, '-w', ws, 'hashset', 'import', bigPath, '--name', 'big', '--role', 'known-good', '--json'], { stdio: 'ignore' });
  // kill once the import is visibly writing its transaction (the WAL grows), i.e. in the middle of it
  const wal = join(ws, 'winnow.sqlite-wal');
  const deadline = Date.now() + 120_000;
  let killed = false;
  while (Date.now() < deadline && child.exitCode === null) {
    if (existsSync(wal) && statSync(wal).size > 4 * 1024 * 1024) {
      child.kill('SIGKILL');
      killed = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await once(child, 'exit').catch(() => undefined);
  assert.ok(killed, 'the import finished before it could be interrupted (make the list bigger)');
  assert.deepEqual(sets().map((s) => [s.name, s.entry_count, s.generation]), [['big', 2, 1]], 'previous content intact after kill -9');

  cli(['-w', ws, 'hashset', 'import', bigPath, '--name', 'big', '--role', 'known-good']);
  assert.deepEqual(sets().map((s) => [s.name, s.entry_count, s.record_count, s.generation]), [['big', 600_000, 600_000, 2]]);
});

test('malformed lines are counted and reported with line numbers; valid ones are kept', () => {
  const f = join(tmp.dir, 'mixed.md5');
  writeFileSync(f, [`${'ab'.repeat(16)}  ok-1`, `${'ab'.repeat(15)}  too-short`, 'not a hash line at all', `${'cd'.repeat(16)}  ok-2`, ''].join('\n'));
  const out = cli(['-w', ws, 'hashset', 'import', f, '--name', 'mixed', '--role', 'alert']);
  assert.match(out, /entries: +2 distinct/);
  assert.match(out, /malformed: 2/);
  assert.match(out, /line 2: /);
  assert.match(out, /line 3: /);
  const row = sets().find((s) => s.name === 'mixed')!;
  assert.deepEqual([row.entry_count, row.malformed_count], [2, 2]);
});

test('a truncated VICS file imports nothing and says why; junk is refused', () => {
  const good = JSON.stringify({ '@odata.context': 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media', value: [{ MD5: 'AB'.repeat(16), Category: 1 }, { MD5: 'CD'.repeat(16), Category: 2 }] });
  const f = join(tmp.dir, 'cut.json');
  writeFileSync(f, good.slice(0, good.length - 30));
  assert.throws(() => cli(['-w', ws, 'hashset', 'import', f, '--name', 'cut', '--role', 'known-bad']), /exited 2: winnow: .*(truncat|unexpected end|incomplete)/i);
  assert.equal(sets().find((s) => s.name === 'cut'), undefined, 'no half set');
  const junk = join(tmp.dir, 'junk.bin');
  writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)));
  assert.throws(() => cli(['-w', ws, 'hashset', 'import', junk, '--name', 'junk', '--role', 'known-bad']), /exited 2: winnow: /);
  assert.throws(() => cli(['-w', ws, 'hashset', 'import', junk, '--name', 'junk', '--role', 'nonsense']), /exited 2: winnow: invalid role/);
});
