/**
 * The monitoring SQL, chosen once per connection from server_version_num (PostgreSQL 14 to 18).
 * Each tick sends every statement in one simple-protocol message: one round trip.
 */
export interface MonitorSql {
  server: string;
  /**
   * The sessions; `since` is an SQL expression for epoch seconds. Every statement a session runs, SET
   * application_name included, sets state_change when it starts and when it ends, so a session whose
   * state_change is older than `since` runs (or last ran) what it did then. Such a session comes with a
   * query_length of UNCHANGED and its HELD_COLUMNS NULL (the caller has them); when it is idle, with
   * UNCHANGED_IDLE and all its UNCHANGED_IDLE_COLUMNS NULL; when it also waits for its client's next command
   * (most idle sessions), with RESTING instead and its state and wait event NULL as well.
   */
  activity(since: string): string;
  /**
   * The lock waits. Run after `activity` in the same transaction (one message): it reads pg_locks only when
   * `activity` found a session waiting on a lock (see LOCK_WAITS_SEEN).
   */
  waitingLocks: string;
  /** Extra statements for the detail view of one pid (an integer, inlined after validation). */
  detail(pid: number): string[];
}

const PG14 = 140000;

/** The query_length of an idle session that did not change since the last tick. */
export const UNCHANGED_IDLE = -1;
/** The query_length of such a session that waits for its client's next command, as an idle session does. */
export const RESTING = -2;
/** The query_length of a session that is not idle and did not change state since the last tick. */
export const UNCHANGED = -3;
/** A resting session's state and wait event, which it comes without. */
export const RESTING_COLUMNS = { state: 'idle', wait_event_type: 'Client', wait_event: 'ClientRead' } as const;

/** The columns a session whose state did not change since the last tick comes without. */
export const HELD_COLUMNS = [
  'datname',
  'usename',
  'application_name',
  'client_addr',
  'client_port',
  'backend_type',
  'backend_start_us',
  'query_start_us',
  'state_change_us',
  'query',
  'leader_pid',
] as const;
type HeldColumn = (typeof HELD_COLUMNS)[number];

/**
 * What a running session may change without a state change, fixed once it is idle: a procedure's COMMIT
 * starts a new transaction, and a statement reports its query_id only once its tables are locked.
 */
const RUNNING_COLUMNS = ['xact_start_us', 'query_id'] as const;
type RunningColumn = (typeof RUNNING_COLUMNS)[number];

/** The columns an idle session that did not change since the last tick comes without. */
export const UNCHANGED_IDLE_COLUMNS = [...HELD_COLUMNS, ...RUNNING_COLUMNS] as const;

/**
 * A transaction-local setting the sessions statement sets when it computes a session's blockers: the lock
 * waits statement after it, in the same transaction, reads pg_locks only then. Ticks without lock waits,
 * most of them, leave pg_locks (a copy of the whole lock table) unread.
 */
const LOCK_WAITS_SEEN = 'pgtop.lock_waits_seen';

/** Whether the monitoring role sees every session's details (wait events, queries). */
const SEES_ALL = `(pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
         OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user))`;

export interface MonitorSqlOptions {
  /**
   * The most characters of each session's query the activity statement fetches (the rest is left on the
   * server; the detail fetches one session's whole text), or null for whole texts.
   */
  queryChars?: number | null;
  /**
   * The server's encoding is UTF8: a query text that comes whole comes with a NULL query_length, the number
   * of its characters being the number of code points the client receives (see textLength). Counting them
   * on the server walks each text byte by byte on every tick.
   */
  utf8?: boolean;
}

export function monitorSql(versionNum: number, options: MonitorSqlOptions = {}): MonitorSql {
  const chars = options.queryChars ?? null;
  if (chars !== null && (!Number.isInteger(chars) || chars <= 0)) throw new Error(`invalid query length ${chars}`);
  // A text of at most `chars` bytes has at most `chars` characters: octet_length reads its size, left() walks it.
  const fits = chars === null ? 'true' : `octet_length(a.query) <= ${chars}`;
  const queryText = chars === null ? 'a.query' : `CASE WHEN ${fits} THEN a.query ELSE left(a.query, ${chars}) END`;
  const queryLength = !options.utf8 ? 'length(a.query)' : chars === null ? 'NULL::int' : `CASE WHEN NOT ${fits} THEN length(a.query) END`;
  const queryId = versionNum >= PG14 ? 'a.query_id::text' : 'NULL::text';
  const waitStart = versionNum >= PG14 ? 'l.waitstart' : 'NULL::timestamptz';
  return {
    server: `SELECT current_setting('server_version') AS version,
       current_setting('server_version_num')::int AS version_num,
       pg_is_in_recovery() AS in_recovery,
       pg_postmaster_start_time() AS started_at,
       EXTRACT(EPOCH FROM now() - pg_postmaster_start_time())::float8 AS uptime,
       current_setting('max_connections')::int AS max_connections,
       d.xacts::text AS xacts, d.hit::text AS hit, d.read::text AS read,
       now() AS now, ${micros('now()')} AS now_us, current_user AS current_user,
       ${SEES_ALL} AS sees_all
  FROM (SELECT sum(xact_commit + xact_rollback) AS xacts, sum(blks_hit) AS hit, sum(blks_read) AS read
          FROM pg_stat_database) d`,
    activity: (since: string) => activityStatement(since, queryText, queryLength, queryId),
    waitingLocks: `SELECT l.pid, l.locktype, l.mode,
       ${relationName('l')} AS relation,
       ${lockObject('l')} AS object,
       ${waitStart} AS wait_start,
       EXTRACT(EPOCH FROM now() - ${waitStart})::float8 AS wait_seconds
  FROM pg_locks l
 WHERE NOT l.granted AND current_setting('${LOCK_WAITS_SEEN}', true) = 'on'`,
    detail: (pid: number) => {
      if (!Number.isInteger(pid) || pid <= 0) throw new Error(`invalid pid ${pid}`);
      const progressViews = ['vacuum', 'analyze', 'create_index', 'cluster', 'basebackup', ...(versionNum >= PG14 ? ['copy'] : [])];
      return [
        `SELECT l.locktype, l.mode, l.granted, ${relationName('l')} AS relation, ${lockObject('l')} AS object
  FROM pg_locks l WHERE l.pid = ${pid} ORDER BY l.granted, l.locktype`,
        progressViews.map((view) => `SELECT '${view}' AS kind, row_to_json(p)::text AS fields FROM pg_stat_progress_${view} p WHERE p.pid = ${pid}`).join('\nUNION ALL\n'),
        `SELECT a.query FROM pg_stat_activity a WHERE a.pid = ${pid}`,
      ];
    },
  };
}

/** The sessions statement (see MonitorSql.activity). */
function activityStatement(since: string, queryText: string, queryLength: string, queryId: string): string {
  // The names are looked up only for the rows that carry them: pg_stat_activity joins both catalogs for every row.
  const held: Record<HeldColumn, string> = {
    datname: '(SELECT d.datname FROM pg_database d WHERE d.oid = a.datid)',
    usename: '(SELECT r.rolname FROM pg_roles r WHERE r.oid = a.usesysid)',
    application_name: 'a.application_name',
    client_addr: 'host(a.client_addr)',
    client_port: 'a.client_port',
    backend_type: 'a.backend_type',
    backend_start_us: micros('a.backend_start'),
    query_start_us: micros('a.query_start'),
    state_change_us: micros('a.state_change'),
    query: queryText,
    leader_pid: 'a.leader_pid',
  };
  const running: Record<RunningColumn, string> = { xact_start_us: micros('a.xact_start'), query_id: queryId };
  const columns = [
    ...Object.keys(RESTING_COLUMNS).map((name) => `CASE WHEN NOT a.resting THEN a.${name} END AS ${name}`),
    ...Object.entries(held).map(([name, expression]) => `CASE WHEN a.changed THEN ${expression} END AS ${name}`),
    ...Object.entries(running).map(([name, expression]) => `CASE WHEN NOT a.kept_idle THEN ${expression} END AS ${name}`),
  ];
  const changed = `(a.state_change >= to_timestamp(${since})) IS NOT FALSE`;
  const keptIdle = `(NOT (${changed}) AND a.state = 'idle') IS TRUE`;
  const resting = Object.entries(RESTING_COLUMNS).map(([name, value]) => `a.${name} = '${value}'`).join(' AND ');
  return `SELECT a.pid,
   ${columns.join(',\n   ')},
   CASE WHEN a.changed THEN ${queryLength} WHEN a.resting THEN ${RESTING} WHEN a.kept_idle THEN ${UNCHANGED_IDLE} ELSE ${UNCHANGED} END AS query_length,
   -- wait_event_type is hidden from a role without pg_read_all_stats; pg_locks is not (and only read for it).
   CASE WHEN a.wait_event_type = 'Lock' OR (NOT (SELECT ${SEES_ALL}) AND a.pid IN (SELECT l.pid FROM pg_locks l WHERE NOT l.granted))
        THEN CASE WHEN set_config('${LOCK_WAITS_SEEN}', 'on', true) = 'on' THEN pg_blocking_pids(a.pid) END END AS blocked_by
  -- OFFSET 0 keeps the subquery: whether a row changed is worked out once, not once for each column.
  FROM (SELECT a.*, ${changed} AS changed, ${keptIdle} AS kept_idle, (${keptIdle} AND ${resting}) IS TRUE AS resting
          FROM pg_stat_get_activity(NULL) a WHERE a.pid <> pg_backend_pid() OFFSET 0) a`;
}

/**
 * A timestamp as integer microseconds since 1970: cheaper to compute and send than the timestamp or its numeric
 * EXTRACT, and exact until 2038 (the float8 epoch and its product stay within half a microsecond of it).
 */
function micros(expression: string): string {
  return `(date_part('epoch', ${expression}) * 1000000)::int8`;
}

function relationName(alias: string): string {
  return `CASE WHEN ${alias}.relation IS NULL THEN NULL
            WHEN ${alias}.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              THEN ${alias}.relation::regclass::text
            ELSE 'oid ' || ${alias}.relation::text END`;
}

function lockObject(alias: string): string {
  return `CASE ${alias}.locktype
            WHEN 'advisory' THEN ${alias}.classid::text || ',' || ${alias}.objid::text
            WHEN 'transactionid' THEN 'xid ' || ${alias}.transactionid::text
            WHEN 'virtualxid' THEN 'vxid ' || ${alias}.virtualxid
            WHEN 'tuple' THEN 'page ' || ${alias}.page::text || ' tuple ' || ${alias}.tuple::text
            ELSE NULL END`;
}
