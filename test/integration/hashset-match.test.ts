/**
 * Hash sets and matching end to end, through the CLI, on SQLite and on PostgreSQL: a folder whose files are partly
 * in a known-good list, partly in known-bad lists (by MD5 in a VICS set, by PDQ in a PDQ list: a resized copy must
 * match), with unknown pictures that must be clustered and prioritised; re-matching after a new import without
 * rehashing; the VICS case export read back by our own importer.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ExifTool } from 'exiftool-vendored';
import pg from 'pg';
import { renderTexturedScene } from '../../src/adapters/demo-evidence.js';
import { pdqHashImage } from '../../src/adapters/pdq-image-decoder.js';
import { hammingDistance } from '../../src/hashing/pdq.js';
import { cli, exportJsonl, PG_URL, pgUrlWithSchema, tempDir, type JsonlRecord } from '../helpers/env.js';

const digest = (alg: string, file: string) => createHash(alg).update(readFileSync(file)).digest('hex');

interface Fixture {
  root: string;
  lists: string;
}

async function makeFixture(dir: string): Promise<Fixture> {
  const root = join(dir, 'evidence');
  const lists = join(dir, 'lists');
  for (const d of ['os', 'pics', 'docs']) mkdirSync(join(root, d), { recursive: true });
  mkdirSync(lists);
  writeFileSync(join(root, 'os/kernel.bin'), Buffer.from('synthetic operating-system file\n'.repeat(100)));
  writeFileSync(join(root, 'os/readme.txt'), 'A readme shipped with some software.\n');
  writeFileSync(join(root, 'docs/note.txt'), 'An unknown note.\n');
  await (await renderTexturedScene(21, 800, 600)).jpeg({ quality: 90 }).toFile(join(root, 'pics/a.jpg'));
  await (await renderTexturedScene(22, 900, 700)).png().toFile(join(root, 'pics/b.png'));
  await (await renderTexturedScene(22, 900, 700)).resize(450).jpeg({ quality: 75 }).toFile(join(root, 'pics/b-small.jpg'));
  await (await renderTexturedScene(23, 1000, 750)).jpeg({ quality: 92 }).toFile(join(root, 'pics/c.jpg'));
  await (await renderTexturedScene(24, 1024, 768)).jpeg({ quality: 92 }).toFile(join(root, 'pics/d.jpg'));
  await (await renderTexturedScene(24, 1024, 768)).resize(512).jpeg({ quality: 70 }).toFile(join(root, 'pics/d-copy-small.jpg'));
  const et = new ExifTool({ maxProcs: 1 });
  try {
    await et.write(join(root, 'pics/c.jpg'), {
      Make: 'FixtureCam', Model: 'F-1', SerialNumber: 'FX-0001', DateTimeOriginal: '2025:03:04 10:11:12',
      GPSLatitude: 51.05, GPSLatitudeRef: 'N', GPSLongitude: 3.72, GPSLongitudeRef: 'E',
    }, { writeArgs: ['-overwrite_original'] });
  } finally {
    await et.end();
  }

  // known-good: an md5sum list of the two "operating system" files plus a hash that is in no evidence
  writeFileSync(join(lists, 'os.md5'), [
    `${digest('md5', join(root, 'os/kernel.bin'))}  kernel.bin`,
    `${digest('md5', join(root, 'os/readme.txt')).toUpperCase()} *readme.txt`,
    `${'ab'.repeat(16)}  not-present.bin`,
    `${digest('md5', join(root, 'os/kernel.bin'))}  kernel-again.bin`, // listed twice: one entry (PostgreSQL upsert)
  ].join('\n') + '\n');
  // known-bad: a VICS 2.0 hash set (US profile) listing a.jpg with category 1
  writeFileSync(join(lists, 'vics.json'), JSON.stringify({
    '@odata.context': 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media',
    value: [
      { MediaID: 1, Category: 1, MD5: digest('md5', join(root, 'pics/a.jpg')).toUpperCase(), SHA1: digest('sha1', join(root, 'pics/a.jpg')), MediaSize: 1 },
      { MediaID: 2, Category: 2, MD5: 'CD'.repeat(16) },
    ],
  }));
  // known-bad by PDQ only: the hash of b.png (its resized copy must match too)
  const b = await pdqHashImage(join(root, 'pics/b.png'));
  writeFileSync(join(lists, 'pdq.csv'), `${b.hash},${b.quality}\n`);
  return { root, lists };
}

function byPath(recs: JsonlRecord[]): Map<string, JsonlRecord> {
  return new Map(recs.map((r) => [r.path, r]));
}

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`hash sets and matching (${engine})`, () => {
    const tmp = tempDir();
    const { url, schema } = pgUrlWithSchema('match');
    const db = engine === 'postgres' ? ['--db', url] : [];
    after(async () => {
      tmp.cleanup();
      if (engine === 'postgres') {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    });
    const ws = join(tmp.dir, 'ws');
    const run = (args: string[]) => cli(['-w', ws, ...db, ...args]);
    let fx: Fixture;

    test('import the lists, scan, and every file gets the right verdict', async () => {
      fx = await makeFixture(tmp.dir);
      const good = run(['hashset', 'import', join(fx.lists, 'os.md5'), '--name', 'software', '--role', 'known-good']);
      assert.match(good, /format: +md5sum/);
      assert.match(good, /entries: +3 distinct/);
      run(['hashset', 'import', join(fx.lists, 'vics.json'), '--name', 'vics-bad', '--role', 'known-bad']);
      run(['hashset', 'import', join(fx.lists, 'pdq.csv'), '--name', 'pdq-bad', '--role', 'known-bad', '--format', 'pdq-list']);
      const sets = JSON.parse(run(['hashset', 'list', '--json'])) as { name: string; role: string; profile: string | null; entry_count: number }[];
      assert.deepEqual(sets.map((s) => [s.name, s.role, Number(s.entry_count)]), [['pdq-bad', 'known-bad', 1], ['software', 'known-good', 3], ['vics-bad', 'known-bad', 3]]);
      assert.equal(sets.find((s) => s.name === 'vics-bad')?.profile, 'US');

      run(['scan', '--case', 'c1', '--create-case', '-q', fx.root]);
      const by = byPath(exportJsonl(ws, 'c1', db));
      for (const p of ['os/kernel.bin', 'os/readme.txt']) {
        const r = by.get(p)!;
        assert.equal(r.triage, 'known-good', p);
        assert.equal(r.ignorable, true);
        assert.deepEqual(r.matches?.map((m) => [m.set, m.algorithm, m.distance]), [['software', 'md5', 0]]);
        assert.equal(r.priority, null);
      }
      const a = by.get('pics/a.jpg')!;
      assert.equal(a.triage, 'known-bad');
      assert.equal(a.category, '1');
      assert.equal(a.categoryProfile, 'US');
      assert.equal(a.ignorable, false);
      assert.deepEqual(a.matches?.map((m) => [m.set, m.algorithm, m.category]), [['vics-bad', 'md5', '1'], ['vics-bad', 'sha1', '1']]);
      assert.equal(a.priority, null, 'known material gets no priority');

      const bOrig = by.get('pics/b.png')!;
      const bSmall = by.get('pics/b-small.jpg')!;
      assert.equal(bOrig.triage, 'known-bad');
      assert.deepEqual(bOrig.matches?.map((m) => [m.set, m.algorithm, m.distance]), [['pdq-bad', 'pdq', 0]]);
      assert.equal(bSmall.triage, 'known-bad', 'a resized copy matches the PDQ list');
      const dist = bSmall.matches?.[0]?.distance ?? -1;
      assert.ok(dist > 0 && dist <= 31, `distance ${dist}`);
      assert.equal(dist, hammingDistance(bSmall.pdq!, bOrig.pdq!));

      const c = by.get('pics/c.jpg')!;
      assert.equal(c.triage, 'unknown');
      assert.deepEqual(c.matches, []);
      const rules = new Set(c.priorityReasons?.map((x) => x.rule));
      for (const rule of ['unknown', 'camera-original', 'camera-serial', 'gps']) assert.ok(rules.has(rule), `c.jpg lacks ${rule}: ${[...rules]}`);
      assert.equal(c.priority, c.priorityReasons!.reduce((s, x) => s + x.points, 0));

      const d = by.get('pics/d.jpg')!;
      const d2 = by.get('pics/d-copy-small.jpg')!;
      assert.ok(d.cluster, 'near-duplicates are clustered');
      assert.equal(d.cluster, d2.cluster);
      assert.equal(d.clusterSize, 2);
      assert.ok(d.priorityReasons?.some((x) => x.rule === 'near-duplicates'));
      assert.equal(d.priority, d.priorityReasons!.reduce((s, x) => s + x.points, 0));
      assert.ok(d.priorityReasons!.length >= 2, 'more than the base rule');
      assert.equal(c.cluster, null, 'c.jpg has no near-duplicate');
      assert.equal(bSmall.cluster, null, 'known-bad files are not clustered with unknown ones');

      const note = by.get('docs/note.txt')!;
      assert.equal(note.triage, 'unknown');
      assert.equal(note.priority, null, 'documents get no picture priority');
    });

    test('a new set, then `winnow match`, updates verdicts without rehashing', async () => {
      const cSha = digest('sha256', join(fx.root, 'pics/c.jpg'));
      writeFileSync(join(fx.lists, 'alert.sha256'), `${cSha}  c.jpg\n`);
      run(['hashset', 'import', join(fx.lists, 'alert.sha256'), '--name', 'watch', '--role', 'alert']);
      const summary = JSON.parse(run(['match', '--case', 'c1', '--json'])) as { byStatus: Record<string, number>; files: number };
      assert.equal(summary.byStatus.alert, 1);
      assert.equal(summary.byStatus['known-good'], 2);
      const by = byPath(exportJsonl(ws, 'c1', db));
      assert.equal(by.get('pics/c.jpg')!.triage, 'alert');
      assert.equal(by.get('pics/c.jpg')!.priority, null);
      // no file was hashed again: the export's digests are unchanged and `match` reports files, not bytes
      assert.equal(by.get('pics/c.jpg')!.sha256, cSha);
      // removing the set and matching again brings the file back to unknown
      run(['hashset', 'remove', 'watch']);
      run(['match', '--case', 'c1']);
      assert.equal(byPath(exportJsonl(ws, 'c1', db)).get('pics/c.jpg')!.triage, 'unknown');
    });

    test('VICS case export: one Media per MD5, categories kept, and our importer reads it back', () => {
      const out = join(tmp.dir, `case-${engine}.json`);
      run(['export', '--case', 'c1', '--format', 'vics', '--out', out]);
      const doc = JSON.parse(readFileSync(out, 'utf8')) as { '@odata.context': string; value: { Media: { MD5: string; Category?: number; MediaFiles: unknown[] }[]; TotalMediaFiles: number }[] };
      assert.match(doc['@odata.context'], /2\.0\.xml\/US\/\$metadata#Cases$/);
      const recs = exportJsonl(ws, 'c1', db).filter((r) => r.md5);
      const md5s = new Set(recs.map((r) => r.md5!.toUpperCase()));
      const media = doc.value[0]!.Media;
      assert.equal(media.length, md5s.size);
      assert.equal(doc.value[0]!.TotalMediaFiles, recs.length);
      const aMd5 = recs.find((r) => r.path === 'pics/a.jpg')!.md5!.toUpperCase();
      assert.equal(media.find((m) => m.MD5 === aMd5)?.Category, 1);
      const imported = run(['hashset', 'import', out, '--name', 'roundtrip', '--role', 'alert']);
      assert.match(imported, /format: +vics/);
      assert.match(imported, new RegExp(`records: +${md5s.size}\\b`));
      assert.match(imported, /malformed: 0/);
    });
  });
}

describe('near-duplicates across the cases of a workspace', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());
  test('a copy seized in a second case joins the first case\'s picture in one workspace cluster, and is prioritised for it', async () => {
    const ws = join(tmp.dir, 'ws');
    const one = join(tmp.dir, 'one');
    const two = join(tmp.dir, 'two');
    mkdirSync(one);
    mkdirSync(two);
    await (await renderTexturedScene(41, 1000, 800)).jpeg({ quality: 90 }).toFile(join(one, 'original.jpg'));
    await (await renderTexturedScene(42, 1000, 800)).jpeg({ quality: 90 }).toFile(join(one, 'other.jpg'));
    await (await renderTexturedScene(41, 1000, 800)).resize(500).jpeg({ quality: 70 }).toFile(join(two, 'copy.jpg'));
    cli(['-w', ws, 'scan', '--case', 'first', '--create-case', '-q', one]);
    cli(['-w', ws, 'scan', '--case', 'second', '--create-case', '-q', two]);
    const summary = JSON.parse(cli(['-w', ws, 'match', '--case', 'second', '--across-cases', '--json'])) as { crossCaseClusters: number };
    assert.equal(summary.crossCaseClusters, 1);
    const copy = exportJsonl(ws, 'second')[0]!;
    const first = byPath(exportJsonl(ws, 'first'));
    assert.equal(copy.cluster, null, 'no near-duplicate inside its own case');
    assert.equal(copy.workspaceClusterCases, 2);
    assert.equal(copy.workspaceCluster, first.get('original.jpg')!.workspaceCluster);
    assert.equal(first.get('other.jpg')!.workspaceCluster, null);
    assert.ok(copy.priorityReasons?.some((r) => r.rule === 'other-cases'), JSON.stringify(copy.priorityReasons));
  });
});
