import type { RawRow } from './parse.js';
import { ACTIVITY_FIELDS, RESTING } from './sql.js';

/** Fields that come as text in the array and are numbers in a row. */
const NUMERIC_FIELDS = new Set<string>(['query_length']);

/**
 * The activity statement's rows (a pid and the session's fields as one text array, see MonitorSql.activity)
 * as rows of named columns: a resting session, which comes without its array, with a query_length of RESTING.
 */
export function activityRows(rows: readonly RawRow[]): RawRow[] {
  return rows.map((row) => {
    const fields = row.fields;
    if (!Array.isArray(fields)) return { pid: row.pid, query_length: RESTING };
    const named: RawRow = { pid: row.pid };
    for (let i = 0; i < ACTIVITY_FIELDS.length; i++) {
      const name = ACTIVITY_FIELDS[i] as string;
      const value: unknown = fields[i] ?? null;
      named[name] = name === 'blocked_by' ? pidList(value) : NUMERIC_FIELDS.has(name) && value !== null ? Number(value) : value;
    }
    return named;
  });
}

/** An int[] as text inside the array (`{12,34}`) as numbers; null stays null. */
function pidList(value: unknown): number[] | null {
  if (typeof value !== 'string') return null;
  const inner = value.slice(1, -1);
  return inner === '' ? [] : inner.split(',').map(Number);
}
