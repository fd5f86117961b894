import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DatabaseHandle } from '../../src/db/connection.js';
import { CaseRepository } from '../../src/db/repositories/case.repository.js';
import { EvidenceRepository } from '../../src/db/repositories/evidence.repository.js';
import { FileRepository } from '../../src/db/repositories/file.repository.js';
import type { ProcessedEntry } from '../../src/domain/entry.js';
import { CaseService } from '../../src/services/case.service.js';
import { fileId, newId } from '../../src/util/ids.js';
import { nowIso } from '../../src/util/time.js';

function entry(path: string, over: Partial<ProcessedEntry> = {}): ProcessedEntry {
  return {
    path, parentPath: null, entryType: 'file', depth: 0, size: 3,
    times: { mtime: '2024-01-01T00:00:00.000Z', atime: null, ctime: null, birthtime: null },
    digests: { md5: '900150983cd24fb0d6963f7d28e17f72', sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d', sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
    type: { mime: 'text/plain', ext: 'txt', mismatch: false }, isArchive: false, archiveStatus: null, memberCount: null,
    error: null, errorCode: null, media: null, stages: { digest: 'done', metadata: 'skipped', extract: 'skipped' }, ...over,
  };
}

/**
 * The behaviour every database engine must show through the repositories. Run by one test file per engine.
 */
export function databaseConformance(engine: string, open: () => Promise<DatabaseHandle>, teardown: () => Promise<void> = async () => {}): void {
  describe(`database conformance: ${engine}`, () => {
    let h: DatabaseHandle;
    let caseId: string;
    let evidenceId: string;
    before(async () => {
      h = await open();
      const cases = new CaseService(new CaseRepository(h));
      caseId = (await cases.create('Operation Conformance')).id;
      evidenceId = newId();
      await new EvidenceRepository(h).create({
        id: evidenceId, case_id: caseId, label: 'USB-1', source_path: '/evidence/usb1', kind: 'folder', size: null,
        acquisition_notes: 'seized 2026-01-02', examiner: 'E. Xaminer', status: 'pending', started_at: null, finished_at: null,
        enumerated_at: null, error: null, created_at: nowIso(),
      });
    });
    after(async () => {
      await h.close();
      await teardown();
    });

    test('reports its engine capabilities', () => {
      assert.equal(h.caps.engine, engine);
      assert.ok(h.caps.maxBindParameters >= 32_766);
    });

    test('case names are unique and listed with counts', async () => {
      const cases = new CaseService(new CaseRepository(h));
      await assert.rejects(cases.create('Operation Conformance'), /already exists/);
      await assert.rejects(cases.create('../etc'), /invalid case name/);
      const list = await cases.list();
      assert.equal(list.length, 1);
      assert.equal(list[0]!.name, 'Operation Conformance');
      assert.equal(list[0]!.evidence, 1);
    });

    test('discovering the same files twice stores them once', async () => {
      const files = new FileRepository(h);
      const found = ['a.txt', 'b.txt', 'dir/c.txt'].map((path) => ({ path, depth: 0, entryType: 'file', size: 3, times: entry(path).times }));
      await files.recordDiscovered(evidenceId, found);
      await files.recordDiscovered(evidenceId, found);
      const pending = await files.pendingPaths(evidenceId, ['a.txt', 'b.txt', 'dir/c.txt'], 'digest');
      assert.deepEqual([...pending].sort(), ['a.txt', 'b.txt', 'dir/c.txt']);
      const s = await files.summary([evidenceId]);
      assert.equal(s.files, 3);
    });

    test('saving results is idempotent, digests round-trip as bytes, stages mark files done', async () => {
      const files = new FileRepository(h);
      const member = entry('a.txt!/inner.txt', { parentPath: 'a.txt', depth: 1 });
      await files.saveProcessed(evidenceId, [entry('a.txt'), member]);
      await files.saveProcessed(evidenceId, [entry('a.txt'), member]);
      const pending = await files.pendingPaths(evidenceId, ['a.txt', 'b.txt', 'dir/c.txt'], 'digest');
      assert.deepEqual([...pending].sort(), ['b.txt', 'dir/c.txt']);
      const page = await files.exportPage(caseId, null, 100);
      const a = page.find((r) => r.path === 'a.txt')!;
      assert.equal(Buffer.from(a.md5!).toString('hex'), '900150983cd24fb0d6963f7d28e17f72');
      assert.equal(Buffer.from(a.sha256!).toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      const m = page.find((r) => r.path === 'a.txt!/inner.txt')!;
      assert.equal(m.parent_id, fileId(evidenceId, 'a.txt'));
      assert.equal(page.length, 4);
      const stageRows = await h.db.selectFrom('file_stage').select(['stage', 'attempts']).where('file_id', '=', a.id).execute();
      assert.equal(stageRows.length, 3);
      assert.ok(stageRows.every((r) => r.attempts === 2), 'a re-run counts an attempt, not a new row');
    });

    test('media metadata is stored with the file and exported with it', async () => {
      const files = new FileRepository(h);
      await files.saveProcessed(evidenceId, [
        entry('b.txt', {
          type: { mime: 'image/jpeg', ext: 'jpg', mismatch: true },
          media: { width: 640, height: 480, make: 'Canon', model: 'EOS', bodySerial: '223073000724', internalSerial: null, lensSerial: '00009f8eeb', dateTimeOriginal: '2018:01:01 10:00:00', gpsLat: -33.123456789, gpsLon: 151.2, gpsAlt: 12.5, software: null, orientation: 1, error: null },
        }),
      ]);
      const b = (await files.exportPage(caseId, null, 100)).find((r) => r.path === 'b.txt')!;
      assert.equal(b.extension_mismatch, 1);
      assert.equal(b.media?.body_serial, '223073000724');
      assert.equal(b.media?.gps_lat, -33.123456789);
    });

    test('failed stages can be retried on request only', async () => {
      const files = new FileRepository(h);
      await files.saveProcessed(evidenceId, [entry('dir/c.txt', { digests: null, error: 'permission denied', errorCode: 'EACCES', stages: { digest: 'failed' } })]);
      assert.equal((await files.pendingPaths(evidenceId, ['dir/c.txt'], 'digest')).size, 0);
      assert.equal((await files.pendingPaths(evidenceId, ['dir/c.txt'], 'digest', true)).size, 1);
    });

    test('batches larger than the bind-parameter ceiling are split, keyset paging returns every row once', async () => {
      const files = new FileRepository(h);
      const n = 5000; // 5000 rows × 27 columns > 65535 parameters
      const many = Array.from({ length: n }, (_, i) => entry(`bulk/${String(i).padStart(5, '0')}.bin`));
      await files.saveProcessed(evidenceId, many);
      const seen = new Set<string>();
      let afterKey: { evidenceId: string; path: string } | null = null;
      for (;;) {
        const page = await files.exportPage(caseId, afterKey, 777);
        if (!page.length) break;
        for (const r of page) {
          assert.ok(!seen.has(r.path), `duplicate ${r.path}`);
          seen.add(r.path);
        }
        const last = page[page.length - 1]!;
        afterKey = { evidenceId: last.evidence_id, path: last.path };
      }
      assert.equal(seen.size, n + 4);
      const pending = await files.pendingTopLevel(evidenceId, 'digest', '', 10);
      assert.deepEqual(pending.map((r) => r.path), []);
    });
  });
}
