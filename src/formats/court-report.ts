/**
 * One entry point for both court report formats: the body (an HTML stream, or the PDF bytes), its content type
 * and a file name. Used by `winnow report` and by the HTTP download routes.
 */
import { Readable } from 'node:stream';
import type { CourtReport, CourtReportFormat, HashListSource } from '../services/court-report.service.js';
import { renderCourtReportHtml } from './court-report-html.js';
import { buildCourtReportPdf, type CourtReportPdfOptions } from './court-report-pdf.js';

export interface RenderedCourtReport {
  contentType: string;
  filename: string;
  body: Readable | Buffer;
}

export async function renderCourtReport(report: CourtReport, lists: HashListSource, format: CourtReportFormat, pdf: CourtReportPdfOptions = {}): Promise<RenderedCourtReport> {
  const scope = report.scope ? `-${report.scope.label}` : '';
  const filename = `court-report-${report.case.name}${scope}.${format}`.replace(/[^A-Za-z0-9._-]+/g, '_');
  if (format === 'pdf') return { contentType: 'application/pdf', filename, body: await buildCourtReportPdf(report, lists, pdf) };
  return { contentType: 'text/html; charset=utf-8', filename, body: Readable.from(renderCourtReportHtml(report, lists)) };
}
