/**
 * Worker-thread entry point: processes disk files handed over by the WorkerPool (hashing, type, metadata,
 * archive members) so that both cores hash while the main thread walks and writes to the database.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ExifToolMetadataReader } from '../adapters/exiftool-metadata.js';
import { EntryProcessor } from './entry-processor.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort!;
let metadata: ExifToolMetadataReader | null = null;
const lazyMetadata = {
  read(path: string) {
    metadata ??= new ExifToolMetadataReader({ maxProcs: 1 });
    return metadata.read(path);
  },
};
const processor = new EntryProcessor(lazyMetadata, init.limits, init.scratchDir);
const send = (m: FromWorker) => port.postMessage(m);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'stop') {
    void (async () => {
      await metadata?.close();
      send({ type: 'stopped' });
      port.close();
    })();
    return;
  }
  void (async () => {
    const entry = await processor.processDiskFile(msg.job, (entries) => send({ type: 'members', jobId: msg.jobId, entries }));
    send({ type: 'done', jobId: msg.jobId, entry });
  })().catch((err: Error) => {
    // EntryProcessor records per-file failures itself; reaching here is a bug, still reported as data, never lost.
    send({
      type: 'done',
      jobId: msg.jobId,
      entry: {
        path: msg.job.relPath, parentPath: null, entryType: 'file', depth: msg.job.depth, size: msg.job.size, times: msg.job.times,
        digests: null, type: null, isArchive: false, archiveStatus: null, memberCount: null,
        error: `internal error: ${err.message}`, errorCode: 'EINTERNAL', media: null, stages: { digest: 'failed' },
      },
    });
  });
});
send({ type: 'ready' });
