import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabWorker, type LabPorts } from '../../src/services/lab.service.js';

// A worker outlives database and queue errors (a restart, a dropped connection): it backs off and goes on, instead of
// exiting and leaving its share of the work to the others. Heartbeat failures must not crash it either.

test('a failing fetch and failing heartbeats are survived: the worker backs off, then takes the next job', async () => {
  let fetches = 0;
  const errors: string[] = [];
  const completed: string[] = [];
  let worker: LabWorker | null = null;
  const queue = {
    async fetch(name: string) {
      fetches++;
      if (fetches === 1) throw new Error('connection terminated unexpectedly');
      if (name === 'winnow-match' && !completed.includes('m1')) return [{ id: 'm1', data: { caseId: 'c', caseName: 'c' }, retryCount: 0, retryLimit: 2 }];
      if (completed.includes('m1')) worker!.stop();
      return [];
    },
    async complete(_name: string, id: string) { completed.push(id); },
    async fail() { throw new Error('unexpected fail()'); },
  };
  const store = {
    async registerWorker() {}, async stopWorker() {}, async unfinishedEvidence() { return []; },
    async heartbeat() { throw new Error('heartbeat: database unreachable'); },
    async evidenceById() { return undefined; }, async evidenceOfCase() { return []; },
  };
  const ports = { queue, store, matchCase: async () => {}, caseName: async () => 'c' } as unknown as LabPorts; // only what the match path touches
  worker = new LabWorker(ports, { id: 'w', host: 'h', pid: 1, stages: ['match'], concurrency: 1, heartbeatMs: 20, idleMs: 10, onError: (e) => errors.push(e.message) });
  await worker.run().catch((e: Error) => errors.push(`run: ${e.message}`));
  assert.deepEqual(completed, ['m1'], 'the job after the failed fetch was done');
  assert.equal(errors[0], 'connection terminated unexpectedly');
  assert.ok(errors.some((e) => e.startsWith('heartbeat')), 'heartbeat failures are reported, not thrown');
});
