import { join } from 'node:path';
import { AddressPolicy } from '../adapters/hotline/address-policy.js';
import { DnsHostResolver } from '../adapters/hotline/dns-resolver.js';
import { NetworkDatasets } from '../adapters/hotline/network-datasets.js';
import { FormatsNoticeComposer } from '../adapters/hotline/notice-composer.js';
import { RdapClient } from '../adapters/hotline/rdap-client.js';
import { SafeUrlChecker } from '../adapters/hotline/safe-url-checker.js';
import { SmtpMailer, smtpConfigFromEnv } from '../adapters/hotline/smtp-mailer.js';
import { pdqHashImage } from '../adapters/pdq-image-decoder.js';
import { HotlineDeliveryRepository } from '../db/repositories/hotline/delivery.repository.js';
import { HotlineReportRepository } from '../db/repositories/hotline/report.repository.js';
import { HotlineRetentionRepository } from '../db/repositories/hotline/retention.repository.js';
import { HotlineTraceRepository } from '../db/repositories/hotline/trace.repository.js';
import { HotlineUrlRepository } from '../db/repositories/hotline/url.repository.js';
import { UserRepository } from '../db/repositories/user.repository.js';
import type { HotlineDeps } from '../http/hotline-context.js';
import { ReportThrottle } from '../http/hotline/report-throttle.js';
import { AssessmentService } from '../services/hotline/assessment.service.js';
import { CheckService } from '../services/hotline/check.service.js';
import { DeskViewService } from '../services/hotline/desk-view.service.js';
import { ForwardService } from '../services/hotline/forward.service.js';
import { HotlineSettingsService } from '../services/hotline/hotline-settings.js';
import { IntakeService } from '../services/hotline/intake.service.js';
import type { Mailer } from '../services/hotline/mailer.js';
import { NoticeService } from '../services/hotline/notice.service.js';
import { PartnerImportService } from '../services/hotline/partner-import.service.js';
import type { NetworkLookup } from '../services/hotline/ports.js';
import { ReportingService } from '../services/hotline/reporting.service.js';
import { TraceService } from '../services/hotline/trace.service.js';
import { nowIso } from '../util/time.js';
import type { Workspace } from './workspace.js';

/**
 * Deployment configuration of the desk's network side, from the environment (documented in docs/hotline.md):
 * - WINNOW_SMTP_URL / WINNOW_SMTP_FROM: the mail server for notices and reporter updates (no notices without it);
 * - WINNOW_DNS_SERVERS: comma-separated resolvers (host:port) for traces and checks (default: the system's);
 * - WINNOW_FETCH_ALLOW: comma-separated exact addresses the checker may reach although private (tests on loopback);
 * - WINNOW_RDAP_ALLOW_HTTP=1: allow plain-http RDAP servers (tests on loopback);
 * - WINNOW_HOTLINE_NAME, WINNOW_HOTLINE_EMAIL: the hotline's name and address on the public page and in notices;
 * - WINNOW_PUBLIC_URL: the public base URL of the report page (for reporters' status links).
 */
export interface HotlineRuntimeConfig {
  mailer: Mailer | null;
  dnsServers: string[];
  fetchAllow: string[];
  rdapAllowHttp: boolean;
  hotlineName: string;
  hotlineEmail: string;
  publicBaseUrl?: string;
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function hotlineConfigFromEnv(env: NodeJS.ProcessEnv = process.env): HotlineRuntimeConfig {
  const smtp = smtpConfigFromEnv(env);
  return {
    mailer: smtp ? new SmtpMailer(smtp) : null,
    dnsServers: list(env.WINNOW_DNS_SERVERS),
    fetchAllow: list(env.WINNOW_FETCH_ALLOW),
    rdapAllowHttp: env.WINNOW_RDAP_ALLOW_HTTP === '1',
    hotlineName: env.WINNOW_HOTLINE_NAME ?? 'Winnow hotline',
    hotlineEmail: env.WINNOW_HOTLINE_EMAIL ?? smtp?.from.replace(/^.*<|>.*$/g, '') ?? 'hotline@localhost',
    ...(env.WINNOW_PUBLIC_URL ? { publicBaseUrl: env.WINNOW_PUBLIC_URL.replace(/\/$/, '') } : {}),
  };
}

export const netdataDir = (ws: Workspace) => join(ws.dir, 'hotline', 'netdata');
export const rdapBootstrapDir = (ws: Workspace) => join(ws.dir, 'hotline', 'rdap');

/** PDQ of an image body for hash-only checks, in memory (sharp decode, our PDQ); null when it is not decodable. */
async function pdqOfBody(bytes: Buffer): Promise<string | null> {
  try {
    return (await pdqHashImage(bytes)).hash;
  } catch {
    return null;
  }
}

/**
 * The hotline desk's composition root (issue 7): repositories, adapters and services for one workspace. Shared by
 * `winnow serve` and the `winnow hotline` commands.
 */
export function hotlineDeps(ws: Workspace, cfg: HotlineRuntimeConfig = hotlineConfigFromEnv(), now: () => string = nowIso): HotlineDeps {
  const urls = new HotlineUrlRepository(ws.handle);
  const reports = new HotlineReportRepository(ws.handle);
  const traces = new HotlineTraceRepository(ws.handle);
  const delivery = new HotlineDeliveryRepository(ws.handle);
  const settings = new HotlineSettingsService(new UserRepository(ws.handle), now);
  const audit = ws.audit;
  const resolver = new DnsHostResolver(cfg.dnsServers.length ? { servers: cfg.dnsServers } : {});
  let network: Promise<NetworkLookup> | null = null;
  const loadNetwork = () => (network ??= NetworkDatasets.load(netdataDir(ws)));
  const rdap = new RdapClient({ bootstrapDir: rdapBootstrapDir(ws), allowHttp: cfg.rdapAllowHttp });
  const checker = new SafeUrlChecker({ resolver, policy: new AddressPolicy(cfg.fetchAllow), pdq: pdqOfBody });
  const intake = new IntakeService(reports, cfg.mailer, now, cfg.hotlineName);
  const assessment = new AssessmentService(urls, reports, settings, audit, cfg.mailer, now);
  const composer = new FormatsNoticeComposer({ name: cfg.hotlineName, email: cfg.hotlineEmail }, settings);
  return {
    settings, intake, assessment,
    partners: new PartnerImportService(intake, reports, assessment),
    trace: new TraceService(urls, traces, resolver, loadNetwork, rdap, audit, now),
    forward: new ForwardService(urls, reports, traces, delivery, settings, audit, now, cfg.hotlineName),
    notices: cfg.mailer ? new NoticeService(urls, traces, delivery, settings, cfg.mailer, composer, now) : null,
    checks: new CheckService(urls, reports, checker, settings, assessment, now),
    reporting: new ReportingService(urls, reports, new HotlineRetentionRepository(ws.handle), settings, audit, now),
    view: new DeskViewService(urls, reports, traces, delivery, settings),
    throttle: new ReportThrottle(),
    hotlineName: cfg.hotlineName,
    ...(cfg.publicBaseUrl ? { publicBaseUrl: cfg.publicBaseUrl } : {}),
  };
}
