import type { AssessmentService } from '../services/hotline/assessment.service.js';
import type { CheckService } from '../services/hotline/check.service.js';
import type { DeskViewService } from '../services/hotline/desk-view.service.js';
import type { ForwardService } from '../services/hotline/forward.service.js';
import type { HotlineSettingsService } from '../services/hotline/hotline-settings.js';
import type { IntakeService } from '../services/hotline/intake.service.js';
import type { NoticeService } from '../services/hotline/notice.service.js';
import type { PartnerImportService } from '../services/hotline/partner-import.service.js';
import type { ReportingService } from '../services/hotline/reporting.service.js';
import type { TraceService } from '../services/hotline/trace.service.js';
import type { ReportThrottle } from './hotline/report-throttle.js';

/**
 * What the hotline desk's routes need from the domain (issue 7). `buildServer` registers the hotline routes only
 * when the deps carry them (the review-only tests build a server without them).
 */
export interface HotlineDeps {
  settings: HotlineSettingsService;
  intake: IntakeService;
  partners: PartnerImportService;
  assessment: AssessmentService;
  trace: TraceService;
  forward: ForwardService;
  /** Null when no mail server is configured: notices cannot be sent (the desk says so). */
  notices: NoticeService | null;
  checks: CheckService;
  reporting: ReportingService;
  view: DeskViewService;
  throttle: ReportThrottle;
  /** The hotline's name on the public page and in packages. */
  hotlineName: string;
  /** Absolute base URL of the public report page, for the status link shown to reporters (else relative). */
  publicBaseUrl?: string;
}
