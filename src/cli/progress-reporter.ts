import type { ProgressSink, ScanProgress } from '../services/scan-progress.js';
import { formatBytes } from '../util/format-bytes.js';

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

export function progressLine(p: Readonly<ScanProgress>): string {
  const elapsed = Date.now() - p.startedAt;
  const rate = elapsed > 0 ? p.processedBytes / (elapsed / 1000) : 0;
  const filesRate = elapsed > 0 ? p.processedFiles / (elapsed / 1000) : 0;
  const remaining = Math.max(0, p.discoveredBytes - p.topLevelBytesDone);
  const eta = p.walkDone && rate > 0 ? duration((remaining / rate) * 1000) : p.walkDone ? '—' : 'listing…';
  const total = p.walkDone ? `${p.discoveredFiles}` : `${p.discoveredFiles}+`;
  const image = p.image ? ` [${p.image.format} image, ${formatBytes(p.image.bytes)}, ${p.image.volumes} file system(s)]` : '';
  return (
    `${p.source}${image}: ${p.topLevelDone}/${total} files (${p.processedFiles} incl. archive members), ` +
    `${formatBytes(p.topLevelBytesDone)}/${formatBytes(p.discoveredBytes)}, ` +
    `${formatBytes(rate)}/s, ${filesRate.toFixed(0)} files/s, ETA ${eta}, errors ${p.errors}`
  );
}

/** A rewriting status line on a terminal; a plain line every few seconds otherwise (logs, CI); nothing when quiet. */
export function createProgressReporter(mode: { quiet: boolean; tty: boolean; stream: NodeJS.WriteStream }): ProgressSink {
  if (mode.quiet) return { update() {}, done() {} };
  let last = 0;
  const interval = mode.tty ? 200 : 5000;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < interval) return;
      last = now;
      if (mode.tty) mode.stream.write(`\r\x1b[2K${progressLine(p)}`);
      else mode.stream.write(`${new Date().toISOString()} ${progressLine(p)}\n`);
    },
    done(p) {
      if (mode.tty) mode.stream.write(`\r\x1b[2K${progressLine(p)}\n`);
      else mode.stream.write(`${new Date().toISOString()} ${progressLine(p)}\n`);
    },
  };
}
