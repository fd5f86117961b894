/**
 * Parsers for the text The Sleuth Kit and libewf tools print (mmls, fls -l, fsstat -t, ewfinfo, ewfverify).
 * Pure functions, tested against the reference data's expected listings (test/unit/sleuthkit-output.test.ts).
 *
 * Why text parsing rather than a library binding: Debian ships TSK and libewf as command-line tools (there is no
 * maintained Node binding), and running them as separate processes keeps a crash in a file-system parser
 * (hostile images are the norm here) out of Winnow's own process.
 */

/** One row of an `mmls` listing. */
export interface MmlsRow {
  /** mmls row number (000, 001 …). */
  index: number;
  /** `000:001` for a partition, `Meta` for tables/extended containers, `-------` for unallocated space. */
  slot: string;
  startSector: number;
  endSector: number;
  lengthSectors: number;
  description: string;
  kind: 'partition' | 'meta' | 'unallocated';
}

export interface MmlsListing {
  /** `DOS Partition Table`, `GUID Partition Table (EFI)` … */
  scheme: string;
  sectorSize: number;
  rows: MmlsRow[];
}

/** Parse plain `mmls IMAGE` output. */
export function parseMmls(text: string): MmlsListing {
  const lines = text.split('\n');
  const scheme = lines.find((l) => l.trim().length > 0)?.trim() ?? '';
  const unit = /Units are in (\d+)-byte sectors/.exec(text);
  const rows: MmlsRow[] = [];
  for (const l of lines) {
    const m = /^(\d+):\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l.trimEnd());
    if (!m) continue;
    const slot = m[2]!;
    rows.push({
      index: Number(m[1]),
      slot,
      startSector: Number(m[3]),
      endSector: Number(m[4]),
      lengthSectors: Number(m[5]),
      description: m[6]!.trim(),
      kind: slot === 'Meta' ? 'meta' : /^-+$/.test(slot) ? 'unallocated' : 'partition',
    });
  }
  return { scheme, sectorSize: unit ? Number(unit[1]) : 512, rows };
}

export type FsNameType = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'char-device' | 'block-device' | 'virtual' | 'virtual-dir' | 'unknown';

/** One entry of `fls -r -p -l -z UTC`. */
export interface FlsEntry {
  /** Type letter from the name (directory entry) and from the metadata (inode), e.g. `r` / `r`; `-` when unknown. */
  nameType: string;
  metaType: string;
  type: FsNameType;
  /** The name is unallocated: the file was deleted (its content may have been reused since). */
  deleted: boolean;
  /** The metadata address was reallocated to another file: the name points at someone else's content. */
  reallocated: boolean;
  /** Metadata address as TSK gives it: `29`, `32-128-6` (NTFS inode-type-id, the id selects the stream). */
  addr: string;
  /** The numeric inode / MFT entry. */
  inode: number;
  /** Path inside the file system as fls prints it with -p (no leading slash). */
  path: string;
  mtime: string | null;
  atime: string | null;
  ctime: string | null;
  crtime: string | null;
  size: number;
  uid: number;
  gid: number;
}

const TYPE_OF: Record<string, FsNameType> = {
  r: 'file', d: 'directory', l: 'symlink', p: 'fifo', s: 'socket', c: 'char-device', b: 'block-device', v: 'virtual', V: 'virtual-dir',
  h: 'file', w: 'unknown', '-': 'unknown',
};

/** `2004-02-29 19:57:57 (UTC)` → ISO; TSK prints zero times as `0000-00-00 00:00:00`. */
export function tskTime(s: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?/.exec(s.trim());
  if (!m || m[1] === '0000') return null;
  const frac = m[7] ? `.${m[7].slice(0, 3).padEnd(3, '0')}` : '.000';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${frac}Z`;
}

/**
 * Parse one line of `fls -l` output: `TYPE [*] ADDR[(realloc)]:<TAB>NAME<TAB>mtime<TAB>atime<TAB>ctime<TAB>crtime
 * <TAB>size<TAB>uid<TAB>gid`. The name is whatever lies between the first and the last seven tab-separated fields,
 * so a name that contains a tab is kept whole. Returns null for lines that are not entries.
 */
export function parseFlsLine(line: string): FlsEntry | null {
  const fields = line.split('\t');
  if (fields.length < 9) return null;
  const m = /^([-a-zA-Z])\/([-a-zA-Z])\s+(\*\s+)?([\d-]+)(\(realloc\))?:$/.exec(fields[0]!.trim());
  if (!m) return null;
  const tail = fields.slice(-7);
  const path = fields.slice(1, -7).join('\t');
  const nameType = m[1]!;
  const metaType = m[2]!;
  // The name's type is what the directory says; for a deleted name it may be '-': the metadata's then.
  const letter = nameType !== '-' ? nameType : metaType;
  return {
    nameType,
    metaType,
    type: TYPE_OF[letter] ?? 'unknown',
    deleted: m[3] !== undefined,
    reallocated: m[5] !== undefined,
    addr: m[4]!,
    inode: Number(m[4]!.split('-')[0]),
    path,
    mtime: tskTime(tail[0]!),
    atime: tskTime(tail[1]!),
    ctime: tskTime(tail[2]!),
    crtime: tskTime(tail[3]!),
    size: Number(tail[4]),
    uid: Number(tail[5]),
    gid: Number(tail[6]),
  };
}

export function parseFls(text: string): FlsEntry[] {
  const out: FlsEntry[] = [];
  for (const line of text.split('\n')) {
    const e = parseFlsLine(line);
    if (e) out.push(e);
  }
  return out;
}

/** `ewfinfo` output → the acquisition metadata an investigator expects on the evidence item. */
export interface EwfInfo {
  caseNumber: string | null;
  description: string | null;
  examiner: string | null;
  evidenceNumber: string | null;
  notes: string | null;
  acquisitionDate: string | null;
  systemDate: string | null;
  acquisitionSoftware: string | null;
  fileFormat: string | null;
  mediaSize: number | null;
  bytesPerSector: number | null;
  storedMd5: string | null;
  storedSha1: string | null;
}

export function parseEwfinfo(text: string): EwfInfo {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s+([^:\t][^:]*):\s*(.*)$/.exec(line);
    if (m && !kv.has(m[1]!.trim())) kv.set(m[1]!.trim(), m[2]!.trim());
  }
  const get = (k: string) => {
    const v = kv.get(k);
    return v === undefined || v === '' || v === 'N/A' ? null : v;
  };
  const hex = (v: string | null, len: number) => (v && new RegExp(`^[0-9a-f]{${len}}$`, 'i').test(v) ? v.toLowerCase() : null);
  const size = /\((\d+) bytes\)/.exec(kv.get('Media size') ?? '');
  return {
    caseNumber: get('Case number'),
    description: get('Description'),
    examiner: get('Examiner name'),
    evidenceNumber: get('Evidence number'),
    notes: get('Notes'),
    acquisitionDate: get('Acquisition date'),
    systemDate: get('System date'),
    acquisitionSoftware: get('Software version used'),
    fileFormat: get('File format'),
    mediaSize: size ? Number(size[1]) : null,
    bytesPerSector: get('Bytes per sector') ? Number(get('Bytes per sector')) : null,
    storedMd5: hex(get('MD5'), 32),
    storedSha1: hex(get('SHA1'), 40),
  };
}

/** `ewfverify -d sha1` output. */
export interface EwfVerifyResult {
  success: boolean;
  storedMd5: string | null;
  computedMd5: string | null;
  storedSha1: string | null;
  computedSha1: string | null;
  /** Lines mentioning checksum/read errors (corrupt chunks), as ewfverify printed them. */
  problems: string[];
}

export function parseEwfverify(text: string): EwfVerifyResult {
  const val = (re: RegExp) => {
    const m = re.exec(text);
    const v = m?.[1]?.trim().toLowerCase() ?? null;
    return v && /^[0-9a-f]+$/.test(v) ? v : null;
  };
  return {
    success: /ewfverify: SUCCESS/.test(text),
    storedMd5: val(/MD5 hash stored in file:\s*(\S+)/),
    computedMd5: val(/MD5 hash calculated over data:\s*(\S+)/),
    storedSha1: val(/SHA1 hash stored in file:\s*(\S+)/),
    computedSha1: val(/SHA1 hash calculated over data:\s*(\S+)/) ?? val(/Additional hash values:\s*\nSHA1:\s*(\S+)/),
    problems: text.split('\n').filter((l) => /checksum error|read error|corrupt|unable to/i.test(l)).map((l) => l.trim()).slice(0, 20),
  };
}
