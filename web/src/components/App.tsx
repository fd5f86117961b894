/**
 * The shell: who is logged in (from GET /api/auth/session), the always-visible exposure meter, the break
 * reminder (every breakMinutes of the user's effective protection), the Protection settings, and which screen shows. A 401 from any request (expired or ended session) drops the user back to the
 * login screen with a message; the path they were on is kept, so logging in again returns them there.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, onUnauthenticated, seriesCan, setCsrfToken, setCurrentUser, setProtection, type ExposureMeter, type SessionUser } from '../lib/api.js';
import { BREAK_EVERY_SECONDS, startBreakReminder } from '../lib/break-reminder.js';
import { navigate, parseRoute, useLocation } from '../lib/router.js';
import { CaseDashboard } from './CaseDashboard.js';
import { CaseList } from './CaseList.js';
import { ExposureMeterBar, ProtectionPanel } from './ExposureMeterBar.js';
import { Desk, isDeskRoute } from './hotline/Desk.js';
import { Login } from './Login.js';
import { ReviewGrid } from './ReviewGrid.js';
import { ItemPanel } from './ItemPanel.js';
import { SeriesDetail } from './series/SeriesDetail.js';
import { SeriesList } from './series/SeriesList.js';

interface SessionInfo { user: SessionUser; csrfToken: string; exposure: ExposureMeter }

export function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [breakDue, setBreakDue] = useState<number | null>(null);
  const [reminder, setReminder] = useState<{ reset: () => void } | null>(null);
  const [showProtection, setShowProtection] = useState(false);
  const loc = useLocation();

  const loadSession = useCallback(async () => {
    try {
      const s = await api<SessionInfo>('GET', '/api/auth/session');
      setCsrfToken(s.csrfToken);
      setCurrentUser(s.user);
      setSession(s);
    } catch {
      setSession(null);
    }
  }, []);

  useEffect(() => {
    void loadSession();
    return onUnauthenticated(() => {
      setCsrfToken(null);
      setSession((s) => {
        if (s) setNotice('Your session has expired or was ended. Please log in again.');
        return null;
      });
    });
  }, [loadSession]);

  const breakSeconds = (session?.exposure.protection?.breakMinutes ?? BREAK_EVERY_SECONDS / 60) * 60;
  useEffect(() => {
    if (!session) return;
    const r = startBreakReminder(session.user.id, (active) => setBreakDue(active), breakSeconds);
    setReminder(r);
    return () => r.stop();
  }, [session?.user.id, breakSeconds]); // eslint-disable-line react-hooks/exhaustive-deps

  const setExposure = useCallback((exposure: ExposureMeter) => setSession((s) => (s ? { ...s, exposure } : s)), []);

  // Refresh the meter every minute (another tab may have revealed).
  useEffect(() => {
    if (!session) return;
    const t = window.setInterval(() => {
      api<ExposureMeter>('GET', '/api/me/exposure').then(setExposure, () => undefined);
    }, 60_000);
    return () => window.clearInterval(t);
  }, [session?.user.id, setExposure]); // eslint-disable-line react-hooks/exhaustive-deps

  if (session === undefined) return <div className="loading">Loading…</div>;
  if (session === null) {
    return (
      <Login
        notice={notice}
        onLoggedIn={() => {
          setNotice(null);
          void loadSession();
          if (loc.path === '/login') navigate('/', true);
        }}
      />
    );
  }

  // Set before the children render, so every tile reads the current colour-on-reveal choice.
  setProtection(session.exposure.protection ?? null);

  // Hotline roles (analyst, police) work only on the desk: '/' is the desk for them. Admins see review and desk.
  const deskOnly = session.user.role === 'analyst' || session.user.role === 'police';
  const hasDesk = deskOnly || session.user.role === 'admin';
  const parsed = parseRoute(loc.path);
  const route = deskOnly && parsed.screen === 'cases' ? ({ screen: 'desk' } as const) : parsed;
  const hasSeries = seriesCan(session.user.role, 'read');
  const isSeriesRoute = route.screen === 'series' || route.screen === 'series-detail';
  const logout = async () => {
    try {
      await api('POST', '/api/auth/logout');
    } finally {
      setCsrfToken(null);
      setCurrentUser(null);
      setSession(null);
      navigate('/', true);
    }
  };

  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="/" onClick={(e) => { e.preventDefault(); navigate('/'); }}>Winnow</a>
        {(hasDesk || hasSeries) && (
          <nav className="app-nav" aria-label="Main">
            {!deskOnly && <a href="/" aria-current={!isDeskRoute(route) && !isSeriesRoute ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate('/'); }}>Review</a>}
            {hasSeries && <a href="/series" aria-current={isSeriesRoute ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate('/series'); }}>Series</a>}
            {hasDesk && <a href="/desk" aria-current={isDeskRoute(route) ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate('/desk'); }}>Hotline desk</a>}
          </nav>
        )}
        {!deskOnly && <ExposureMeterBar meter={session.exposure} />}
        {!deskOnly && <button type="button" className="secondary" onClick={() => setShowProtection(true)} title="Your re-blur time, colour, break reminders and daily caps, within the administrator’s bounds">Protection</button>}
        <span className="who" data-testid="who">{session.user.name} · {session.user.role}</span>
        <button type="button" onClick={() => void logout()}>Log out</button>
      </header>
      {breakDue !== null && (
        <div className="modal-backdrop" role="dialog" aria-modal="true" aria-labelledby="break-title">
          <div className="modal">
            <h2 id="break-title">Time for a break</h2>
            <p>You have been reviewing for {Math.round(breakDue / 60)} minutes of active use today since your last break. Step away from the screen for a few minutes: look at something far away, move, talk to a colleague.</p>
            <div className="row">
              <button type="button" onClick={() => { reminder?.reset(); setBreakDue(null); }}>I took a break</button>
              <button type="button" className="secondary" onClick={() => setBreakDue(null)}>Remind me again later</button>
            </div>
            <p className="hint">Reminders come every {breakSeconds / 60} minutes of active use (see Protection).</p>
          </div>
        </div>
      )}
      {showProtection && (
        <div className="modal-backdrop" role="dialog" aria-modal="true" aria-labelledby="protection-title">
          <div className="modal modal-wide">
            <ProtectionPanel isAdmin={session.user.role === 'admin'} onChanged={setExposure} onClose={() => setShowProtection(false)} />
          </div>
        </div>
      )}
      <main>
        {route.screen === 'cases' && <CaseList />}
        {route.screen === 'case' && <CaseDashboard caseId={route.caseId} />}
        {route.screen === 'review' && <ReviewGrid caseId={route.caseId} user={session.user} exposure={session.exposure} onExposure={setExposure} />}
        {route.screen === 'item' && (
          <div className="item-page">
            <ItemPanel caseId={route.caseId} itemId={route.itemId} version={0} onClose={() => navigate(`/cases/${route.caseId}/review`)}
              onOpen={(id) => navigate(`/cases/${route.caseId}/items/${id}`)} onShowCluster={(c) => navigate(`/cases/${route.caseId}/review?cluster=${encodeURIComponent(c)}`)} />
          </div>
        )}
        {route.screen === 'series' && hasSeries && <SeriesList user={session.user} />}
        {route.screen === 'series-detail' && hasSeries && <SeriesDetail seriesId={route.seriesId} user={session.user} onExposure={setExposure} />}
        {isDeskRoute(route) && <Desk route={route} user={session.user} />}
        {route.screen === 'not-found' && <p>No such page. <a href="/" onClick={(e) => { e.preventDefault(); navigate('/'); }}>Back to the cases</a></p>}
      </main>
    </div>
  );
}
