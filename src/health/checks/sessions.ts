import type { PgSnapshot, Session } from '../../sources/types.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { truncate } from '../../text/width.js';
import { finding, rowsOr } from '../finding.js';
import type { HealthInput } from '../input.js';
import { pairText, severityOf } from '../../config/health-thresholds.js';
import type { FindingText } from '../finding.js';
import type { Finding } from '../types.js';

const excerpt = (session: Session): string => truncate(sanitizeOneLine(session.query ?? ''), 60);
const who = (session: Session): string => `pid ${session.pid} (${session.user ?? '?'}@${session.database ?? '?'})`;

/** Seconds since the session entered its state, by the server's clock. */
function inStateSeconds(snapshot: PgSnapshot, session: Session): number {
  if (!session.stateChange) return 0;
  return Math.max(0, (Date.parse(snapshot.server.now) - Date.parse(session.stateChange)) / 1000);
}

/** Sessions that others wait on (their pids appear in someone's blocked-by). */
export function blockerPids(sessions: readonly Session[]): Set<number> {
  return new Set(sessions.flatMap((session) => session.blockedBy));
}

export function hiddenNote(snapshot: PgSnapshot): string | null {
  const hidden = snapshot.sessions.filter((session) => session.hidden).length;
  return hidden > 0 ? `${hidden} session(s) of other roles are hidden from ${snapshot.server.currentUser}: grant pg_read_all_stats to see them` : null;
}

/** Idle in transaction longer than the threshold; worse when others wait for its locks. */
export function checkIdleInTransaction(input: HealthInput): Finding[] {
  const t = input.thresholds;
  const text: FindingText = {
    why: 'a transaction left open holds its locks and its snapshot: others queue behind it and vacuum cannot clean up after it',
    action: 'find the application that left it open; terminate it (K on the session) if it blocks others',
    threshold: `${pairText('seconds', t.idleInTransactionWarning, t.idleInTransactionCritical)}; critical at the warning age when others wait for it`,
  };
  const rows = rowsOr('sessions.idle_in_transaction', input.activity, text);
  if ('missing' in rows) return [rows.missing];
  const snapshot = rows.value;
  const blockers = blockerPids(snapshot.sessions);
  const found = snapshot.sessions
    .filter((s) => s.state === 'idle in transaction' || s.state === 'idle in transaction (aborted)')
    .map((s) => {
      const idle = inStateSeconds(snapshot, s);
      let severity = severityOf(idle, t.idleInTransactionWarning, t.idleInTransactionCritical);
      if (severity === 'warning' && blockers.has(s.pid)) severity = 'critical';
      return { s, idle, severity };
    })
    .filter((entry) => entry.severity !== 'ok')
    .sort((a, b) => b.idle - a.idle);
  const note = hiddenNote(snapshot);
  if (found.length === 0) {
    if (note) return [finding('sessions.idle_in_transaction', 'unknown', 'cannot see every session', text, [note])];
    return [finding('sessions.idle_in_transaction', 'ok', 'no session idle in transaction too long', text)];
  }
  const worst = found.some((entry) => entry.severity === 'critical') ? 'critical' : 'warning';
  const first = found[0]!;
  return [
    finding(
      'sessions.idle_in_transaction',
      worst,
      `${found.length} session(s) idle in transaction, longest ${formatDuration(first.idle)}`,
      text,
      found.slice(0, 10).map((e) => `${who(e.s)} idle in transaction for ${formatDuration(e.idle)}${blockers.has(e.s.pid) ? ', others wait for its locks' : ''}: ${excerpt(e.s)}`),
      { kind: 'session', pid: first.s.pid },
    ),
  ];
}

/** Client queries running longer than the threshold. */
export function checkLongQueries(input: HealthInput): Finding[] {
  const t = input.thresholds;
  const text: FindingText = {
    why: 'a long query holds locks and a snapshot for its whole run, and often means a missing index or a runaway report',
    action: 'look at its plan (detail, then the plan key); cancel it (c) if it should not run',
    threshold: pairText('seconds', t.longQueryWarning, t.longQueryCritical),
  };
  const rows = rowsOr('sessions.long_query', input.activity, text);
  if ('missing' in rows) return [rows.missing];
  const snapshot = rows.value;
  const found = snapshot.sessions
    .filter((s) => s.state === 'active' && (s.backendType === 'client backend' || s.backendType === null) && (s.queryAgeSeconds ?? 0) >= t.longQueryWarning)
    .sort((a, b) => (b.queryAgeSeconds ?? 0) - (a.queryAgeSeconds ?? 0));
  const note = hiddenNote(snapshot);
  if (found.length === 0) {
    if (note) return [finding('sessions.long_query', 'unknown', 'cannot see every session', text, [note])];
    return [finding('sessions.long_query', 'ok', 'no query running too long', text)];
  }
  const first = found[0]!;
  return [
    finding(
      'sessions.long_query',
      severityOf(first.queryAgeSeconds ?? 0, t.longQueryWarning, t.longQueryCritical),
      `${found.length} quer${found.length === 1 ? 'y' : 'ies'} running long, longest ${formatDuration(first.queryAgeSeconds)}`,
      text,
      found.slice(0, 10).map((s) => `${who(s)} running for ${formatDuration(s.queryAgeSeconds)}: ${excerpt(s)}`),
      { kind: 'session', pid: first.pid },
    ),
  ];
}
