import type { ConnectionSettings } from '../config/types.js';
import { closeQuietly, connect } from '../db/connect.js';
import { describeTarget } from '../config/resolve.js';
import { errorMessage } from '../errors.js';
import type { SessionTarget, SignalKind } from '../store/state.js';
import { audit, type AuditEntry } from '../audit/log.js';

export interface SignalOutcome {
  pid: number;
  result: 'ok' | 'ended' | 'refused' | 'failed';
  message: string;
}

const VERB: Record<SignalKind, { done: string; fn: string; noun: string }> = {
  cancel: { done: 'cancelled the query of', fn: 'pg_cancel_backend', noun: 'cancel' },
  terminate: { done: 'terminated', fn: 'pg_terminate_backend', noun: 'terminate' },
};

/**
 * Explains a refusal: who may signal whom, and which role would do. PostgreSQL 16 and later say that the
 * target is a superuser's session in the error's DETAIL, earlier versions in its message.
 */
export function refusalMessage(kind: SignalKind, pid: number, serverMessage: string, role: string, serverDetail?: string): string {
  const verb = VERB[kind].noun;
  const said = serverDetail ? `${serverMessage} (${serverDetail.replace(/\.$/, '')})` : serverMessage;
  if (/superuser/i.test(`${serverMessage} ${serverDetail ?? ''}`)) {
    return `cannot ${verb} ${pid}: ${said}. Only a superuser may ${verb} a superuser's session.`;
  }
  return (
    `cannot ${verb} ${pid}: ${said}. Role "${role}" needs pg_signal_backend ` +
    `(GRANT pg_signal_backend TO "${role}") or membership in the session's role.`
  );
}

/**
 * Cancels or terminates each target, re-checking its identity first: the pid must still belong to the
 * session confirmed (same backend_start), so a newcomer that reused the pid is never hit; a cancel also
 * needs the same statement (same query_start, still active), so the next query of that connection is
 * never hit.
 * Runs on its own connection, never the monitoring one. Every outcome is audited.
 */
export async function signalSessions(
  settings: ConnectionSettings,
  targets: readonly SessionTarget[],
  kind: SignalKind,
  writeAudit: (entry: AuditEntry) => string | undefined = audit,
): Promise<SignalOutcome[]> {
  const where = describeTarget(settings);
  const outcomes: SignalOutcome[] = [];
  const record = (target: SessionTarget, outcome: SignalOutcome): void => {
    outcomes.push(outcome);
    const auditError = writeAudit({
      action: kind,
      target: where,
      role: settings.user,
      pid: target.pid,
      query: target.queryExcerpt,
      result: outcome.result,
      message: outcome.message,
    });
    if (auditError) outcome.message += ` (${auditError})`;
  };
  let client;
  try {
    client = await connect(settings, { applicationName: 'pgtop', statementTimeoutMs: 5000 });
  } catch (error) {
    for (const target of targets) record(target, { pid: target.pid, result: 'failed', message: `cannot ${VERB[kind].noun} ${target.pid}: ${errorMessage(error)}` });
    return outcomes;
  }
  try {
    for (const target of targets) {
      if (target.backendStartUs === null) {
        record(target, {
          pid: target.pid,
          result: 'refused',
          message: `cannot ${VERB[kind].noun} ${target.pid}: its identity (backend_start) is hidden from role "${settings.user}", so pgtop cannot make sure it is still the session you chose. Grant pg_read_all_stats to "${settings.user}".`,
        });
        continue;
      }
      try {
        const params = kind === 'cancel' ? [target.pid, target.backendStartUs, target.queryStartUs] : [target.pid, target.backendStartUs];
        const result = await client.query<{ signalled: boolean | null; same_query: boolean }>(signalSql(kind), params);
        const row = result.rows[0];
        if (!row) {
          record(target, { pid: target.pid, result: 'ended', message: `session ${target.pid} ended or changed before the ${VERB[kind].noun}: nothing was signalled` });
        } else if (!row.same_query) {
          record(target, { pid: target.pid, result: 'ended', message: `the query of ${target.pid} finished before the cancel: nothing was signalled` });
        } else if (!row.signalled) {
          record(target, { pid: target.pid, result: 'failed', message: `${VERB[kind].fn}(${target.pid}) returned false: the process is gone or is not a backend` });
        } else {
          record(target, { pid: target.pid, result: 'ok', message: `${VERB[kind].done} ${target.pid}` });
        }
      } catch (error) {
        const { code, detail } = error as { code?: string; detail?: string };
        const message = errorMessage(error);
        if (code === '42501') record(target, { pid: target.pid, result: 'refused', message: refusalMessage(kind, target.pid, message, settings.user, detail) });
        else record(target, { pid: target.pid, result: 'failed', message: `cannot ${VERB[kind].noun} ${target.pid}: ${message}` });
      }
    }
  } finally {
    await closeQuietly(client);
  }
  return outcomes;
}

/**
 * One statement that finds the session (pid + backend_start) and signals it only if it still runs the
 * statement confirmed (query_start, for a cancel): the check and the signal cannot be told apart by a
 * statement that starts in between two round trips. `same_query` tells a finished query from an ended session.
 */
function signalSql(kind: SignalKind): string {
  const sameQuery =
    kind === 'cancel'
      ? `(a.state = 'active' AND floor(EXTRACT(EPOCH FROM a.query_start) * 1000000)::bigint::text IS NOT DISTINCT FROM $3::text)`
      : 'true';
  return `SELECT CASE WHEN ${sameQuery} THEN ${VERB[kind].fn}(a.pid) END AS signalled, ${sameQuery} AS same_query
  FROM pg_stat_activity a
 WHERE a.pid = $1
   AND floor(EXTRACT(EPOCH FROM a.backend_start) * 1000000)::bigint::text = $2`;
}

/** One line for the footer that sums up several outcomes. */
export function summarizeOutcomes(outcomes: readonly SignalOutcome[]): { text: string; tone: 'ok' | 'error' } {
  const failed = outcomes.filter((o) => o.result !== 'ok');
  if (outcomes.length === 1 || failed.length === 0) {
    const first = failed[0] ?? outcomes[0];
    const text = outcomes.length === 1 ? (first?.message ?? '') : `${outcomes[0]?.message.replace(/\d+$/, '')}${outcomes.map((o) => o.pid).join(', ')}`;
    return { text, tone: failed.length === 0 ? 'ok' : 'error' };
  }
  return { text: `${outcomes.length - failed.length} of ${outcomes.length} done; ${failed.map((o) => o.message).join('; ')}`, tone: 'error' };
}
