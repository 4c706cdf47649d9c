import { createElement } from 'react';
import type { ConnectionSettings } from '../src/config/types.js';
import { asReadStream, asWriteStream, FakeInput, FakeOutput } from './fake-terminal.js';
import type { LiveApp, Pipeline } from './product.js';
import { COLUMNS, FILTERED, ROWS, snapshotOf, viewState } from './render.js';
import { median, p95, round } from './stats.js';
import { prng, SyntheticCluster } from './synthetic.js';

export interface KeyOptions {
  sessions: number;
  queryChars: number;
  presses: number;
  maxSeconds: number;
}

export interface KeyFigures {
  sessions: number;
  queryChars: number;
  presses: number;
  /** From the key written to the terminal's input to the frame showing it written to its output. */
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Presses whose frame did not come within a second (counted at a second in the figures). */
  missed: number;
  /** Data ticks (parse and reduce of every row) that ran during the presses, one a second as the monitor's. */
  ticks: number;
}

const FRAME_START = '\x1b[?2026h';
const MISSED_MS = 1000;

/**
 * Key to frame in the running monitor: the real Controller and App in an Ink instance on a 120×40
 * terminal, its data ticking once a second (every row parsed and reduced, as a live tick), the Sessions
 * view filtered and sorted. Keys (j and k, so every press moves the selection) are typed into Ink's input
 * at uneven gaps, so some land while a tick is being handled; each is timed from the write to the input
 * until the frame drawn after the key was handled reaches the output.
 */
export async function measureKeyToFrame(pipeline: Pipeline, live: LiveApp, options: KeyOptions): Promise<KeyFigures> {
  const settings: ConnectionSettings = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', sslmode: 'disable', extra: {} };
  const cluster = new SyntheticCluster({ sessions: options.sessions, seed: 11, queryChars: options.queryChars });
  const controller = new live.Controller(viewState(pipeline, FILTERED), { source: new live.PostgresSource(settings), settings, onQuit: () => undefined, now: () => cluster.now });
  let handled = false;
  let frameSeen: ((at: number) => void) | undefined;
  const driver = {
    getState: controller.getState,
    subscribe: controller.subscribe,
    dispatch: controller.dispatch,
    handleKey: (name: string, input: string): void => {
      controller.handleKey(name, input);
      handled = true;
    },
  };
  const stdout = new FakeOutput(COLUMNS, ROWS, (chunk) => {
    if (handled && frameSeen && chunk.startsWith(FRAME_START)) frameSeen(performance.now());
  });
  const stdin = new FakeInput();
  const tick = (): void => {
    cluster.advance(1);
    controller.dispatch({ type: 'pg-data', snapshot: snapshotOf(pipeline, cluster), ownPid: 1, at: cluster.now });
  };
  tick();
  const instance = live.render(createElement(live.App, { controller: driver, writer: new pipeline.FrameWriter(stdout) }), {
    stdout: asWriteStream(stdout),
    stdin: asReadStream(stdin),
    stderr: asWriteStream(new FakeOutput(COLUMNS, ROWS)),
    exitOnCtrlC: false,
    patchConsole: false,
  });
  let ticks = 0;
  const ticker = setInterval(() => {
    tick();
    ticks++;
  }, 1000);
  const random = prng(5);
  const times: number[] = [];
  let missed = 0;
  const deadline = performance.now() + options.maxSeconds * 1000;
  try {
    await sleep(1500);
    for (let i = 0; i < options.presses && performance.now() < deadline; i++) {
      await sleep(40 + random() * 260);
      handled = false;
      const shown = new Promise<number>((resolve) => {
        frameSeen = resolve;
        setTimeout(() => resolve(Number.NaN), MISSED_MS).unref();
      });
      const t0 = performance.now();
      stdin.write(i % 2 === 0 ? 'j' : 'k');
      const at = await shown;
      frameSeen = undefined;
      if (Number.isNaN(at)) missed++;
      times.push(Number.isNaN(at) ? MISSED_MS : at - t0);
    }
  } finally {
    clearInterval(ticker);
    instance.unmount();
    controller.stop();
  }
  if (times.length === 0) throw new Error('no key was pressed');
  if (missed === times.length) throw new Error('no key press was drawn');
  return {
    sessions: options.sessions,
    queryChars: options.queryChars,
    presses: times.length,
    medianMs: round(median(times), 2),
    p95Ms: round(p95(times), 2),
    maxMs: round(Math.max(...times), 2),
    missed,
    ticks,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
