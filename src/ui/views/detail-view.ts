import type { Session, SessionDetail } from '../../sources/types.js';
import type { AppState } from '../../store/state.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { fit, wrap } from '../../text/width.js';
import { stateLabel, waitLabel } from '../../store/session-fields.js';
import { HIDDEN_QUERY_TEXT } from '../columns/session-columns.js';
import { theme } from '../theme.js';
import { padLines } from './sessions-view.js';

const s = (v: string | null | undefined): string => sanitizeOneLine(v ?? '');

function describePeer(peer: Session | undefined, pid: number): string {
  if (!peer) return `${pid} (not visible)`;
  return `${pid} ${s(peer.user)}@${s(peer.database)} ${stateLabel(peer)} ${formatDuration(peer.xactAgeSeconds)} ${s(peer.query).slice(0, 60)}`;
}

/** Extra lines a source adds to the detail (the PgBouncer client behind the session). */
export type DetailExtra = (session: Session) => string[];

/** The detail of one session: everything about it, the whole query wrapped, its locks and progress. */
export function detailBody(state: AppState, height: number, extra?: DetailExtra): string[] {
  const width = state.terminal.columns;
  const pid = state.detailPid;
  const sessions = state.pg.snapshot?.sessions ?? [];
  const session = sessions.find((x) => x.pid === pid);
  const lines: string[] = [];
  const line = (text: string, style?: (t: string) => string): void => {
    const fitted = fit(text, width);
    lines.push(style ? style(fitted) : fitted);
  };
  if (!session || pid === undefined) {
    line(` Session ${pid ?? ''} has ended.  Esc goes back.`, theme.warn);
    return padLines(lines, height, width);
  }
  line(` Session ${pid}   Esc/Enter back   c cancel   K terminate`, theme.heading);
  line(` user ${s(session.user)}  database ${s(session.database)}  application ${s(session.application)}  client ${s(session.client)}  type ${s(session.backendType)}`);
  line(
    ` state ${stateLabel(session) || '-'}  wait ${waitLabel(session) || '-'}  xact ${formatDuration(session.xactAgeSeconds) || '-'}  query ${formatDuration(session.queryAgeSeconds) || '-'}  started ${s(session.backendStart)}`,
  );
  if (session.leaderPid && session.leaderPid !== pid) line(` parallel worker of ${session.leaderPid}`);
  const blockers = session.blockedBy;
  const blocked = sessions.filter((x) => x.blockedBy.includes(pid));
  line(` blocked by: ${blockers.length ? '' : 'nobody'}`, blockers.length ? theme.blocked : undefined);
  for (const b of blockers) line(`   ${describePeer(sessions.find((x) => x.pid === b), b)}`, theme.blocked);
  line(` blocking: ${blocked.length ? '' : 'nobody'}`, blocked.length ? theme.blocker : undefined);
  for (const b of blocked) line(`   ${describePeer(b, b.pid)}`, theme.blocker);
  for (const text of extra?.(session) ?? []) line(` ${text}`);
  const detail: SessionDetail | null = state.pg.snapshot?.detail?.pid === pid ? (state.pg.snapshot?.detail ?? null) : null;
  line(' locks:', theme.heading);
  if (!detail) line('   (loading…)', theme.dim);
  else if (detail.locks.length === 0) line('   none');
  else
    for (const lock of detail.locks) {
      line(`   ${lock.granted ? 'held   ' : 'WAITING'} ${fit(lock.lockType, 13)} ${fit(lock.mode, 24)} ${s([lock.relation, lock.object].filter(Boolean).join(' '))}`, lock.granted ? undefined : theme.blocked);
    }
  if (detail && detail.progress.length > 0) {
    line(' progress:', theme.heading);
    for (const p of detail.progress) {
      line(`   ${p.kind}: ${Object.entries(p.fields).map(([k, v]) => `${k}=${s(v === null ? '' : String(v))}`).join('  ')}`);
    }
  }
  line(' query:', theme.heading);
  const query = session.hidden ? HIDDEN_QUERY_TEXT : (session.query ?? '');
  const queryLines = query.split('\n').flatMap((l) => wrap(s(l.replace(/\t/g, '  ')), width - 3));
  const room = height - lines.length;
  const shown = queryLines.length > room ? [...queryLines.slice(0, Math.max(0, room - 1)), `… ${queryLines.length - room + 1} more lines`] : queryLines;
  for (const q of shown) line(`   ${q}`);
  return padLines(lines, height, width);
}
