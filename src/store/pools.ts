import type { PgBouncerSnapshot } from '../sources/pgbouncer.js';
import { poolOfBackend, clientOfBackend } from '../sources/pgbouncer-model.js';
import type { SocketRecord } from '../sources/pgbouncer-records.js';
import { poolFields, type PoolRow } from './pool-fields.js';
import { sortRows } from './filter.js';
import { RingBuffer } from './history.js';
import type { BouncerState, PoolHistory } from './state.js';

/** About two minutes of history at the default interval. */
export const HISTORY_POINTS = 60;

export const poolKey = (pool: { database: string; user: string }): string => `${pool.database}/${pool.user}`;

/** Appends this tick's waiting clients and longest wait to each pool's history; pools that vanished are dropped. */
export function extendHistory(history: Record<string, PoolHistory>, snapshot: PgBouncerSnapshot): Record<string, PoolHistory> {
  const next: Record<string, PoolHistory> = {};
  for (const pool of snapshot.pools) {
    const key = poolKey(pool);
    const previous = history[key] ?? { waiting: new RingBuffer(HISTORY_POINTS), longestWait: new RingBuffer(HISTORY_POINTS) };
    next[key] = { waiting: previous.waiting.with(pool.clWaiting), longestWait: previous.longestWait.with(pool.longestWaitSeconds) };
  }
  return next;
}

/** The Pools view's rows, sorted. */
export function poolRows(bouncer: BouncerState): PoolRow[] {
  const snapshot = bouncer.snapshot;
  if (!snapshot) return [];
  const rows = snapshot.pools.map((pool): PoolRow => {
    const key = poolKey(pool);
    const database = snapshot.databases.find((d) => d.name === pool.database);
    const history = bouncer.history[key];
    return {
      ...pool,
      key,
      paused: database?.paused ?? false,
      disabled: database?.disabled ?? false,
      waitingHistory: history?.waiting.toArray() ?? [],
      waitHistory: history?.longestWait.toArray() ?? [],
    };
  });
  const column = poolFields.find((c) => c.id === bouncer.sortColumn) ?? poolFields[0];
  if (!column) return rows;
  const indexed = new Map(rows.map((r, i) => [r, i]));
  return sortRows(rows, column.sortValue, bouncer.sortDescending, (r) => indexed.get(r) ?? 0);
}

/** pg_stat_activity pid → the pool (`database/user`) it serves, from SHOW SERVERS.remote_pid. */
export function poolLookup(snapshot: PgBouncerSnapshot | undefined): (pid: number) => string | null {
  if (!snapshot) return () => null;
  const map = poolOfBackend(snapshot.servers);
  return (pid) => {
    const pool = map.get(pid);
    return pool ? poolKey(pool) : null;
  };
}

/** The PgBouncer client a backend is serving now (for the detail view and KILL_CLIENT). */
export function clientBehind(snapshot: PgBouncerSnapshot | undefined, pid: number): SocketRecord | null {
  if (!snapshot) return null;
  return clientOfBackend(pid, snapshot.servers, snapshot.clients);
}
