/**
 * The job queue on the workspace's PostgreSQL, with pg-boss (v10: the last major that runs on Node 20; v11+ need
 * Node 22). Chosen over BullMQ because lab mode already has PostgreSQL and no Redis, and over graphile-worker because
 * a crashed worker's jobs come back after their own lease (`expireInSeconds`) instead of a fixed 4 hours (see
 * ../shared/notes/style-anchors.md §3).
 *
 * Mapping of the port onto pg-boss:
 * - lease = pg-boss `expireInSeconds`; the expiry is applied by pg-boss's supervisor every `maintenanceSeconds`
 *   (any process with supervise on does it, under pg-boss's own advisory lock), so a dead worker's job is retried
 *   within lease + maintenance interval.
 * - retries = `retryLimit`, no delay; pg-boss moves a job to `failed` with our error as its output after the last.
 * - singleton keys = the `short` queue policy: a unique index on (name, COALESCE(singleton_key, '')) over *created*
 *   jobs, and pg-boss inserts with ON CONFLICT DO NOTHING, so re-enqueueing a waiting key is a no-op. A job without
 *   a key gets its own id as key (else all keyless jobs would collide on '').
 * - order: pg-boss fetches by (priority, created_on, id), and one INSERT gives all rows the same created_on, so we
 *   make the ids time-ordered (UUIDv7 layout: 48-bit milliseconds, then a sequence) to keep batches FIFO.
 * - stats and failures are read from pg-boss's `job` table (one GROUP BY) rather than N getQueueSize calls.
 * pg-boss's tables live in their own schema next to the workspace's (`<schema>_boss`, or `pgboss`); pg-boss
 * migrates it under its own advisory lock, so workers starting together are safe.
 */
import { randomBytes } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { EnqueueItem, FailedJob, JobQueue, QueueJob, QueueOptions, QueueStats } from '../../services/job-queue.js';

export interface PgBossQueueOptions {
  /** PostgreSQL URL without our `?schema=` parameter. */
  connectionString: string;
  /** pg-boss's own schema. */
  schema: string;
  /** How often expired leases are detected (seconds, ≥ 1). */
  maintenanceSeconds?: number;
  /** Run pg-boss's supervisor (lease expiry, archiving) in this process. */
  supervise?: boolean;
}

/** The pg-boss schema that belongs to a workspace schema. */
export function bossSchemaFor(workspaceSchema: string | null): string {
  return workspaceSchema ? `${workspaceSchema}_boss` : 'pgboss';
}

/** Split a workspace URL (`postgres://…?schema=X`) into a plain connection string and the pg-boss schema. */
export function pgBossOptionsFromUrl(url: string): PgBossQueueOptions {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema: bossSchemaFor(schema) };
}

export class PgBossJobQueue implements JobQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly schema: string,
  ) {}

  static async open(opts: PgBossQueueOptions): Promise<PgBossJobQueue> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(opts.schema)) throw new Error(`invalid pg-boss schema name "${opts.schema}"`);
    const boss = new PgBoss({
      connectionString: opts.connectionString,
      schema: opts.schema,
      max: 4,
      supervise: opts.supervise ?? true,
      schedule: false,
      maintenanceIntervalSeconds: opts.maintenanceSeconds ?? 10,
    });
    // pg-boss emits 'error' for background failures (maintenance); without a listener Node would crash the process.
    boss.on('error', (err: Error) => process.stderr.write(`job queue: ${err.message}\n`));
    await boss.start();
    return new PgBossJobQueue(boss, opts.schema);
  }

  async createQueue(name: string, opts: QueueOptions): Promise<void> {
    const settings = { policy: 'short' as const, retryLimit: opts.retryLimit, retryDelay: 0, retryBackoff: false, expireInSeconds: opts.leaseSeconds };
    // Processes starting together on a fresh schema race to create the queue's partition, and PostgreSQL may answer
    // one of them "deadlock detected" (seen with three at once): retry until the queue is there. An existing queue
    // keeps the settings it was created with (workers may start with other defaults).
    for (let attempt = 1; ; attempt++) {
      if (await this.boss.getQueue(name)) return;
      try {
        await this.boss.createQueue(name, { name, ...settings });
        return;
      } catch (err) {
        if (attempt >= 8) throw err;
        await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 100));
      }
    }
  }

  async enqueue<T extends object>(name: string, item: EnqueueItem<T>): Promise<string | null> {
    const id = orderedUuid();
    return this.boss.send(name, item.data, { id, singletonKey: item.singletonKey ?? id });
  }

  async enqueueBatch<T extends object>(name: string, items: readonly EnqueueItem<T>[]): Promise<void> {
    for (let i = 0; i < items.length; i += 500) {
      await this.boss.insert(items.slice(i, i + 500).map((it) => {
        const id = orderedUuid();
        return { id, name, data: it.data, singletonKey: it.singletonKey ?? id };
      }));
    }
  }

  async fetch<T extends object>(name: string, max: number): Promise<QueueJob<T>[]> {
    const jobs = await this.boss.fetch<T>(name, { batchSize: max, includeMetadata: true });
    return jobs.map((j) => ({ id: j.id, data: j.data, retryCount: j.retryCount, retryLimit: j.retryLimit }));
  }

  async complete(name: string, id: string): Promise<void> {
    await this.boss.complete(name, id);
  }

  async fail(name: string, id: string, error: string): Promise<void> {
    await this.boss.fail(name, id, { message: error });
  }

  async stats(name: string): Promise<QueueStats> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT state::text AS state, count(*)::int AS n FROM ${this.schema}.job WHERE name = $1 GROUP BY state`, [name],
    );
    const s: QueueStats = { queued: 0, active: 0, completed: 0, failed: 0 };
    for (const r of rows as { state: string; n: number }[]) {
      if (r.state === 'created' || r.state === 'retry') s.queued += r.n;
      else if (r.state === 'active' || r.state === 'completed' || r.state === 'failed') s[r.state] += r.n;
    }
    return s;
  }

  async failures<T extends object>(name: string, limit: number): Promise<FailedJob<T>[]> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT id::text AS id, data, output FROM ${this.schema}.job WHERE name = $1 AND state = 'failed' ORDER BY completed_on DESC NULLS LAST LIMIT $2`,
      [name, limit],
    );
    return (rows as { id: string; data: T; output: unknown }[]).map((r) => ({ id: r.id, data: r.data, error: errorText(r.output) }));
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true, close: true });
  }
}

let lastMs = 0;
let seq = 0;

/** A UUID whose byte order is creation order within this process (UUIDv7 layout, with a 12-bit sequence). */
export function orderedUuid(): string {
  const ms = Date.now();
  if (ms === lastMs) seq++;
  else {
    lastMs = ms;
    seq = 0;
  }
  const t = Math.max(ms, lastMs).toString(16).padStart(12, '0');
  const s = (seq & 0xfff).toString(16).padStart(3, '0');
  const r = randomBytes(8).toString('hex');
  const variant = ((parseInt(r[0]!, 16) & 0x3) | 0x8).toString(16);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${s}-${variant}${r.slice(1, 4)}-${r.slice(4, 16)}`;
}

/** pg-boss stores our `{ message }`, or `{ value: { message } }` for a lease timeout. */
function errorText(output: unknown): string {
  const o = output as { message?: unknown; value?: { message?: unknown } } | null;
  if (typeof o?.message === 'string') return o.message;
  if (typeof o?.value?.message === 'string') return o.value.message;
  return JSON.stringify(output);
}
