import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { audit, type AuditEntry } from '../../audit/log.js';
import { describeTarget } from '../../config/resolve.js';
import type { ConnectionSettings } from '../../config/types.js';
import { PgtopError, UsageError } from '../../errors.js';
import { BackupError } from './backup-error.js';
import { openBackupSession, takeMaintenanceLock, type BackupSession } from '../server/backup-session.js';
import { tablesToDump } from '../server/catalog.js';
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
import { ProgressTracker, type BackupEvent } from './progress.js';
import { startProgressSampling, type ProgressSampler } from './progress-sampler.js';
import type { ProcessExit } from '../../process/child-group.js';
import { pgDumpArguments, startDump, type RunningDump } from '../dump/run-dump.js';
import { verifyDump, type VerifyResult } from '../dump/verify.js';
import { manifestOf } from './backup-manifest.js';
import { keepNewest } from './keep.js';

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

/** Why pg_dump failed, with who held the lock it waited for when it timed out on one. */
async function dumpFailure(exit: ProcessExit, stderrTail: string[], session: BackupSession, context: { settings: ConnectionSettings; dir: string; lockWaitTimeoutSec: number }): Promise<PgtopError> {
  const failure = classifyDumpFailure(exit, stderrTail);
  const lockHolders = failure.reason === 'lock-timeout' && failure.relation ? await describeLockBlockers(session.client, splitRelationList(failure.relation)).catch(() => []) : [];
  const { settings, dir, lockWaitTimeoutSec } = context;
  return explainDumpFailure(failure, { exit, stderrTail, user: settings.user, database: settings.database, dir, lockWaitTimeoutSec, lockHolders });
}

/** Reads the finished partial dump back; a dump that does not read back fails the backup. */
async function verifyPartial(path: string, options: { format: DumpFormat; pgRestore: string; signal: AbortSignal; database: string; stderrTail: string[] }): Promise<VerifyResult> {
  try {
    return await verifyDump({ path, format: options.format, pgRestore: options.pgRestore, signal: options.signal });
  } catch (error) {
    if (options.signal.aborted) throw cancelledError(options.database);
    const detail = error instanceof Error ? error.message : String(error);
    throw new BackupError(`backup of ${options.database} failed: pg_dump finished but its output does not read back: ${detail}\nNo dump was written; older dumps are untouched.`, 'verify', options.stderrTail, { cause: error });
  }
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
      throw await dumpFailure(outcome.exit, dump.stderrTail(), session, { settings, dir, lockWaitTimeoutSec: options.lockWaitTimeoutSec });
    }

    tracker.setPhase('verifying');
    await ensurePrivate(reserved.partialPath);
    const verification = await verifyPartial(reserved.partialPath, { format, pgRestore: tools.pgRestore, signal, database, stderrTail: dump.stderrTail() });
    tracker.sample({ bytesWritten: verification.sizeBytes });
    throwIfCancelled();

    tracker.setPhase('committing');
    await commitDump({ dir, partialPath: reserved.partialPath, finalPath: reserved.finalPath });
    renamed = true;
    await removeOwner(reserved.partialPath);
    const manifest = manifestOf({ file: reserved.name, settings, format, jobs: options.jobs, startedAt, finishedAt: new Date(), server: session.server, tools, tables: tables.length, verification });
    const manifestPath = await writeManifest(dir, manifest);
    renamed = false;

    const deleted = options.keep === undefined ? [] : await keepNewest({ dir, settings, target, keep: options.keep, tracker, warnings, env });

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
