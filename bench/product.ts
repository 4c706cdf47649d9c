import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as Parse from '../src/sources/parse.js';
import type * as SourcePg from '../src/sources/postgres.js';
import type * as State from '../src/store/state.js';
import type * as Reduce from '../src/store/reduce.js';
import type * as Selectors from '../src/store/selectors.js';
import type * as ScreenLines from '../src/ui/screen-lines.js';
import type * as AppModule from '../src/ui/App.js';
import type * as InkModule from '../src/ui/ink.js';
import type * as FrameWriterModule from '../src/ui/frame-writer.js';
import type * as ControllerModule from '../src/ui/controller.js';
import type * as Sandbox from '../src/sandbox/postgres.js';
import type * as Terminal from '../src/ui/terminal.js';

/**
 * The compiled program: the bench measures dist/, exactly what bin/pgtop.js runs. A bench process
 * started from elsewhere (the compiled child) is told where dist/ is.
 */
export const DIST_ENV = 'PGTOP_BENCH_DIST';
const distRoot = process.env[DIST_ENV] ? new URL(process.env[DIST_ENV]) : new URL('../dist/', import.meta.url);
export const distUrl = distRoot.href;
export const repoRoot = fileURLToPath(new URL('../', distRoot));

export function distMissing(): string | undefined {
  return existsSync(new URL('cli.js', distRoot)) ? undefined : 'dist/ is missing: run npm run build first (npm run bench does)';
}

async function load<T>(path: string): Promise<T> {
  return (await import(new URL(path, distRoot).href)) as T;
}

/** A compiled module of dist/ by its path there. */
export const loadDist = load;

export interface Pipeline {
  parseSession: typeof Parse.parseSession;
  parseServer: typeof Parse.parseServer;
  parseWaitingLock: typeof Parse.parseWaitingLock;
  initialState: typeof State.initialState;
  reduce: typeof Reduce.reduce;
  sessionsViewModel: typeof Selectors.sessionsViewModel;
  screenLines: typeof ScreenLines.screenLines;
  FrameWriter: typeof FrameWriterModule.FrameWriter;
}

export async function loadPipeline(): Promise<Pipeline> {
  const [parse, state, reduce, selectors, screen, frameWriter] = await Promise.all([
    load<typeof Parse>('sources/parse.js'),
    load<typeof State>('store/state.js'),
    load<typeof Reduce>('store/reduce.js'),
    load<typeof Selectors>('store/selectors.js'),
    load<typeof ScreenLines>('ui/screen-lines.js'),
    load<typeof FrameWriterModule>('ui/frame-writer.js'),
  ]);
  return {
    parseSession: parse.parseSession,
    parseServer: parse.parseServer,
    parseWaitingLock: parse.parseWaitingLock,
    initialState: state.initialState,
    reduce: reduce.reduce,
    sessionsViewModel: selectors.sessionsViewModel,
    screenLines: screen.screenLines,
    FrameWriter: frameWriter.FrameWriter,
  };
}

export const loadSandbox = (): Promise<typeof Sandbox> => load<typeof Sandbox>('sandbox/postgres.js');
export const loadPostgresSource = async (): Promise<typeof SourcePg.PostgresSource> => (await load<typeof SourcePg>('sources/postgres.js')).PostgresSource;

export interface LiveApp {
  Controller: typeof ControllerModule.Controller;
  App: typeof AppModule.App;
  PostgresSource: typeof SourcePg.PostgresSource;
  /** Ink's renderer as dist/ holds it: bundled by the build, the one the App's key hook belongs to. */
  render: typeof InkModule.render;
}

/** The pieces of the running monitor: the controller that owns the state, and the root component. */
export async function loadLiveApp(): Promise<LiveApp> {
  const [controller, app, source, ink] = await Promise.all([
    load<typeof ControllerModule>('ui/controller.js'),
    load<typeof AppModule>('ui/App.js'),
    load<typeof SourcePg>('sources/postgres.js'),
    load<typeof InkModule>('ui/ink.js'),
  ]);
  return { Controller: controller.Controller, App: app.App, PostgresSource: source.PostgresSource, render: ink.render };
}

/**
 * Prepares the environment as the monitor has it when it loads Ink and React (they read it once, when
 * loaded): bin/pgtop.js asks for React's production build unless NODE_ENV says otherwise, and the monitor
 * forgets the CI variables. Says which React build that gives. Must run before anything imports ink or react.
 */
export async function prepareRendering(): Promise<'production' | 'development'> {
  process.env.NODE_ENV ??= 'production';
  const terminal = await load<typeof Terminal>('ui/terminal.js');
  terminal.forgetCiEnvironment();
  return process.env.NODE_ENV === 'production' ? 'production' : 'development';
}
