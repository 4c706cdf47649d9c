import type { Session } from '../../sources/types.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { truncate } from '../../text/width.js';
import { finding, rowsOr, type FindingText } from '../finding.js';
import type { HealthInput } from '../input.js';
import type { Finding } from '../types.js';

/** How many sessions wait behind `pid`, directly or through others. */
function queueBehind(pid: number, waitersOf: Map<number, number[]>): number {
  const seen = new Set<number>();
  const stack = [...(waitersOf.get(pid) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next) || next === pid) continue;
    seen.add(next);
    stack.push(...(waitersOf.get(next) ?? []));
  }
  return seen.size;
}

/**
 * The DDL pile-up: a session that waits for a lock and itself blocks others (an ALTER TABLE queued behind a
 * long transaction makes every later query on the table queue behind the ALTER).
 */
export function checkLockQueues(input: HealthInput): Finding[] {
  const t = input.thresholds;
  const text: FindingText = {
    why: 'a waiter that blocks others turns one slow lock into an outage: every query on the table queues behind it',
    action: 'end the root blocker (view 2, K on the root), or cancel the queued waiter (often a migration: retry it with a lock_timeout)',
    threshold: `warning when a waiter blocks others, critical from ${t.lockQueueCritical} sessions queued`,
  };
  const rows = rowsOr('locks.queue', input.activity, text);
  if ('missing' in rows) return [rows.missing];
  const sessions = rows.value.sessions;
  const byPid = new Map<number, Session>(sessions.map((s) => [s.pid, s]));
  const waitersOf = new Map<number, number[]>();
  for (const s of sessions) for (const blocker of s.blockedBy) waitersOf.set(blocker, [...(waitersOf.get(blocker) ?? []), s.pid]);
  const piles = sessions
    .filter((s) => s.blockedBy.length > 0 && (waitersOf.get(s.pid)?.length ?? 0) > 0)
    .map((s) => ({ s, queue: queueBehind(s.pid, waitersOf) }))
    .sort((a, b) => b.queue - a.queue);
  if (piles.length === 0) return [finding('locks.queue', 'ok', 'no lock queue behind a waiting session', text)];
  const first = piles[0]!;
  const evidence = piles.slice(0, 5).map(({ s, queue }) => {
    const blockers = s.blockedBy.map((pid) => `${pid}${byPid.get(pid)?.state ? ` (${byPid.get(pid)?.state})` : ''}`).join(', ');
    return `pid ${s.pid} waits ${formatDuration(s.queryAgeSeconds)} for ${blockers} and blocks ${queue} session(s): ${truncate(sanitizeOneLine(s.query ?? ''), 50)}`;
  });
  return [
    finding(
      'locks.queue',
      first.queue >= t.lockQueueCritical ? 'critical' : 'warning',
      `${first.queue} session(s) queued behind waiting pid ${first.s.pid}`,
      text,
      evidence,
      { kind: 'session', pid: first.s.pid },
    ),
  ];
}
