import type { ClockJob } from './clock.js';
import { ticksFor } from './clock.js';
import { readReplication } from '../sources/replication/read.js';
import { replicationSql } from '../sources/replication/sql.js';
import { readVacuum } from '../sources/vacuum/read.js';
import { vacuumSql } from '../sources/vacuum/sql.js';
import type { PgBouncerSource } from '../sources/pgbouncer.js';
import { monitorTimeoutMs, type PostgresSource } from '../sources/postgres.js';
import type { Store } from '../store/store.js';
import type { AppState } from '../store/state.js';

/**
 * The readings that feed the store, each a job on the monitor's one clock (clock.ts): PostgreSQL's data
 * reaches the store with the rest of its tick (see clock.ts), whatever PgBouncer's admin console is doing, and
 * the other way round.
 */
export function postgresFeed(source: PostgresSource, store: Store, now: () => number, options: { always?: boolean } = {}): ClockJob {
  const state = store.getState;
  return {
    every: () => 1,
    run: async (deliver) => {
      source.setStatementTimeout(monitorTimeoutMs(state().intervalSeconds));
      // Only the Locks view shows which lock a session waits for (a recording keeps it always).
      const outcome = await source.tick({ detailPid: state().detailPid, locks: options.always === true || state().view === 'locks' });
      const at = now();
      if (outcome.kind === 'data') deliver(() => store.dispatch({ type: 'pg-data', snapshot: outcome.data, ownPid: source.backendPid, at }));
      if (outcome.kind !== 'error') return undefined;
      deliver(() => store.dispatch({ type: 'pg-error', message: outcome.error.message, retryInMs: outcome.retryInMs, at }));
      return { retryInMs: outcome.retryInMs };
    },
  };
}

export function bouncerFeed(source: PgBouncerSource, store: Store, now: () => number): ClockJob {
  return {
    every: () => 1,
    run: async (deliver) => {
      const tick = await source.tick();
      const at = now();
      if (tick.status === 'ok') deliver(() => store.dispatch({ type: 'bouncer-data', snapshot: tick.snapshot, at }));
      if (tick.status !== 'error') return undefined;
      deliver(() => store.dispatch({ type: 'bouncer-error', message: tick.error.message, retryInMs: tick.error.retryInMs, at }));
      return { retryInMs: tick.error.retryInMs };
    },
  };
}

/** How often replication and vacuum are read when nothing asks for more. */
const QUIET_MS = 5000;

/** Whether replication moves by the second here: standbys, slots, a WAL receiver, or view 7 shown. */
export function replicationWatched(state: AppState): boolean {
  const data = state.replication.snapshot;
  return state.view === 'replication' || !data || data.role === 'standby' || data.standbys.length > 0 || data.slots.length > 0;
}

/**
 * View 7's data on the monitoring connection: every tick while there is something to watch (or `always`,
 * for a recording), else every 5 s.
 */
export function replicationFeed(source: PostgresSource, store: Store, now: () => number, options: { always?: boolean } = {}): ClockJob {
  const state = store.getState;
  return {
    every: () => (options.always === true || replicationWatched(state()) ? 1 : ticksFor(QUIET_MS, state().intervalSeconds)),
    run: async (deliver) => {
      const outcome = await source.read((client, version) => readReplication(client, replicationSql(version)));
      const at = now();
      if (outcome.kind === 'data') deliver(() => store.dispatch({ type: 'replication-data', snapshot: outcome.data, at }));
      if (outcome.kind !== 'error') return undefined;
      deliver(() => store.dispatch({ type: 'replication-error', message: outcome.error.message }));
      return { retryInMs: outcome.retryInMs };
    },
  };
}

/**
 * View 8's data (heavier: table statistics) at most every 5 seconds, with the tick's sessions. While the
 * view is not shown only the horizon and wraparound are read (the header warns of them), unless `always`
 * (a recording keeps every view's data).
 */
export function vacuumFeed(source: PostgresSource, store: Store, now: () => number, options: { always?: boolean } = {}): ClockJob {
  const state = store.getState;
  return {
    every: () => ticksFor(QUIET_MS, state().intervalSeconds),
    run: async (deliver) => {
      // The workers are counted in the last activity tick's sessions rather than read again.
      const sessions = state().pg.snapshot?.sessions;
      const horizonOnly = options.always !== true && state().view !== 'vacuum';
      const outcome = await source.read((client, version) => readVacuum(client, vacuumSql(version), sessions, { horizonOnly }));
      const at = now();
      if (outcome.kind === 'data') deliver(() => store.dispatch({ type: 'vacuum-data', snapshot: outcome.data, at, ...(horizonOnly ? { partial: true } : {}) }));
      if (outcome.kind !== 'error') return undefined;
      deliver(() => store.dispatch({ type: 'vacuum-error', message: outcome.error.message }));
      return { retryInMs: outcome.retryInMs };
    },
  };
}
