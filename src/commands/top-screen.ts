import { existsSync } from 'node:fs';
import { errorMessage } from '../errors.js';
import { colourWanted } from '../cli/colour.js';
import { configureTheme } from '../ui/theme.js';
import type { BaseColor, ThemeName } from '../config/config-file.js';
import type { ConnectionSettings } from '../config/types.js';
import { defaultThresholds, type Thresholds } from '../config/health-thresholds.js';
import { StatementsSource } from '../sources/statements/source.js';
import { HealthSource } from '../health/source.js';
import type { Recording } from '../record/reader.js';
import type { RecordingWriter } from '../record/writer.js';
import type { RecordedEvent } from '../record/format.js';
import { initialState } from '../store/state.js';
import { alertThresholds } from '../store/replication-alerts.js';
import type { FleetTarget } from '../ui/fleet.js';
import { enterAlternateScreen, forgetCiEnvironment, leaveAlternateScreen } from '../ui/terminal.js';
import type { ScreenTarget } from './top-targets.js';

export interface ScreenOptions {
  /** The servers shown: one, or a profile's several (the `:` picker switches between them); none for a replay. */
  targets: ScreenTarget[];
  /** A recording shown instead of a server, from `at` (its start when absent). */
  replay?: { recording: Recording; at: number | undefined };
  /** Minutes of data kept for rewinding (default 10; 0 keeps none). */
  rewindMinutes?: number;
  /** A file the monitor records what it shows to (--record): one server only. */
  record?: RecordingWriter;
  intervalSeconds: number;
  readOnly: boolean;
  debug: boolean;
  /** Where the Migrations and Backups views look (default ./migrations and ./backups). */
  migrationsDir?: string;
  /** The Alembic project the Migrations view shows instead of pgtop's own files. */
  alembic?: string;
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

/** The health checks read the directories only when they exist: a monitor started elsewhere has none. */
function healthSourceFor(options: ScreenOptions, settings: ConnectionSettings): HealthSource {
  return new HealthSource({
    settings,
    thresholds: options.thresholds ?? defaultThresholds(),
    ...(options.migrationsDir && existsSync(options.migrationsDir) ? { migrationsDir: options.migrationsDir } : {}),
    ...(options.alembic !== undefined ? { alembic: options.alembic } : {}),
    ...(options.backupDir && existsSync(options.backupDir) ? { backupDir: options.backupDir } : {}),
  });
}

/** The screen's first state, sized to the terminal. */
function firstState(options: ScreenOptions, stdout: NodeJS.WriteStream, target: ScreenTarget | undefined): ReturnType<typeof initialState> {
  const header = options.replay?.recording.header;
  return initialState({
    intervalSeconds: options.intervalSeconds,
    readOnly: options.readOnly,
    columns: stdout.columns ?? 80,
    rows: stdout.rows ?? 24,
    target: target?.source.target ?? header?.target ?? '',
    bouncerTarget: target?.bouncer?.target ?? header?.bouncerTarget,
    migrationsDir: options.migrationsDir,
    ...(options.alembic !== undefined ? { alembic: options.alembic } : {}),
    backupDir: options.backupDir,
    label: options.label,
    labelColor: options.labelColor,
    alertThresholds: alertThresholds(options.thresholds),
    ...(target && options.targets.length > 1 ? { targetName: target.name, targetNames: options.targets.map((t) => t.name) } : {}),
  });
}

/** Ends the screen on SIGTERM, SIGHUP and SIGINT (with the shell's exit codes) and on a crash; returns the undo. */
function endOnSignalsAndCrashes(end: (code: number, message?: string) => void, debug: boolean | undefined): () => void {
  const onSignal = (signal: NodeJS.Signals): void => end(signal === 'SIGINT' ? 130 : 128 + (signal === 'SIGHUP' ? 1 : 15));
  const onCrash = (error: unknown): void => {
    end(1, `pgtop: unexpected error: ${errorMessage(error)}${debug && error instanceof Error ? `\n${error.stack ?? ''}` : '\npgtop: run again with --debug for the details'}`);
  };
  const events = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
  for (const event of events) process.on(event, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    for (const event of events) process.off(event, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}

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
  const [{ render }, { App }, { Fleet }, { FrameWriter }, { redirectConsole }] = await Promise.all([
    import('../ui/ink.js'),
    import('../ui/App.js'),
    import('../ui/fleet.js'),
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
  const recordFailed = (error: unknown): void => {
    controller.dispatch({ type: 'message', text: `recording stopped: ${errorMessage(error)}`, tone: 'error', at: Date.now() });
  };
  const targets = options.replay
    ? [replayTarget(options, stdout, () => end(0))]
    : options.targets.map((target) => fleetTarget(options, target, stdout, () => end(0), recordFailed));
  const controller = new Fleet(targets.map((t) => t.fleet));
  enterAlternateScreen(stdout);
  const restoreConsole = redirectConsole();
  const writer = new FrameWriter(stdout);
  // Ink reads the keys; the frames are drawn by the FrameWriter.
  const instance = render(createElement(App, { controller, writer }), { exitOnCtrlC: false, patchConsole: false });
  const onResize = (): void => controller.dispatch({ type: 'resize', columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
  stdout.on('resize', onResize);
  const stopListening = endOnSignalsAndCrashes(end, options.debug);

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
      .then(() => closeRecording(options.record, options.debug))
      .then(() => Promise.all(targets.map((t) => t.close())))
      .then(() => options.onExit?.())
      .catch(() => undefined)
      .finally(() => finish(code));
  }

  controller.start();
  const code = await finished;
  stopListening();
  return code;
}

interface ScreenPart {
  fleet: FleetTarget;
  close: () => Promise<unknown>;
}

/** One target's controller inputs (its health checks and statements on its own connections) and how to close them. */
function fleetTarget(options: ScreenOptions, target: ScreenTarget, stdout: NodeJS.WriteStream, quit: () => void, recordFailed: (error: unknown) => void): ScreenPart {
  const { source, bouncer } = target;
  const health = healthSourceFor(options, source.settings);
  const statements = new StatementsSource(source.settings);
  const initial = firstState(options, stdout, target);
  const record = options.record;
  return {
    fleet: {
      name: target.name,
      initial,
      deps: {
        source,
        bouncer,
        health,
        statements,
        settings: source.settings,
        onQuit: quit,
        rewindMinutes: options.rewindMinutes ?? 10,
        ...(record ? { record: { append: (event: RecordedEvent) => appendRecorded(record, event, recordFailed), chunk: () => record.chunk } } : {}),
      },
    },
    close: () => Promise.all([source.close(), bouncer?.source.close(), health.close(), statements.close()]),
  };
}

/** A recording on the screen: one controller with no server. */
function replayTarget(options: ScreenOptions, stdout: NodeJS.WriteStream, quit: () => void): ScreenPart {
  const replay = options.replay;
  return {
    fleet: {
      name: '',
      initial: firstState(options, stdout, undefined),
      deps: { settings: NO_SERVER, onQuit: quit, replay: replay?.recording, replayAt: replay?.at, rewindMinutes: options.rewindMinutes ?? 10 },
    },
    close: () => Promise.resolve(),
  };
}
