import type { MouseEvent, ReactNode } from 'react';
import { navigate } from '../lib/router.js';

/** An in-app link: a real <a href> (open in a new tab works) that navigates without a reload. */
export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} className={className} onClick={onClick}>{children}</a>;
}

export const fmtBytes = (n: number | null): string => {
  if (n === null) return '—';
  if (n < 1024) return `${n} B`;
  const u = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${u[i]}`;
};

export const fmtDate = (s: string | null | undefined): string => (s ? new Date(s).toLocaleString() : '—');
