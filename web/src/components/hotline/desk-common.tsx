/**
 * Small pieces every desk screen uses: loading a resource (with reload and the server's error message), running an
 * action (busy flag, error, result), the desk's sub-navigation, and number formats.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../lib/api.js';
import type { DeskPermissions } from '../../lib/hotline-api.js';
import { useLocation } from '../../lib/router.js';
import { Link } from '../common.js';

export const errorText = (err: unknown): string => (err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err));

/** Load `fn` on mount and whenever `deps` change; `reload` loads again. */
export function useResource<T>(fn: () => Promise<T>, deps: unknown[]): { data: T | null; error: string | null; reload: () => Promise<void> } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const reload = useCallback(async () => {
    try {
      setData(await fn());
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}

/** Run one action at a time: `busy` while it runs, its error (the server's message) or nothing. */
export function useAction(): { busy: boolean; error: string | null; run: <T>(fn: () => Promise<T>) => Promise<T | undefined>; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(errorText(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}

export function ErrorBanner({ error }: { error: string | null }) {
  return error ? <p className="banner error" role="alert">{error}</p> : null;
}

/** The desk's own navigation (shown on every desk screen), by permission. */
export function DeskNav({ perms }: { perms: DeskPermissions }) {
  const { path } = useLocation();
  const items: [string, string, boolean][] = [
    ['/desk', 'Work list', true],
    ['/desk/contacts', 'Contacts', true],
    ['/desk/packages', 'Packages', true],
    ['/desk/stats', 'Statistics', true],
    ['/desk/exports', 'Exports', perms.work || perms.export],
    ['/desk/settings', 'Settings', perms.admin],
  ];
  return (
    <nav className="desk-nav" aria-label="Hotline desk">
      {items.filter(([, , show]) => show).map(([to, label]) => (
        <span key={to} aria-current={path === to || (to === '/desk' && path.startsWith('/desk/urls/')) ? 'page' : undefined}>
          <Link to={to}>{label}</Link>
        </span>
      ))}
    </nav>
  );
}

export const fmtHours = (h: number | null): string => (h === null ? '—' : h < 48 ? `${h} h` : `${h} h (${(h / 24).toFixed(1)} d)`);
export const fmtShare = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);
export const yesNo = (n: number | boolean): string => (n ? 'yes' : 'no');
