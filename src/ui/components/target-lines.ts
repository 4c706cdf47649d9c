import type { AppState } from '../../store/state.js';
import { matchingTargets, targetLineCount, type TargetSummary } from '../../store/targets.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { displayWidth, fit } from '../../text/width.js';
import { theme } from '../theme.js';
import { joinSegments, seg, type Segment } from './segments.js';

const NAME_WIDTH_MAX = 14;

function figures(summary: TargetSummary, now: number): Segment[] {
  if (summary.down) {
    const since = formatDuration(Math.max(0, (now - summary.down.since) / 1000));
    const age = summary.lastGoodAt === undefined ? 'no data yet' : `data ${formatDuration((now - summary.lastGoodAt) / 1000)} old`;
    return [seg(`DOWN ${since}: ${sanitizeOneLine(summary.down.message)} — ${age}`, theme.error)];
  }
  if (summary.connections === undefined) return [seg('connecting…', theme.dim)];
  const pools = summary.pools;
  return [
    seg(`conns ${summary.connections}/${summary.maxConnections ?? '?'}`),
    seg(`act ${summary.active}`),
    seg(`wait ${summary.waiting}`, summary.waiting > 0 ? theme.warn : undefined),
    seg(`lag ${summary.lagSeconds === null ? '-' : formatDuration(summary.lagSeconds)}`),
    ...(pools
      ? [pools.down ? seg('pgbouncer down', theme.error) : seg(`pools ${pools.saturated}/${pools.total} full`, pools.saturated > 0 ? theme.warn : undefined)]
      : []),
  ];
}

/**
 * One line per target when pgtop watches several servers (none for one): the selected target marked, then
 * its role, connections, active and waiting sessions, replication lag and saturated PgBouncer pools.
 */
export function targetLines(state: AppState): string[] {
  if (targetLineCount(state) === 0) return [];
  const { summaries, current } = state.targets;
  const nameWidth = Math.min(NAME_WIDTH_MAX, Math.max(...summaries.map((s) => displayWidth(s.name))));
  return summaries.map((summary) => {
    const selected = summary.name === current;
    const name = fit(summary.name, nameWidth);
    return joinSegments(
      [
        seg(`${selected ? '▸' : ' '} ${name}`, selected ? theme.title : undefined),
        seg(fit(summary.role ?? '?', 7)),
        ...figures(summary, state.now),
      ],
      state.terminal.columns,
      ' ',
    );
  });
}

/** The `:` prompt, in place of the footer while it is open: what is typed, and the names it matches. */
export function pickerLine(state: AppState): string {
  const draft = state.targets.pickerDraft ?? '';
  const matches = matchingTargets(draft, state.targets.names);
  const shown = matches.length > 0 ? matches.join(' ') : 'no target matches';
  return joinSegments(
    [seg(` :${sanitizeOneLine(draft)}█`, theme.warn), seg(shown, matches.length > 0 ? undefined : theme.error), seg('Tab completes  Enter switches  Esc cancels', theme.dim)],
    state.terminal.columns,
    '   ',
  );
}

/** ` on replica1` when pgtop watches several servers: every confirmation names the target it acts on. */
export const onTarget = (state: AppState): string => (state.targets.current === undefined ? '' : ` on ${sanitizeOneLine(state.targets.current)}`);
