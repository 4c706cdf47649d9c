import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listBackups, type ListedBackup } from './list.js';
import { manifestNameFor } from './naming.js';
import { byCodeUnits } from '../../text/order.js';

/** Which dumps retention counts: one database of one server, as the manifest records them. */
export interface RetentionScope {
  database: string;
  host: string;
  port: number;
}

const sameScope = (backup: ListedBackup, scope: RetentionScope): boolean =>
  backup.manifest !== null &&
  backup.manifest.database === scope.database &&
  backup.manifest.host === scope.host &&
  backup.manifest.port === scope.port;

/**
 * The dumps `--keep N` deletes: of the verified dumps (with a manifest) of the same database on the same
 * server (host and port as the manifest records them), all but the newest `keep`, by the manifest's start
 * time. Never the newest verified dump, never a file without a valid manifest, never a partial, never a
 * dump of another server's database of the same name, never a dump that failed a later check.
 */
export function selectForDeletion(backups: readonly ListedBackup[], options: RetentionScope & { keep: number }): ListedBackup[] {
  const verified = backups
    .filter((backup) => backup.kind === 'dump' && backup.verified && sameScope(backup, options))
    .sort((a, b) => byCodeUnits(b.manifest?.started_at ?? '', a.manifest?.started_at ?? '') || byCodeUnits(b.file, a.file));
  return verified.slice(Math.max(1, options.keep));
}

export interface RetentionResult {
  deleted: string[];
  /** Deletions that failed, one message each; the dumps stay. */
  errors: string[];
}

/** Deletes what selectForDeletion picks: the dump first, then its manifest (so a crash between leaves an orphan manifest, never an unmanaged dump). */
export async function applyRetention(options: RetentionScope & { dir: string; keep: number; onDeleted?: (file: string) => void }): Promise<RetentionResult> {
  const result: RetentionResult = { deleted: [], errors: [] };
  for (const backup of selectForDeletion(await listBackups(options.dir), options)) {
    try {
      await rm(backup.path, { recursive: true, force: true });
      await rm(join(options.dir, manifestNameFor(backup.file)), { force: true });
      result.deleted.push(backup.file);
      options.onDeleted?.(backup.file);
    } catch (error) {
      result.errors.push(`could not delete ${backup.path}: ${(error as Error).message}`);
    }
  }
  return result;
}
