import type pg from 'pg';
import type { MonitorSql } from './sql.js';

/** The tick's statements, prepared once per connection under these names. */
const PREPARED_NAMES = { server: 'pgtop_server', activity: 'pgtop_activity', waitingLocks: 'pgtop_waiting_locks' } as const;
type TickStatement = keyof typeof PREPARED_NAMES;
const TICK_STATEMENTS: TickStatement[] = ['server', 'activity', 'waitingLocks'];

/**
 * Prepares the tick's statements on the connection, so that the server plans them once rather than every
 * tick (planning costs as much as running them). Returns false when the connection does not keep them
 * (a pooler in front of the server), and the tick then sends the statements' text.
 */
export async function prepareTickStatements(client: pg.Client, sql: MonitorSql): Promise<boolean> {
  try {
    await client.query(TICK_STATEMENTS.map((name) => `PREPARE ${PREPARED_NAMES[name]} AS ${sql[name]}`).join(';\n'));
    return true;
  } catch {
    return false;
  }
}

/** The tick's statements as sent: EXECUTEs of the prepared ones, or their text. */
export function tickStatements(sql: MonitorSql, prepared: boolean): string[] {
  return TICK_STATEMENTS.map((name) => (prepared ? `EXECUTE ${PREPARED_NAMES[name]}` : sql[name]));
}

/** The server lost the prepared statements (a pooler switched server connections): text from now on. */
export function lostPreparedStatement(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '26000';
}
