import { countStates } from '../../store/derive.js';
import type { AppState } from '../../store/state.js';
import { formatCount, formatPercent } from '../../text/bytes.js';
import { formatDuration } from '../../text/duration.js';
import { sanitize, sanitizeOneLine } from '../../text/sanitize.js';
import { labelStyle, theme } from '../theme.js';
import { byPriority, joinSegments, leftRight, ranked, seg, type Segment } from './segments.js';
import { timelineSegments } from './timeline-segment.js';

export function bar(used: number, total: number, width = 5): string {
  if (total <= 0) return '░'.repeat(width);
  const filled = Math.min(width, Math.round((used / total) * width));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

const clock = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

/** Seconds since the last good data, and whether that is stale for the interval. */
export function dataAge(state: AppState): { seconds: number | undefined; stale: boolean } {
  if (state.pg.lastGoodAt === undefined) return { seconds: undefined, stale: false };
  const seconds = Math.max(0, (state.now - state.pg.lastGoodAt) / 1000);
  return { seconds, stale: !state.paused && seconds > state.intervalSeconds * 2 + 1 };
}

/** One segment summing up the health checks: nothing until they ran, a tick when all is well. */
export function healthSegment(state: AppState): Segment | undefined {
  const findings = state.health.findings;
  if (!findings) return undefined;
  const critical = findings.filter((f) => f.severity === 'critical').length;
  const warning = findings.filter((f) => f.severity === 'warning').length;
  if (critical === 0 && warning === 0) return seg('health ✓', theme.ok);
  const parts = [critical > 0 ? `${critical} critical` : '', warning > 0 ? `${warning} warning` : ''].filter(Boolean).join(' ');
  return seg(`health ✗ ${parts} (9)`, critical > 0 ? theme.error : theme.warn);
}

/** Where the server is, a socket directory shown as `local`: the host part of a path says nothing useful. */
export function shortTarget(target: string): string {
  return target.startsWith('/') ? target.replace(/^\/.*?:(\d+\/)/, 'local:$1') : target;
}

/**
 * What each header item is worth when the terminal is narrow (lower stays): who the server is, how full it is,
 * the session states and the age of the data first; the clock right after; the rest as room allows.
 */
const PRIORITY = { identity: 0, connections: 1, states: 1, dataAge: 1, clock: 2, health: 3, target: 3, tps: 4, uptime: 5, hitRatio: 6, interval: 7 } as const;

function serverLine(state: AppState, width: number): string {
  const server = state.pg.snapshot?.server;
  const connections = countStates(state.pg.snapshot?.sessions ?? []).total + 1;
  const clockSegment = ranked(PRIORITY.clock, clock(state.now));
  const kept = byPriority(
    [
      ranked(PRIORITY.identity, ' pgtop', theme.title),
      ...(state.environment ? [ranked(PRIORITY.identity, ` ${sanitizeOneLine(state.environment.label)} `, labelStyle(state.environment.color))] : []),
      ranked(PRIORITY.identity, server ? `pg ${sanitize(server.version.split(' ')[0] ?? '')} ${server.role}` : 'pg ?'),
      ranked(PRIORITY.target, sanitize(shortTarget(state.pg.target))),
      ranked(PRIORITY.uptime, server ? `up ${formatDuration(server.uptimeSeconds)}` : ''),
      ranked(PRIORITY.connections, server ? `conns ${connections}/${server.maxConnections} ${bar(connections, server.maxConnections)}` : ''),
      ranked(PRIORITY.tps, `tps ${state.pg.rates.tps === null ? '-' : formatCount(state.pg.rates.tps)}`),
      ranked(PRIORITY.hitRatio, `hit ${state.pg.rates.hitRatio === null ? '-' : formatPercent(state.pg.rates.hitRatio)}`),
      ranked(PRIORITY.interval, `⟳ ${state.intervalSeconds}s`),
      clockSegment,
    ],
    width,
  );
  return kept.includes(clockSegment) ? leftRight(kept.filter((s) => s !== clockSegment), [clockSegment], width) : joinSegments(kept, width);
}

/** The health of the data: disconnected, paused or stale, when it is. */
function dataAgeSegments(state: AppState): Segment[] {
  const age = dataAge(state);
  if (state.pg.error) {
    const since = formatDuration((state.now - state.pg.error.since) / 1000);
    const dataFrom = age.seconds === undefined ? 'no data yet' : `data from ${formatDuration(age.seconds)} ago`;
    return [seg(`⚠ disconnected ${since}: ${sanitizeOneLine(state.pg.error.message)} — ${dataFrom}, retrying`, theme.error)];
  }
  if (state.paused) return [seg(`⏸ paused — data from ${formatDuration(age.seconds ?? 0)} ago (p resumes)`, theme.warn)];
  if (age.stale) return [seg(`data ${formatDuration(age.seconds ?? 0)} old`, theme.warn)];
  return [];
}

function sessionsLine(state: AppState, width: number): string {
  const counts = countStates(state.pg.snapshot?.sessions ?? []);
  const health = healthSegment(state);
  const kept = byPriority(
    [
      ...timelineSegments(state).map((s) => ({ ...s, priority: PRIORITY.identity })),
      ranked(PRIORITY.states, ` active ${counts.active}`),
      ranked(PRIORITY.states, `idle ${counts.idle}`),
      ranked(PRIORITY.states, `idle-in-xact ${counts.idleInTransaction}`),
      ranked(PRIORITY.states, `waiting ${counts.waiting}`, counts.waiting > 0 ? theme.warn : undefined),
      ...(state.timeline ? [] : dataAgeSegments(state)).map((s) => ({ ...s, priority: PRIORITY.dataAge })),
      ...(health ? [{ ...health, priority: PRIORITY.health }] : []),
    ],
    width,
  );
  return joinSegments(kept, width);
}

/** The two header lines: the server, then the sessions and the health of the data, each by priority. */
export function headerLines(state: AppState): string[] {
  const width = state.terminal.columns;
  return [serverLine(state, width), sessionsLine(state, width)];
}
