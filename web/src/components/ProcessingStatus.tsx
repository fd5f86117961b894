import { useEffect, useState } from 'react';
import { api } from '../lib/api.js';
import { fmtDate } from './common.js';

/** Mirrors src/services/lab-status.service.ts (LabStatus), kept by hand like the rest of the client types. */
interface QueueStats { queued: number; active: number; completed: number; failed: number }
interface WorkerStatus { id: string; host: string; pid: number; stages: string; state: 'running' | 'stopped' | 'silent'; lastHeartbeat: string; heartbeatAgeSec: number; filesDone: number; filesPerSec: number; mbPerSec: number }
interface LabStatus {
  queues: { files: QueueStats; match: QueueStats } | null;
  workers: WorkerStatus[];
  cases: { caseName: string; evidence: number; evidenceDone: number; listed: number; processed: number; failed: number }[];
  failures: { path: string; error: string | null; attempts: number }[];
}

/**
 * Processing on the case dashboard (issue 8), as `winnow status` shows it: queues, workers (host, pid, last
 * heartbeat, throughput), this case's progress and its latest failures. Refreshed every 5 s while work remains.
 */
export function ProcessingStatus({ caseId }: { caseId: string }) {
  const [s, setS] = useState<LabStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let alive = true;
    const load = () => api<LabStatus>('GET', `/api/cases/${caseId}/processing`).then((v) => {
      if (!alive) return;
      setS(v);
      const busy = v.cases.some((c) => c.processed < c.listed || c.evidenceDone < c.evidence) || (v.queues ? v.queues.files.queued + v.queues.files.active > 0 : false);
      if (busy) timer = setTimeout(load, 5000);
    }, (e: Error) => alive && setError(e.message));
    void load();
    return () => { alive = false; clearTimeout(timer); };
  }, [caseId]);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!s) return <p className="loading">Loading processing status…</p>;
  const c = s.cases[0];
  return (
    <section data-testid="processing">
      <h2>Processing</h2>
      {c && (
        <p>
          <progress max={Math.max(1, c.listed)} value={c.processed} /> {c.processed} of {c.listed} files processed, {c.failed} failed;
          evidence {c.evidenceDone}/{c.evidence} done
        </p>
      )}
      {s.queues ? (
        <table className="table" data-testid="queues">
          <thead><tr><th>Queue</th><th>Queued</th><th>Active</th><th>Completed</th><th>Failed</th></tr></thead>
          <tbody>
            {Object.entries(s.queues).map(([name, q]) => <tr key={name}><td>{name}</td><td>{q.queued}</td><td>{q.active}</td><td>{q.completed}</td><td>{q.failed}</td></tr>)}
          </tbody>
        </table>
      ) : <p className="hint">Embedded mode: scans run in the process that started them (lab mode: a PostgreSQL workspace and <code>winnow worker</code>).</p>}
      {s.workers.length > 0 && (
        <table className="table" data-testid="workers">
          <thead><tr><th>Host</th><th>PID</th><th>Stages</th><th>State</th><th>Last heartbeat</th><th>Files</th><th>Files/s</th><th>MB/s</th></tr></thead>
          <tbody>
            {s.workers.map((w) => (
              <tr key={w.id}>
                <td>{w.host}</td><td>{w.pid}</td><td>{w.stages}</td>
                <td>{w.state === 'silent' ? `silent ${w.heartbeatAgeSec} s (dead?)` : w.state}</td>
                <td>{fmtDate(w.lastHeartbeat)}</td><td>{w.filesDone}</td><td>{w.filesPerSec.toFixed(1)}</td><td>{w.mbPerSec.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.failures.length > 0 && (
        <>
          <h3>Latest failures</h3>
          <table className="table" data-testid="failures">
            <thead><tr><th>File</th><th>Error</th><th>Attempts</th></tr></thead>
            <tbody>{s.failures.map((f) => <tr key={f.path}><td className="path">{f.path}</td><td>{f.error ?? '—'}</td><td>{f.attempts}</td></tr>)}</tbody>
          </table>
        </>
      )}
    </section>
  );
}
