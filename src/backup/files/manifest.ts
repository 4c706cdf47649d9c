import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncPath } from './fsync.js';
import { manifestNameFor, type DumpFormat } from './naming.js';

/**
 * `NAME.manifest.json`, written beside a dump once it is verified and in place. Its keys are the file's
 * (snake_case). A dump without one is not known to be good: retention never deletes it, and `backup
 * list` flags it.
 */
export interface BackupManifest {
  manifest_version: 1;
  /** The dump's name in the same directory. */
  file: string;
  database: string;
  host: string;
  port: number;
  user: string;
  format: DumpFormat;
  jobs: number;
  size_bytes: number;
  sha256: string;
  /** How `sha256` was computed (a directory's is a hash over its files' hashes). */
  sha256_method: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  server_version: string;
  server_version_num: number;
  pg_dump_version: string;
  pg_dump_path: string;
  /** Tables whose data the dump holds. */
  tables: number;
  verify: {
    ok: true;
    /** Entries that `pg_restore --list` shows. */
    list_entries: number;
    table_data_entries: number;
    /** `pg_restore -f /dev/null` read the whole archive. */
    full_read: true;
    verified_at: string;
    duration_ms: number;
  };
  pgtop_version: string;
  /** The latest re-check (`backup verify`, `v` in the Backups view); a failed one makes the dump not good. */
  last_check?: ManifestCheck;
}

export interface ManifestCheck {
  ok: boolean;
  checked_at: string;
  /** What the check found wrong; empty when ok. */
  problems: string[];
}

export class ManifestError extends Error {}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Parses and checks a manifest's text; throws ManifestError naming what is wrong. */
export function parseManifest(text: string): BackupManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`not JSON: ${(error as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ManifestError('not a JSON object');
  const record = data as Record<string, unknown>;
  if (record.manifest_version !== 1) throw new ManifestError(`manifest_version ${String(record.manifest_version)} is not one this pgtop reads (1)`);
  for (const key of ['file', 'database', 'host', 'user', 'sha256', 'sha256_method', 'started_at', 'finished_at', 'server_version', 'pg_dump_version', 'pg_dump_path', 'pgtop_version']) {
    if (!isString(record[key])) throw new ManifestError(`"${key}" is missing or not text`);
  }
  for (const key of ['port', 'jobs', 'size_bytes', 'duration_ms', 'server_version_num', 'tables']) {
    if (!isNumber(record[key])) throw new ManifestError(`"${key}" is missing or not a number`);
  }
  if (record.format !== 'custom' && record.format !== 'directory') throw new ManifestError(`"format" is ${JSON.stringify(record.format)}, not custom or directory`);
  if (!/^[0-9a-f]{64}$/.test(record.sha256 as string)) throw new ManifestError('"sha256" is not 64 hex digits');
  const verify = record.verify as Record<string, unknown> | undefined;
  if (!verify || typeof verify !== 'object' || verify.ok !== true || verify.full_read !== true) throw new ManifestError('"verify" does not record a passed verification');
  const check = record.last_check as Record<string, unknown> | undefined;
  if (check !== undefined && (!check || typeof check !== 'object' || typeof check.ok !== 'boolean' || !isString(check.checked_at) || !Array.isArray(check.problems))) {
    throw new ManifestError('"last_check" is not a check result');
  }
  return data as BackupManifest;
}

export function serializeManifest(manifest: BackupManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The manifest of `dumpName` in `dir`; undefined when there is none. Throws ManifestError when unreadable. */
export async function readManifest(dir: string, dumpName: string): Promise<BackupManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, manifestNameFor(dumpName)), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ManifestError((error as Error).message);
  }
  return parseManifest(text);
}

/** Writes the manifest through a temporary file, fsync and rename, then fsyncs the directory. Returns its path. */
export async function writeManifest(dir: string, manifest: BackupManifest): Promise<string> {
  const finalPath = join(dir, manifestNameFor(manifest.file));
  const tempPath = `${finalPath}.tmp-${process.pid}`;
  try {
    const handle = await open(tempPath, 'wx', 0o600);
    try {
      await handle.writeFile(serializeManifest(manifest), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, finalPath);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
  await fsyncPath(dir);
  return finalPath;
}
