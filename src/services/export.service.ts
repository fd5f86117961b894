import type { EvidenceRepository } from '../db/repositories/evidence.repository.js';
import type { FileRepository } from '../db/repositories/file.repository.js';
import { csvHeader, csvLine } from '../formats/csv-writer.js';
import { DfxmlWriter, type DfxmlRunInfo, type DfxmlSource } from '../formats/dfxml-writer.js';
import { parentOf, toExportRecord } from '../formats/export-record.js';
import type { CaseService } from './case.service.js';
import { UserError } from './errors.js';

export type ExportFormat = 'jsonl' | 'csv' | 'dfxml';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv', 'dfxml'];

/** Where export text goes (a file or stdout); write() resolves when the sink can take more. */
export interface TextSink {
  write(text: string): Promise<void>;
}

const PAGE = 2000;

/** Export every file of a case, streaming page by page: memory stays flat for millions of files. */
export class ExportService {
  constructor(
    private readonly cases: CaseService,
    private readonly evidence: EvidenceRepository,
    private readonly files: FileRepository,
  ) {}

  async export(caseName: string, format: ExportFormat, sink: TextSink, run: Omit<DfxmlRunInfo, 'caseName'>): Promise<{ files: number }> {
    if (!EXPORT_FORMATS.includes(format)) throw new UserError(`unknown export format "${format}" (one of: ${EXPORT_FORMATS.join(', ')})`);
    const c = await this.cases.get(caseName);
    const evidenceList = await this.evidence.listForCase(c.id);
    const evidence = new Map(evidenceList.map((e) => [e.id, e]));
    const dfxml = new DfxmlWriter();
    if (format === 'csv') await sink.write(csvHeader());
    // DFXML: one <source> naming every evidence item up front, then one <volume> per evidence item.
    const dfxmlSource = (id: string, label: string): DfxmlSource => ({ label, path: evidence.get(id)?.source_path ?? label });
    if (format === 'dfxml') await sink.write(dfxml.header({ ...run, caseName: c.name }, evidenceList.map((e) => dfxmlSource(e.id, e.label))));
    let after: { evidenceId: string; path: string } | null = null;
    let n = 0;
    let currentEvidence: string | null = null;
    for (;;) {
      const rows = await this.files.exportPage(c.id, after, PAGE);
      if (rows.length === 0) break;
      let out = '';
      for (const row of rows) {
        const rec = toExportRecord(row, parentOf(row.path));
        if (format === 'jsonl') out += JSON.stringify(rec) + '\n';
        else if (format === 'csv') out += csvLine(rec);
        else {
          if (row.evidence_id !== currentEvidence) {
            currentEvidence = row.evidence_id;
            out += dfxml.volume(dfxmlSource(row.evidence_id, row.evidence_label));
          }
          out += dfxml.fileobject(rec);
        }
        n++;
      }
      await sink.write(out);
      const last = rows[rows.length - 1]!;
      after = { evidenceId: last.evidence_id, path: last.path };
    }
    if (format === 'dfxml') await sink.write(dfxml.footer());
    return { files: n };
  }
}
