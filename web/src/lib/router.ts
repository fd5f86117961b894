/**
 * A few lines of history-API routing instead of a router package: the screens' paths are fixed (/, /login,
 * /cases/:id, /cases/:id/review, /cases/:id/items/:itemId, /series, /series/:id, and the hotline desk under /desk), and the server's SPA fallback sends every non-/api path to
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
  | { screen: 'item'; caseId: string; itemId: string }
  | { screen: 'series' }
  | { screen: 'series-detail'; seriesId: string }
  | { screen: 'desk' }
  | { screen: 'desk-url'; urlId: string }
  | { screen: 'desk-contacts' }
  | { screen: 'desk-packages' }
  | { screen: 'desk-stats' }
  | { screen: 'desk-exports' }
  | { screen: 'desk-settings' }
  | { screen: 'not-found' };

const DESK_SCREENS = { contacts: 'desk-contacts', packages: 'desk-packages', stats: 'desk-stats', exports: 'desk-exports', settings: 'desk-settings' } as const;

export function parseRoute(path: string): Route {
  if (path === '/' || path === '/cases' || path === '/login') return { screen: 'cases' };
  const m = /^\/cases\/([0-9a-f-]{36})(\/review)?\/?$/.exec(path);
  if (m) return m[2] ? { screen: 'review', caseId: m[1]! } : { screen: 'case', caseId: m[1]! };
  const it = /^\/cases\/([0-9a-f-]{36})\/items\/([0-9a-f-]{36})\/?$/.exec(path);
  if (it) return { screen: 'item', caseId: it[1]!, itemId: it[2]! };
  // Series and victims (issue 6): /series, /series/:id.
  if (path === '/series' || path === '/series/') return { screen: 'series' };
  const se = /^\/series\/([0-9a-f-]{36})\/?$/.exec(path);
  if (se) return { screen: 'series-detail', seriesId: se[1]! };
  // The hotline desk (issue 7): /desk, /desk/urls/:id, /desk/{contacts,packages,stats,exports,settings}.
  if (path === '/desk' || path === '/desk/') return { screen: 'desk' };
  const u = /^\/desk\/urls\/([0-9a-f-]{36})\/?$/.exec(path);
  if (u) return { screen: 'desk-url', urlId: u[1]! };
  const d = /^\/desk\/(contacts|packages|stats|exports|settings)\/?$/.exec(path);
  if (d) return { screen: DESK_SCREENS[d[1] as keyof typeof DESK_SCREENS] };
  return { screen: 'not-found' };
}
