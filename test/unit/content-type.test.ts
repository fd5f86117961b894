import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectContentType, extensionOf, truncatedImageReason } from '../../src/adapters/content-type.js';
import { csvCell } from '../../src/formats/csv-writer.js';
import { fileId, newId } from '../../src/util/ids.js';

const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

test('type comes from content, and a lying extension is flagged', async () => {
  assert.deepEqual(await detectContentType(JPEG_HEAD, 'a/b/photo.JPEG'), { mime: 'image/jpeg', ext: 'jpg', mismatch: false });
  assert.equal((await detectContentType(JPEG_HEAD, 'notes.txt')).mismatch, true);
  assert.equal((await detectContentType(Buffer.from('hello world\n'), 'x.jpg')).mismatch, true);
  assert.deepEqual(await detectContentType(Buffer.from('hello world\n'), 'readme.md'), { mime: 'text/plain', ext: 'txt', mismatch: false });
  assert.equal((await detectContentType(Buffer.alloc(0), 'empty.bin')).mime, 'application/x-empty');
  assert.equal((await detectContentType(Buffer.from([0, 1, 2, 3, 255, 0]), 'blob')).mime, null);
});

test('extensions are the last suffix, lowercase; dotfiles have none', () => {
  assert.equal(extensionOf('dir.d/a.TAR.GZ'), 'gz');
  assert.equal(extensionOf('.bashrc'), null);
  assert.equal(extensionOf('noext'), null);
});

test('truncated pictures are detected from their tail', () => {
  assert.equal(truncatedImageReason('image/jpeg', Buffer.from([1, 2, 0xff, 0xd9])), null);
  assert.match(truncatedImageReason('image/jpeg', Buffer.from([1, 2, 3])) ?? '', /FFD9/);
  assert.match(truncatedImageReason('image/png', Buffer.from('abc')) ?? '', /IEND/);
  assert.equal(truncatedImageReason('text/plain', Buffer.from('abc')), null);
});

test('CSV cells are quoted and formula injection is neutralised', () => {
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(12), '12');
});

test('file ids are deterministic per (evidence, path); case ids are time-ordered', () => {
  assert.equal(fileId('e1', 'a.txt'), fileId('e1', 'a.txt'));
  assert.notEqual(fileId('e1', 'a.txt'), fileId('e2', 'a.txt'));
  assert.match(fileId('e1', 'a.txt'), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const a = newId(1_700_000_000_000);
  const b = newId(1_700_000_000_001);
  assert.ok(a < b);
});
