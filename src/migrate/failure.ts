import { describeBlockers, formatTimeout } from './describe.js';
import type { MigrationScript } from './script.js';
import { describeServerError, errorLine, type ServerError } from './server-error.js';
import type { SqlStatement } from './split.js';
import { TRACKING_TABLE } from './tracking.js';
import type { BlockingSession, Direction, MigrationFailure } from './types.js';

export const LOCK_NOT_AVAILABLE = '55P03';
export const DEADLOCK_DETECTED = '40P01';
const QUERY_CANCELED = '57014';

export interface FailureFacts {
  direction: Direction;
  version: number;
  script: MigrationScript;
  /** The statement that failed, when the failure came from one. */
  statement?: SqlStatement;
  error: ServerError;
  attempts: number;
  blockers: BlockingSession[];
  cancelled: boolean;
  /** How many files of the run were still to come. */
  remaining: number;
  /** The index a failed CREATE INDEX CONCURRENTLY was building, when it names one. */
  concurrentIndex?: string;
  /** The statement succeeded but left its index INVALID. */
  indexInvalid?: boolean;
}

function whatHappened(facts: FailureFacts): string {
  const { error, script } = facts;
  if (facts.indexInvalid) {
    return `CREATE INDEX CONCURRENTLY finished, but the index ${facts.concurrentIndex ?? 'it built'} is INVALID (pg_index.indisvalid is false), so it is not used`;
  }
  if (facts.cancelled) return 'cancelled';
  if (error.code === LOCK_NOT_AVAILABLE) {
    const blockers = facts.blockers.length > 0 ? `: blocked by ${describeBlockers(facts.blockers)}` : ' (the blocking session was gone by the time pgtop looked)';
    return `could not get a lock within lock_timeout ${formatTimeout(script.directives.lockTimeoutMs)}, ${facts.attempts} ${facts.attempts === 1 ? 'attempt' : 'attempts'}${blockers}`;
  }
  if (error.code === QUERY_CANCELED && /statement timeout/i.test(error.message)) {
    return `${describeServerError(error)} (statement_timeout ${formatTimeout(script.directives.statementTimeoutMs)})`;
  }
  return describeServerError(error);
}

function whatToDo(facts: FailureFacts): string {
  const { direction, version, script, error } = facts;
  const again = direction === 'up' ? 'pgtop migrate up' : 'pgtop migrate down';
  const later = facts.remaining > 0 ? ` The ${facts.remaining} ${facts.remaining === 1 ? 'file' : 'files'} after it did not run.` : '';
  if (!script.directives.transactional) {
    const index = facts.concurrentIndex;
    const cleanup = index !== undefined ? ` (an INVALID index may be left: DROP INDEX CONCURRENTLY IF EXISTS ${index})` : '';
    return (
      `It ran outside a transaction, so version ${version} is recorded as started (dirty) in ${TRACKING_TABLE}.${later} ` +
      `Check what it left behind and clean up${cleanup}, then run DELETE FROM ${TRACKING_TABLE} WHERE version = ${version}; and ${again} again.`
    );
  }
  const undone = direction === 'up' ? 'nothing of it was applied' : `nothing was reverted by it, and version ${version} stays applied`;
  if (facts.cancelled) return `Its transaction was rolled back: ${undone}.${later}`;
  if (error.code === LOCK_NOT_AVAILABLE) {
    return (
      `Its transaction was rolled back: ${undone}.${later} End the blocking session or let it finish, then run ${again} again; ` +
      `or let the file wait longer with -- pgtop:lock_timeout=… at its top.`
    );
  }
  if (error.code === QUERY_CANCELED && /statement timeout/i.test(error.message)) {
    return `Its transaction was rolled back: ${undone}.${later} Allow more time with -- pgtop:statement_timeout=… at its top, then run ${again} again.`;
  }
  return `Its transaction was rolled back: ${undone}.${later} Fix the file and run ${again} again.`;
}

/** Turns what went wrong while running a file into the report a DBA reads: where, what, the state left, what to do. */
export function describeFailure(facts: FailureFacts): MigrationFailure {
  const { script, statement, error } = facts;
  const line = statement ? errorLine(script.text, statement, error.position) : undefined;
  const where = `${script.fileName}${line !== undefined ? ` line ${line}` : ''}`;
  return {
    direction: facts.direction,
    version: facts.version,
    fileName: script.fileName,
    ...(line !== undefined ? { line } : {}),
    message: `${where}: ${whatHappened(facts)}. ${whatToDo(facts)}`,
    summary: `${line !== undefined ? `line ${line}: ` : ''}${whatHappened(facts)}`,
    serverMessage: error.message,
    ...(error.code ? { code: error.code } : {}),
    blockers: facts.blockers,
  };
}
