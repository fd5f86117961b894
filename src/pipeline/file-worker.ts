/**
 * Worker-thread entry point: processes disk files handed over by the WorkerPool (hashing, type, metadata,
 * archive members) so that both cores hash while the main thread walks and writes to the database. Jobs run one
 * at a time, in the order received (the pool may queue a few here so the worker never waits for the main thread).
 * A worker may instead be asked to help another with the digests of one large file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ExifToolMetadataReader } from '../adapters/exiftool-metadata.js';
import { attachDigestHelper, serveDigestHelper } from '../hashing/triple-digest.js';
import { failedEntry } from '../domain/entry.js';
import { EntryProcessor } from './entry-processor.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

type JobMessage = Extract<ToWorker, { type: 'job' }>;

const init = workerData as WorkerInit;
const port = parentPort!;
// ExifTool (module and process) only once a picture turns up: loading it delays the first file of every scan.
let metadata: Promise<ExifToolMetadataReader> | null = null;
const lazyMetadata = {
  async read(path: string) {
    metadata ??= import('../adapters/exiftool-metadata.js').then((m) => new m.ExifToolMetadataReader({ maxProcs: 1 }));
    return (await metadata).read(path);
  },
};
const processor = new EntryProcessor(lazyMetadata, init.limits, init.scratchDir);
const send = (m: FromWorker) => port.postMessage(m);

const jobs: JobMessage[] = [];
let running = false;

async function runJobs(): Promise<void> {
  running = true;
  for (let msg = jobs.shift(); msg; msg = jobs.shift()) await runJob(msg);
  running = false;
}

async function runJob(msg: JobMessage): Promise<void> {
  if (msg.helper) attachDigestHelper(msg.job, msg.helper);
  try {
    const entry = await processor.processDiskFile(msg.job, (entries) => send({ type: 'members', jobId: msg.jobId, entries }));
    send({ type: 'done', jobId: msg.jobId, entry });
  } catch (e) {
    // EntryProcessor records per-file failures itself; reaching here is a bug, still reported as data, never lost.
    const err = e as Error;
    send({
      type: 'done',
      jobId: msg.jobId,
      entry: failedEntry(msg.job, `internal error: ${err.message}`, 'EINTERNAL'),
    });
  } finally {
    // Releases the helper whatever happened (file vanished before it was read, read error, finished).
    msg.helper?.close();
  }
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'stop':
      void (async () => {
        await (await metadata?.catch(() => null))?.close();
        send({ type: 'stopped' });
        port.close();
      })();
      return;
    case 'help':
      void serveDigestHelper(msg.port, msg.algorithms).then(() => send({ type: 'helped', jobId: msg.jobId }));
      return;
    case 'job':
      jobs.push(msg);
      if (!running) void runJobs();
      return;
  }
});
send({ type: 'ready' });
