import type { ClientFigures } from './client-cost.js';
import { count, fmt, holds, row, type Results, type Row } from './report.js';
import { CPU_FACTOR, KEY_TO_FRAME_BUDGET_MS, RSS_TARGET_MB, SERVER_FLOOR_FACTOR, SERVER_FLOOR_FACTOR_LOCK_WAITS } from './targets.js';
import { FRAME_BUDGET_MS } from './report.js';
import { IDLE_WAKEUPS_PER_SECOND, idleMet, idleWakeups } from './drawing.js';

const times = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${fmt(a / b, 2)}x` : '-');

/**
 * The second round's targets: server time against the floor (reading pg_stat_activity at the least, timed
 * the same way), client CPU against pg_activity's, RSS against a fixed figure. A target without a figure
 * is printed as not measured, not left out.
 */
export function targetRows(r: Results): Row[] {
  const rows: Row[] = [];
  for (const t of r.serverTargets ?? []) {
    const factor = t.lockWaits ? SERVER_FLOOR_FACTOR_LOCK_WAITS : SERVER_FLOOR_FACTOR;
    const floor = t.floorMs;
    const what = `server time per tick, ${count(t.sessions)} sessions, ${t.lockWaits ? 'lock waits' : 'no lock waits'}`;
    if (t.locksView) {
      // The Locks view adds pg_locks to every tick while it is shown: a figure beside the targets, not one of them.
      rows.push(row(`  ${what}, Locks view shown (${t.ticks} ticks)`, `${fmt(t.serverMsPerTick, 2)} ms`, { ratio: `${times(t.serverMsPerTick, floor)} floor` }));
      continue;
    }
    rows.push(
      row(`${what} (sessions source, ${t.ticks} ticks, the floor timed before each)`, `${fmt(t.serverMsPerTick, 2)} ms`, {
        budget: `<= ${factor}x floor ${fmt(floor, 2)} ms`,
        holds: holds(t.serverMsPerTick <= factor * floor),
        ratio: `${times(t.serverMsPerTick, floor)} floor`,
      }),
    );
  }
  for (const f of r.floors ?? []) {
    rows.push(
      row(`  ${count(f.sessions)} sessions, ${f.calls} calls each: count(*) / SELECT * / non-idle rows / pg_locks NOT granted`, `${fmt(f.ms.floor, 2)} / ${fmt(f.ms.all, 2)} / ${fmt(f.ms.nonIdle, 2)} / ${fmt(f.ms.lockWaits, 2)} ms`),
    );
  }
  for (const run of r.sideBySide) {
    const floor = r.floors?.find((f) => f.sessions === run.sessions)?.ms.floor ?? Number.NaN;
    const pga: ClientFigures | undefined = 'program' in run.pgActivity ? run.pgActivity : undefined;
    const n = count(run.sessions);
    const server = run.pgtop.server.serverMsPerRefresh;
    rows.push(
      row(`server time per tick, ${n} sessions, whole monitor, no lock waits (side by side)`, `${fmt(server, 2)} ms`, {
        budget: `<= ${SERVER_FLOOR_FACTOR}x floor ${fmt(floor, 2)} ms`,
        holds: Number.isFinite(floor) ? holds(server <= SERVER_FLOOR_FACTOR * floor) : '',
        pgActivity: pga ? `${fmt(pga.server.serverMsPerRefresh, 2)} ms` : '',
        ratio: `${times(server, floor)} floor`,
      }),
    );
    rows.push(
      row(`client CPU, ${n} sessions, 1 s refresh`, `${fmt(run.pgtop.cpuPercent, 2)} %`, {
        budget: `<= ${CPU_FACTOR}x pg_activity`,
        holds: pga ? holds(run.pgtop.cpuPercent <= CPU_FACTOR * pga.cpuPercent) : '',
        pgActivity: pga ? `${fmt(pga.cpuPercent, 2)} %` : 'not measured',
        ratio: pga ? times(run.pgtop.cpuPercent, pga.cpuPercent) : '',
      }),
    );
    rows.push(
      row(`RSS, ${n} sessions: first second / last second / peak (${fmt(run.pgtop.windowSeconds, 0)} s)`, `${fmt(run.pgtop.rssFirstMb, 0)} / ${fmt(run.pgtop.rssLastMb, 0)} / ${fmt(run.pgtop.peakRssMb, 0)} MB`, {
        budget: run.sessions >= 1000 ? `<= ${RSS_TARGET_MB} MB` : '',
        holds: run.sessions >= 1000 ? holds(run.pgtop.peakRssMb <= RSS_TARGET_MB) : '',
        pgActivity: pga ? `${fmt(pga.peakRssMb, 0)} MB` : '',
      }),
    );
  }
  rows.push(...scaleRows(r));
  for (const missing of notMeasured(r)) rows.push(row(missing, 'not measured', { holds: 'no' }));
  return rows;
}

/** Frames at 2,000 real sessions and with 1 MB texts, key to frame, RSS at 1,000 sessions, idle cost. */
export function scaleRows(r: Results): Row[] {
  const rows: Row[] = [];
  const f = r.scaleFrames;
  if (f) {
    rows.push(
      row(`frame, ${count(f.sessions)} real sessions (filter+sort, p95 / median, ${f.ticks} ticks)`, `${fmt(f.p95Ms, 1)} / ${fmt(f.medianMs, 1)} ms`, {
        budget: `<= ${FRAME_BUDGET_MS} ms`,
        holds: holds(f.p95Ms <= FRAME_BUDGET_MS),
      }),
    );
  }
  const long = r.longTexts;
  if (long) {
    const n = count(long.frames.sessions);
    rows.push(
      row(`frame, ${n} sessions with 1 MB query texts (filter+sort, p95 / median; CPU median)`, `${fmt(long.frames.p95Ms, 1)} / ${fmt(long.frames.medianMs, 1)} ms; ${fmt(long.frames.cpuMedianMs, 1)} ms`, {
        budget: `<= ${FRAME_BUDGET_MS} ms`,
        holds: holds(long.frames.p95Ms <= FRAME_BUDGET_MS),
      }),
    );
    rows.push(
      row(`key to frame, ${n} sessions with 1 MB texts, ticks meanwhile (p95 / median, ${long.keys.presses} keys)`, `${fmt(long.keys.p95Ms, 1)} / ${fmt(long.keys.medianMs, 1)} ms`, {
        budget: `p95 <= ${KEY_TO_FRAME_BUDGET_MS} ms`,
        holds: holds(long.keys.p95Ms <= KEY_TO_FRAME_BUDGET_MS),
      }),
    );
  }
  const m = r.rss;
  if (m) {
    rows.push(row(`RSS at start-up, ${count(m.sessions)} sessions (first frame drawn)`, `${fmt(m.startRssMb, 0)} MB`, { budget: `<= ${RSS_TARGET_MB} MB`, holds: holds(m.startRssMb <= RSS_TARGET_MB) }));
    rows.push(
      row(`RSS after ${count(m.ticks)} ticks, ${count(m.sessions)} sessions (last third median); heap after GC, middle / last third`, `${fmt(m.rss.lastThirdMedian, 0)} MB; ${fmt(m.heap.middleThirdMedian, 1)} / ${fmt(m.heap.lastThirdMedian, 1)} MB, ${m.heap.growing ? 'growing' : 'flat'}`, {
        budget: `<= ${RSS_TARGET_MB} MB, flat`,
        holds: holds(m.rss.lastThirdMedian <= RSS_TARGET_MB && !m.heap.growing),
      }),
    );
  }
  for (const w of r.idle?.windows ?? []) {
    const what = w.condition === 'frozen' ? 'frozen with p' : 'nothing changing, 1 s refresh';
    const how = w.wakeupsPerSecond === undefined ? ' (context switches)' : w.burstsPerSecond !== undefined ? ` (${fmt(w.wakeupsPerSecond, 1)} epoll sleeps)` : '';
    rows.push(
      row(`idle, ${what}: wake-ups/s; frames/s, B/s; lines redrawn unchanged (${fmt(w.seconds, 0)} s)`, `${fmt(idleWakeups(w), 1)}${how}; ${fmt(w.framesPerSecond, 1)}, ${fmt(w.bytesPerSecond, 0)}; ${w.unchangedLines}`, {
        budget: `<= ${IDLE_WAKEUPS_PER_SECOND}/s; 0`,
        holds: holds(idleMet(w)),
      }),
    );
  }
  return rows;
}

function notMeasured(r: Results): string[] {
  const missing: string[] = [];
  if (!r.scaleFrames) missing.push('scale: 2,000 real sessions (server time, CPU, frame time)');
  if (!r.longTexts) missing.push('scale: 5,000 synthetic sessions with 1 MB query texts (frame <= 16 ms, key to frame p95 <= 50 ms)');
  if (!r.idle) missing.push('idle cost: frozen or unchanged data, wake-ups per second and lines drawn');
  if (!r.rss) missing.push('RSS at 1,000 sessions after 10,000 ticks and at start-up (<= 100 MB, flat)');
  return missing;
}

/** Why a target is not met, and what would get there: printed under the table when its row says no. */
export function targetNotes(rows: readonly Row[]): string[] {
  const failed = (pattern: RegExp): boolean => rows.some((r) => pattern.test(r.figure) && r.holds === 'no');
  const notes: string[] = [];
  if (failed(/^server time per tick, .*sessions source/)) {
    notes.push('sessions source above the floor: a resting session (idle, waiting for its client, not changed since the last tick) comes as its pid and one NULL, another as its pid and one text array whose held fields are NULL unless it changed, and pg_locks is read only while the Locks view is shown and a session waits on a lock; what remains beyond the floor is a row per session, where the floor only counts them, and the server statement (pg_stat_database sums, about 0.015 ms); the floor moves between runs about as much as the gap the target allows');
  }
  if (failed(/^server time per tick, .*whole monitor/)) {
    notes.push('whole monitor above the floor: besides the tick, replication (every tick with standbys or slots, else every 5 s), the vacuum horizon and wraparound (every 5 s) and health (every 15 s, its horizon query reads pg_stat_activity again) are read; the floor counts sessions only, so a monitor that reads more than sessions stays above it');
  }
  if (failed(/^client CPU/)) notes.push('client CPU: profiled at 1,000 real sessions, garbage collection, node-postgres parsing the rows, drawing and the rewind buffer take 11-16 % each (the rewind buffer stores ages as the times they count from, so an unchanged session is no patch); the rest is parsing the rows into sessions and the health checks');
  if (failed(/^RSS/)) notes.push('RSS: node alone is 41 MB; loading pg (as pgtop loads it) and React makes it 54-58 MB and the Ink bundle 64-66 MB, though pgtop uses Ink for its keys only; above start-up the figure is the room V8 leaves the old generation before its next full collection (8 MB over what the last one kept, for a heap this small) and the young generation (4 MB a semi-space); --optimize-for-size makes that room 2 MB (86 MB in the RSS phase) for 43 % more CPU a tick');
  if (failed(/^frame, .*(real sessions|1 MB)/)) notes.push('frame above 16 ms: filter matches and the table\'s lines are kept while rows do not change, so what remains per frame is the per-row cache bookkeeping, sorting and the collector; on a loaded machine the wall-clock p95 also counts time the process waited for a core');
  if (failed(/^key to frame/)) notes.push('key to frame above 50 ms at p95: a key that arrives while a tick is parsed and reduced waits for it (one event loop); parsing the rows off the main thread, or in slices that let keys in, would shorten the wait');
  if (failed(/^idle, frozen/)) notes.push('idle, frozen: the clock (header age) wakes the monitor each second; more than one wake-up a second means another timer runs while nothing is polled');
  if (failed(/^idle, nothing changing/)) notes.push('idle, nothing changing: every source is read on one clock and its answers reach the screen together; more than one burst a second means a reading or a timer runs outside that clock');
  if (rows.some((r) => r.value === 'not measured')) notes.push('targets printed as not measured have no measurement in the bench yet');
  return notes;
}
