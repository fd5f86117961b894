import { UserError } from '../errors.js';

/**
 * Deployment settings of the hotline desk (issue 7), stored as one JSON value (`hotline.settings`) in
 * server_setting. Defaults are the safe ones: no-view mode on, hash-only fetching off.
 */
export interface HotlineSettings {
  /** No-view deployment: nobody on the desk may record having viewed content (Belgium before 2017). */
  noView: boolean;
  /** Online checks may stream a body through MD5/SHA-1/PDQ in memory (stored: hashes only). Off by default. */
  hashOnlyFetch: boolean;
  /** This hotline's country (ISO 3166-1 alpha-2): decides the national-police route. */
  country: string;
  /** Countries with an INHOPE member hotline (route to the partner hotline). */
  inhopeCountries: string[];
  /** Partner hotline per country, e.g. { NL: 'Offlimits', DE: 'eco' }. */
  partnerHotlines: Record<string, string>;
  /** Name of the national police unit packages are addressed to. */
  nationalPolice: string;
  /** Notices to one contact are grouped for this long before sending. */
  noticeGroupingMinutes: number;
  /** A notice is sent again after this long while the content stays online. */
  renoticeHours: number;
  /** Removal is confirmed after this many offline checks in a row. */
  offlineConfirmations: number;
  /** Open URLs are checked at most this often. */
  checkIntervalMinutes: number;
  /** After this many days, URLs, IPs and reporter contacts are anonymised (classifications and timings stay). */
  retentionDays: number;
}

/** Belgium (Child Focus) as the example deployment; INHOPE member countries as of the 2024 network. */
export const DEFAULT_HOTLINE_SETTINGS: HotlineSettings = {
  noView: true,
  hashOnlyFetch: false,
  country: 'BE',
  inhopeCountries: ['AT', 'AU', 'BA', 'BE', 'BG', 'BR', 'CA', 'CO', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GB', 'GR', 'HR', 'HU', 'IE', 'IS', 'IT', 'JP', 'KR', 'LT', 'LU', 'LV', 'MT', 'MX', 'NL', 'NZ', 'PH', 'PL', 'PT', 'RO', 'RU', 'SE', 'SI', 'SK', 'TH', 'TR', 'TW', 'US', 'ZA'],
  partnerHotlines: {},
  nationalPolice: 'Federal Judicial Police — Child Abuse unit',
  noticeGroupingMinutes: 60,
  renoticeHours: 24,
  offlineConfirmations: 3,
  checkIntervalMinutes: 60,
  retentionDays: 365,
};

export const HOTLINE_SETTINGS_KEY = 'hotline.settings';

export interface SettingsStore {
  getSetting(key: string): Promise<string | null>;
  putSetting(key: string, value: string, by: string | null, at: string): Promise<void>;
}

export class HotlineSettingsService {
  constructor(private readonly store: SettingsStore, private readonly now: () => string) {}

  async get(): Promise<HotlineSettings> {
    const raw = await this.store.getSetting(HOTLINE_SETTINGS_KEY);
    return { ...DEFAULT_HOTLINE_SETTINGS, ...(raw ? (JSON.parse(raw) as Partial<HotlineSettings>) : {}) };
  }

  async update(patch: Partial<HotlineSettings>, by: string | null): Promise<HotlineSettings> {
    for (const k of Object.keys(patch)) {
      if (!(k in DEFAULT_HOTLINE_SETTINGS)) throw new UserError(`unknown hotline setting "${k}"`);
      const want = DEFAULT_HOTLINE_SETTINGS[k as keyof HotlineSettings];
      const got = (patch as Record<string, unknown>)[k];
      const same = Array.isArray(want) ? Array.isArray(got) && got.every((x) => typeof x === 'string') : typeof got === typeof want && got !== null;
      if (!same) throw new UserError(`hotline setting "${k}" must be ${Array.isArray(want) ? 'a list of strings' : `a ${typeof want}`}`);
    }
    const next = { ...(await this.get()), ...patch };
    if (!/^[A-Z]{2}$/.test(next.country)) throw new UserError(`country must be an ISO 3166-1 alpha-2 code, not "${next.country}"`);
    for (const k of ['noticeGroupingMinutes', 'renoticeHours', 'offlineConfirmations', 'checkIntervalMinutes', 'retentionDays'] as const) {
      if (!Number.isFinite(next[k]) || next[k] < 0) throw new UserError(`${k} must be a number ≥ 0`);
    }
    await this.store.putSetting(HOTLINE_SETTINGS_KEY, JSON.stringify(next), by, this.now());
    return next;
  }
}
