/**
 * DFXML <byte_runs> of files inside disk images, end to end through `winnow scan` + `winnow export --format dfxml`:
 * the exported runs equal those of the reference fiwalk DFXML (refdata expected/fiwalk, made with `fiwalk -f -x`)
 * for every file, they cover every reference file that has runs, reading the image at the runs gives the file's
 * MD5 (which proves the offsets, partition offset included), and the export still validates against the schema.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { XmlTokenizer } from '../../src/hashsets/xml-tokenizer.js';
import { FiwalkParser } from '../../src/adapters/sleuthkit/fiwalk.js';
import { TOOL_PACKAGES } from '../../src/adapters/sleuthkit/tool-runner.js';
import { requireXmllint, validate } from '../helpers/dfxml.js';
import { CLI, cli, refdata, requireTool, tempDir } from '../helpers/env.js';

interface Run { file_offset: number; img_offset: number | null; len: number | null; type: string | null; fill: string | null }
interface Exported { evidence: string; partitionOffset: number; filename: string; inode: number | null; size: number | null; md5: string | null; runs: Run[] }

const t = tempDir('winnow-byteruns-');
after(() => t.cleanup());

/** image file name → zip it comes in */
const IMAGES: Record<string, string> = {
  '6-fat-undel.dd': '6-undel-fat',
  '7-ntfs-undel.dd': '7-undel-ntfs',
  '8-jpeg-search.dd': '8-jpeg-search',
  'ext3-img-kw-1.dd': '4-kwsrch-ext3',
  'ext-part-test-2.dd': '1-extend-part',
  'image.gen1.dmg': 'nps-2009-hfsjtest1-image.gen1',
};

function findFile(dir: string, name: string): string {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && e.name === name) return join(e.parentPath, e.name);
  throw new Error(`${name} not found under ${dir}`);
}

const num = (v: string | undefined) => (v === undefined ? null : Number(v));

/** Our export, stream-tokenized: every fileobject with its volume's partition offset, inode, md5 and runs. */
function parseExport(xml: string): Exported[] {
  const out: Exported[] = [];
  const stack: string[] = [];
  let evidence = '';
  let partitionOffset = 0;
  let cur: Exported | null = null;
  let text = '';
  let hashType = '';
  const tok = new XmlTokenizer();
  for (const ev of [...tok.push(xml), ...tok.end()]) {
    if (ev.type === 'text') { text += ev.text; continue; }
    if (ev.type === 'open') {
      text = '';
      if (ev.name === 'volume') { evidence = ev.attrs.evidence ?? ''; partitionOffset = 0; }
      if (ev.name === 'fileobject') cur = { evidence, partitionOffset, filename: '', inode: null, size: null, md5: null, runs: [] };
      if (ev.name === 'hashdigest') hashType = ev.attrs.type ?? '';
      if (ev.name === 'byte_run' && cur) {
        const a = ev.attrs;
        cur.runs.push({ file_offset: Number(a.file_offset), img_offset: num(a.img_offset), len: num(a.len), type: a.type ?? null, fill: a.fill ?? null });
      }
      if (!ev.selfClosing) stack.push(ev.name);
      continue;
    }
    stack.pop();
    const parent = stack[stack.length - 1];
    if (ev.name === 'partition_offset' && parent === 'volume') partitionOffset = Number(text);
    if (cur && parent === 'fileobject') {
      if (ev.name === 'filename') cur.filename = text;
      if (ev.name === 'inode') cur.inode = Number(text);
      if (ev.name === 'filesize') cur.size = Number(text);
      if (ev.name === 'hashdigest' && hashType === 'md5') cur.md5 = text;
    }
    if (ev.name === 'fileobject' && cur) { out.push(cur); cur = null; }
    text = '';
  }
  return out;
}

/**
 * The reference fiwalk DFXML of an image: (partition offset, inode) → runs (the same for every name of the inode).
 * `named`: the keys that have a name other than a `.`/`..` entry (fls, and so Winnow, lists directories by name
 * only; the root directory has no other name).
 */
function referenceRuns(image: string, named = new Set<string>()): Map<string, Run[]> {
  const p = new FiwalkParser();
  const xml = readFileSync(refdata('forensic', 'dftt-sleuthkit', 'expected', 'fiwalk', `${image}.fiwalk.xml`), 'utf8');
  const ref = new Map<string, Run[]>();
  for (const f of [...p.push(xml), ...p.end()]) {
    const runs = f.runs.map((r) => ({ file_offset: r.fileOffset, img_offset: r.imgOffset, len: r.len, type: r.type, fill: r.fill }));
    const key = `${f.volumeOffset}/${f.inode}`;
    const seen = ref.get(key);
    if (seen) assert.deepEqual(runs, seen, `${image}: two names of inode ${key} with different runs`);
    ref.set(key, runs);
    if (!/(^|\/)\.\.?$/.test(f.filename)) named.add(key);
  }
  return ref;
}

/** The bytes of a raw image at the given runs, concatenated. */
function readRuns(image: string, runs: readonly Run[]): Buffer {
  const fd = openSync(image, 'r');
  try {
    return Buffer.concat(runs.map((r) => {
      const b = Buffer.alloc(r.len!);
      const n = readSync(fd, b, 0, r.len!, r.img_offset!);
      assert.equal(n, r.len, `short read at ${r.img_offset}`);
      return b;
    }));
  } finally {
    closeSync(fd);
  }
}

/** ewfacquire re-pack of 7-ntfs-undel.dd (SOURCE.md: derived-e01): fiwalk reads it through libewf. */
const E01 = refdata('forensic', 'dftt-sleuthkit', 'derived-e01', '7-ntfs-undel.E01');

describe('DFXML byte runs of files inside disk images (fiwalk)', () => {
  const ws = join(t.dir, 'ws');
  const images = new Map<string, string>();
  let exported: Exported[] = [];
  let dfxmlFile = '';

  before(() => {
    requireTool('fiwalk', 'sleuthkit');
    requireTool('fls', 'sleuthkit');
    requireTool('unzip', 'unzip');
    for (const [img, zip] of Object.entries(IMAGES)) {
      const dir = join(t.dir, zip);
      mkdirSync(dir, { recursive: true });
      execFileSync('unzip', ['-q', '-o', refdata('forensic', 'dftt-sleuthkit', 'zips', `${zip}.zip`), `*${img}`, '-d', dir]);
      images.set(img, findFile(dir, img));
    }
    // The multi-partition disk as split raw, cut at 80 MB: partitions 4-6 lie in the second segment.
    const whole = readFileSync(images.get('ext-part-test-2.dd')!);
    mkdirSync(join(t.dir, 'split'));
    writeFileSync(join(t.dir, 'split', 'ext-part.000'), whole.subarray(0, 80_000_000));
    writeFileSync(join(t.dir, 'split', 'ext-part.001'), whole.subarray(80_000_000));
    cli(['-w', ws, 'scan', '--case', 'runs', '--create-case', '-q', '--no-match', '--no-verify', ...images.values(), E01, join(t.dir, 'split', 'ext-part.000')]);
    dfxmlFile = join(t.dir, 'runs.dfxml');
    cli(['-w', ws, 'export', '--case', 'runs', '--format', 'dfxml', '--out', dfxmlFile]);
    exported = parseExport(readFileSync(dfxmlFile, 'utf8'));
  });

  test('the export with byte runs validates against the DFXML schema', () => {
    requireXmllint();
    const v = validate(dfxmlFile);
    assert.equal(v.status, 0, v.output);
    assert.equal(exported.filter((e) => e.runs.length > 0 && images.has(e.evidence)).length, 103, 'fileobjects with byte runs (raw images)');
  });

  test("every file's runs equal the reference fiwalk DFXML's, and every reference file with runs has them", () => {
    let compared = 0;
    const perImage: string[] = [];
    for (const image of images.keys()) {
      const named = new Set<string>();
      const ref = referenceRuns(image, named);
      const ours = exported.filter((e) => e.evidence === image);
      const covered = new Set<string>();
      for (const e of ours) {
        if (e.runs.length === 0) continue;
        assert.ok(e.inode !== null, `${image} ${e.filename}: runs without an inode`);
        const key = `${e.partitionOffset}/${e.inode}`;
        const want = ref.get(key);
        assert.ok(want, `${image} ${e.filename} (${key}): runs, but fiwalk's reference has none`);
        assert.deepEqual(e.runs, want, `${image} ${e.filename} (${key})`);
        covered.add(key);
        compared++;
      }
      const missing = [...named].filter((k) => !covered.has(k));
      perImage.push(`${image} ${covered.size}/${named.size}`);
      assert.deepEqual(missing, [], `${image}: reference files with runs that our export lacks`);
    }
    console.log(`byte runs compared with fiwalk: ${compared} fileobjects; inodes covered: ${perImage.join(', ')}`);
    assert.equal(compared, 103, 'fileobjects compared');
    assert.equal(perImage.reduce((n, p) => n + Number(/ (\d+)\//.exec(p)![1]), 0), 102, 'inodes with runs in the reference files');
  });

  test('an E01 gives the same runs as the raw image it was acquired from (offsets in the media, not the container)', () => {
    const runsOf = (ev: string) => new Map(exported.filter((e) => e.evidence === ev && e.runs.length > 0).map((e) => [e.filename, e.runs]));
    const raw = runsOf('7-ntfs-undel.dd');
    assert.ok(raw.size >= 20);
    assert.deepEqual(runsOf('7-ntfs-undel.E01'), raw);
  });

  test('split raw gives the same runs as the whole image (runs beyond the first segment included)', () => {
    const runsOf = (ev: string) => new Map(exported.filter((e) => e.evidence === ev && e.runs.length > 0).map((e) => [e.filename, e.runs]));
    const whole = runsOf('ext-part-test-2.dd');
    assert.ok([...whole.values()].some((runs) => runs.some((r) => r.img_offset! > 80_000_000)));
    assert.deepEqual(runsOf('ext-part.000'), whole);
  });

  test('multi-partition image: runs are image offsets (partition offset included)', () => {
    const p2 = exported.filter((e) => e.evidence === 'ext-part-test-2.dd' && e.partitionOffset === 52416 * 512 && e.runs.length > 0);
    assert.ok(p2.length > 0);
    for (const e of p2) for (const r of e.runs) assert.ok(r.img_offset! >= 52416 * 512, `${e.filename}: ${r.img_offset}`);
  });

  test("reading the image at a file's runs gives its MD5 (deleted and fragmented files included)", () => {
    let checked = 0;
    let deletedChecked = 0;
    let fragmented = 0;
    for (const e of exported) {
      // NTFS resident data: TSK 4.11's fiwalk reports offset 0 (the run is inside the MFT entry), nothing to read there.
      if (!images.has(e.evidence) || !e.md5 || e.runs.length === 0 || e.runs.some((r) => r.type === 'resident' || r.fill !== null || r.img_offset === null)) continue;
      if (e.filename.includes(':')) continue; // named streams: fiwalk's runs are the default stream's
      const bytes = readRuns(images.get(e.evidence)!, e.runs);
      assert.equal(bytes.length, e.size, `${e.evidence} ${e.filename}: runs total ${bytes.length} bytes, file ${e.size}`);
      assert.equal(createHash('md5').update(bytes).digest('hex'), e.md5, `${e.evidence} ${e.filename}`);
      checked++;
      if (e.runs.length > 1) fragmented++;
      if (/^_|\/_/.test(e.filename)) deletedChecked++;
    }
    console.log(`MD5 from image bytes at the runs: ${checked} files (${fragmented} fragmented, ${deletedChecked} deleted FAT)`);
    assert.ok(checked >= 75, `only ${checked} files checked`);
    assert.ok(fragmented > 0, 'no fragmented file checked');
    assert.ok(deletedChecked > 0, 'no deleted FAT file checked');
  });

  test('runs are stored once per file and the outcome is on the evidence item; a rescan rewrites the same rows', () => {
    const db = () => new BetterSqlite3(join(ws, 'winnow.sqlite'), { readonly: true });
    const snapshot = () => {
      const h = db();
      try {
        return h.prepare('select file_id, seq, file_offset, fs_offset, img_offset, len, uncompressed_len, fill, type from file_byte_run order by file_id, seq').all();
      } finally {
        h.close();
      }
    };
    const before1 = snapshot();
    assert.ok(before1.length >= 103, `${before1.length} rows`);
    cli(['-w', ws, 'scan', '--case', 'runs', '-q', '--no-match', '--no-verify', images.get('6-fat-undel.dd')!]);
    assert.deepEqual(snapshot(), before1);
    const h = db();
    try {
      const acq = JSON.parse((h.prepare(`select acquisition from evidence where label = '7-ntfs-undel.dd'`).get() as { acquisition: string }).acquisition) as { byteRuns: { status: string; volumes: number; files: number; runs: number } };
      assert.equal(acq.byteRuns.status, 'recorded');
      assert.equal(acq.byteRuns.volumes, 1);
      assert.ok(acq.byteRuns.files >= 20 && acq.byteRuns.runs >= acq.byteRuns.files, JSON.stringify(acq.byteRuns));
    } finally {
      h.close();
    }
  });

  test('fiwalk missing: the scan still succeeds, the failure is a warning and is recorded on the evidence item', () => {
    // A PATH with every TSK / libewf tool the scan runs except fiwalk.
    const bin = join(t.dir, 'bin-without-fiwalk');
    mkdirSync(bin);
    const which = (tool: string) => execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    for (const tool of Object.keys(TOOL_PACKAGES)) if (tool !== 'fiwalk') symlinkSync(which(tool), join(bin, tool));
    const ws2 = join(t.dir, 'ws-nofiwalk');
    const r = spawnSync(process.execPath, [CLI, '-w', ws2, 'scan', '--case', 'n', '--create-case', '-q', '--no-match', '--no-verify', images.get('6-fat-undel.dd')!], {
      encoding: 'utf8', env: { ...process.env, PATH: bin },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /WARNING: .*byte runs not recorded .*fiwalk is not installed: apt-get install sleuthkit/);
    const h = new BetterSqlite3(join(ws2, 'winnow.sqlite'), { readonly: true });
    try {
      const ev = h.prepare(`select status, acquisition from evidence`).get() as { status: string; acquisition: string };
      assert.equal(ev.status, 'done');
      const br = (JSON.parse(ev.acquisition) as { byteRuns: { status: string; detail: string } }).byteRuns;
      assert.equal(br.status, 'failed');
      assert.match(br.detail, /fiwalk is not installed/);
      assert.equal((h.prepare('select count(*) n from file_byte_run').get() as { n: number }).n, 0);
      assert.ok((h.prepare(`select count(*) n from file where md5 is not null`).get() as { n: number }).n >= 10, 'files hashed all the same');
    } finally {
      h.close();
    }
  });
});
