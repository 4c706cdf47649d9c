import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { audit, type AuditEntry } from '../../audit/log.js';
import { describeTarget } from '../../config/resolve.js';
import type { ConnectionSettings } from '../../config/types.js';
import { PgtopError, UsageError } from '../../errors.js';
import { BackupError } from './backup-error.js';
import { openBackupSession, takeMaintenanceLock, type BackupSession } from '../server/backup-session.js';
import { tablesToDump } from '../server/catalog.js';
import { SHA256_METHOD } from '../files/checksum.js';
import { commitDump } from './commit.js';
import { dumpEnvironment } from '../dump/dump-env.js';
import { classifyDumpFailure, explainDumpFailure } from '../dump/dump-failure.js';
import { ensurePrivate } from '../files/file-modes.js';
import { findDumpTools, type DumpTools } from '../dump/find-tools.js';
import { describeLockBlockers, splitRelationList } from '../server/lock-blockers.js';
import { writeManifest, type BackupManifest } from '../files/manifest.js';
import type { DumpFormat } from '../files/naming.js';
import { checkOutputDir, createPartial, outputDirProblem, type ReservedDump } from '../files/output-dir.js';
import { removeStalePassfiles, writePassfile, type Passfile } from '../dump/passfile.js';
import { removeOwner, sweepStalePartials } from '../files/partial-owner.js';
import { pgtopVersion } from '../../config/pgtop-version.js';
import { ProgressTracker, type BackupEvent } from './progress.js';
import { startProgressSampling, type ProgressSampler } from './progress-sampler.js';
import { applyRetention } from '../files/retention.js';
import { pgDumpArguments, startDump, type ProcessExit, type RunningDump } from '../dump/run-dump.js';
import { verifyDump } from '../dump/verify.js';

export interface BackupJobOptions {
  settings: ConnectionSettings;
  dir: string;
  format: DumpFormat;
  /** pg_dump -j; more than 1 needs the directory format. */
  jobs: number;
  /** Keep this many verified dumps of the database (older ones with a manifest are deleted); undefined keeps all. */
  keep?: number;
  lockWaitTimeoutSec: number;
  /** The --pg-dump flag. */
  pgDumpPath?: string;
  /** Cancels the job: pg_dump is stopped and the partial dump removed. */
  signal: AbortSignal;
  onEvent?: (event: BackupEvent) => void;
  /** May prompt on the terminal for a password. */
  interactive?: boolean;
  /** How often bytes written and the current table's rows are sampled; default 1000 ms. */
  progressIntervalMs?: number;
  /** The environment pg_dump starts from (less its PG* variables) and the audit log's location; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface BackupResult {
  /** The verified dump, under its final name. */
  path: string;
  manifestPath: string;
  manifest: BackupManifest;
  tools: DumpTools;
  /** Older dumps deleted by --keep. */
  deleted: string[];
  /** Problems that did not fail the backup (retention, audit log). */
  warnings: string[];
}

type DumpOutcome = { kind: 'exited'; exit: ProcessExit } | { kind: 'cancelled' } | { kind: 'lost'; error: Error };

const cancelledError = (database: string): BackupError =>
  new BackupError(`backup of ${database} cancelled: pg_dump was stopped and the partial dump removed. No dump was written; older dumps are untouched.`, 'cancelled');

function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function asBackupError(error: unknown, database: string, dir: string): PgtopError {
  if (error instanceof BackupError && !error.message.startsWith('backup of ')) {
    return new BackupError(`backup of ${database} failed: ${error.message}\nNo dump was written; older dumps are untouched.`, error.reason, error.stderrTail, { cause: error });
  }
  if (error instanceof PgtopError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && ['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'ENOENT', 'EFBIG'].includes(code)) {
    const problem = code === 'EFBIG' ? new BackupError(`a file in ${dir} outgrew the file size limit (ulimit -f)`, 'file-too-large') : outputDirProblem(dir, code, (error as Error).message);
    return new BackupError(`backup of ${database} failed: ${problem.message}\nNo dump was written; older dumps are untouched.`, problem.reason, [], { cause: error });
  }
  return new BackupError(`backup of ${database} failed: ${(error as Error).message ?? String(error)}\nNo dump was written; older dumps are untouched.`, 'other', [], { cause: error });
}

/** Removes the partial dumps that a killed pgtop left (their owner is gone), and says so; reports those of unknown owner. */
async function reportStalePartials(dir: string, tracker: ProgressTracker): Promise<void> {
  const sweep = await sweepStalePartials(dir);
  for (const { file, pid } of sweep.removed) tracker.notice('warning', `removed ${file}: a partial dump left by a backup that was killed (pgtop pid ${pid})`);
  for (const file of sweep.unknown) tracker.notice('warning', `${file} is a partial dump of unknown origin: delete it once no backup is writing it`);
}

/**
 * Dumps one database with pg_dump into `dir`, verifies the dump, makes it durable under its final name
 * and writes its manifest, then applies --keep. Holds the maintenance lock throughout, so no migration
 * runs meanwhile. On any failure or cancellation pg_dump is stopped, the partial dump removed, no
 * manifest written and older dumps left alone; the error (a BackupError, or a ConnectionError when the
 * server cannot be reached) says what happened and what to do.
 */
export async function runBackupJob(options: BackupJobOptions): Promise<BackupResult> {
  const { settings, format, signal } = options;
  const env = options.env ?? process.env;
  const dir = resolve(options.dir);
  const database = settings.database;
  const target = describeTarget(settings);
  const startedAt = new Date();
  const warnings: string[] = [];
  const tracker = new ProgressTracker({ database, target, format, dir, parallel: format === 'directory' && options.jobs > 1, onEvent: options.onEvent ?? (() => undefined) });
  const record = (entry: Pick<AuditEntry, 'result'> & Partial<AuditEntry>): void => {
    const problem = audit({ action: 'backup', target, role: settings.user, ...(reserved ? { file: reserved.finalPath } : {}), ...entry }, env);
    if (problem) {
      warnings.push(problem);
      tracker.notice('warning', problem);
    }
  };
  const throwIfCancelled = (): void => {
    if (signal.aborted) throw cancelledError(database);
  };

  let session: BackupSession | undefined;
  let reserved: ReservedDump | undefined;
  let dump: RunningDump | undefined;
  let passfile: Passfile | undefined;
  let sampler: ProgressSampler | undefined;
  let renamed = false;

  tracker.setPhase('connecting');
  try {
    if (format === 'custom' && options.jobs > 1) throw new UsageError('--jobs needs --format directory: a custom-format dump is written by one process');
    await checkOutputDir(dir);
    await reportStalePartials(dir, tracker);
    await removeStalePassfiles();
    throwIfCancelled();
    session = await openBackupSession(settings, { interactive: options.interactive ?? false });
    throwIfCancelled();
    const tools = await findDumpTools({ major: session.server.major, ...(options.pgDumpPath !== undefined ? { pgDumpPath: options.pgDumpPath } : {}) });
    tracker.notice('info', `using pg_dump ${tools.version.text} (${tools.pgDump}) for PostgreSQL ${session.server.version}`);
    await takeMaintenanceLock(session, database);
    const tables = await tablesToDump(session.client);
    tracker.setTables(tables);
    throwIfCancelled();

    reserved = await createPartial(dir, database, format, startedAt);
    tracker.setFile(reserved.name);
    record({ result: 'started', message: `${format} format${options.jobs > 1 ? `, ${options.jobs} jobs` : ''}, pg_dump ${tools.version.text}` });
    if (settings.password !== undefined) passfile = await writePassfile(settings.password);
    throwIfCancelled();

    dump = startDump({
      program: tools.pgDump,
      args: pgDumpArguments({ format, jobs: options.jobs, lockWaitTimeoutSec: options.lockWaitTimeoutSec, outputPath: reserved.partialPath }),
      env: dumpEnvironment(settings, passfile?.envPath, env),
      ...(passfile?.fd !== undefined ? { passwordFd: passfile.fd } : {}),
      onLine: (line) => tracker.onDumpLine(line),
    });
    tracker.setPgDumpPid(dump.pid ?? null);
    tracker.setPhase('dumping');
    sampler = startProgressSampling({ client: session.client, path: reserved.partialPath, tracker, intervalMs: options.progressIntervalMs ?? 1000, copyProgress: session.server.major >= 14 });

    const outcome = await Promise.race<DumpOutcome>([
      dump.exited.then((exit) => ({ kind: 'exited', exit })),
      whenAborted(signal).then(() => ({ kind: 'cancelled' })),
      session.lost.then((error) => ({ kind: 'lost', error })),
    ]);
    await sampler.stop();
    if (outcome.kind === 'cancelled') throw cancelledError(database);
    if (outcome.kind === 'lost') {
      throw new BackupError(`backup of ${database} failed: the connection holding the maintenance lock was lost (${outcome.error.message}), so a migration could start; the dump was stopped. Run the backup again.\nNo dump was written; older dumps are untouched.`, 'connection');
    }
    throwIfCancelled();
    if (outcome.exit.code !== 0 || outcome.exit.signal !== null || outcome.exit.spawnError) {
      const stderrTail = dump.stderrTail();
      const failure = classifyDumpFailure(outcome.exit, stderrTail);
      const lockHolders = failure.reason === 'lock-timeout' && failure.relation ? await describeLockBlockers(session.client, splitRelationList(failure.relation)).catch(() => []) : [];
      throw explainDumpFailure(failure, { exit: outcome.exit, stderrTail, user: settings.user, database, dir, lockWaitTimeoutSec: options.lockWaitTimeoutSec, lockHolders });
    }

    tracker.setPhase('verifying');
    await ensurePrivate(reserved.partialPath);
    let verification;
    try {
      verification = await verifyDump({ path: reserved.partialPath, format, pgRestore: tools.pgRestore, signal });
    } catch (error) {
      throwIfCancelled();
      const detail = error instanceof Error ? error.message : String(error);
      throw new BackupError(`backup of ${database} failed: pg_dump finished but its output does not read back: ${detail}\nNo dump was written; older dumps are untouched.`, 'verify', dump.stderrTail(), { cause: error });
    }
    tracker.sample({ bytesWritten: verification.sizeBytes });
    throwIfCancelled();

    tracker.setPhase('committing');
    await commitDump({ dir, partialPath: reserved.partialPath, finalPath: reserved.finalPath });
    renamed = true;
    await removeOwner(reserved.partialPath);
    const finishedAt = new Date();
    const manifest: BackupManifest = {
      manifest_version: 1,
      file: reserved.name,
      database,
      host: settings.host,
      port: settings.port,
      user: settings.user,
      format,
      jobs: options.jobs,
      size_bytes: verification.sizeBytes,
      sha256: verification.sha256,
      sha256_method: SHA256_METHOD[format],
      started_at: startedAt.toISOString(),
      finished_at: finishedAt.toISOString(),
      duration_ms: finishedAt.getTime() - startedAt.getTime(),
      server_version: session.server.version,
      server_version_num: session.server.versionNum,
      pg_dump_version: tools.version.text,
      pg_dump_path: tools.pgDump,
      tables: tables.length,
      verify: {
        ok: true,
        list_entries: verification.listEntries,
        table_data_entries: verification.tableDataEntries,
        full_read: true,
        verified_at: verification.verifiedAt,
        duration_ms: verification.durationMs,
      },
      pgtop_version: pgtopVersion(),
    };
    const manifestPath = await writeManifest(dir, manifest);
    renamed = false;

    const deleted: string[] = [];
    if (options.keep !== undefined) {
      const retention = await applyRetention({
        dir,
        database,
        host: settings.host,
        port: settings.port,
        keep: options.keep,
        onDeleted: (file) => {
          deleted.push(file);
          tracker.notice('info', `deleted ${file} (--keep ${options.keep})`);
          const problem = audit({ action: 'backup-retention', target, role: settings.user, file: resolve(dir, file), result: 'ok', message: `deleted by --keep ${options.keep}` }, env);
          if (problem) warnings.push(problem);
        },
      });
      for (const problem of retention.errors) {
        warnings.push(problem);
        tracker.notice('warning', problem);
        audit({ action: 'backup-retention', target, role: settings.user, result: 'failed', message: problem }, env);
      }
    }

    tracker.setPhase('done');
    record({ result: 'ok', message: `${manifest.size_bytes} bytes, sha256 ${manifest.sha256}, verified` });
    return { path: reserved.finalPath, manifestPath, manifest, tools, deleted, warnings };
  } catch (error) {
    const failure = signal.aborted ? cancelledError(database) : asBackupError(error, database, dir);
    await sampler?.stop();
    await dump?.stop();
    if (reserved) {
      await rm(reserved.partialPath, { recursive: true, force: true }).catch(() => undefined);
      await removeOwner(reserved.partialPath).catch(() => undefined);
      if (renamed) await rm(reserved.finalPath, { recursive: true, force: true }).catch(() => undefined);
    }
    const cancelled = failure instanceof BackupError && failure.reason === 'cancelled';
    tracker.setPhase(cancelled ? 'cancelled' : 'failed', failure.message);
    const refused = failure instanceof BackupError && failure.reason === 'maintenance-lock';
    record({ result: cancelled ? 'cancelled' : refused ? 'refused' : 'failed', message: failure.message.split('\n')[0] ?? '' });
    throw failure;
  } finally {
    await passfile?.remove().catch(() => undefined);
    await session?.release();
  }
}
