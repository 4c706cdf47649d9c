import type { PostgresSource } from '../src/sources/postgres.js';
import { FakeOutput } from './fake-terminal.js';
import type { Pipeline } from './product.js';
import { COLUMNS, FILTERED, ROWS, viewState } from './render.js';
import { median, p95, round } from './stats.js';

export interface RealFrameFigures {
  sessions: number;
  ticks: number;
  /** One frame (filter, sort, window, lines, drawing the changed lines) over a real tick's data. */
  medianMs: number;
  p95Ms: number;
  /** Reducing the tick into the state (the rows are parsed by the source, inside its tick). */
  reduceMedianMs: number;
}

/**
 * Frames over real data: each tick of pgtop's source on the bench server is reduced into the Sessions
 * view (filtered and sorted, as the synthetic frames are) and drawn by the frame writer on a 120×40
 * terminal that swallows the output.
 */
export async function measureRealFrames(source: PostgresSource, pipeline: Pipeline, sessions: number, ticks: number): Promise<RealFrameFigures> {
  await source.open();
  let state = viewState(pipeline, FILTERED);
  let coloured = false;
  const writer = new pipeline.FrameWriter(new FakeOutput(COLUMNS, ROWS, (chunk) => (coloured ||= /\x1b\[[0-9;]*[1-9][0-9;]*m/.test(chunk))));
  const frames: number[] = [];
  const reduces: number[] = [];
  for (let i = 0; i < ticks; i++) {
    const outcome = await source.tick();
    if (outcome.kind !== 'data') throw new Error(`a tick failed: ${outcome.kind === 'error' ? outcome.error.message : 'skipped'}`);
    const t0 = performance.now();
    state = pipeline.reduce(state, { type: 'pg-data', snapshot: outcome.data, ownPid: 1, at: Date.now() });
    const t1 = performance.now();
    writer.draw(pipeline.screenLines(state), COLUMNS, ROWS);
    const t2 = performance.now();
    reduces.push(t1 - t0);
    frames.push(t2 - t1);
  }
  if (state.sessions.filter !== FILTERED.filter) throw new Error('the view lost its filter');
  if (!coloured) throw new Error('the frames were drawn without colours (set FORCE_COLOR=2): not what a terminal shows');
  return { sessions, ticks: frames.length, medianMs: round(median(frames), 2), p95Ms: round(p95(frames), 2), reduceMedianMs: round(median(reduces), 2) };
}
