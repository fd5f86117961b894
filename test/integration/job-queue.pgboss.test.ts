import { dropPostgresSchema } from '../../src/db/connection.js';
import { PgBossJobQueue } from '../../src/adapters/queue/pgboss-queue.js';
import { jobQueueConformance } from '../conformance/job-queue.conformance.js';
import { PG_URL, pgUrlWithSchema } from '../helpers/env.js';

// Real PostgreSQL; pg-boss in a schema of its own, a 1 s lease and a 1 s supervisor so expiry is quick.
const { schema } = pgUrlWithSchema('boss');
jobQueueConformance('pg-boss', {
  open: () => PgBossJobQueue.open({ connectionString: PG_URL, schema, maintenanceSeconds: 1 }),
  leaseSeconds: 1,
  passLease: () => new Promise((r) => setTimeout(r, 1500)),
  cleanup: () => dropPostgresSchema(PG_URL, schema),
});
