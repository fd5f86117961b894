import type { Readable } from 'node:stream';

/** Where archive bytes come from: a file on disk (random access possible) or bytes already in memory. */
export type ArchiveInput = { kind: 'path'; path: string; size: number } | { kind: 'buffer'; buffer: Buffer };

export interface ArchiveMember {
  /** The member's name exactly as the archive stores it (may be hostile: `../../x`, `C:\x`, absolute). */
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  /** Uncompressed size the archive declares, when it declares one. */
  declaredSize: number | null;
  mtime: Date | null;
  encrypted: boolean;
  /** For links: the target name as stored (hard links share the target's content). */
  linkTarget?: string;
  /**
   * The member's content. Must be consumed (or destroyed) before the next member is requested: most formats are
   * read as one forward stream. Encrypted members yield their stored (encrypted) bytes.
   */
  open(): Promise<Readable>;
}

/** A reader for one archive format; yields members lazily. */
export type ArchiveReader = (input: ArchiveInput, signal: AbortSignal) => AsyncGenerator<ArchiveMember>;

export class ArchiveError extends Error {
  constructor(
    message: string,
    readonly status: 'corrupt' | 'encrypted' | 'unsupported' | 'refused',
  ) {
    super(message);
  }
}
