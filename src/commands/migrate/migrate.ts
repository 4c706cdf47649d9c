import { createInterface } from 'node:readline/promises';
import { connectionHelp, numberFlag } from '../../cli/flags.js';
import { connectionFrom, expectNoExtraInput, parseCommand, profileSetup, type ParsedCommand } from '../../cli/parse.js';
import type { ConnectionSettings } from '../../config/types.js';
import { OperationError, UsageError } from '../../errors.js';
import { applyMigrations } from '../../migrate/apply.js';
import { baselineMigrations } from '../../migrate/baseline.js';
import { revertMigrations } from '../../migrate/down.js';
import { formatMs } from '../../migrate/describe.js';
import { formatEvent, formatPlan, formatRefusals, formatStatus, statusDocument } from '../../migrate/report.js';
import type { RunOptions } from '../../migrate/runner.js';
import { readMigrationStatus } from '../../migrate/status.js';
import type { MigrationEventListener, MigrationRunResult } from '../../migrate/types.js';
import { sanitize, sanitizeOneLine } from '../../text/sanitize.js';
import { alembicStatusCommand, alembicUpCommand, printHistories } from './migrate-alembic.js';
import { terminalSafeJson } from '../snapshot/snapshot-json.js';

export const migrateHelp = `Usage: pgtop migrate COMMAND [options] [CONNINFO | URI]

Applies the SQL migrations in a directory to one database, safely, and shows their state.

Commands:
  status [--json]              every migration and its state: applied, pending, drifted (changed after
                               it was applied), missing (applied, file gone), out-of-order, dirty
                               (started, never finished), baseline
  up [--to V] [--dry-run]      apply the pending migrations in version order (up to version V);
                               --dry-run prints the plan (files, transaction mode, timeouts, target)
                               and changes nothing
  down --to V [--yes]          revert the applied migrations newer than V, newest first, with their
                               NNNN_slug.down.sql files; asks y/N, or needs --yes when stdin is not a
                               terminal; --dry-run prints what would be reverted
  baseline V                   record every migration up to V as already present (baseline) without
                               running it, to adopt a database whose schema exists
  history [--json]             the applied history other tools keep in this database (Flyway,
                               golang-migrate, node-pg-migrate, dbmate, Rails, Sqitch), read-only,
                               with a failed Flyway migration or a dirty golang-migrate version flagged

Alembic projects (status and up only):
  --alembic PATH               the project's directory or alembic.ini (or a directory below it): status
                               reads alembic_version against the revision files; up runs the project's
                               own \`alembic upgrade head\` (or --to REV) under pgtop's guards; up --dry-run
                               prints the SQL of Alembic's offline mode
  --lock-timeout SECS          lock_timeout of the alembic child's session, via PGOPTIONS (default 2);
                               a lock timeout rolls the upgrade back and runs it again, 3 times

Options:
  --dir DIR                    the migrations directory (default ./migrations); also --migrations-dir
  --lock-wait SECS             how long to wait while another migration or a backup holds this
                               database's maintenance lock (default 60)

${connectionHelp}

Files: NNNN_slug.sql (4 to 14 digits, lowercase slug), applied in version order, each in a transaction
of its own and recorded in pgtop.schema_migrations. A file that starts with digits but breaks the rule
(0012-twelve.sql, 0005_ok.SQL) is refused with the name it should have; list it in .pgtop-ignore in the
directory (one name a line) to leave it out. Optional lines at the top of a file:
  -- pgtop:no-transaction           one statement run outside a transaction (CREATE INDEX CONCURRENTLY)
  -- pgtop:lock_timeout=2s          how long a statement may wait for a lock (default 2s); a lock
                                    timeout rolls the file back and retries it 3 times
  -- pgtop:statement_timeout=30min  how long a statement may run (default 30min)

Exit status: 0 done or nothing to do, 1 a migration failed or was refused, 2 usage or connection error.`;

export const migrateFlags = {
  dir: { type: 'string' },
  migrationsDir: { type: 'string' },
  to: { type: 'string' },
  dryRun: { type: 'boolean' },
  json: { type: 'boolean' },
  yes: { type: 'boolean' },
  lockWait: { type: 'string' },
  alembic: { type: 'string' },
  lockTimeout: { type: 'string' },
} as const;

export const MIGRATE_COMMANDS = ['status', 'up', 'down', 'baseline', 'history'] as const;
type Subcommand = (typeof MIGRATE_COMMANDS)[number];

/** Where the command reads and writes; the process's streams unless a caller (a test) gives others. */
export interface MigrateIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Cancels the run, as Ctrl-C does. */
  signal?: AbortSignal;
}

const processIo = (): MigrateIo => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
const hint = 'Try: pgtop migrate --help';

function versionArgument(raw: string | undefined, what: string): number {
  if (raw === undefined || !/^\d{1,14}$/.test(raw)) {
    throw new UsageError(`${what} takes a migration version (the digits that start its file name), not ${raw === undefined ? 'nothing' : `"${sanitizeOneLine(raw)}"`}. ${hint}`);
  }
  return Number(raw);
}

function onlyWith(parsed: ParsedCommand, command: Subcommand, allowed: Record<string, readonly Subcommand[]>): void {
  for (const [flag, commands] of Object.entries(allowed)) {
    const value = parsed.flags[flag];
    if (value !== undefined && value !== false && !commands.includes(command)) {
      const name = flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      throw new UsageError(`--${name} does not go with "migrate ${command}" (it works with: ${commands.join(', ')}). ${hint}`);
    }
  }
}

async function askYesNo(io: MigrateIo, question: string): Promise<boolean> {
  const prompt = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await prompt.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/** Turns a run that did not succeed into the error the dispatcher prints (exit 1). */
function throwUnlessSucceeded(result: MigrationRunResult, io: MigrateIo): void {
  const verb = result.operation === 'down' ? 'revert' : result.operation === 'baseline' ? 'baseline' : 'up';
  if (result.outcome === 'refused') {
    const [only] = result.refusals;
    if (result.refusals.length === 1 && only) throw new OperationError(`${sanitizeOneLine(only.message)} Nothing was run.`);
    io.stderr.write(`pgtop: ${verb} refused:\n${formatRefusals(result.refusals).join('\n')}\n`);
    throw new OperationError(`${verb} refused for the ${result.refusals.length} reasons above. Nothing was run.`);
  }
  if (result.outcome === 'failed' && result.failure) throw new OperationError(sanitizeOneLine(result.failure.message));
  if (result.outcome === 'cancelled') {
    const done = result.completed.length > 0 ? ` ${result.completed.length} finished before that.` : '';
    throw new OperationError(`cancelled.${result.failure ? ` ${sanitizeOneLine(result.failure.message)}` : ' Nothing more was run.'}${done}`);
  }
}

function summary(result: MigrationRunResult, startedAt: number): string {
  const count = result.completed.length;
  const files = `${count} migration${count === 1 ? '' : 's'}`;
  const took = formatMs(Date.now() - startedAt);
  if (result.operation === 'down') return result.outcome === 'nothing-to-do' ? 'Nothing to revert.' : `${files} reverted in ${took}.`;
  if (result.operation === 'baseline') return result.outcome === 'nothing-to-do' ? 'Nothing to record: those versions are already recorded.' : `${files} recorded as baseline.`;
  return result.outcome === 'nothing-to-do' ? 'Nothing to do: no pending migrations.' : `${files} applied in ${took}.`;
}

async function runUp(parsed: ParsedCommand, common: RunOptions, io: MigrateIo): Promise<number> {
  const to = parsed.flags.to === undefined ? undefined : versionArgument(parsed.flags.to as string, '--to');
  const dryRun = parsed.flags.dryRun === true;
  const startedAt = Date.now();
  const result = await applyMigrations({ ...common, ...(to !== undefined ? { to } : {}), dryRun });
  if (dryRun && (result.outcome === 'dry-run' || result.planned.length > 0)) {
    io.stdout.write(`${formatPlan(result)}\n${result.outcome === 'dry-run' ? 'Dry run: nothing was changed.\n' : ''}`);
  }
  throwUnlessSucceeded(result, io);
  if (!dryRun) io.stdout.write(`${summary(result, startedAt)}\n`);
  return 0;
}

async function runDown(parsed: ParsedCommand, common: RunOptions, io: MigrateIo): Promise<number> {
  if (parsed.flags.to === undefined) throw new UsageError(`down needs --to V: the version to go back to (0 reverts everything). ${hint}`);
  const to = versionArgument(parsed.flags.to as string, '--to');
  const dryRun = parsed.flags.dryRun === true;
  const yes = parsed.flags.yes === true;
  if (!dryRun && !yes && !io.stdin.isTTY) {
    throw new UsageError('down changes the schema and asks for confirmation, but stdin is not a terminal: add --yes to revert without asking.');
  }
  const warningsOnly: MigrationEventListener = (event) => {
    if (event.type === 'warning') common.onEvent?.(event);
  };
  const preview = await revertMigrations({ ...common, to, dryRun: true, onEvent: warningsOnly });
  if (preview.outcome === 'dry-run' || preview.planned.length > 0) io.stdout.write(`${formatPlan(preview)}\n`);
  throwUnlessSucceeded(preview, io);
  if (dryRun || preview.planned.length === 0) return 0;
  if (!yes) {
    const question = `Revert ${preview.planned.length} migration${preview.planned.length === 1 ? '' : 's'} on ${sanitizeOneLine(preview.target)}? [y/N] `;
    if (!(await askYesNo(io, question))) throw new OperationError('not confirmed: nothing was reverted.');
  }
  const startedAt = Date.now();
  const result = await revertMigrations({ ...common, to, expectVersions: preview.planned.map((step) => step.version) });
  throwUnlessSucceeded(result, io);
  io.stdout.write(`${summary(result, startedAt)}\n`);
  return 0;
}

/** `pgtop migrate …`: argv excludes the word `migrate`. Returns the exit code; refusals and failures throw. */
export async function runMigrate(argv: string[], io: MigrateIo = processIo()): Promise<number> {
  const parsed = parseCommand(argv, { command: 'pgtop migrate', help: migrateHelp, flags: migrateFlags });
  const [word, ...rest] = parsed.input;
  const command = MIGRATE_COMMANDS.find((name) => name === word);
  if (!command) {
    const what = word === undefined ? 'say what to do' : `unknown command "${sanitizeOneLine(word)}"`;
    throw new UsageError(`migrate: ${what}: status, up, down --to V, baseline V or history. ${hint}`);
  }
  if (parsed.flags.alembic !== undefined) return runAlembicMigrate(parsed, command, rest, io);
  if (parsed.flags.lockTimeout !== undefined) throw new UsageError(`--lock-timeout goes with --alembic (SQL migrations set it per file with -- pgtop:lock_timeout). ${hint}`);
  onlyWith(parsed, command, { json: ['status', 'history'], to: ['up', 'down'], dryRun: ['up', 'down'], yes: ['down'], lockWait: ['up', 'down', 'baseline'] });
  const baselineVersion = command === 'baseline' ? versionArgument(rest[0], 'baseline') : undefined;
  const positionals = command === 'baseline' ? 2 : 1;
  expectNoExtraInput({ ...parsed, input: rest }, positionals, 'pgtop migrate');
  if (parsed.flags.dir !== undefined && parsed.flags.migrationsDir !== undefined && parsed.flags.dir !== parsed.flags.migrationsDir) {
    throw new UsageError(`--dir and --migrations-dir name different directories: give one. ${hint}`);
  }
  const { profile } = profileSetup(parsed, io.env);
  const dir = (parsed.flags.dir ?? parsed.flags.migrationsDir ?? profile?.migrationsDir ?? './migrations') as string;
  if (profile?.readOnly === true && command !== 'status' && parsed.flags.dryRun !== true) {
    throw new UsageError(`profile "${profile.name}" is read-only (read_only = true): migrate ${command} would change the database; use pgtop migrate status or --dry-run`);
  }
  const lockWaitMs = numberFlag('lock-wait', parsed.flags.lockWait as string | undefined, 60, 0, 86_400) * 1000;

  const { settings, warnings } = connectionFrom(parsed, io.env, rest[positionals - 1]);
  for (const warning of warnings) io.stderr.write(`pgtop: ${sanitize(warning)}\n`);
  const interactive = io.stdin.isTTY === true;

  if (command === 'status') return printStatus(settings, dir, interactive, parsed.flags.json === true, io);
  if (command === 'history') return printHistories(settings, interactive, parsed.flags.json === true, io);

  return withCancel(io, async (signal) => {
    const printState = {};
    const onEvent: MigrationEventListener = (event) => {
      if (event.type === 'warning') io.stderr.write(`pgtop: ${sanitizeOneLine(event.message)}\n`);
      if (event.type === 'planned' && parsed.flags.dryRun === true) return;
      const line = formatEvent(event, printState);
      if (line !== undefined) io.stdout.write(`${line}\n`);
    };
    const common: RunOptions = { settings, dir, lockWaitMs, interactive, signal, onEvent, auditEnv: io.env };
    if (command === 'up') return runUp(parsed, common, io);
    if (command === 'down') return runDown(parsed, common, io);
    const result = await baselineMigrations({ ...common, version: baselineVersion ?? 0 });
    throwUnlessSucceeded(result, io);
    io.stdout.write(`${summary(result, Date.now())}\n`);
    return 0;
  });
}

async function printStatus(settings: ConnectionSettings, dir: string, interactive: boolean, json: boolean, io: MigrateIo): Promise<number> {
  const status = await readMigrationStatus({ settings, dir, interactive });
  io.stdout.write(json ? `${terminalSafeJson(statusDocument(status), 2)}\n` : `${formatStatus(status)}\n`);
  return 0;
}

/** Cancels on Ctrl-C (a second one quits at once) and on the caller's signal, for the length of `body`. */
async function withCancel<T>(io: MigrateIo, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  io.signal?.addEventListener('abort', abort, { once: true });
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    io.stderr.write('pgtop: cancelling: stopping the running statement and releasing the lock (press Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    io.signal?.removeEventListener('abort', abort);
  }
}

async function runAlembicMigrate(parsed: ParsedCommand, command: Subcommand, rest: string[], io: MigrateIo): Promise<number> {
  if (command !== 'status' && command !== 'up') throw new UsageError(`--alembic works with "migrate status" and "migrate up"; revert with the project's own alembic downgrade. ${hint}`);
  onlyWith(parsed, command, { json: ['status'], to: ['up'], dryRun: ['up'], yes: [], lockWait: ['up'], lockTimeout: ['up'], dir: [], migrationsDir: [] });
  expectNoExtraInput({ ...parsed, input: rest }, 1, 'pgtop migrate');
  const alembic = parsed.flags.alembic as string;
  const { settings, warnings } = connectionFrom(parsed, io.env, rest[0]);
  for (const warning of warnings) io.stderr.write(`pgtop: ${sanitize(warning)}\n`);
  const interactive = io.stdin.isTTY === true;
  if (command === 'status') return alembicStatusCommand({ settings, alembic, interactive, io, json: parsed.flags.json === true });
  const lockWaitMs = numberFlag('lock-wait', parsed.flags.lockWait as string | undefined, 60, 0, 86_400) * 1000;
  const lockTimeoutMs = parsed.flags.lockTimeout === undefined ? undefined : numberFlag('lock-timeout', parsed.flags.lockTimeout as string, 2, 0.001, 86_400) * 1000;
  const to = parsed.flags.to as string | undefined;
  return withCancel(io, (signal) => alembicUpCommand({ settings, alembic, interactive, io, to, dryRun: parsed.flags.dryRun === true, lockWaitMs, lockTimeoutMs, signal }));
}
