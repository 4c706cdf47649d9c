import { connectionHelp } from '../cli/flags.js';
import { connectionFrom, expectNoExtraInput, parseCommand } from '../cli/parse.js';
import { statSync } from 'node:fs';
import { COMMAND_NAMES, isBareWord } from '../cli/commands.js';
import { ConnectionError, UsageError, errorMessage } from '../errors.js';
import { resolveTopOptions, topFlags as profileFlags } from '../cli/top-options.js';
import { colourWanted } from '../cli/colour.js';
import { configureTheme } from '../ui/theme.js';
import type { BaseColor, ThemeName } from '../config/config-file.js';
import { PostgresSource, monitorTimeoutMs } from '../sources/postgres.js';
import { StatementsSource } from '../sources/statements/source.js';
import { initialState } from '../store/state.js';
import { alertThresholds } from '../store/replication-alerts.js';
import { enterAlternateScreen, forgetCiEnvironment, leaveAlternateScreen } from '../ui/terminal.js';
import { resolveBouncerTarget } from '../config/bouncer-target.js';
import { describeTarget } from '../config/resolve.js';
import type { ConnectionSettings } from '../config/types.js';
import { createPgBouncerSource } from '../sources/pgbouncer.js';
import { createBouncerActions } from '../actions/bouncer.js';
import { audit } from '../audit/log.js';
import type { BouncerDeps } from '../ui/controller.js';
import { existsSync } from 'node:fs';
import { HealthSource } from '../health/source.js';
import { applyThresholdOverrides, defaultThresholds, type Thresholds } from '../config/health-thresholds.js';
import type { Recording } from '../record/reader.js';
import { RecordingWriter } from '../record/writer.js';
import { pgtopVersion } from '../config/pgtop-version.js';
import { numberFlag } from '../cli/flags.js';
import type { RecordedEvent } from '../record/format.js';

export const topHelp = `Usage: pgtop [options] [CONNINFO | URI | DBNAME]
       pgtop snapshot | migrate | backup | check | record | replay | demo | config | completion
       (pgtop COMMAND --help for each)

A full-screen monitor of PostgreSQL sessions and locks: cancel or terminate a query with a keypress
(confirmed, re-checked against the session's identity, and audited).

Options:
  --interval SECS         refresh every SECS seconds (0.5 to 60, default 2)
  --read-only             offer and run no action that changes anything
  --migrations-dir DIR    the Migrations view's directory (default ./migrations)
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

A single word is a command when it names one; any other word is a database name, as in psql (pgtop
mydb). A word within two typos of a command (snapsot, migarte) is answered as a mistyped command, and a
word that names neither a command nor a database on the server is reported as such (exit 2). -d DB
always means a database.

Exit status: 0 quit; 2 bad usage (unknown option or command, a missing directory), no such database, or
no connection at start; 1 anything else.

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
  if (!process.stdout.isTTY) {
    const notCommand = word !== undefined ? ` ("${word}" is not a command: ${COMMAND_NAMES.join(', ')})` : '';
    throw new UsageError(`pgtop draws a full screen and needs a terminal${notCommand}; for scripts, use pgtop snapshot (--json or --ndjson).`);
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
  const rewindMinutes = numberFlag('rewind', parsed.flags.rewind as string | undefined, 10, 0, 120, false);
  const record = typeof parsed.flags.record === 'string' ? monitorRecording(parsed.flags.record, source, options.intervalSeconds, bouncer?.target) : undefined;
  return runScreen({
    source,
    bouncer,
    record,
    rewindMinutes,
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
  });
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

export interface ScreenOptions {
  /** The server monitored; absent when a recording is replayed. */
  source?: PostgresSource;
  /** A recording shown instead of a server, from `at` (its start when absent). */
  replay?: { recording: Recording; at: number | undefined };
  /** Minutes of data kept for rewinding (default 10; 0 keeps none). */
  rewindMinutes?: number;
  /** A file the monitor records what it shows to (--record). */
  record?: RecordingWriter;
  bouncer?: BouncerDeps & { target: string };
  intervalSeconds: number;
  readOnly: boolean;
  debug: boolean;
  /** Where the Migrations and Backups views look (default ./migrations and ./backups). */
  migrationsDir?: string;
  backupDir?: string;
  /** The health checks' thresholds (the defaults when absent). */
  thresholds?: Thresholds;
  /** dark (default) or light; and whether to use colours at all (default: unless NO_COLOR or --no-color). */
  theme?: ThemeName;
  colour?: boolean;
  /** The profile's label and its colour, for the header. */
  label?: string;
  labelColor?: BaseColor;
  /** Runs after pgtop has left the full screen, before the exit code is returned (the demo cleans up here). */
  onExit?: () => Promise<void> | void;
}

/** A replay has no server: the settings the controller is given point nowhere and are never used. */
const NO_SERVER: ConnectionSettings = { host: '', port: 0, user: '', database: '', sslmode: 'disable', extra: {} };

/** Appends to --record's file; a failure (a full disk) stops the recording and says so, the monitor goes on. */
function appendRecorded(record: RecordingWriter, event: RecordedEvent, failed: (error: unknown) => void): void {
  try {
    record.append(event);
  } catch (error) {
    failed(error);
  }
}

function closeRecording(record: RecordingWriter | undefined, debug: boolean): void {
  try {
    record?.close();
  } catch (error) {
    process.stderr.write(`pgtop: ${errorMessage(error)}${debug && error instanceof Error ? `\n${error.stack ?? ''}` : ''}\n`);
  }
}

/** Runs the full-screen monitor until the user quits or a signal ends it; the terminal is always restored. */
export async function runScreen(options: ScreenOptions): Promise<number> {
  forgetCiEnvironment();
  configureTheme({
    name: options.theme ?? 'dark',
    colour: options.colour ?? colourWanted(process.argv, process.env),
    attributesShown: process.stdout.isTTY && process.env.TERM !== 'dumb',
  });
  const [{ render }, { App }, { Controller }, { FrameWriter }, { redirectConsole }] = await Promise.all([
    import('ink'),
    import('../ui/App.js'),
    import('../ui/controller.js'),
    import('../ui/frame-writer.js'),
    import('../ui/console-log.js'),
  ]);
  const { createElement } = await import('react');
  const stdout = process.stdout;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  let ending = false;
  const source = options.source;
  // The health checks read the directories only when they exist: a monitor started elsewhere has none.
  const health = source
    ? new HealthSource({
        settings: source.settings,
        thresholds: options.thresholds ?? defaultThresholds(),
        ...(options.migrationsDir && existsSync(options.migrationsDir) ? { migrationsDir: options.migrationsDir } : {}),
        ...(options.backupDir && existsSync(options.backupDir) ? { backupDir: options.backupDir } : {}),
      })
    : undefined;
  const statements = source ? new StatementsSource(source.settings) : undefined;
  const recordFailed = (error: unknown): void => {
    controller.dispatch({ type: 'message', text: `recording stopped: ${errorMessage(error)}`, tone: 'error', at: Date.now() });
  };
  const record = options.record;
  const controller = new Controller(
    initialState({
      intervalSeconds: options.intervalSeconds,
      readOnly: options.readOnly,
      columns: stdout.columns ?? 80,
      rows: stdout.rows ?? 24,
      target: source?.target ?? options.replay?.recording.header.target ?? '',
      bouncerTarget: options.bouncer?.target ?? options.replay?.recording.header.bouncerTarget,
      migrationsDir: options.migrationsDir,
      backupDir: options.backupDir,
      label: options.label,
      labelColor: options.labelColor,
      alertThresholds: alertThresholds(options.thresholds),
    }),
    {
      source,
      bouncer: options.bouncer,
      health,
      statements,
      settings: source?.settings ?? NO_SERVER,
      onQuit: () => end(0),
      replay: options.replay?.recording,
      replayAt: options.replay?.at,
      rewindMinutes: options.rewindMinutes ?? 10,
      record: record ? { append: (event) => appendRecorded(record, event, recordFailed) } : undefined,
    },
  );
  enterAlternateScreen(stdout);
  const restoreConsole = redirectConsole();
  const writer = new FrameWriter(stdout);
  // Ink reads the keys; the frames are drawn by the FrameWriter.
  const instance = render(createElement(App, { controller, writer }), { exitOnCtrlC: false, patchConsole: false });
  const onResize = (): void => controller.dispatch({ type: 'resize', columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
  stdout.on('resize', onResize);
  const onSignal = (signal: NodeJS.Signals): void => end(signal === 'SIGINT' ? 130 : 128 + (signal === 'SIGHUP' ? 1 : 15));
  const onCrash = (error: unknown): void => {
    end(1, `pgtop: unexpected error: ${errorMessage(error)}${options.debug && error instanceof Error ? `\n${error.stack ?? ''}` : '\npgtop: run again with --debug for the details'}`);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  function end(code: number, message?: string): void {
    if (ending) return;
    ending = true;
    controller.stop();
    stdout.off('resize', onResize);
    try {
      instance.unmount();
    } catch {
      // already unmounted
    }
    leaveAlternateScreen(stdout);
    restoreConsole();
    if (message) process.stderr.write(`${message}\n`);
    void controller
      .shutdown()
      .then(() => closeRecording(record, options.debug))
      .then(() => Promise.all([source?.close(), options.bouncer?.source.close(), health?.close(), statements?.close()]))
      .then(() => options.onExit?.())
      .catch(() => undefined)
      .finally(() => finish(code));
  }

  controller.start();
  const code = await finished;
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  process.off('SIGINT', onSignal);
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  return code;
}
