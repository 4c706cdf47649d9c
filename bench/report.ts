import { writeFileSync } from 'node:fs';
import type { ClientFigures, SideBySide } from './client-cost.js';
import type { Machine } from './machine.js';
import type { MemoryFigures } from './memory.js';
import type { FrameFigures } from './render.js';
import type { ServerCost } from './server-cost.js';
import type { DemoStartupFigures } from './demo-startup.js';
import type { RecordingFigures } from './recording.js';
import type { StartupFigures } from './startup.js';
import type { StatementsRefreshFigures } from './statements-cost.js';
import { round } from './stats.js';
import type { FloorFigures, ServerTargetRun } from './targets.js';
import type { IdleFigures } from './idle.js';
import type { RealFrameFigures } from './real-frames.js';
import type { LongTextFigures } from './render-child.js';
import { targetRows } from './target-rows.js';

export type SourceTicks = ServerCost & { sessions: number; ticks: number; clientMsMedian: number };

export interface Results {
  generatedAt: string;
  settings: { seconds: number; ticks: number; sessions: number[]; sourceTicks: number; startupRuns: number };
  machine: Machine;
  /** What was skipped or could disturb the figures, in words. */
  notes: string[];
  /** Measurements that failed, by name: the rest still ran. */
  errors: Record<string, string>;
  frames: FrameFigures[];
  /** The React build the in-process measurements ran, as the monitor sets it up. */
  reactBuild?: string;
  memory?: MemoryFigures;
  sourceTicks: SourceTicks[];
  sideBySide: SideBySide[];
  startup?: StartupFigures;
  demoStartup?: DemoStartupFigures;
  recording?: RecordingFigures;
  statements?: StatementsRefreshFigures;
  /** The floor (reading pg_stat_activity at the least) at each size, and pgtop's source beside it. */
  floors?: FloorFigures[];
  serverTargets?: ServerTargetRun[];
  /** Frames over real data at 2,000 sessions (the scale run). */
  scaleFrames?: RealFrameFigures;
  /** 5,000 sessions with 1 MB query texts: frames, and key to frame in the live UI. */
  longTexts?: Omit<LongTextFigures, 'reactBuild'>;
  /** RSS at 1,000 sessions, as ps sees it: at start-up and along the ticks. */
  rss?: MemoryFigures;
  idle?: IdleFigures;
  table: Row[];
  durationSeconds?: number;
}

export interface Row {
  figure: string;
  value: string;
  budget: string;
  holds: 'yes' | 'no' | '';
  pgActivity: string;
  ratio: string;
}

export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? String(round(n, digits)) : '-');
export const holds = (ok: boolean): Row['holds'] => (ok ? 'yes' : 'no');
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${fmt(a / b, 2)}x` : '');
export const row = (figure: string, value: string, extra: Partial<Row> = {}): Row => ({ figure, value, budget: '', holds: '', pgActivity: '', ratio: '', ...extra });
export const count = (n: number): string => n.toLocaleString('en-US');

export const FRAME_BUDGET_MS = 16;
export const FRAME_BUDGET_SESSIONS = 5000;
export const SERVER_BUDGET_MS = 2;
export const SERVER_BUDGET_SESSIONS = 100;
export const ROUND_TRIP_BUDGET = 2;
export const CPU_BUDGET_PERCENT = 5;
export const CPU_BUDGET_SESSIONS = 1000;
export const MEMORY_BUDGET_MB = 150;
export const STARTUP_BUDGET_MS = 1000;
/** "A few seconds" from pgtop demo to a frame with the workload on it. */
export const DEMO_STARTUP_BUDGET_MS = 5000;
export const STATEMENTS_BUDGET_MS = 50;

function pgActivityOf(run: SideBySide | undefined): ClientFigures | undefined {
  return run && 'program' in run.pgActivity ? run.pgActivity : undefined;
}

export function buildTable(r: Results): Row[] {
  const rows: Row[] = [];
  for (const f of r.frames.filter((f) => f.view.startsWith('filter'))) {
    const budgeted = f.sessions === FRAME_BUDGET_SESSIONS;
    rows.push(
      row(`frame, ${count(f.sessions)} sessions (filter+sort, p95 / median)`, `${fmt(f.p95Ms, 1)} / ${fmt(f.medianMs, 1)} ms`, {
        budget: budgeted ? `< ${FRAME_BUDGET_MS} ms` : '',
        holds: budgeted ? holds(f.p95Ms < FRAME_BUDGET_MS) : '',
      }),
    );
    if (budgeted) rows.push(row('  of which screen lines / drawing the changed lines', `${fmt(f.screenLinesMedianMs, 1)} / ${fmt(f.inkMedianMs, 1)} ms (medians)`));
  }
  if (r.memory) {
    const m = r.memory;
    const ok = m.rss.lastThirdMedian < MEMORY_BUDGET_MB && !m.rss.growing && !m.heap.growing;
    rows.push(
      row(`RSS after ${count(m.ticks)} ticks, ${count(m.sessions)} sessions (last third)`, `${fmt(m.rss.lastThirdMedian, 0)} MB`, {
        budget: `< ${MEMORY_BUDGET_MB} MB, flat`,
        holds: holds(ok),
      }),
    );
    rows.push(row('  RSS samples first/middle/last, slope', `${fmt(m.rss.first, 0)}/${fmt(m.rss.middle, 0)}/${fmt(m.rss.last, 0)} MB, ${fmt(m.rss.slopePer1000, 1)} MB/1k ticks${m.rss.growing ? ', growing' : ''}`));
    rows.push(row('  heap after GC first/middle/last, slope', `${fmt(m.heap.first, 1)}/${fmt(m.heap.middle, 1)}/${fmt(m.heap.last, 1)} MB, ${fmt(m.heap.slopePer1000, 2)} MB/1k ticks${m.heap.growing ? ', growing' : ''}`));
    rows.push(row('  heap growth at 1 frame/s, peak RSS', `${fmt(m.heapMbPerHour, 0)} MB/hour, peak ${fmt(m.peakRssMb, 0)} MB`));
  }
  for (const s of r.sourceTicks) {
    const run = r.sideBySide.find((x) => x.sessions === s.sessions);
    const pga = pgActivityOf(run);
    rows.push(
      row(`round trips per tick, ${count(s.sessions)} sessions`, fmt(s.roundTripsPerRefresh ?? Number.NaN), {
        budget: `<= ${ROUND_TRIP_BUDGET}`,
        holds: holds((s.roundTripsPerRefresh ?? Infinity) <= ROUND_TRIP_BUDGET),
        pgActivity: pga ? fmt(pga.server.roundTripsPerRefresh ?? Number.NaN) : '',
        ratio: pga ? ratio(s.roundTripsPerRefresh ?? Number.NaN, pga.server.roundTripsPerRefresh ?? Number.NaN) : '',
      }),
    );
  }
  for (const s of r.sourceTicks) {
    const budgeted = s.sessions === SERVER_BUDGET_SESSIONS;
    rows.push(
      row(`server time per tick, ${count(s.sessions)} sessions (${s.ticks} ticks)`, `${fmt(s.serverMsPerRefresh, 3)} ms`, {
        budget: budgeted ? `< ${SERVER_BUDGET_MS} ms` : '',
        holds: budgeted ? holds(s.serverMsPerRefresh < SERVER_BUDGET_MS) : '',
      }),
    );
  }
  for (const run of r.sideBySide) {
    const pga = pgActivityOf(run);
    const p = run.pgtop;
    const n = count(run.sessions);
    rows.push(
      row(`side by side, ${n} sessions: server time per refresh`, `${fmt(p.server.serverMsPerRefresh, 3)} ms`, {
        pgActivity: pga ? `${fmt(pga.server.serverMsPerRefresh, 3)} ms` : '',
        ratio: pga ? ratio(p.server.serverMsPerRefresh, pga.server.serverMsPerRefresh) : '',
      }),
    );
    const budgeted = run.sessions === CPU_BUDGET_SESSIONS;
    rows.push(
      row(`side by side, ${n} sessions: CPU, 1 s interval`, `${fmt(p.cpuPercent, 2)} %`, {
        budget: budgeted ? `< ${CPU_BUDGET_PERCENT} %` : '',
        holds: budgeted ? holds(p.cpuPercent < CPU_BUDGET_PERCENT) : '',
        pgActivity: pga ? `${fmt(pga.cpuPercent, 2)} %` : '',
        ratio: pga ? ratio(p.cpuPercent, pga.cpuPercent) : '',
      }),
    );
    rows.push(
      row(`side by side, ${n} sessions: peak RSS`, `${fmt(p.peakRssMb, 1)} MB`, {
        pgActivity: pga ? `${fmt(pga.peakRssMb, 1)} MB` : '',
        ratio: pga ? ratio(p.peakRssMb, pga.peakRssMb) : '',
      }),
    );
  }
  if (!r.sideBySide.some((run) => run.sessions === CPU_BUDGET_SESSIONS)) {
    rows.push(row(`CPU, 1 s interval, ${count(CPU_BUDGET_SESSIONS)} sessions`, 'not measured', { budget: `< ${CPU_BUDGET_PERCENT} %` }));
  }
  if (r.startup) {
    rows.push(
      row(`start to first full frame (median of ${r.startup.runs.length})`, `${fmt(r.startup.medianMs, 0)} ms`, {
        budget: `< ${STARTUP_BUDGET_MS} ms`,
        holds: holds(r.startup.medianMs < STARTUP_BUDGET_MS),
      }),
    );
  }
  if (r.demoStartup) {
    rows.push(
      row(`pgtop demo: start to first full frame (median of ${r.demoStartup.runs.length})`, `${fmt(r.demoStartup.medianMs, 0)} ms`, {
        budget: `< ${DEMO_STARTUP_BUDGET_MS} ms`,
        holds: holds(r.demoStartup.medianMs < DEMO_STARTUP_BUDGET_MS),
      }),
    );
  }
  if (r.statements) {
    const s = r.statements;
    rows.push(
      row(`Statements refresh server time, ${count(s.entries)} entries (${s.refreshes} refreshes)`, `${fmt(s.serverMsPerRefresh, 2)} ms`, {
        budget: `< ${STATEMENTS_BUDGET_MS} ms`,
        holds: holds(s.serverMsPerRefresh < STATEMENTS_BUDGET_MS),
      }),
    );
    rows.push(row(`  texts of one screen (${s.textsCount} rows), client time per refresh`, `${fmt(s.textsServerMs, 2)} ms, ${fmt(s.clientMsMedian, 1)} ms (median)`));
  }
  if (r.recording) {
    const f = r.recording;
    rows.push(row(`recording, ${count(f.sessions)} sessions at 1 s: bytes per session-hour`, `${count(f.bytesPerSessionHour)} (${fmt((f.bytesPerSessionHour * f.sessions) / 2 ** 20, 1)} MiB an hour)`));
    rows.push(row('  recorder CPU per tick (encoding and writing)', `${fmt(f.recordCpuMsPerTick, 1)} ms`));
    rows.push(row('  seek in a one-hour recording (open, index, read two minutes), median / p95', `${fmt(f.seekMs.median, 0)} / ${fmt(f.seekMs.p95, 0)} ms`));
    rows.push(row('  live rewind buffer, 10 minutes, compressed', `${fmt(f.rewindMiB10min, 1)} MiB`));
  }
  rows.push(...targetRows(r));
  return rows;
}

export function formatTable(rows: readonly Row[]): string {
  const header: Row = { figure: 'figure', value: 'pgtop', budget: 'budget', holds: '', pgActivity: 'pg_activity', ratio: 'pgtop/pg_activity' };
  const cells = (r: Row): string[] => [r.figure, r.value, r.budget, r === header ? 'holds' : r.holds, r.pgActivity, r.ratio];
  const all = [header, ...rows].map(cells);
  const widths = all[0]?.map((_, i) => Math.max(...all.map((c) => (c[i] ?? '').length))) ?? [];
  const line = (c: string[]): string => c.map((text, i) => text.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(all[0] ?? []), rule, ...all.slice(1).map(line)].join('\n');
}

export function formatMachine(m: Machine, reactBuild: string | undefined): string {
  return [
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.kernel}`,
    `software: node ${m.node}, PostgreSQL ${m.postgres ?? '?'}, pg_activity ${m.pgActivity ?? 'not installed'}, ${m.tmux ?? 'tmux not installed'}`,
    `load average (1 min): ${m.loadStart} at the start, ${m.loadEnd ?? '?'} at the end`,
    `React build in the in-process measurements: ${reactBuild ?? 'not run'} (as the monitor sets it up before loading Ink)`,
  ].join('\n');
}

export function writeResults(path: string, results: Results): void {
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
