/**
 * The monitoring SQL, chosen once per connection from server_version_num (PostgreSQL 14 to 18).
 * Each tick sends every statement in one simple-protocol message: one round trip.
 */
export interface MonitorSql {
  server: string;
  /**
   * The sessions; `since` is an SQL expression for a timestamptz. Every statement a session runs, SET
   * application_name included, sets state_change when it starts and when it ends, so a session whose
   * state_change is older than `since` runs (or last ran) what it did then. Each row is a pid and the
   * session's ACTIVITY_FIELDS as one text array: a session that did not change comes with a query_length of
   * UNCHANGED and its HELD_COLUMNS NULL (the caller has them); one that also is idle, waiting for its
   * client's next command (most sessions), comes with no array at all (RESTING).
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

/** The query_length given to a session that came without its fields: idle, waiting for its client, not changed since. */
export const RESTING = -2;
/** The query_length of a session that did not change state since the last tick. */
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

/** The fields of a session that is not resting, in the order of the activity statement's array. */
export const ACTIVITY_FIELDS = ['query_length', 'state', 'wait_event_type', 'wait_event', ...RUNNING_COLUMNS, 'blocked_by', ...HELD_COLUMNS] as const;
type ActivityField = (typeof ACTIVITY_FIELDS)[number];

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

/**
 * The sessions statement (see MonitorSql.activity). Its cost is mostly per row, beyond what building
 * pg_stat_activity costs: a resting session (most of them) is its pid and one NULL, and a session that did
 * not change has its held fields NULL, each decided by one comparison.
 */
function activityStatement(since: string, queryText: string, queryLength: string, queryId: string): string {
  // The names are looked up only for the rows that carry them: pg_stat_activity joins both catalogs for every row.
  const held: Record<HeldColumn, string> = {
    datname: '(SELECT d.datname FROM pg_database d WHERE d.oid = a.datid)',
    usename: '(SELECT r.rolname FROM pg_roles r WHERE r.oid = a.usesysid)',
    application_name: 'a.application_name',
    client_addr: 'host(a.client_addr)',
    client_port: 'a.client_port::text',
    backend_type: 'a.backend_type',
    backend_start_us: `${micros('a.backend_start')}::text`,
    query_start_us: `${micros('a.query_start')}::text`,
    state_change_us: `${micros('a.state_change')}::text`,
    query: queryText,
    leader_pid: 'a.leader_pid::text',
  };
  const running: Record<RunningColumn, string> = { xact_start_us: `${micros('a.xact_start')}::text`, query_id: queryId };
  const unchanged = `a.state_change < ${since}`;
  // wait_event_type is hidden from a role without pg_read_all_stats; pg_locks is not (and only read for it).
  const blockedBy = `CASE WHEN a.wait_event_type = 'Lock' OR (NOT (SELECT ${SEES_ALL}) AND a.pid IN (SELECT l.pid FROM pg_locks l WHERE NOT l.granted))
        THEN CASE WHEN set_config('${LOCK_WAITS_SEEN}', 'on', true) = 'on' THEN pg_blocking_pids(a.pid)::text END END`;
  const fields: Record<ActivityField, string> = {
    query_length: `CASE WHEN ${unchanged} THEN '${UNCHANGED}' ELSE (${queryLength})::text END`,
    state: 'a.state',
    wait_event_type: 'a.wait_event_type',
    wait_event: 'a.wait_event',
    ...running,
    blocked_by: blockedBy,
    ...(Object.fromEntries(Object.entries(held).map(([name, expression]) => [name, `CASE WHEN ${unchanged} THEN NULL ELSE ${expression} END`])) as Record<HeldColumn, string>),
  };
  const resting = [unchanged, ...Object.entries(RESTING_COLUMNS).map(([name, value]) => `a.${name} = '${value}'`)].join(' AND ');
  return `SELECT a.pid,
   CASE WHEN ${resting} THEN NULL ELSE ARRAY[
     ${ACTIVITY_FIELDS.map((name) => fields[name]).join(',\n     ')}] END AS fields
  FROM pg_stat_get_activity(NULL) a WHERE a.pid <> pg_backend_pid()`;
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
