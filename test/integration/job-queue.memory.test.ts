import { MemoryJobQueue } from '../../src/adapters/queue/memory-queue.js';
import { jobQueueConformance } from '../conformance/job-queue.conformance.js';

// A fake clock: lease expiry is tested without waiting.
let clock = Date.now();
jobQueueConformance('memory', {
  open: async () => new MemoryJobQueue(() => clock),
  leaseSeconds: 30,
  passLease: async () => { clock += 31_000; },
  cleanup: async () => {},
});
