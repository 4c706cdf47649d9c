import { connectionHelp, numberFlag } from '../cli/flags.js';
import { connectionFrom, expectNoExtraInput, parseCommand, profileSetup } from '../cli/parse.js';
import { statSync } from 'node:fs';
import { COMMAND_NAMES, commandWordProblem, isBareWord } from '../cli/commands.js';
import { ConnectionError, UsageError, errorMessage } from '../errors.js';
import { resolveTopOptions, topFlags as profileFlags } from '../cli/top-options.js';
import { colourWanted } from '../cli/colour.js';
import { PostgresSource, monitorTimeoutMs } from '../sources/postgres.js';
import { resolveBouncerTarget } from '../config/bouncer-target.js';
import { describeTarget } from '../config/resolve.js';
import type { ConnectionSettings } from '../config/types.js';
import { createPgBouncerSource } from '../sources/pgbouncer.js';
import { createBouncerActions } from '../actions/bouncer.js';
import { audit } from '../audit/log.js';
import type { BouncerDeps } from '../ui/controller.js';
import { profileTargets } from './top-targets.js';
import { applyThresholdOverrides, defaultThresholds, type Thresholds } from '../config/health-thresholds.js';
import { RecordingWriter } from '../record/writer.js';
import { pgtopVersion } from '../config/pgtop-version.js';
import { runScreen } from './top-screen.js';

export const topHelp = `Usage: pgtop [options] [CONNINFO | URI | DBNAME]
       pgtop snapshot | migrate | backup | check | record | replay | demo | config | completion
       (pgtop COMMAND --help for each)

A full-screen monitor of PostgreSQL sessions and locks: cancel or terminate a query with a keypress
(confirmed, re-checked against the session's identity, and audited).

Options:
  --interval SECS         refresh every SECS seconds (0.5 to 60, default 2)
  --read-only             offer and run no action that changes anything
  --migrations-dir DIR    the Migrations view's directory (default ./migrations)
  --alembic PATH          the Migrations view shows this Alembic project (its directory or alembic.ini;
                          default: an alembic.ini in or above the migrations directory)
  --backup-dir DIR        the Backups view's directory (default ./backups)
  --pgbouncer URI         PgBouncer's admin console, e.g. postgres://admin@127.0.0.1:6432/pgbouncer
                          (or PGTOP_PGBOUNCER): the Pools view, and the pool behind each session
  --threshold NAME=VALUE  change a health check's threshold (repeatable; see pgtop check --help)
  --theme dark|light      colours for a dark (default) or a light terminal background
  --record FILE           record what the monitor shows to FILE while it runs (pgtop replay FILE)
  --rewind MINUTES        minutes kept in memory to step back through (, [ {; l returns to live),
                          0 to 120, default 10
  --version               print pgtop's version; --help (after any command) its help

${connectionHelp}

A single word is a command when it names one; a command comes first, before any option. Any other word
is a database name, as in psql (pgtop mydb). A word that names a command or is within two typos of one
(snapsot, --read-only chek) is answered as a command without connecting, and a word that names neither
a command nor a database on the server is reported as such (exit 2). -d DB always means a database.

Exit status: 0 quit; 2 bad usage (unknown option or command, a missing directory), no such database, or
no connection at start; 130, 143, 129 ended by SIGINT, SIGTERM, SIGHUP; 1 anything else.

Every option above can come from a profile of the configuration file (pgtop config path); a flag beats
the profile, except that a read-only profile cannot be made writable.

Keys: press ? in pgtop for the keys of each view.
Commands:
  pgtop snapshot          the same data, for scripts (--json, --ndjson --watch SECS)
  pgtop migrate           apply SQL migrations safely
  pgtop backup            verified pg_dump backups
  pgtop check             the health checks once, for cron and Nagios (exit 0/1/2/3)
  pgtop record FILE       record headless, as a service; pgtop replay FILE… replays it
  pgtop demo              a throwaway PostgreSQL with live load, monitored
  pgtop config            where the configuration file is, and what pgtop resolves from it
  pgtop completion SHELL  shell completion for bash or zsh (man pgtop: all of this in one page)`;

/** The monitor's flags: those a profile may set, and the recording's, which are for one run only. */
export const topFlags = { ...profileFlags, record: { type: 'string' }, rewind: { type: 'string' } } as const;

/** A directory named on the command line must exist (the defaults may be missing: their views say so). */
function checkGivenDirectory(flag: string, value: unknown): void {
  if (typeof value !== 'string') return;
  let isDirectory = false;
  try {
    isDirectory = statSync(value).isDirectory();
  } catch {
    throw new UsageError(`${flag} ${value}: no such directory. Create it, or name an existing one. Try: pgtop --help`);
  }
  if (!isDirectory) throw new UsageError(`${flag} ${value} is not a directory. Try: pgtop --help`);
}

export async function runTop(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { command: 'pgtop', help: topHelp, flags: topFlags });
  expectNoExtraInput(parsed, 1, 'pgtop');
  const options = resolveTopOptions(parsed, argv, process.env);
  checkGivenDirectory('--migrations-dir', parsed.flags.migrationsDir);
  checkGivenDirectory('--backup-dir', parsed.flags.backupDir);
  const word = parsed.input.length === 1 && isBareWord(parsed.input[0] ?? '') ? parsed.input[0] : undefined;
  // Checked before connecting: on a terminal the word would otherwise first be tried as a database.
  const problem = word !== undefined ? commandWordProblem(word, false) : undefined;
  if (problem !== undefined) throw new UsageError(problem);
  if (!process.stdout.isTTY) {
    const notCommand = word !== undefined ? ` ("${word}" is not a command: ${COMMAND_NAMES.join(', ')})` : '';
    throw new UsageError(`pgtop draws a full screen and needs a terminal${notCommand}; for scripts, use pgtop snapshot (--json or --ndjson).`);
  }
  const common = {
    intervalSeconds: options.intervalSeconds,
    readOnly: options.readOnly,
    debug: parsed.flags.debug === true,
    migrationsDir: options.migrationsDir,
    backupDir: options.backupDir,
    theme: options.theme,
    colour: colourWanted(argv, process.env),
    label: options.profile?.label,
    labelColor: options.profile?.color,
    thresholds: thresholdsFrom(options.profile?.thresholds, parsed.flags.threshold),
    alembic: options.alembic,
    rewindMinutes: numberFlag('rewind', parsed.flags.rewind as string | undefined, 10, 0, 120, false),
  };
  const recordPath = typeof parsed.flags.record === 'string' ? parsed.flags.record : undefined;
  const bouncerFlag = typeof parsed.flags.pgbouncer === 'string' ? parsed.flags.pgbouncer : undefined;
  const several = profileTargets(profileSetup(parsed, process.env), parsed, { intervalSeconds: options.intervalSeconds, bouncerFlag, env: process.env }, openBouncer);
  if (several) {
    if (recordPath !== undefined) throw new UsageError(`--record records one server, but this profile watches ${several.targets.length}: name one on the command line, or run pgtop record per server`);
    for (const warning of several.warnings) process.stderr.write(`pgtop: ${warning}\n`);
    // Each server is read on its own clock: one that does not answer shows as down, the others run.
    return runScreen({ targets: several.targets, ...common });
  }
  const { settings, warnings } = connectionFrom(parsed, process.env);
  for (const warning of warnings) process.stderr.write(`pgtop: ${warning}\n`);
  const source = new PostgresSource(settings, { interactive: true, statementTimeoutMs: monitorTimeoutMs(options.intervalSeconds) });
  const bouncer = options.bouncerTarget ? openBouncer(resolveBouncerTarget(options.bouncerTarget, process.env)) : undefined;
  try {
    await source.open();
  } catch (error) {
    if (word !== undefined && error instanceof ConnectionError && error.kind === 'no-database' && settings.database === word) {
      throw new UsageError(`"${word}" is neither a command (${COMMAND_NAMES.join(', ')}) nor a database on ${describeTarget(settings)}. Try: pgtop --help`, { cause: error });
    }
    throw error;
  }
  const record = recordPath !== undefined ? monitorRecording(recordPath, source, options.intervalSeconds, bouncer?.target) : undefined;
  return runScreen({ targets: [{ name: '', source, ...(bouncer ? { bouncer } : {}) }], record, ...common });
}

/** --record's file: a recording like pgtop record's, chunked every 30 s. */
function monitorRecording(path: string, source: PostgresSource, intervalSeconds: number, bouncerTarget: string | undefined): RecordingWriter {
  const header = { pgtop: pgtopVersion(), createdAt: '', target: source.target, intervalSeconds, ...(bouncerTarget ? { bouncerTarget } : {}) };
  try {
    return new RecordingWriter({ path, header, chunkMs: 30_000 });
  } catch (error) {
    throw new UsageError(`--record ${path}: ${errorMessage(error)}. Try: pgtop --help`, { cause: error });
  }
}

/** The health checks' thresholds: the defaults, then the profile's, then the --threshold flags. */
export function thresholdsFrom(profile: Record<string, string> | undefined, raw: unknown): Thresholds {
  const fromProfile = Object.entries(profile ?? {}).map(([name, value]) => `${name}=${value}`);
  try {
    return applyThresholdOverrides(applyThresholdOverrides(defaultThresholds(), fromProfile), Array.isArray(raw) ? raw.map(String) : []);
  } catch (error) {
    throw new UsageError(`--threshold: ${errorMessage(error)}. Try: pgtop --help`);
  }
}

/** The PgBouncer source and actions; its failures are shown in the Pools view, never fatal. */
export function openBouncer(settings: ConnectionSettings): BouncerDeps & { target: string } {
  const target = `pgbouncer ${describeTarget(settings)}`;
  return {
    target,
    source: createPgBouncerSource(settings),
    actions: createBouncerActions(settings, {
      audit: (entry) => {
        audit({ action: `pgbouncer ${entry.action}`, target, role: settings.user, result: entry.result === 'ok' ? 'ok' : 'failed', message: entry.result, object: entry.target });
      },
    }),
  };
}
