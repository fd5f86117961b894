/** The hotline desk (issue 7): its navigation and the screen the route names. The desk never shows content. */
import { deskPermissions } from '../../lib/hotline-api.js';
import type { Route } from '../../lib/router.js';
import type { SessionUser } from '../../lib/api.js';
import { Contacts } from './Contacts.js';
import { DeskNav } from './desk-common.js';
import { Exports } from './Exports.js';
import { Packages } from './Packages.js';
import { Settings } from './Settings.js';
import { Statistics } from './Statistics.js';
import { UrlDetail } from './UrlDetail.js';
import { WorkList } from './WorkList.js';

export const isDeskRoute = (r: Route): boolean => r.screen === 'desk' || r.screen.startsWith('desk-');

export function Desk({ route, user }: { route: Route; user: SessionUser }) {
  const perms = deskPermissions(user.role);
  if (!perms.read) return <p className="banner error" role="alert">The {user.role} role has no access to the hotline desk.</p>;
  return (
    <div className="desk">
      <DeskNav perms={perms} />
      {route.screen === 'desk' && <WorkList perms={perms} />}
      {route.screen === 'desk-url' && <UrlDetail urlId={route.urlId} perms={perms} />}
      {route.screen === 'desk-contacts' && <Contacts perms={perms} />}
      {route.screen === 'desk-packages' && <Packages />}
      {route.screen === 'desk-stats' && <Statistics />}
      {route.screen === 'desk-exports' && <Exports perms={perms} />}
      {route.screen === 'desk-settings' && (perms.admin ? <Settings /> : <p className="banner error" role="alert">Only administrators change the desk settings.</p>)}
    </div>
  );
}
