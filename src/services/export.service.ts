import type { EvidenceRepository } from '../db/repositories/evidence.repository.js';
import type { FileRepository } from '../db/repositories/file.repository.js';
import { csvHeader, csvLine } from '../formats/csv-writer.js';
import { DfxmlWriter, type DfxmlPartition, type DfxmlRunInfo, type DfxmlSource } from '../formats/dfxml-writer.js';
import { parentOf, toExportRecord } from '../formats/export-record.js';
import { VicsCaseWriter } from '../formats/vics-writer.js';
import type { VicsFileRow } from '../db/repositories/file.repository.js';
import type { CaseService } from './case.service.js';
import { UserError } from './errors.js';

export type ExportFormat = 'jsonl' | 'csv' | 'dfxml' | 'vics';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv', 'dfxml', 'vics'];
/** Category systems a VICS export can be written in (categories of other profiles go to Comments). */
export const VICS_PROFILES = ['US', 'UK', 'Default'] as const;

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

  async export(
    caseName: string,
    format: ExportFormat,
    sink: TextSink,
    run: Omit<DfxmlRunInfo, 'caseName'>,
    opts: { vicsProfile?: string; examiner?: string } = {},
  ): Promise<{ files: number }> {
    if (!EXPORT_FORMATS.includes(format)) throw new UserError(`unknown export format "${format}" (one of: ${EXPORT_FORMATS.join(', ')})`);
    const c = await this.cases.get(caseName);
    if (format === 'vics') {
      const profile = opts.vicsProfile ?? 'US';
      if (!(VICS_PROFILES as readonly string[]).includes(profile)) throw new UserError(`unknown VICS profile "${profile}" (one of: ${VICS_PROFILES.join(', ')})`);
      return this.exportVics(c, sink, { profile, examiner: opts.examiner ?? null, application: { name: run.program, version: run.version } });
    }
    const evidenceList = await this.evidence.listForCase(c.id);
    const evidence = new Map(evidenceList.map((e) => [e.id, e]));
    const dfxml = new DfxmlWriter();
    if (format === 'csv') await sink.write(csvHeader());
    // DFXML: one <source> naming every evidence item up front, then one <volume> per evidence item.
    const dfxmlSource = (id: string, label: string): DfxmlSource => ({ label, path: evidence.get(id)?.source_path ?? label });
    if (format === 'dfxml') await sink.write(dfxml.header({ ...run, caseName: c.name }, evidenceList.map((e) => dfxmlSource(e.id, e.label))));
    let after: { evidenceId: string; path: string } | null = null;
    let n = 0;
    let currentVolume: string | null = null;
    // Disk images: one DFXML volume per partition / file system, keyed by (evidence, volume label).
    const partitions = new Map<string, DfxmlPartition>();
    if (format === 'dfxml') {
      for (const e of evidenceList) {
        for (const v of await this.evidence.volumes(e.id)) {
          if (v.status === 'skipped') continue;
          partitions.set(`${e.id}\u0000${v.label}`, { label: v.label, offset: Number(v.start_sector) * v.sector_size, sectorSize: v.sector_size, fsType: v.fs_type });
        }
      }
    }
    for (;;) {
      const rows = await this.files.exportPage(c.id, after, PAGE);
      if (rows.length === 0) break;
      // Files inside disk images: their byte runs (where their data lies in the image), for <byte_runs>.
      const runs = format === 'dfxml' ? await this.files.byteRunsFor(rows.filter((r) => r.fs_addr !== null).map((r) => r.id)) : null;
      let out = '';
      for (const row of rows) {
        const rec = toExportRecord(row, parentOf(row.path));
        if (format === 'jsonl') out += JSON.stringify(rec) + '\n';
        else if (format === 'csv') out += csvLine(rec);
        else {
          const volumeKey = `${row.evidence_id}\u0000${row.volume ?? ''}`;
          if (volumeKey !== currentVolume) {
            currentVolume = volumeKey;
            out += dfxml.volume(dfxmlSource(row.evidence_id, row.evidence_label), partitions.get(volumeKey));
          }
          out += dfxml.fileobject(rec, runs?.get(row.id));
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

  /** VICS 2.0 #Cases: files grouped by MD5, streamed in MD5 order (memory holds one group at a time). */
  private async exportVics(
    c: { id: string; name: string },
    sink: TextSink,
    info: { profile: string; examiner: string | null; application: { name: string; version: string } },
  ): Promise<{ files: number }> {
    const w = new VicsCaseWriter({ caseId: c.id, caseNumber: c.name, ...info });
    await sink.write(w.header());
    let group: VicsFileRow[] = [];
    let files = 0;
    let precategorized = 0;
    const emit = async () => {
      if (group.length === 0) return;
      if (group.some((g) => g.category !== null)) precategorized++;
      await sink.write(w.media(group));
      group = [];
    };
    let after: { md5: Buffer; id: string } | null = null;
    for (;;) {
      const rows = await this.files.vicsPage(c.id, after, PAGE);
      if (rows.length === 0) break;
      for (const r of rows) {
        if (group.length > 0 && !group[0]!.md5.equals(r.md5)) await emit();
        group.push(r);
        files++;
      }
      const last = rows[rows.length - 1]!;
      after = { md5: last.md5, id: last.id };
    }
    await emit();
    await sink.write(w.footer({ mediaFiles: files, precategorized }));
    return { files };
  }
}
