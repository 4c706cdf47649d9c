import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { connectionHelp, numberFlag } from '../../cli/flags.js';
import { hostPort } from '../../config/resolve.js';
import { connectionFrom, expectNoExtraInput, parseCommand, profileSetup, type ParsedCommand } from '../../cli/parse.js';
import { OperationError, UsageError } from '../../errors.js';
import { formatBytes } from '../../text/bytes.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeLines } from '../../text/sanitize.js';
import { runBackupJob } from '../../backup/job/backup.js';
import { BackupError } from '../../backup/job/backup-error.js';
import { checkDump } from '../../backup/job/check-dump.js';
import { cliProgress, type TextStream } from './cli-progress.js';
import { listBackups } from '../../backup/files/list.js';
import { backupListJson, formatBackupList } from './list-text.js';
import { DUMP_FORMATS, type DumpFormat } from '../../backup/files/naming.js';
import { outputDirProblem } from '../../backup/files/output-dir.js';

export const backupHelp = `Usage:
  pgtop backup [run] [options] [CONNINFO | URI]   dump one database, verify it, keep it
  pgtop backup list [--json] [--dir DIR]          the dumps in DIR with their manifests
  pgtop backup verify FILE [--dir DIR]            re-check a dump against its manifest

A backup is a logical dump of ONE database made with pg_dump. It is not point-in-time recovery, and it
does not include roles, tablespaces or the other databases of the server (pg_dumpall --globals-only
covers roles). For physical backups with WAL archiving and point-in-time recovery use pgBackRest,
WAL-G or Barman.

run (the default):
  pg_dump writes NAME.partial in DIR; pgtop verifies it (pg_restore --list, then a full read with
  pg_restore -f /dev/null), fsyncs it, renames it to NAME, and writes NAME.manifest.json (versions,
  database, format, size, sha256, duration, verification). NAME says which database and when, in UTC:
  shop-20261128T120431Z.dump (custom format) or shop-20261128T120431Z.dir (directory format). Files are
  private (0600, directories 0700). The password reaches pg_dump through an already-deleted 0600
  password file it inherits (PGPASSFILE=/proc/self/fd/3), never its command line or environment; pg_dump
  is stopped when pgtop ends, even by kill -9, and the next backup removes the partial dump it left.
  While the dump runs no pgtop migration can start on the database (and the backup is refused while
  one runs). On any failure or Ctrl-C, pg_dump is stopped and the partial
  dump removed; no manifest is written and older dumps are left as they were.

Options:
  --dir DIR               where dumps live (default ./backups; --backup-dir is the same)
  --format FORMAT         custom (default: one file, pg_dump -Fc) or directory (pg_dump -Fd)
  --jobs N                parallel pg_dump workers, 1 to 64 (directory format only; default 1)
  --keep N                after a verified dump, delete older verified dumps of the same database on
                          the same server (host and port in the manifest), keeping the newest N (the
                          newest is never deleted; nor a file without a manifest, another server's
                          dump, or a dump that failed a later verify)
  --lock-wait-timeout SECS
                          fail instead of waiting longer than SECS for a table lock held by DDL
                          (default 30)
  --pg-dump PATH          the pg_dump to use (pg_restore beside it); default: the server's version from
                          /usr/lib/postgresql/<major>/bin, else PATH; an older pg_dump is refused
  --json                  list: print JSON
${connectionHelp}

The sha256 of a directory-format dump is the sha256 of "<sha256 of file>  <name>" lines, one per file
in byte order of the names: cd DIR && find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum

Exit status: 0 done, 1 the backup or the check failed (or was cancelled), 2 bad usage (a missing directory
or dump file included), no such database, or no connection.`;

const commandName = 'pgtop backup';

export const backupFlags = {
  dir: { type: 'string' },
  backupDir: { type: 'string' },
  format: { type: 'string' },
  jobs: { type: 'string' },
  keep: { type: 'string' },
  lockWaitTimeout: { type: 'string' },
  pgDump: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export interface BackupCommandIO {
  stdout: TextStream;
  stderr: TextStream;
  env: NodeJS.ProcessEnv;
  /** Cancel a running backup on SIGINT and SIGTERM. */
  handleSignals: boolean;
  /** May prompt for a password on the terminal. */
  interactive: boolean;
}

const processIO = (): BackupCommandIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  handleSignals: true,
  interactive: process.stdin.isTTY === true,
});

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function withHint<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${error.message}. Try: ${commandName} --help`);
    throw error;
  }
}

function backupDir(parsed: ParsedCommand, env: NodeJS.ProcessEnv): string {
  return resolve(str(parsed.flags.dir) ?? str(parsed.flags.backupDir) ?? profileSetup(parsed, env).profile?.backupDir ?? 'backups');
}

function formatFlag(raw: string | undefined): DumpFormat {
  if (raw === undefined) return 'custom';
  if ((DUMP_FORMATS as readonly string[]).includes(raw)) return raw as DumpFormat;
  throw new UsageError(`--format must be custom or directory, not "${raw}". Try: ${commandName} --help`);
}

async function runCommand(parsed: ParsedCommand, positional: string[], io: BackupCommandIO): Promise<number> {
  if (positional.length > 1) throw new UsageError(`unexpected argument "${positional[1]}". Try: ${commandName} --help`);
  const format = formatFlag(str(parsed.flags.format));
  const jobs = withHint(() => numberFlag('jobs', str(parsed.flags.jobs), 1, 1, 64, true));
  if (jobs > 1 && format !== 'directory') throw new UsageError(`--jobs needs --format directory: a custom-format dump is written by one process. Try: ${commandName} --help`);
  const keepRaw = str(parsed.flags.keep);
  const keep = keepRaw === undefined ? undefined : withHint(() => numberFlag('keep', keepRaw, 1, 1, 100_000, true));
  const lockWaitTimeoutSec = withHint(() => numberFlag('lock-wait-timeout', str(parsed.flags.lockWaitTimeout), 30, 0.001, 86_400));
  const pgDumpPath = str(parsed.flags.pgDump);

  const { settings, warnings } = connectionFrom(parsed, io.env, positional[0]);
  for (const warning of warnings) io.stderr.write(`pgtop: ${warning}\n`);

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) io.stderr.write(`\npgtop: ${signal}: cancelling the backup\n`);
    controller.abort();
  };
  if (io.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const progress = cliProgress(io.stderr);
  try {
    const result = await runBackupJob({
      settings,
      dir: backupDir(parsed, io.env),
      format,
      jobs,
      ...(keep !== undefined ? { keep } : {}),
      lockWaitTimeoutSec,
      ...(pgDumpPath !== undefined ? { pgDumpPath } : {}),
      signal: controller.signal,
      onEvent: (event) => progress.onEvent(event),
      interactive: io.interactive,
      env: io.env,
    });
    progress.finish();
    const { manifest } = result;
    const lines = [
      `backup written: ${result.path}`,
      `  ${manifest.database} on ${manifest.host.startsWith('/') ? `${manifest.host} port ${manifest.port}` : hostPort(manifest.host, manifest.port)}, ${manifest.format} format, ${formatBytes(manifest.size_bytes)}, ${manifest.tables} tables, in ${formatDuration(manifest.duration_ms / 1000)}`,
      `  verified: pg_restore --list (${manifest.verify.list_entries} entries) and a full read`,
      `  sha256 ${manifest.sha256}`,
      `  manifest ${result.manifestPath}`,
    ];
    if (result.deleted.length > 0) lines.push(`  deleted by --keep ${keep}: ${result.deleted.join(', ')}`);
    io.stdout.write(`${lines.join('\n')}\n`);
    for (const warning of result.warnings) io.stderr.write(`pgtop: warning: ${warning}\n`);
    return 0;
  } finally {
    progress.finish();
    if (io.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

async function listCommand(parsed: ParsedCommand, positional: string[], io: BackupCommandIO): Promise<number> {
  if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}". Try: ${commandName} --help`);
  const dir = backupDir(parsed, io.env);
  let backups;
  try {
    backups = await listBackups(dir);
  } catch (error) {
    throw outputDirProblem(dir, (error as NodeJS.ErrnoException).code, (error as Error).message);
  }
  io.stdout.write(parsed.flags.json === true ? `${JSON.stringify(backupListJson(dir, backups), null, 2)}\n` : `${formatBackupList(dir, backups)}\n`);
  return 0;
}

async function existingPath(file: string, dir: string): Promise<string> {
  const direct = resolve(file);
  if (await stat(direct).then(() => true, () => false)) return direct;
  const inDir = join(dir, file);
  if (await stat(inDir).then(() => true, () => false)) return inDir;
  throw new UsageError(`no dump ${file}, neither here nor in ${dir}. pgtop backup list shows the dumps.`);
}

async function verifyCommand(parsed: ParsedCommand, positional: string[], io: BackupCommandIO): Promise<number> {
  const [file, extra] = positional;
  if (file === undefined) throw new UsageError(`verify needs the dump to check: pgtop backup verify FILE. Try: ${commandName} --help`);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}". Try: ${commandName} --help`);
  const pgDumpPath = str(parsed.flags.pgDump);
  const path = await existingPath(file, backupDir(parsed, io.env));
  const check = await checkDump({ path, ...(pgDumpPath !== undefined ? { pgDumpPath } : {}) });
  const recorded = check.recordProblem ? `\n${check.recordProblem}` : '';
  if (check.problems.length > 0) {
    const marked = check.manifest && !check.recordProblem ? ' It is now marked as failed in its manifest: --keep no longer counts it.' : '';
    throw new OperationError(`${path} failed verification:\n  - ${check.problems.join('\n  - ')}\nDo not rely on this dump; take a new one (pgtop backup).${marked}${recorded}`);
  }
  if (recorded) io.stderr.write(`pgtop: ${check.recordProblem}\n`);
  io.stdout.write(`ok: ${path}\n  sha256 ${check.sha256} matches the manifest, ${formatBytes(check.sizeBytes)}\n  pg_restore read all ${check.listEntries ?? 0} entries\n`);
  return 0;
}

const subcommands = {
  run: runCommand,
  list: listCommand,
  verify: verifyCommand,
} as const;

export const BACKUP_COMMANDS = Object.keys(subcommands) as Array<keyof typeof subcommands>;

/**
 * A failed backup's message has several lines (what happened, what to do, pg_dump's last words): each is
 * sanitised and printed here, where the one-line error printer would fold them into one.
 */
function reportFailure(error: OperationError | BackupError, io: BackupCommandIO, debug: boolean): number {
  const [first = '', ...rest] = sanitizeLines(error.message);
  io.stderr.write(`pgtop: ${first}\n${rest.map((line) => `${line}\n`).join('')}`);
  if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
  return error.exitCode;
}

/** `pgtop backup …` (argv without the word "backup"). */
export async function runBackup(argv: string[], io: BackupCommandIO = processIO()): Promise<number> {
  const parsed = parseCommand(argv, { command: commandName, help: backupHelp, flags: backupFlags });
  const [first, ...rest] = parsed.input;
  try {
    if (first !== undefined && Object.hasOwn(subcommands, first)) {
      return await subcommands[first as keyof typeof subcommands](parsed, rest, io);
    }
    expectNoExtraInput(parsed, 1, commandName);
    return await runCommand(parsed, parsed.input, io);
  } catch (error) {
    if (error instanceof OperationError || error instanceof BackupError) return reportFailure(error, io, parsed.flags.debug === true);
    throw error;
  }
}
