/**
 * What the HTTP layer needs from the domain, and the Fastify type extensions shared by plugins and routes.
 */
import type { AuditService } from '../services/audit.service.js';
import type { AuthService, Authenticated } from '../services/auth.service.js';
import type { CategorisationService } from '../services/categorisation.service.js';
import type { ReviewService } from '../services/review.service.js';
import type { UserService } from '../services/user.service.js';
import type { LoginThrottle } from './login-throttle.js';
import type { HotlineDeps } from './hotline-context.js';
import type { LabStatusService } from '../services/lab-status.service.js';
import type { CourtReportService } from '../services/court-report.service.js';
import type { ExportService } from '../services/export.service.js';
import type { CourtReportPdfOptions } from '../formats/court-report-pdf.js';
import type { SeriesService } from '../services/series.service.js';

export interface ServerDeps {
  auth: AuthService;
  users: UserService;
  review: ReviewService;
  categorisation: CategorisationService;
  audit: AuditService;
  /** Where thumbnails live (<workspace>/thumbnails/...). */
  workspaceDir: string;
  throttle: LoginThrottle;
  /** Set the Secure flag on cookies (serve behind TLS). */
  secureCookies: boolean;
  /** Processing status (queues, workers, failures) for the case dashboard; absent in servers built without it. */
  labStatus?: LabStatusService;
  /** Court reports and the VICS export of a case (downloads for members with the export permission); `pdf` for tests. */
  courtReports?: { service: CourtReportService; exporter: ExportService; pdf?: CourtReportPdfOptions };
  /** Series and victims (issue 6): /api/series… routes exist only when given. */
  series?: SeriesService;
  /** The hotline desk (issue 7); absent in servers built for the review app alone. */
  hotline?: HotlineDeps;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a session (login, health). */
    public?: boolean;
    /** Returns image bytes: the media guard refuses it to roles without view-media. */
    media?: boolean;
  }
  interface FastifyRequest {
    auth: Authenticated | null;
  }
}

export const SESSION_COOKIE = 'winnow_session';
export const CSRF_COOKIE = 'winnow_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const idParam = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;
