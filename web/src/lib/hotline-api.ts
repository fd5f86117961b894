/**
 * Typed client of the hotline desk API (issue 7): src/http/routes/hotline/{desk,export}.routes.ts. Same transport as
 * the review client (session cookie, CSRF header, `{ error }` messages as ApiError). Types mirror the rows of
 * src/db/schema.ts (Hl*Table) and the services' results (desk-view, removal-stats, notice, forward, partner-import),
 * kept by hand because the UI is built separately from the server. The desk only ever handles URLs as text,
 * metadata, hashes and times: nothing here fetches or shows hosted content.
 */
import { api, qs } from './api.js';

export const URL_STATUSES = ['new', 'assessed', 'traced', 'forwarded', 'notified', 'closed'] as const;
export const CLASSIFICATIONS = ['baseline', 'national', 'not-illegal', 'doubtful'] as const;
export const AGE_GROUPS = ['not-determined', 'infant', 'pre-pubescent', 'pubescent'] as const;
export const CONTENT_TYPES = ['image', 'video', 'text', 'other'] as const;
export const CLOSURE_REASONS = ['removed', 'unavailable', 'moved', 'not-illegal', 'duplicate'] as const;
export const BLOCKING_KINDS = ['rpz', 'urls', 'url-hashes', 'hashes-csv', 'hashes-jsonl'] as const;
export type BlockingKind = (typeof BLOCKING_KINDS)[number];

/** hl_url: one URL on the desk (SQLite booleans are 0/1). */
export interface HlUrl {
  id: string; canonical_sha256: string; canonical_url: string; host: string; first_report_id: string; status: string;
  classification: string | null; dedicated_domain: number; hosting_country: string | null; hosting_org: string | null; hosting_asn: number | null;
  behind_cdn: number; notice_contact_id: string | null; hold_reason: string | null; hold_by: string | null; hold_at: string | null;
  received_at: string; assessed_at: string | null; traced_at: string | null; forwarded_at: string | null;
  notice_first_sent_at: string | null; notice_last_sent_at: string | null; notice_count: number;
  first_offline_at: string | null; last_check_at: string | null; last_check_result: string | null; offline_streak: number;
  closed_at: string | null; closure_reason: string | null; moved_to_url_id: string | null; gone_before_notice: number; anonymised_at: string | null;
}

export interface HlContact {
  id: string; org: string; asn: number | null; scope: string; email: string; country: string | null; language: string | null;
  source: string; approved: number; created_at: string; updated_at: string;
}

export interface HlRoute { kind: 'national-police' | 'partner-hotline' | 'interpol'; destination: string; country: string | null; format: string; hotlineNotifies: boolean; needsClearance: boolean }

export interface HlReportOfUrl {
  id: string; number: string; received_at: string; source: string; partner: string | null; external_ref: string | null; description: string | null;
  content_type_hint: string | null; where_found: string | null; language: string | null; raw_url: string; was_known: number;
}
export interface HlAssessment {
  id: string; url_id: string; classification: string; decided_by_kind: string; decided_by: string | null; decided_at: string;
  viewed_content: number; age_group: string | null; content_kind: string | null; note: string | null;
}
export interface HlTraceContact { email: string; scope: 'hosting' | 'registrar'; org: string | null; source: string }
export interface HlTrace {
  id: string; url_id: string; version: number; traced_at: string; host: string; cname_chain: string[]; addresses: string[]; ip: string | null;
  asn: number | null; prefix: string | null; org: string | null; country: string | null; registry: string | null; cdn: number; cdn_name: string | null;
  contacts: HlTraceContact[]; evidence: unknown; error: string | null; moved: number;
}
export interface HlForward {
  id: string; url_id: string; destination_kind: string; destination: string; country: string | null; format: string; package_id: string | null;
  created_at: string; created_by: string | null; cleared_at: string | null; cleared_by: string | null;
}
export interface HlNoticeOfUrl { id: string; to_address: string; status: string; created_at: string; sent_at: string | null; message_id: string | null; xarf_report_id: string | null; error: string | null; sequence: number }
export interface HlCheck {
  id: string; url_id: string; checked_at: string; method: string; result: string; http_status: number | null; dns: unknown; redirects: { url: string; status: number }[];
  final_url: string | null; body_md5: string | null; body_sha1: string | null; body_pdq: string | null; hash_match: string | null; duration_ms: number | null; error: string | null;
}
export interface HlHash { url_id: string; algorithm: string; hash: string; source: string; recorded_at: string }
export interface HlEvent { id: string; url_id: string; at: string; kind: string; actor: string | null; detail: unknown }

/** GET /api/hotline/urls/:id — DeskViewService.detail(). */
export interface UrlDetail {
  url: HlUrl; route: HlRoute | null; noticeContact: HlContact | null; reports: HlReportOfUrl[]; assessments: HlAssessment[]; traces: HlTrace[];
  forwards: HlForward[]; notices: HlNoticeOfUrl[]; checks: HlCheck[]; hashes: HlHash[]; events: HlEvent[]; noView: boolean;
}

export interface AssessInput {
  classification: string; viewedContent?: boolean; ageGroup?: string; note?: string; dedicatedDomain?: boolean; hashes?: { algorithm: string; hash: string }[];
}
export interface TraceResult { trace: Omit<HlTrace, 'cname_chain' | 'addresses' | 'contacts'> & { cname_chain: string; addresses: string; contacts: string }; noticeContact: HlContact | null }
export interface ForwardedPackage { packageId: string; route: HlRoute; urlIds: string[] }
export interface CheckOutcome { urlId: string; result: string; httpStatus: number | null; hashMatch: string | null; transition: 'offline' | 'removed' | 'online-again' | null }
export interface NoticeRunResult {
  sent: { noticeId: string; to: string; urls: number; renotices: number }[];
  failed: { noticeId: string; to: string; error: string }[];
  waiting: { urlId: string; reason: string }[];
}
export interface PackageSummary { package_id: string; destination_kind: string; destination: string; format: string; country: string | null; created_at: string; urls: number }
export interface PartnerImportResult {
  partner: string; format: 'iccam-json' | 'csv'; reports: number; alreadyImported: number; urls: number; knownUrls: number; assessments: number;
  errors: { stage: 'parse' | 'intake'; message: string; index: number; line?: number }[];
}
export interface TakenReport { reportId: string; number: string; urls: { urlId: string; canonical: string; wasKnown: boolean }[] }

export interface DurationSummary {
  n: number; medianHours: number | null; p90Hours: number | null; maxHours: number | null;
  within: { '1d': number | null; '3d': number | null; '7d': number | null; '28d': number | null }; started: number; removed: number;
}
/** removal-stats.ts DeskStatistics. */
export interface DeskStatistics {
  range: { from: string | null; to: string | null };
  reports: { period: string; reports: number; urls: number }[];
  urls: number; assessed: number; illegal: number; shareIllegal: number | null; byClassification: Record<string, number>;
  hostingCountries: { country: string; urls: number }[];
  hostingOrgs: { org: string; asn: number | null; urls: number; renotices: number; medianHoursFromNotice: number | null }[];
  fromReport: DurationSummary; fromNotice: DurationSummary; goneBeforeNotice: number;
  renotices: { total: number; urlsRenoticed: number }; closures: Record<string, number>;
}
export interface StatsQuery { from?: string; to?: string; period?: 'month' | 'week' | 'day' }

/** hotline-settings.ts HotlineSettings. */
export interface HotlineSettings {
  noView: boolean; hashOnlyFetch: boolean; country: string; inhopeCountries: string[]; partnerHotlines: Record<string, string>; nationalPolice: string;
  noticeGroupingMinutes: number; renoticeHours: number; offlineConfirmations: number; checkIntervalMinutes: number; retentionDays: number;
}

const u = (id: string) => `/api/hotline/urls/${encodeURIComponent(id)}`;

export const hotline = {
  list: (q: { status?: string; open?: boolean; limit?: number } = {}) => api<{ urls: HlUrl[] }>('GET', `/api/hotline/urls${qs(q)}`).then((r) => r.urls),
  detail: (id: string) => api<UrlDetail>('GET', u(id)),
  takeReport: (body: { urls: string[]; description?: string; contentType?: string }) => api<TakenReport>('POST', '/api/hotline/reports', body),
  assess: (id: string, body: AssessInput) => api<HlUrl>('POST', `${u(id)}/assessments`, body),
  trace: (id: string) => api<TraceResult>('POST', `${u(id)}/trace`, {}),
  setNoticeContact: (id: string, contactId: string | null) => api<HlUrl>('PUT', `${u(id)}/notice-contact`, { contactId }),
  close: (id: string, reason: string, movedTo?: string) => api<HlUrl>('POST', `${u(id)}/close`, movedTo ? { reason, movedTo } : { reason }),
  check: (id: string) => api<CheckOutcome>('POST', `${u(id)}/check`, {}),
  hold: (id: string, reason: string) => api<HlUrl>('POST', `${u(id)}/hold`, { reason }),
  release: (id: string) => api<HlUrl>('DELETE', `${u(id)}/hold`),
  clear: (id: string) => api<{ ok: true }>('POST', `${u(id)}/clearance`, {}),
  forward: (urlIds: string[]) => api<{ packages: ForwardedPackage[] }>('POST', '/api/hotline/forwards', { urlIds }).then((r) => r.packages),
  runNotices: (force: boolean) => api<NoticeRunResult>('POST', '/api/hotline/notices/run', { force }),
  runChecks: (all: boolean) => api<{ checks: CheckOutcome[] }>('POST', '/api/hotline/checks/run', { all }).then((r) => r.checks),
  contacts: () => api<{ contacts: HlContact[] }>('GET', '/api/hotline/contacts').then((r) => r.contacts),
  addContact: (body: { org: string; email: string; scope?: string; asn?: number; country?: string; language?: string; approved?: boolean }) => api<HlContact>('POST', '/api/hotline/contacts', body),
  approveContact: (id: string, approved: boolean) => api<HlContact>('PATCH', `/api/hotline/contacts/${encodeURIComponent(id)}`, { approved }),
  settings: () => api<HotlineSettings>('GET', '/api/hotline/settings'),
  updateSettings: (patch: Partial<HotlineSettings>) => api<HotlineSettings>('PATCH', '/api/hotline/settings', patch),
  packages: () => api<{ packages: PackageSummary[] }>('GET', '/api/hotline/packages').then((r) => r.packages),
  notices: () => api<{ notices: NoticeSummary[] }>('GET', '/api/hotline/notices').then((r) => r.notices),
  stats: (q: StatsQuery) => api<DeskStatistics>('GET', `/api/hotline/stats${qs({ ...q })}`),
  partnerImport: (body: { format: 'iccam-json' | 'csv'; partner: string; content: string }) => api<PartnerImportResult>('POST', '/api/hotline/partner-imports', body),
  applyRetention: () => api<{ cutoff: string; urls: number; reports: number }>('POST', '/api/hotline/retention/run', {}),
};

/** Download links (plain GETs with the session cookie; the server answers attachments). */
export const packageUrl = (packageId: string, format: 'json' | 'pdf') => `/api/hotline/packages/${encodeURIComponent(packageId)}/${format}`;
export const blockingUrl = (kind: BlockingKind) => `/api/hotline/blocking/${kind}`;
export const statsCsvUrl = (q: StatsQuery) => `/api/hotline/stats.csv${qs({ ...q })}`;

/** What a role may do on the desk (mirrors src/services/auth.roles.ts GRANTS). */
export interface DeskPermissions { read: boolean; work: boolean; police: boolean; export: boolean; admin: boolean }
export function deskPermissions(role: string): DeskPermissions {
  const admin = role === 'admin';
  return {
    read: admin || role === 'analyst' || role === 'police',
    work: admin || role === 'analyst',
    police: admin || role === 'police',
    export: admin || role === 'analyst',
    admin,
  };
}

/** GET /api/hotline/notices (desk-view.service.ts notices()). */
export interface NoticeSummary {
  id: string; to_address: string; org: string; status: string; created_at: string; sent_at: string | null; error: string | null; urls: number; renotices: number;
}
