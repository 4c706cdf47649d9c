import { readFileSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createElement } from 'react';
import type { ConnectionSettings } from '../src/config/types.js';
import { asReadStream, asWriteStream, FakeInput, FakeOutput } from './fake-terminal.js';
import type { LiveApp, Pipeline } from './product.js';
import { COLUMNS, ROWS, snapshotOf } from './render.js';
import { growth, round, type GrowthVerdict } from './stats.js';
import { SyntheticCluster } from './synthetic.js';

export interface MemoryOptions {
  sessions: number;
  ticks: number;
  /** Ticks dispatched between two frames drawn by the live Ink instance. */
  ticksPerFrame: number;
  samples: number;
  maxSeconds: number;
  /**
   * Collect garbage before reading RSS (the default): what stays. Without, RSS is read as `ps` would see it
   * in the running monitor, garbage not yet collected included; the heap is read after a collection either way.
   */
  forceGc?: boolean;
}

export interface MemoryFigures {
  /** The React build the monitor runs (production unless the monitor says otherwise). */
  reactBuild?: string;
  sessions: number;
  ticks: number;
  frames: number;
  seconds: number;
  /** RSS after a full garbage collection, sampled along the run. */
  samples: { tick: number; rssMb: number; heapMb: number }[];
  rss: GrowthVerdict;
  heap: GrowthVerdict;
  /** The largest RSS seen (VmHWM): garbage included, ticks back to back. */
  peakRssMb: number;
  /** What the heap's slope makes of an hour at one frame a second (a frame every tick at a 1 s interval). */
  heapMbPerHour: number;
  stoppedEarly: boolean;
  /** RSS once the first tick's frame is drawn, sampled like the others. */
  startRssMb: number;
  forcedGc: boolean;
}

/** How much the last third of the run may sit above the middle third before memory counts as growing. */
const RSS_TOLERANCE_MB = 10;
const SAMPLE_PAUSE_MS = 300;
const HEAP_TOLERANCE_MB = 2;

const mb = (bytes: number): number => bytes / 1024 / 1024;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

function peakRss(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * The running monitor's memory: the real Controller and App, drawn by a long-lived Ink instance on a
 * 120×40 terminal, fed `ticks` snapshots of a changing cluster. Each tick is parsed and reduced like a real
 * one; a frame is drawn every `ticksPerFrame` ticks (the reductions between frames coalesce, as they do
 * when data arrives faster than the painter draws).
 */
export async function measureMemory(pipeline: Pipeline, live: LiveApp, options: MemoryOptions): Promise<MemoryFigures> {
  const settings: ConnectionSettings = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', sslmode: 'disable', extra: {} };
  const cluster = new SyntheticCluster({ sessions: options.sessions, seed: 7 });
  const controller = new live.Controller(
    pipeline.initialState({ intervalSeconds: 1, readOnly: false, columns: COLUMNS, rows: ROWS, target: '127.0.0.1:5432/postgres' }),
    { source: new live.PostgresSource(settings), settings, onQuit: () => undefined, now: () => cluster.now },
  );
  const stdout = new FakeOutput(COLUMNS, ROWS);
  const stdin = new FakeInput();
  const instance = live.render(createElement(live.App, { controller, writer: new pipeline.FrameWriter(stdout) }), {
    stdout: asWriteStream(stdout),
    stdin: asReadStream(stdin),
    stderr: asWriteStream(new FakeOutput(COLUMNS, ROWS)),
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const samples: MemoryFigures['samples'] = [];
  const sampleEvery = Math.max(1, Math.floor(options.ticks / options.samples));
  const started = performance.now();
  const deadline = started + options.maxSeconds * 1000;
  let tick = 0;
  let frames = 0;
  const forceGc = options.forceGc ?? true;
  const pause = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, SAMPLE_PAUSE_MS));
  const sample = async (): Promise<void> => {
    // As between two real ticks, the process idles a moment: V8 hands the pages it freed back meanwhile.
    await pause();
    const seen = process.memoryUsage().rss;
    // The heap is read after a full collection either way: what stays, the figure that tells a leak.
    collect();
    await pause();
    const usage = process.memoryUsage();
    samples.push({ tick, rssMb: round(mb(forceGc ? usage.rss : seen), 1), heapMb: round(mb(usage.heapUsed), 1) });
  };
  let startRssMb = Number.NaN;
  try {
    cluster.advance(1);
    controller.dispatch({ type: 'pg-data', snapshot: snapshotOf(pipeline, cluster), ownPid: 1, at: cluster.now });
    await yieldToLoop();
    await sample();
    startRssMb = samples.pop()?.rssMb ?? Number.NaN;
    while (tick < options.ticks && performance.now() < deadline) {
      cluster.advance(1);
      controller.dispatch({ type: 'pg-data', snapshot: snapshotOf(pipeline, cluster), ownPid: 1, at: cluster.now });
      controller.dispatch({ type: 'clock', now: cluster.now });
      tick++;
      if (tick % options.ticksPerFrame === 0) {
        await yieldToLoop();
        frames++;
      }
      if (tick % sampleEvery === 0) await sample();
    }
    if (samples.at(-1)?.tick !== tick) await sample();
  } finally {
    instance.unmount();
    controller.stop();
  }
  if (stdout.writes === 0) throw new Error('the live Ink instance drew nothing');
  const rssPoints = samples.map((s) => ({ tick: s.tick, mb: s.rssMb }));
  const heapPoints = samples.map((s) => ({ tick: s.tick, mb: s.heapMb }));
  return {
    sessions: options.sessions,
    ticks: tick,
    frames,
    seconds: round((performance.now() - started) / 1000, 1),
    samples,
    rss: growth(rssPoints, RSS_TOLERANCE_MB),
    heap: growth(heapPoints, HEAP_TOLERANCE_MB),
    peakRssMb: round(peakRss(), 1),
    heapMbPerHour: round((growth(heapPoints, HEAP_TOLERANCE_MB).slopePer1000 / 1000) * options.ticksPerFrame * 3600, 1),
    stoppedEarly: tick < options.ticks,
    startRssMb,
    forcedGc: forceGc,
  };
}
