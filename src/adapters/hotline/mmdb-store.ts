/**
 * Storage of imported MaxMind DB files in `<netdata>/mmdb/`: the file itself, byte for byte as validated (a gzip
 * source is stored uncompressed), named `<name>.mmdb`, plus a sidecar `<name>.mmdb.winnow.json` with the import time,
 * network count, database type and SHA-256. The binary format has no room for the `# winnow-netdata` header of the
 * text datasets, so the sidecar is what marks a file as stored by Winnow; the hash is checked at every load, which
 * lets a load skip the full tree walk done at import.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../../services/errors.js';
import { MmdbDataset } from './mmdb-dataset.js';
import type { DatasetInfo, ImportResult } from './network-datasets.js';

export const MMDB_SIDECAR = '.winnow.json';

interface Sidecar {
  kind: 'mmdb';
  name: string;
  imported: string;
  entries: number;
  databaseType: string;
  ipVersion: 4 | 6;
  built: string;
  sha256: string;
}

export interface StoredMmdb {
  info: DatasetInfo;
  db: MmdbDataset;
}

/** `name` with an .mmdb suffix (the stored file name). */
export function mmdbStoredName(name: string): string {
  return /\.mmdb$/i.test(name) ? name : `${name}.mmdb`;
}

/** Writes through a temporary file in the same directory and renames it into place. */
export async function atomicWrite(path: string, data: string | Buffer): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** The source's bytes: read only, gunzipped when gzip; a tar archive is refused (GeoLite2 downloads are .tar.gz). */
async function readSource(file: string): Promise<Buffer> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new UserError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new UserError(`cannot read ${file}: ${(e as Error).message}`);
    }
  }
  if (buf.length > 262 && buf.toString('latin1', 257, 262) === 'ustar') {
    throw new UserError(`${file} is a tar archive; extract the .mmdb file from it and import that`);
  }
  return buf;
}

/** Validates `file` (metadata and full tree walk) and stores it as `<kindDir>/<name>`, replacing an earlier import. */
export async function importMmdb(kindDir: string, file: string, name: string): Promise<ImportResult & { databaseType: string }> {
  const buf = await readSource(file);
  const summary = MmdbDataset.open(buf, file).inspect(file);
  const sidecar: Sidecar = {
    kind: 'mmdb', name, imported: new Date().toISOString(), entries: summary.networks, databaseType: summary.databaseType,
    ipVersion: summary.ipVersion, built: summary.built, sha256: createHash('sha256').update(buf).digest('hex'),
  };
  await atomicWrite(join(kindDir, name), buf);
  await atomicWrite(join(kindDir, name + MMDB_SIDECAR), JSON.stringify(sidecar, null, 2) + '\n');
  return { kind: 'mmdb', name, ranges: summary.networks, skipped: 0, errors: [], databaseType: summary.databaseType };
}

/** One stored database and its sidecar; a file without a valid sidecar, or changed since import, is refused. */
export async function loadMmdb(kindDir: string, file: string): Promise<StoredMmdb> {
  const path = join(kindDir, file);
  const foreign = () => new UserError(`${path} is not a network dataset stored by Winnow; remove it or import the source file again`);
  if (!/\.mmdb$/i.test(file)) throw foreign();
  let sidecar: Partial<Sidecar>;
  try {
    sidecar = JSON.parse(await readFile(path + MMDB_SIDECAR, 'utf8')) as Partial<Sidecar>;
  } catch {
    throw foreign();
  }
  if (sidecar.kind !== 'mmdb' || sidecar.name !== file || typeof sidecar.imported !== 'string' || typeof sidecar.sha256 !== 'string') throw foreign();
  const buf = await readFile(path);
  if (createHash('sha256').update(buf).digest('hex') !== sidecar.sha256) {
    throw new UserError(`${path} changed since it was imported; import the source file again`);
  }
  const db = MmdbDataset.open(buf, path);
  return { info: { kind: 'mmdb', name: file, imported: sidecar.imported, entries: Number(sidecar.entries) || 0 }, db };
}
