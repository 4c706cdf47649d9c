import { formatDuration } from '../text/duration.js';
import { sanitizeOneLine } from '../text/sanitize.js';
import type { BlockingSession } from './types.js';

/** `350ms` under a second, else the compact form (`2.0s`, `1m05s`). */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : formatDuration(ms / 1000);
}

/** A timeout setting as written in a directive: `2s`, `500ms`, `30min`. */
export function formatTimeout(ms: number): string {
  if (ms === 0) return '0 (no limit)';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}min`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const excerpt = (text: string, max: number): string => {
  const line = sanitizeOneLine(text);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** `pid 4290 (user app, application "psql", idle in transaction for 12s: UPDATE orders …)` */
export function describeBlocker(blocker: BlockingSession): string {
  const parts = [
    blocker.user ? `user ${excerpt(blocker.user, 40)}` : undefined,
    blocker.applicationName ? `application "${excerpt(blocker.applicationName, 40)}"` : undefined,
    blocker.client ? `from ${blocker.client}` : undefined,
  ].filter(Boolean);
  const state = blocker.state
    ? `${blocker.state}${blocker.transactionSeconds !== null ? ` for ${formatDuration(blocker.transactionSeconds)}` : ''}`
    : undefined;
  const doing = [state, blocker.query ? excerpt(blocker.query, 60) : undefined].filter(Boolean).join(': ');
  const details = [...parts, doing].filter(Boolean).join(', ');
  return `pid ${blocker.pid}${details ? ` (${details})` : ''}`;
}

export function describeBlockers(blockers: readonly BlockingSession[]): string {
  return blockers.map(describeBlocker).join('; ');
}

/** A statement's first line, shortened, for progress display. */
export function statementExcerpt(text: string): string {
  return excerpt(text.split('\n', 1)[0] ?? '', 80);
}
