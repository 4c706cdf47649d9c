import type { MonitorSql } from './sql.js';

/** The tick's statements, prepared once per connection under these names. */
const PREPARED_NAMES = { server: 'pgtop_server', activity: 'pgtop_activity', waitingLocks: 'pgtop_waiting_locks' } as const;

/**
 * How the tick sends its statements: `prepare` (the first tick of a connection) prepares them and runs their
 * text in the same message, `execute` runs the prepared ones (the server planned them once: planning cost as
 * much as running them), `text` sends their text (a pooler in front of the server lost them).
 */
export type TickMode = 'prepare' | 'execute' | 'text';

/**
 * The statements of a tick in `mode`, and how many leading results are not the tick's. `textsSince` (epoch
 * seconds): idle sessions whose state has not changed since then come without their query text. Without
 * `locks` the lock waits statement is left out (all three are prepared all the same).
 */
export function tickStatements(sql: MonitorSql, mode: TickMode, textsSince = 0, locks = true): { statements: string[]; skip: number } {
  if (!Number.isFinite(textsSince)) throw new Error(`invalid time ${textsSince}`);
  const since = `to_timestamp(${textsSince}::float8)`;
  const prepares =
    mode === 'prepare'
      ? [
          `PREPARE ${PREPARED_NAMES.server} AS ${sql.server}`,
          `PREPARE ${PREPARED_NAMES.activity}(timestamptz) AS ${sql.activity('$1')}`,
          `PREPARE ${PREPARED_NAMES.waitingLocks} AS ${sql.waitingLocks}`,
        ]
      : [];
  const execute = mode === 'execute';
  const tick = [
    execute ? `EXECUTE ${PREPARED_NAMES.server}` : sql.server,
    execute ? `EXECUTE ${PREPARED_NAMES.activity}(${since})` : sql.activity(since),
    ...(locks ? [execute ? `EXECUTE ${PREPARED_NAMES.waitingLocks}` : sql.waitingLocks] : []),
  ];
  return { statements: [...prepares, ...tick], skip: prepares.length };
}

/**
 * Trouble with the prepared statements: `missing` (the server lost them: a pooler switched server
 * connections), `duplicate` (they exist already), or none.
 */
export function preparedStatementTrouble(error: unknown): 'missing' | 'duplicate' | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '26000' ? 'missing' : code === '42P05' ? 'duplicate' : undefined;
}
