import { countStates } from '../../store/derive.js';
import type { AppState } from '../../store/state.js';
import { formatCount, formatPercent } from '../../text/bytes.js';
import { formatDuration } from '../../text/duration.js';
import { sanitize, sanitizeOneLine } from '../../text/sanitize.js';
import { labelStyle, theme } from '../theme.js';
import { joinSegments, seg, type Segment } from './segments.js';
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

/** The two header lines: the server, then the sessions and the health of the data. */
export function headerLines(state: AppState): string[] {
  const width = state.terminal.columns;
  const snapshot = state.pg.snapshot;
  const server = snapshot?.server;
  const counts = countStates(snapshot?.sessions ?? []);
  const connections = counts.total + 1;
  const line1 = joinSegments(
    [
      seg(' pgtop', theme.title),
      ...(state.environment ? [seg(` ${sanitizeOneLine(state.environment.label)} `, labelStyle(state.environment.color))] : []),
      seg(server ? `pg ${sanitize(server.version.split(' ')[0] ?? '')} ${server.role}` : 'pg ?'),
      seg(sanitize(state.pg.target)),
      seg(server ? `up ${formatDuration(server.uptimeSeconds)}` : ''),
      seg(server ? `conns ${connections}/${server.maxConnections} ${bar(connections, server.maxConnections)}` : ''),
      seg(`tps ${state.pg.rates.tps === null ? '-' : formatCount(state.pg.rates.tps)}`),
      seg(`hit ${state.pg.rates.hitRatio === null ? '-' : formatPercent(state.pg.rates.hitRatio)}`),
      seg(`⟳ ${state.intervalSeconds}s`),
      seg(clock(state.now)),
    ],
    width,
  );

  const age = dataAge(state);
  const health: Segment[] = [];
  if (state.timeline) {
    health.push(...timelineSegments(state));
  } else if (state.pg.error) {
    const since = formatDuration((state.now - state.pg.error.since) / 1000);
    const dataFrom = age.seconds === undefined ? 'no data yet' : `data from ${formatDuration(age.seconds)} ago`;
    health.push(seg(`⚠ disconnected ${since}: ${sanitizeOneLine(state.pg.error.message)} — ${dataFrom}, retrying`, theme.error));
  } else if (state.paused) {
    health.push(seg(`⏸ paused — data from ${formatDuration(age.seconds ?? 0)} ago (p resumes)`, theme.warn));
  } else if (age.stale) {
    health.push(seg(`data ${formatDuration(age.seconds ?? 0)} old`, theme.warn));
  }
  const line2 = joinSegments(
    [
      ...(state.timeline ? [seg(''), ...health] : []),
      seg(` active ${counts.active}`),
      seg(`idle ${counts.idle}`),
      seg(`idle-in-xact ${counts.idleInTransaction}`),
      seg(`waiting ${counts.waiting}`, counts.waiting > 0 ? theme.warn : undefined),
      ...(state.timeline ? [] : health),
      ...(healthSegment(state) ? [healthSegment(state)!] : []),
    ],
    width,
  );
  return [line1, line2];
}
