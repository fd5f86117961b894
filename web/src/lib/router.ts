/**
 * A few lines of history-API routing instead of a router package: the UI has five screens whose paths are fixed
 * (/, /login, /cases/:id, /cases/:id/review), and the server's SPA fallback sends every non-/api path to
 * index.html, so reloads and shared links work.
 */
import { useEffect, useState } from 'react';

export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useLocation(): { path: string; search: URLSearchParams } {
  const [loc, setLoc] = useState(() => ({ path: location.pathname, search: location.search }));
  useEffect(() => {
    const on = () => setLoc({ path: location.pathname, search: location.search });
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return { path: loc.path, search: new URLSearchParams(loc.search) };
}

export type Route =
  | { screen: 'cases' }
  | { screen: 'case'; caseId: string }
  | { screen: 'review'; caseId: string }
  | { screen: 'not-found' };

export function parseRoute(path: string): Route {
  if (path === '/' || path === '/cases' || path === '/login') return { screen: 'cases' };
  const m = /^\/cases\/([0-9a-f-]{36})(\/review)?\/?$/.exec(path);
  if (m) return m[2] ? { screen: 'review', caseId: m[1]! } : { screen: 'case', caseId: m[1]! };
  return { screen: 'not-found' };
}
