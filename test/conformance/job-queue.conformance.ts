/**
 * The job-queue contract (services/job-queue.ts), run against every implementation: the in-process queue
 * (test/integration/job-queue.memory.test.ts) and pg-boss on PostgreSQL (job-queue.pgboss.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { JobQueue } from '../../src/services/job-queue.js';

export interface QueueHarness {
  open(): Promise<JobQueue>;
  /** Lease used by the lease tests (seconds). */
  leaseSeconds: number;
  /** Let time pass beyond a lease (a fake clock, or real waiting plus the supervisor's interval). */
  passLease(): Promise<void>;
  cleanup(): Promise<void>;
}

interface Payload {
  n: number;
}

/** Fetch until something comes back: lease expiry is applied by a background supervisor on pg-boss. */
async function fetchEventually(q: JobQueue, name: string, tries = 20): Promise<{ id: string; data: Payload; retryCount: number }[]> {
  for (let i = 0; i < tries; i++) {
    const jobs = await q.fetch<Payload>(name, 10);
    if (jobs.length) return jobs;
    await new Promise((r) => setTimeout(r, 500));
  }
  return [];
}

export function jobQueueConformance(label: string, harness: QueueHarness): void {
  let q: JobQueue;
  let n = 0;
  const fresh = async (retryLimit = 2, leaseSeconds = 600) => {
    const name = `conf-${label}-${++n}`;
    await q.createQueue(name, { retryLimit, leaseSeconds });
    return name;
  };
  before(async () => { q = await harness.open(); });
  after(async () => {
    await q.close();
    await harness.cleanup();
  });

  test(`${label}: enqueue, fetch, complete`, async () => {
    const name = await fresh();
    const id = await q.enqueue<Payload>(name, { data: { n: 1 } });
    assert.ok(id);
    const [job, ...rest] = await q.fetch<Payload>(name, 5);
    assert.equal(rest.length, 0);
    assert.equal(job!.id, id);
    assert.deepEqual(job!.data, { n: 1 });
    assert.equal(job!.retryCount, 0);
    assert.deepEqual(await q.stats(name), { queued: 0, active: 1, completed: 0, failed: 0 });
    assert.deepEqual(await q.fetch(name, 5), [], 'an active job is not handed out twice');
    await q.complete(name, job!.id);
    assert.deepEqual(await q.stats(name), { queued: 0, active: 0, completed: 1, failed: 0 });
  });

  test(`${label}: batch enqueue, fetched in order, each once`, async () => {
    const name = await fresh();
    await q.enqueueBatch<Payload>(name, Array.from({ length: 25 }, (_, i) => ({ data: { n: i } })));
    assert.equal((await q.stats(name)).queued, 25);
    const seen: number[] = [];
    for (let jobs = await q.fetch<Payload>(name, 10); jobs.length; jobs = await q.fetch<Payload>(name, 10)) {
      assert.ok(jobs.length <= 10);
      for (const j of jobs) {
        seen.push(j.data.n);
        await q.complete(name, j.id);
      }
    }
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => i));
    assert.deepEqual(await q.stats(name), { queued: 0, active: 0, completed: 25, failed: 0 });
  });

  test(`${label}: a failing job is retried retryLimit times, then failed with its error`, async () => {
    const name = await fresh(2);
    await q.enqueue<Payload>(name, { data: { n: 7 } });
    const attempts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [job] = await q.fetch<Payload>(name, 1);
      assert.ok(job, `attempt ${i + 1} was not handed out`);
      attempts.push(job.retryCount);
      await q.fail(name, job.id, `boom ${i + 1}`);
    }
    assert.deepEqual(attempts, [0, 1, 2]);
    assert.deepEqual(await q.fetch(name, 1), [], 'retried beyond retryLimit');
    assert.deepEqual(await q.stats(name), { queued: 0, active: 0, completed: 0, failed: 1 });
    const failures = await q.failures<Payload>(name, 10);
    assert.equal(failures.length, 1);
    assert.deepEqual(failures[0]!.data, { n: 7 });
    assert.equal(failures[0]!.error, 'boom 3');
  });

  test(`${label}: a failed job does not block the others`, async () => {
    const name = await fresh(0);
    await q.enqueueBatch<Payload>(name, [{ data: { n: 1 } }, { data: { n: 2 } }]);
    const [bad] = await q.fetch<Payload>(name, 1);
    await q.fail(name, bad!.id, 'poison');
    const [good] = await q.fetch<Payload>(name, 1);
    assert.equal(good!.data.n, 2);
    await q.complete(name, good!.id);
    assert.deepEqual(await q.stats(name), { queued: 0, active: 0, completed: 1, failed: 1 });
  });

  test(`${label}: a job whose lease expires goes to another worker, counting an attempt`, async () => {
    const name = await fresh(1, harness.leaseSeconds);
    await q.enqueue<Payload>(name, { data: { n: 42 } });
    const [held] = await q.fetch<Payload>(name, 1); // a worker takes it and dies
    assert.ok(held);
    await harness.passLease();
    const [again] = await fetchEventually(q, name);
    assert.ok(again, 'the expired job was never handed out again');
    assert.equal(again.id, held.id);
    assert.equal(again.retryCount, 1);
    await q.complete(name, again.id);
    assert.deepEqual(await q.stats(name), { queued: 0, active: 0, completed: 1, failed: 0 });
  });

  test(`${label}: a job whose lease expires with no retries left is failed`, async () => {
    const name = await fresh(0, harness.leaseSeconds);
    await q.enqueue<Payload>(name, { data: { n: 5 } });
    assert.equal((await q.fetch(name, 1)).length, 1);
    await harness.passLease();
    let s = await q.stats(name);
    for (let i = 0; i < 20 && s.failed === 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      s = await q.stats(name);
    }
    assert.deepEqual(s, { queued: 0, active: 0, completed: 0, failed: 1 });
    const [f] = await q.failures<Payload>(name, 1);
    assert.match(f!.error, /timeout|lease/i);
  });

  test(`${label}: re-enqueueing a waiting singleton key is a no-op; once fetched it can be queued again`, async () => {
    const name = await fresh();
    assert.ok(await q.enqueue<Payload>(name, { data: { n: 1 }, singletonKey: 'ev1:batch0' }));
    assert.equal(await q.enqueue<Payload>(name, { data: { n: 2 }, singletonKey: 'ev1:batch0' }), null);
    await q.enqueueBatch<Payload>(name, [{ data: { n: 3 }, singletonKey: 'ev1:batch0' }, { data: { n: 4 }, singletonKey: 'ev1:batch1' }]);
    assert.equal((await q.stats(name)).queued, 2);
    const jobs = await q.fetch<Payload>(name, 10);
    assert.deepEqual(jobs.map((j) => j.data.n).sort(), [1, 4]);
    // fetched (a worker has it): requeue may add it again, the handler being idempotent
    assert.ok(await q.enqueue<Payload>(name, { data: { n: 5 }, singletonKey: 'ev1:batch0' }));
    assert.deepEqual(await q.stats(name), { queued: 1, active: 2, completed: 0, failed: 0 });
  });

  test(`${label}: stats are per queue`, async () => {
    const a = await fresh();
    const b = await fresh();
    await q.enqueueBatch<Payload>(a, [{ data: { n: 1 } }, { data: { n: 2 } }, { data: { n: 3 } }]);
    await q.enqueue<Payload>(b, { data: { n: 9 } });
    const [j] = await q.fetch<Payload>(a, 1);
    await q.complete(a, j!.id);
    assert.deepEqual(await q.stats(a), { queued: 2, active: 0, completed: 1, failed: 0 });
    assert.deepEqual(await q.stats(b), { queued: 1, active: 0, completed: 0, failed: 0 });
  });
}
