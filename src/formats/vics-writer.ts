import type { VicsFileRow } from '../db/repositories/file.repository.js';

/**
 * Project VIC VICS 2.0 `#Cases` export, written as a stream: one Case, one Media per distinct MD5 with every copy as
 * a MediaFile (name, path, times, evidence as SourceID, archive parent as ParentMD5/ParentFileName/ParentFilePath).
 * Shape and field names follow the VICS 2.0 data model (refdata/vics/ProjectVicDataModel.2.0.xml) and the case
 * exports Griffeye/C4All/IPED read: hex upper-case, times ISO-8601 UTC, paths with backslashes.
 *
 * Categories: a Media gets `Category` only when the file's category belongs to the export's profile (categories
 * are never translated between profiles); absent Category = uncategorised. A category from another profile is
 * kept in Comments so that nothing is lost. Known-good files carry no category (NSRL is not a VICS category).
 */
export interface VicsCaseInfo {
  caseId: string;
  caseNumber: string;
  profile: string;
  examiner: string | null;
  application: { name: string; version: string };
}

const up = (b: Buffer | null): string | null => (b ? b.toString('hex').toUpperCase() : null);

function splitPath(evidence: string, path: string): { fileName: string; filePath: string } {
  // Archive members: the name inside the innermost archive; the path says where that archive is.
  const inner = path.slice(path.lastIndexOf('!/') + 1).replace(/^\//, '');
  const slash = inner.lastIndexOf('/');
  const fileName = slash < 0 ? inner : inner.slice(slash + 1);
  const dir = path.slice(0, path.length - fileName.length);
  return { fileName, filePath: `${evidence}\\${dir.replace(/\//g, '\\')}` };
}

function vicsCategory(category: string | null): number | string | null {
  if (category === null) return null;
  return /^\d+$/.test(category) ? Number(category) : category;
}

export class VicsCaseWriter {
  private mediaId = 0;
  private fileId = 0;
  private first = true;

  constructor(private readonly info: VicsCaseInfo) {}

  header(): string {
    const i = this.info;
    const head = {
      CaseID: i.caseId,
      CaseNumber: i.caseNumber,
      ContactName: i.examiner ?? undefined,
      SourceApplicationName: i.application.name,
      SourceApplicationVersion: i.application.version,
    };
    const json = JSON.stringify(head, null, 2);
    return (
      `{\n  "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/${i.profile}/$metadata#Cases",\n  "value": [\n    ` +
      json.slice(0, -2).replace(/\n/g, '\n    ') +
      `,\n      "Media": [`
    );
  }

  /** One Media for a group of files with the same MD5. */
  media(files: readonly VicsFileRow[]): string {
    const f = files[0]!;
    this.mediaId++;
    const categorised = files.find((x) => x.category !== null && x.status === 'known-bad') ?? files.find((x) => x.category !== null);
    const inProfile = categorised && categorised.category_profile === this.info.profile;
    const sha256 = up(f.sha256);
    const md5 = up(f.md5)!;
    const media: Record<string, unknown> = {
      MediaID: this.mediaId,
      ...(inProfile ? { Category: vicsCategory(categorised.category) } : {}),
      MD5: md5,
      SHA1: up(f.sha1),
      MediaSize: f.size,
      MimeType: f.mime_type ?? undefined,
      IsPrecategorized: categorised !== undefined,
      ...(categorised && !inProfile ? { Comments: `category ${categorised.category} (${categorised.category_profile ?? 'no profile'} profile)` } : {}),
      AlternativeHashes: [
        ...(sha256 ? [{ MD5: md5, HashName: 'SHA256', HashValue: sha256 }] : []),
        ...(f.pdq ? [{ MD5: md5, HashName: 'PDQ', HashValue: f.pdq }] : []),
      ],
      MediaMetadata: [
        ...(f.width !== null ? [{ MD5: md5, PropertyName: 'Width', PropertyValue: String(f.width) }] : []),
        ...(f.height !== null ? [{ MD5: md5, PropertyName: 'Height', PropertyValue: String(f.height) }] : []),
      ],
      Exifs: [
        ...(f.make ? [{ MD5: md5, PropertyName: 'Make', PropertyValue: f.make, PropertyGroup: 'Exif IFD0' }] : []),
        ...(f.model ? [{ MD5: md5, PropertyName: 'Model', PropertyValue: f.model, PropertyGroup: 'Exif IFD0' }] : []),
      ],
      MediaFiles: files.map((x) => {
        const { fileName, filePath } = splitPath(x.evidence_label, x.path);
        const parent = x.parent_path ? splitPath(x.evidence_label, x.parent_path) : null;
        return {
          MD5: md5,
          MediaFileID: ++this.fileId,
          FileName: fileName,
          FilePath: filePath,
          Created: x.birthtime ?? undefined,
          Written: x.mtime ?? undefined,
          Accessed: x.atime ?? undefined,
          Unallocated: false,
          Deleted: false,
          SourceID: x.evidence_label,
          ...(parent ? { ParentMD5: up(x.parent_md5) ?? undefined, ParentFileName: parent.fileName, ParentFilePath: parent.filePath } : {}),
        };
      }),
    };
    const text = JSON.stringify(media, null, 2).replace(/\n/g, '\n        ');
    const sep = this.first ? '\n        ' : ',\n        ';
    this.first = false;
    return sep + text;
  }

  footer(totals: { mediaFiles: number; precategorized: number }): string {
    return `\n      ],\n      "TotalMediaFiles": ${totals.mediaFiles},\n      "TotalPrecategorized": ${totals.precategorized}\n    }\n  ]\n}\n`;
  }
}
