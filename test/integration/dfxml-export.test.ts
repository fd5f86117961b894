import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DFXML_NS, DfxmlWriter } from '../../src/formats/dfxml-writer.js';
import type { ExportRecord } from '../../src/formats/export-record.js';
import { cli, parseTsv, refdata, tempDir } from '../helpers/env.js';
import { attr, d, requireXmllint, validate, w, XSD, xpath } from '../helpers/dfxml.js';


describe('DFXML export validates against the official DFXML schema', () => {
  const ws = tempDir('winnow-dfxml-');
  const dfxmlFile = join(ws.dir, 'case.dfxml');
  const refRoot = refdata('forensic', 'recursiveextractor');
  let jsonlLines = 0;

  // No xmllint: every test below fails with the install hint (the CLI setup itself does not need it).
  before(() => {
    cli(['-w', ws.dir, 'demo', '-q']);
    cli(['-w', ws.dir, 'case', 'create', 'two-sources']);
    cli(['-w', ws.dir, 'scan', '--case', 'two-sources', '-q', join(ws.dir, 'demo-evidence'), refRoot]);
    cli(['-w', ws.dir, 'export', '--case', 'two-sources', '--format', 'dfxml', '--out', dfxmlFile]);
    const jsonl = cli(['-w', ws.dir, 'export', '--case', 'two-sources', '--format', 'jsonl']);
    jsonlLines = jsonl.split('\n').filter((l) => l.length > 0).length;
  });
  after(() => ws.cleanup());

  test('the schema copy accepts the reference sample and rejects a misplaced element', () => {
    requireXmllint();
    const sample = validate(refdata('dfxml', 'synthetic-fileobject.dfxml'));
    assert.equal(sample.status, 0, sample.output);
    // The old writer's <parent_object><id>: the schema wants <inode> there, so validation must fail.
    const bad = join(ws.dir, 'bad.dfxml');
    writeFileSync(
      bad,
      `<?xml version="1.0" encoding="UTF-8"?>\n<dfxml xmlns="${DFXML_NS}" version="2.0.0-beta.0"><metadata/>` +
        `<fileobject><parent_object><id>1</id></parent_object><filename>x</filename></fileobject></dfxml>\n`,
    );
    assert.notEqual(validate(bad).status, 0, 'xmllint accepted an invalid document: is the schema really loaded?');
  });

  test('two evidence items: the export is schema-valid (xmllint exits 0)', () => {
    requireXmllint();
    const v = validate(dfxmlFile);
    assert.equal(v.status, 0, `xmllint --noout --schema ${XSD} ${dfxmlFile} failed:\n${v.output}`);
  });

  test('one <fileobject> per exported file, one <volume> and <image_filename> per evidence item', () => {
    requireXmllint();
    assert.ok(jsonlLines > 300, `only ${jsonlLines} JSONL records`);
    assert.equal(Number(xpath(dfxmlFile, `count(//${d('fileobject')})`)), jsonlLines);
    assert.equal(Number(xpath(dfxmlFile, `count(/${d('dfxml')}/${d('source')}/${d('image_filename')})`)), 2);
    assert.equal(Number(xpath(dfxmlFile, `count(/${d('dfxml')}/${d('volume')})`)), 2);
    for (const label of ['demo-evidence', 'recursiveextractor']) {
      assert.ok(Number(xpath(dfxmlFile, `count(/${d('dfxml')}/${d('volume')}[${attr('evidence')}='${label}']/${d('fileobject')})`)) > 0, label);
    }
    assert.equal(xpath(dfxmlFile, `string(/${d('dfxml')}/${d('volume')}[${attr('evidence')}='recursiveextractor']/${attr('source')})`), refRoot);
  });

  test('a known file carries its md5 (from HASHES.tsv) as a lowercase hashdigest', () => {
    requireXmllint();
    const hashes = parseTsv(readFileSync(join(refRoot, 'HASHES.tsv'), 'utf8'));
    const known = hashes.find((h) => h.path === 'RecursiveExtractor.Tests/TestData/TestDataArchives/100trees.7z');
    assert.ok(known?.md5, '100trees.7z missing from HASHES.tsv');
    const fo = `/${d('dfxml')}/${d('volume')}[${attr('evidence')}='recursiveextractor']/${d('fileobject')}[${d('filename')}='${known.path}']`;
    assert.equal(xpath(dfxmlFile, `string(${fo}/${d('hashdigest')}[@type='md5'])`), known.md5.toLowerCase());
    assert.equal(xpath(dfxmlFile, `string(${fo}/${d('hashdigest')}[@type='sha256'])`), known.sha256!.toLowerCase());
    // No upper-case digests anywhere.
    assert.equal(Number(xpath(dfxmlFile, `count(//${d('hashdigest')}[translate(., 'ABCDEF', '') != .])`)), 0);
  });

  test('archive members name their archive (winnow:parent_id = the archive fileobject <id>); zip-slip names are kept', () => {
    requireXmllint();
    const vol = `/${d('dfxml')}/${d('volume')}[${attr('evidence')}='demo-evidence']`;
    const idOf = (path: string) => xpath(dfxmlFile, `string(${vol}/${d('fileobject')}[${d('filename')}='${path}']/${d('id')})`);
    const parentOf = (path: string) => xpath(dfxmlFile, `string(${vol}/${d('fileobject')}[${d('filename')}='${path}']/${w('parent_id')})`);
    assert.ok(idOf('Documents/holiday.zip'));
    assert.equal(parentOf('Documents/holiday.zip!/photos/beach.jpg'), idOf('Documents/holiday.zip'));
    assert.equal(parentOf('Documents/holiday.zip!/more/inner.zip!/deeper/scene.png'), idOf('Documents/holiday.zip!/more/inner.zip'));
    assert.equal(parentOf('Documents/holiday.zip'), '');
    const slip = xpath(dfxmlFile, `count(//${d('fileobject')}[starts-with(${d('filename')}, 'RecursiveExtractor.Tests/TestData/Bombs/zip-slip.zip!/../../')])`);
    assert.equal(Number(slip), 1);
  });

  test('file names XML cannot carry: the document stays valid and the exact name survives escaped', () => {
    requireXmllint();
    const hostile = 'a\u0001b\rc\\d\uD800e\uFFFEf]]>g"h<i>&j\tk\nl.zip';
    const rec = (path: string, parent: string | null, archive: ExportRecord['archive']): ExportRecord => ({
      evidence: 'ev<1>', path, parent, entryType: 'file', size: 3,
      mtime: '2024-05-01T10:00:00.000Z', atime: '+010000-01-01T00:00:00.000Z', ctime: '0000-01-01T00:00:00.000Z', crtime: null,
      md5: 'D41D8CD98F00B204E9800998ECF8427E', sha1: null, sha256: null, mimeType: null, detectedExtension: null,
      extensionMismatch: false, archive, error: 'bad\u0000 <error> & more', errorCode: 'EX', exif: null, pdq: null, pdqQuality: null, pdqMode: null, pdqUsable: null, matches: null,
      triage: null, ignorable: null, category: null, categoryProfile: null, baseline: null, cluster: null, clusterSize: null, workspaceCluster: null, workspaceClusterCases: null, priority: null, priorityReasons: null, video: null, thumbnail: null, image: null,
    });
    const wr = new DfxmlWriter();
    const src = { label: 'ev<1>', path: '/evidence/\u0002weird' };
    const doc =
      wr.header({ program: 'winnow', version: '0', commandLine: 'winnow \u0007export', startTime: '2026-01-01T00:00:00.000Z', caseName: 'c&d' }, [src]) +
      wr.volume(src) +
      wr.fileobject(rec(hostile, null, { status: 'opened', members: 1 })) +
      wr.fileobject(rec(`${hostile}!/m\u001f.txt`, hostile, null)) +
      wr.footer();
    const file = join(ws.dir, 'hostile.dfxml');
    writeFileSync(file, doc);
    const v = validate(file);
    assert.equal(v.status, 0, v.output);
    const escaped = xpath(file, `string((//${d('filename')})[1]/${attr('escaped')})`);
    // xmllint prints the parsed value; undo the reversible escape and compare with the original name.
    const unescaped = escaped.replace(/\\u([0-9a-f]{4})|\\\\/g, (m, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : '\\'));
    assert.equal(unescaped, hostile);
    // Timestamps xs:dateTime cannot express (year 0, 5-digit years) are left out rather than breaking validity.
    assert.equal(Number(xpath(file, `count(//${d('atime')} | //${d('ctime')})`)), 0);
    assert.equal(xpath(file, `string((//${d('fileobject')})[2]/${w('parent_id')})`), '1');
    assert.equal(xpath(file, `string((//${d('hashdigest')})[1])`), 'd41d8cd98f00b204e9800998ecf8427e');
  });
});
