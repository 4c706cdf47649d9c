import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sizeOnDisk } from './disk-size.js';
import { ManifestError, readManifest, type BackupManifest } from './manifest.js';
import { MANIFEST_SUFFIX, PARTIAL_SUFFIX, parseDumpFileName, type DumpFormat } from './naming.js';
import { byCodeUnits } from '../../text/order.js';

/**
 * - `dump`: a dump with a valid manifest (verified when it was taken);
 * - `no-manifest`: a .dump/.dir with no manifest: not known to be good, never deleted by --keep;
 * - `bad-manifest`: a dump whose manifest is unreadable or names another file;
 * - `partial`: a dump being written now, or left by a run that was killed;
 * - `orphan-manifest`: a manifest whose dump is gone (or a manifest's leftover temporary file).
 */
export type ListedKind = 'dump' | 'no-manifest' | 'bad-manifest' | 'partial' | 'orphan-manifest';

export interface ListedBackup {
  /** The name in the directory. */
  file: string;
  path: string;
  kind: ListedKind;
  format: DumpFormat | null;
  /** From the manifest; else the database part of the name; null when neither says. */
  database: string | null;
  /** When the dump started: the manifest's started_at, else the time in the name. */
  takenAt: string | null;
  /** Bytes on disk now. */
  sizeBytes: number;
  verified: boolean;
  sha256: string | null;
  manifest: BackupManifest | null;
  /** For anything but `dump`: what is wrong, in words. */
  problem: string | null;
}

const dumpExtension = /\.(dump|dir)$/;
const manifestTemp = /\.manifest\.json\.tmp-\d+$/;

function fromName(name: string): Pick<ListedBackup, 'format' | 'database' | 'takenAt'> {
  const parsed = parseDumpFileName(name);
  if (parsed) return { format: parsed.format, database: parsed.databasePart, takenAt: parsed.takenAt.toISOString() };
  const format = name.endsWith('.dir') ? 'directory' : name.endsWith('.dump') ? 'custom' : null;
  return { format, database: null, takenAt: null };
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

async function describeDump(dir: string, name: string): Promise<ListedBackup> {
  const path = join(dir, name);
  const base = { file: name, path, sizeBytes: await sizeOnDisk(path), ...fromName(name) };
  let manifest: BackupManifest | undefined;
  try {
    manifest = await readManifest(dir, name);
  } catch (error) {
    const why = error instanceof ManifestError ? error.message : (error as Error).message;
    return { ...base, kind: 'bad-manifest', verified: false, sha256: null, manifest: null, problem: `its manifest is unreadable: ${why}` };
  }
  if (!manifest) {
    return { ...base, kind: 'no-manifest', verified: false, sha256: null, manifest: null, problem: 'no manifest: not known to be complete or verified (never deleted by --keep)' };
  }
  if (manifest.file !== name) {
    return { ...base, kind: 'bad-manifest', verified: false, sha256: null, manifest, problem: `its manifest describes ${manifest.file}, not this file` };
  }
  const failed = manifest.last_check?.ok === false ? manifest.last_check : undefined;
  return {
    ...base,
    kind: 'dump',
    format: manifest.format,
    database: manifest.database,
    takenAt: manifest.started_at,
    verified: manifest.verify.ok && !failed,
    sha256: manifest.sha256,
    manifest,
    problem: failed ? `failed verification at ${failed.checked_at}: ${failed.problems[0] ?? 'unreadable'} (not counted or deleted by --keep)` : null,
  };
}

/** The dumps in `dir` with their manifests, and the strays (partials, dumps without a manifest), oldest first. */
export async function listBackups(dir: string): Promise<ListedBackup[]> {
  const names = await readdir(dir);
  const listed: ListedBackup[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (dumpExtension.test(name)) {
      listed.push(await describeDump(dir, name));
    } else if (name.endsWith(PARTIAL_SUFFIX) && dumpExtension.test(name.slice(0, -PARTIAL_SUFFIX.length))) {
      listed.push({
        file: name, path, kind: 'partial', ...fromName(name.slice(0, -PARTIAL_SUFFIX.length)), sizeBytes: await sizeOnDisk(path),
        verified: false, sha256: null, manifest: null, problem: 'incomplete: a backup writing it now, or one that was killed (safe to delete when no backup runs)',
      });
    } else if (name.endsWith(MANIFEST_SUFFIX) || manifestTemp.test(name)) {
      const dumpName = name.replace(manifestTemp, '').replace(/\.manifest\.json$/, '');
      if (manifestTemp.test(name) || !(await exists(join(dir, dumpName)))) {
        listed.push({
          file: name, path, kind: 'orphan-manifest', ...fromName(dumpName), sizeBytes: await sizeOnDisk(path),
          verified: false, sha256: null, manifest: null, problem: manifestTemp.test(name) ? 'a manifest left half-written' : `manifest of ${dumpName}, which is gone`,
        });
      }
    }
  }
  return listed.sort((a, b) => byCodeUnits(a.takenAt ?? '', b.takenAt ?? '') || byCodeUnits(a.file, b.file));
}
