import type { HotlineSettings } from './hotline-settings.js';
import type { RouteKind } from './hotline-types.js';

export interface Route {
  kind: RouteKind;
  destination: string;
  country: string | null;
  /** Package format the destination receives. */
  format: 'lea-package' | 'iccam-json';
  /** Whether this hotline sends the notice to the host itself, and whether police must clear it first. */
  hotlineNotifies: boolean;
  needsClearance: boolean;
}

/**
 * Where a traced, illegal URL goes (INHOPE practice, hotline-ntd.md §1.5):
 * - hosted in this hotline's country → national police (JSON + PDF package); after police clearance, a notice to the
 *   host from this hotline;
 * - hosted in another INHOPE country → that country's hotline (ICCAM-like JSON), which notifies locally;
 * - elsewhere or unknown → national police for the INTERPOL channel; the hotline also notifies the host directly
 *   (as the IWF does abroad), no clearance needed but a police hold still stops it.
 */
export function routeFor(country: string | null, s: HotlineSettings): Route {
  const c = country?.toUpperCase() ?? null;
  if (c && c === s.country) {
    return { kind: 'national-police', destination: s.nationalPolice, country: c, format: 'lea-package', hotlineNotifies: true, needsClearance: true };
  }
  if (c && s.inhopeCountries.includes(c)) {
    return { kind: 'partner-hotline', destination: s.partnerHotlines[c] ?? `INHOPE hotline (${c})`, country: c, format: 'iccam-json', hotlineNotifies: false, needsClearance: false };
  }
  return { kind: 'interpol', destination: `INTERPOL via ${s.nationalPolice}`, country: c, format: 'lea-package', hotlineNotifies: true, needsClearance: false };
}
