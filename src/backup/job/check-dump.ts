import { lstat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { OperationError } from '../../errors.js';
import { sha256OfDump } from '../files/checksum.js';
import { sizeOnDisk } from '../files/disk-size.js';
import { findDumpTools, parseToolVersion } from '../dump/find-tools.js';
import { ManifestError, readManifest, writeManifest, type BackupManifest } from '../files/manifest.js';
import { listArchive, readArchiveFully } from '../dump/verify.js';

export interface DumpCheck {
  path: string;
  manifest: BackupManifest | null;
  /** Empty when the dump is good: its manifest is there, the sha256 and size match, and it reads fully. */
  problems: string[];
  sha256: string;
  sizeBytes: number;
  /** Entries pg_restore --list showed; null when it could not read the table of contents. */
  listEntries: number | null;
  fullRead: boolean;
  pgRestore: string;
  /** Why the result could not be written to the manifest (a read-only directory); undefined when it was. */
  recordProblem?: string;
}

/** Writes the check's outcome into the manifest, so that `backup list`, the Backups view and --keep see it. */
async function recordCheck(path: string, manifest: BackupManifest, problems: string[]): Promise<string | undefined> {
  const last_check = { ok: problems.length === 0, checked_at: new Date().toISOString(), problems };
  try {
    await writeManifest(dirname(path), { ...manifest, last_check });
    return undefined;
  } catch (error) {
    return `the result could not be recorded in ${basename(path)}.manifest.json: ${(error as Error).message}`;
  }
}

/**
 * Re-checks a dump taken earlier: its sha256 and size against the manifest, then `pg_restore --list` and a
 * full read with a pg_restore at least as new as the pg_dump that wrote it. Reports every problem found, and
 * records the outcome in the manifest (`last_check`): a dump that failed is no longer counted as good.
 */
export async function checkDump(options: { path: string; pgDumpPath?: string; signal?: AbortSignal }): Promise<DumpCheck> {
  const { path } = options;
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    throw new OperationError(`cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`, { cause: error });
  });
  const problems: string[] = [];
  let manifest: BackupManifest | null = null;
  try {
    manifest = (await readManifest(dirname(path), basename(path))) ?? null;
    if (!manifest) problems.push(`it has no manifest (${basename(path)}.manifest.json), so its checksum cannot be checked: pgtop did not finish writing it, or the manifest was removed`);
  } catch (error) {
    problems.push(`its manifest is unreadable: ${error instanceof ManifestError ? error.message : (error as Error).message}`);
  }
  const format = manifest?.format ?? (info.isDirectory() ? 'directory' : 'custom');
  const major = manifest ? (parseToolVersion(`(PostgreSQL) ${manifest.pg_dump_version}`)?.major ?? 0) : 0;
  const tools = await findDumpTools({ major, ...(options.pgDumpPath !== undefined ? { pgDumpPath: options.pgDumpPath } : {}) });

  const sha256 = await sha256OfDump(path, format);
  const sizeBytes = await sizeOnDisk(path);
  if (manifest && manifest.size_bytes !== sizeBytes) problems.push(`its size is ${sizeBytes} bytes, the manifest says ${manifest.size_bytes}: the file was cut short or changed`);
  if (manifest && manifest.sha256 !== sha256) problems.push(`its sha256 is ${sha256}, the manifest says ${manifest.sha256}: the dump changed since it was written`);

  let listEntries: number | null = null;
  let fullRead = false;
  try {
    listEntries = (await listArchive(tools.pgRestore, path, options.signal)).entries;
    await readArchiveFully(tools.pgRestore, path, options.signal);
    fullRead = true;
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    problems.push(`it does not read back: ${(error as Error).message}`);
  }
  const recordProblem = manifest ? await recordCheck(path, manifest, problems) : undefined;
  return { path, manifest, problems, sha256, sizeBytes, listEntries, fullRead, pgRestore: tools.pgRestore, ...(recordProblem ? { recordProblem } : {}) };
}
