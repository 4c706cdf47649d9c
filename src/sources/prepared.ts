import type { MonitorSql } from './sql.js';

/** The tick's statements, prepared once per connection under these names. */
const PREPARED_NAMES = { server: 'pgtop_server', activity: 'pgtop_activity', waitingLocks: 'pgtop_waiting_locks' } as const;
type TickStatement = keyof typeof PREPARED_NAMES;
const TICK_STATEMENTS: TickStatement[] = ['server', 'activity', 'waitingLocks'];

/**
 * How the tick sends its statements: `prepare` (the first tick of a connection) prepares them and runs their
 * text in the same message, `execute` runs the prepared ones (the server planned them once: planning cost as
 * much as running them), `text` sends their text (a pooler in front of the server lost them).
 */
export type TickMode = 'prepare' | 'execute' | 'text';

/** The statements of a tick in `mode`, and how many leading results are not the tick's. */
export function tickStatements(sql: MonitorSql, mode: TickMode): { statements: string[]; skip: number } {
  const prepares = mode === 'prepare' ? TICK_STATEMENTS.map((name) => `PREPARE ${PREPARED_NAMES[name]} AS ${sql[name]}`) : [];
  const tick = TICK_STATEMENTS.map((name) => (mode === 'execute' ? `EXECUTE ${PREPARED_NAMES[name]}` : sql[name]));
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
