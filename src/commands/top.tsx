import { connectionHelp, numberFlag } from '../cli/flags.js';
import { connectionFrom, expectNoExtraInput, parseCommand } from '../cli/parse.js';
import { UsageError, errorMessage } from '../errors.js';
import { PostgresSource, monitorTimeoutMs } from '../sources/postgres.js';
import { initialState } from '../store/state.js';
import { enterAlternateScreen, forgetCiEnvironment, leaveAlternateScreen } from '../ui/terminal.js';
import { resolveBouncerTarget } from '../config/bouncer-target.js';
import { describeTarget } from '../config/resolve.js';
import type { ConnectionSettings } from '../config/types.js';
import { createPgBouncerSource } from '../sources/pgbouncer.js';
import { createBouncerActions } from '../actions/bouncer.js';
import { audit } from '../audit/log.js';
import type { BouncerDeps } from '../ui/controller.js';

export const topHelp = `Usage: pgtop [options] [CONNINFO | URI]
       pgtop snapshot | migrate | backup | demo | completion  (pgtop COMMAND --help for each)

A full-screen monitor of PostgreSQL sessions and locks: cancel or terminate a query with a keypress
(confirmed, re-checked against the session's identity, and audited).

Options:
  --interval SECS         refresh every SECS seconds (0.5 to 60, default 2)
  --read-only             offer and run no action that changes anything
  --migrations-dir DIR    the Migrations view's directory (default ./migrations)
  --backup-dir DIR        the Backups view's directory (default ./backups)
  --pgbouncer URI         PgBouncer's admin console, e.g. postgres://admin@127.0.0.1:6432/pgbouncer
                          (or PGTOP_PGBOUNCER): the Pools view, and the pool behind each session
  --version               print pgtop's version; --help (after any command) its help

${connectionHelp}

Keys: press ? in pgtop for the keys of each view.
Commands:
  pgtop snapshot          the same data, for scripts (--json, --ndjson --watch SECS)
  pgtop migrate           apply SQL migrations safely
  pgtop backup            verified pg_dump backups
  pgtop demo              a throwaway PostgreSQL with live load, monitored
  pgtop completion SHELL  shell completion for bash or zsh (man pgtop: all of this in one page)`;

export const topFlags = {
  interval: { type: 'string' },
  readOnly: { type: 'boolean' },
  pgbouncer: { type: 'string' },
  migrationsDir: { type: 'string' },
  backupDir: { type: 'string' },
} as const;

export async function runTop(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { command: 'pgtop', help: topHelp, flags: topFlags });
  expectNoExtraInput(parsed, 1, 'pgtop');
  const intervalSeconds = numberFlag('interval', parsed.flags.interval as string | undefined, 2, 0.5, 60);
  if (!process.stdout.isTTY) {
    throw new UsageError('pgtop draws a full screen and needs a terminal; for scripts, use pgtop snapshot (--json or --ndjson).');
  }
  const { settings, warnings } = connectionFrom(parsed, process.env);
  for (const warning of warnings) process.stderr.write(`pgtop: ${warning}\n`);
  const source = new PostgresSource(settings, { interactive: true, statementTimeoutMs: monitorTimeoutMs(intervalSeconds) });
  const bouncerTarget = (parsed.flags.pgbouncer as string | undefined) ?? process.env.PGTOP_PGBOUNCER;
  const bouncer = bouncerTarget ? openBouncer(resolveBouncerTarget(bouncerTarget, process.env)) : undefined;
  await source.open();
  return runScreen({
    source,
    bouncer,
    intervalSeconds,
    readOnly: parsed.flags.readOnly === true,
    debug: parsed.flags.debug === true,
    migrationsDir: (parsed.flags.migrationsDir as string | undefined) ?? 'migrations',
    backupDir: (parsed.flags.backupDir as string | undefined) ?? 'backups',
  });
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
  source: PostgresSource;
  bouncer?: BouncerDeps & { target: string };
  intervalSeconds: number;
  readOnly: boolean;
  debug: boolean;
  /** Where the Migrations and Backups views look (default ./migrations and ./backups). */
  migrationsDir?: string;
  backupDir?: string;
  /** Runs after pgtop has left the full screen, before the exit code is returned (the demo cleans up here). */
  onExit?: () => Promise<void> | void;
}

/** Runs the full-screen monitor until the user quits or a signal ends it; the terminal is always restored. */
export async function runScreen(options: ScreenOptions): Promise<number> {
  forgetCiEnvironment();
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
  const controller = new Controller(
    initialState({
      intervalSeconds: options.intervalSeconds,
      readOnly: options.readOnly,
      columns: stdout.columns ?? 80,
      rows: stdout.rows ?? 24,
      target: options.source.target,
      bouncerTarget: options.bouncer?.target,
      migrationsDir: options.migrationsDir,
      backupDir: options.backupDir,
    }),
    { source: options.source, bouncer: options.bouncer, settings: options.source.settings, onQuit: () => end(0) },
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
      .then(() => Promise.all([options.source.close(), options.bouncer?.source.close()]))
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
