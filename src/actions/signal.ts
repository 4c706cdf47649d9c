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

/** Explains a refusal: who may signal whom, and which role would do. */
export function refusalMessage(kind: SignalKind, pid: number, serverMessage: string, role: string): string {
  const verb = VERB[kind].noun;
  if (/superuser/i.test(serverMessage)) {
    return `cannot ${verb} ${pid}: ${serverMessage}. Only a superuser may ${verb} a superuser's session.`;
  }
  return (
    `cannot ${verb} ${pid}: ${serverMessage}. Role "${role}" needs pg_signal_backend ` +
    `(GRANT pg_signal_backend TO "${role}") or membership in the session's role.`
  );
}

/**
 * Cancels or terminates each target, re-checking its identity first: the pid must still belong to the
 * session confirmed (same backend_start), so a newcomer that reused the pid is never hit.
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
        const result = await client.query<{ signalled: boolean }>(
          `SELECT ${VERB[kind].fn}(a.pid) AS signalled
             FROM pg_stat_activity a
            WHERE a.pid = $1
              AND floor(EXTRACT(EPOCH FROM a.backend_start) * 1000000)::bigint::text = $2`,
          [target.pid, target.backendStartUs],
        );
        const row = result.rows[0];
        if (!row) {
          record(target, { pid: target.pid, result: 'ended', message: `session ${target.pid} ended or changed before the ${VERB[kind].noun}: nothing was signalled` });
        } else if (!row.signalled) {
          record(target, { pid: target.pid, result: 'failed', message: `${VERB[kind].fn}(${target.pid}) returned false: the process is gone or is not a backend` });
        } else {
          record(target, { pid: target.pid, result: 'ok', message: `${VERB[kind].done} ${target.pid}` });
        }
      } catch (error) {
        const code = (error as { code?: string }).code;
        const message = errorMessage(error);
        if (code === '42501') record(target, { pid: target.pid, result: 'refused', message: refusalMessage(kind, target.pid, message, settings.user) });
        else record(target, { pid: target.pid, result: 'failed', message: `cannot ${VERB[kind].noun} ${target.pid}: ${message}` });
      }
    }
  } finally {
    await closeQuietly(client);
  }
  return outcomes;
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
