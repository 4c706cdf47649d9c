import type { PgSnapshot } from '../src/sources/types.js';
import type { AppState } from '../src/store/state.js';
import type { SessionColumnId } from '../src/store/session-fields.js';
import { FakeOutput } from './fake-terminal.js';
import type { Pipeline } from './product.js';
import { median, p95, round } from './stats.js';
import { SyntheticCluster } from './synthetic.js';

export const COLUMNS = 120;
export const ROWS = 40;

/** How the Sessions view is set while frames are timed. */
export interface ViewSetting {
  name: string;
  filter: string;
  sortColumn: SessionColumnId;
  sortDescending: boolean;
  showIdle: boolean;
}

/** A free-text filter and a sort set, with idle sessions shown: every row goes through the filter. */
export const FILTERED: ViewSetting = { name: 'filter "orders", sort by XACT, idle shown', filter: 'orders', sortColumn: 'xactAge', sortDescending: true, showIdle: true };
/** No filter, idle shown: every session is sorted. */
export const ALL_ROWS: ViewSetting = { name: 'no filter, sort by QUERY age, idle shown', filter: '', sortColumn: 'queryAge', sortDescending: true, showIdle: true };

export function snapshotOf(pipeline: Pipeline, cluster: SyntheticCluster): PgSnapshot {
  return {
    takenAt: new Date(cluster.now).toISOString(),
    server: pipeline.parseServer(cluster.rawServer()),
    sessions: cluster.rawSessions().map((row) => pipeline.parseSession(row, cluster.nowMicros)),
    waitingLocks: cluster.rawWaitingLocks().map(pipeline.parseWaitingLock),
    detail: null,
  };
}

export function viewState(pipeline: Pipeline, setting: ViewSetting): AppState {
  const state = pipeline.initialState({ intervalSeconds: 1, readOnly: false, columns: COLUMNS, rows: ROWS, target: '127.0.0.1:5432/postgres' });
  return {
    ...state,
    sessions: { ...state.sessions, filter: setting.filter, sortColumn: setting.sortColumn, sortDescending: setting.sortDescending, showIdle: setting.showIdle },
  };
}

export interface FrameFigures {
  sessions: number;
  view: string;
  frames: number;
  /** One frame: screenLines (filter, sort, window, lines) plus the frame writer's draw (the changed lines to the terminal). */
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** The same as medianMs (kept for the report's layout: the monitor draws frames exactly this way). */
  liveMedianMs: number;
  liveP95Ms: number;
  /** CPU time of the process for one frame (user + system, GC threads included): less sensitive to a busy machine. */
  cpuMedianMs: number;
  cpuP95Ms: number;
  /** The parts of a frame, medians. */
  screenLinesMedianMs: number;
  inkMedianMs: number;
  /** Parsing the rows and reducing the pg-data event (the tick before the frame), median. */
  tickMedianMs: number;
  /** Rows that matched the view in the last frame. */
  matchedRows: number;
}

export interface FrameOptions {
  sessions: number;
  setting: ViewSetting;
  frames: number;
  warmup: number;
  maxSeconds: number;
  /** Each session's query text this long on the server (see SyntheticCluster). */
  queryChars?: number;
}

/** Times frames over changing data: each frame gets a new tick of the synthetic cluster first. */
export function measureFrames(pipeline: Pipeline, options: FrameOptions): FrameFigures {
  const cluster = new SyntheticCluster({ sessions: options.sessions, seed: options.sessions, queryChars: options.queryChars });
  let state = viewState(pipeline, options.setting);
  const total: number[] = [];
  const lines: number[] = [];
  const ink: number[] = [];
  const ticks: number[] = [];
  const cpu: number[] = [];
  const live: number[] = [];
  const terminal = new FakeOutput(COLUMNS, ROWS);
  const writer = new pipeline.FrameWriter(terminal);
  const deadline = performance.now() + options.maxSeconds * 1000;
  let screen: string[] = [];
  for (let i = 0; i < options.warmup + options.frames; i++) {
    if (i >= options.warmup + 20 && performance.now() > deadline) break;
    cluster.advance(1);
    const t0 = performance.now();
    const snapshot = snapshotOf(pipeline, cluster);
    state = pipeline.reduce(state, { type: 'pg-data', snapshot, ownPid: 1, at: cluster.now });
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    screen = pipeline.screenLines(state);
    const t2 = performance.now();
    writer.draw(screen, COLUMNS, ROWS);
    const t3 = performance.now();
    const c3 = process.cpuUsage(c1);
    if (i < options.warmup) continue;
    live.push(t3 - t1);
    cpu.push((c3.user + c3.system) / 1000);
    ticks.push(t1 - t0);
    lines.push(t2 - t1);
    ink.push(t3 - t2);
    total.push(t3 - t1);
  }
  if (terminal.writes === 0) throw new Error('the frame writer drew nothing');
  if (screen.length !== ROWS - 1) throw new Error(`a frame had ${screen.length} lines, expected ${ROWS - 1}`);
  if (!screen.some((line) => /^\s*[* ]\s*\d+ /.test(line.replace(/\x1b\[[0-9;]*m/g, '')))) throw new Error(`no session row in the frame:\n${screen.join('\n')}`);
  return {
    sessions: options.sessions,
    view: options.setting.name,
    frames: total.length,
    medianMs: round(median(total), 3),
    p95Ms: round(p95(total), 3),
    maxMs: round(Math.max(...total), 3),
    liveMedianMs: round(median(live), 3),
    liveP95Ms: round(p95(live), 3),
    cpuMedianMs: round(median(cpu), 3),
    cpuP95Ms: round(p95(cpu), 3),
    screenLinesMedianMs: round(median(lines), 3),
    inkMedianMs: round(median(ink), 3),
    tickMedianMs: round(median(ticks), 3),
    matchedRows: pipeline.sessionsViewModel(state).rows.length,
  };
}
