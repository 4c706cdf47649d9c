import type { RawRow } from './parse.js';
import { ACTIVITY_FIELDS, RESTING } from './sql.js';

const at = (name: (typeof ACTIVITY_FIELDS)[number]): number => ACTIVITY_FIELDS.indexOf(name);
const [LENGTH, STATE, WAIT_TYPE, WAIT, XACT, QUERY_ID, BLOCKED] = [at('query_length'), at('state'), at('wait_event_type'), at('wait_event'), at('xact_start_us'), at('query_id'), at('blocked_by')];
const [DATABASE, USER, APPLICATION, ADDRESS, PORT, BACKEND_TYPE] = [at('datname'), at('usename'), at('application_name'), at('client_addr'), at('client_port'), at('backend_type')];
const [BACKEND_START, QUERY_START, STATE_CHANGE, QUERY, LEADER] = [at('backend_start_us'), at('query_start_us'), at('state_change_us'), at('query'), at('leader_pid')];

/**
 * The activity statement's rows (a pid and the session's fields as one text array, see MonitorSql.activity)
 * as rows of named columns: a resting session, which comes without its array, with a query_length of RESTING.
 * Each row is made whole at once, in one shape, so that putting back what was left out changes no shape.
 */
export function activityRows(rows: readonly RawRow[]): RawRow[] {
  return rows.map((row) => {
    const f = row.fields;
    if (!Array.isArray(f)) return { pid: row.pid, query_length: RESTING };
    const length: unknown = f[LENGTH] ?? null;
    return {
      pid: row.pid,
      query_length: length === null ? null : Number(length),
      state: f[STATE] ?? null,
      wait_event_type: f[WAIT_TYPE] ?? null,
      wait_event: f[WAIT] ?? null,
      xact_start_us: f[XACT] ?? null,
      query_id: f[QUERY_ID] ?? null,
      blocked_by: pidList(f[BLOCKED]),
      datname: f[DATABASE] ?? null,
      usename: f[USER] ?? null,
      application_name: f[APPLICATION] ?? null,
      client_addr: f[ADDRESS] ?? null,
      client_port: f[PORT] ?? null,
      backend_type: f[BACKEND_TYPE] ?? null,
      backend_start_us: f[BACKEND_START] ?? null,
      query_start_us: f[QUERY_START] ?? null,
      state_change_us: f[STATE_CHANGE] ?? null,
      query: f[QUERY] ?? null,
      leader_pid: f[LEADER] ?? null,
    };
  });
}

/** An int[] as text inside the array (`{12,34}`) as numbers; null stays null. */
function pidList(value: unknown): number[] | null {
  if (typeof value !== 'string') return null;
  const inner = value.slice(1, -1);
  return inner === '' ? [] : inner.split(',').map(Number);
}
