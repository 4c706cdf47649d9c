import { Poller } from '../sources/poller.js';
import { readReplication } from '../sources/replication/read.js';
import { replicationSql } from '../sources/replication/sql.js';
import { readVacuum } from '../sources/vacuum/read.js';
import { vacuumSql } from '../sources/vacuum/sql.js';
import type { PgBouncerSource } from '../sources/pgbouncer.js';
import { monitorTimeoutMs, type PostgresSource } from '../sources/postgres.js';
import type { Store } from '../store/store.js';
import type { AppState } from '../store/state.js';
import type { HealthSource } from '../health/source.js';
import type { PgBouncerTick } from '../sources/pgbouncer.js';

/**
 * The pollers that feed the store, one per source, each on its own schedule: PostgreSQL's data is
 * dispatched as soon as it arrives, whatever PgBouncer's admin console is doing, and the other way round.
 */
export function postgresFeed(source: PostgresSource, store: Store, now: () => number): Poller {
  const state = store.getState;
  return new Poller(
    {
      intervalMs: () => state().intervalSeconds * 1000,
      paused: () => state().paused,
      tick: async () => {
        source.setStatementTimeout(monitorTimeoutMs(state().intervalSeconds));
        const outcome = await source.tick({ detailPid: state().detailPid });
        if (outcome.kind === 'data') store.dispatch({ type: 'pg-data', snapshot: outcome.data, ownPid: source.backendPid, at: now() });
        if (outcome.kind !== 'error') return undefined;
        store.dispatch({ type: 'pg-error', message: outcome.error.message, retryInMs: outcome.retryInMs, at: now() });
        return { retryInMs: outcome.retryInMs };
      },
    },
    now,
  );
}

export function bouncerFeed(source: PgBouncerSource, store: Store, now: () => number): Poller {
  const state = store.getState;
  return new Poller(
    {
      intervalMs: () => state().intervalSeconds * 1000,
      paused: () => state().paused,
      tick: async () => {
        const tick = await source.tick();
        if (tick.status === 'ok') store.dispatch({ type: 'bouncer-data', snapshot: tick.snapshot, at: now() });
        if (tick.status !== 'error') return undefined;
        store.dispatch({ type: 'bouncer-error', message: tick.error.message, retryInMs: tick.error.retryInMs, at: now() });
        return { retryInMs: tick.error.retryInMs };
      },
    },
    now,
  );
}

/** The health checks run every fifth tick, and never more often than every 15 s: they read more than the activity tick. */
export function healthIntervalMs(intervalSeconds: number): number {
  return Math.max(15_000, intervalSeconds * 5000);
}

/** What the store knows of PgBouncer, as the health checks read it. */
function bouncerTick(state: AppState): PgBouncerTick | undefined {
  const bouncer = state.bouncer;
  if (!bouncer.configured) return undefined;
  if (bouncer.error) {
    const error = { kind: 'unreachable' as const, message: bouncer.error.message, at: new Date(bouncer.error.since).toISOString(), lastGoodAt: null, retryInMs: bouncer.error.retryInMs };
    return { status: 'error', error };
  }
  return bouncer.snapshot ? { status: 'ok', snapshot: bouncer.snapshot } : undefined;
}

export function healthFeed(source: HealthSource, store: Store, now: () => number): Poller {
  const state = store.getState;
  return new Poller(
    {
      intervalMs: () => healthIntervalMs(state().intervalSeconds),
      paused: () => state().paused,
      tick: async () => {
        const current = state();
        // The first checks wait for the first activity data: without it they could only say UNKNOWN.
        if (!current.pg.snapshot) return { retryInMs: 1000 };
        try {
          const result = await source.tick({ activity: current.pg.snapshot, pgbouncer: bouncerTick(current) });
          if (result) store.dispatch({ type: 'health-data', findings: result.findings, at: now() });
          return undefined;
        } catch (error) {
          store.dispatch({ type: 'health-error', message: error instanceof Error ? error.message : String(error), at: now() });
          return { retryInMs: healthIntervalMs(state().intervalSeconds) };
        }
      },
    },
    now,
  );
}

/** View 7's data on the monitoring connection, every interval. */
export function replicationFeed(source: PostgresSource, store: Store, now: () => number): Poller {
  const state = store.getState;
  return new Poller(
    {
      intervalMs: () => state().intervalSeconds * 1000,
      paused: () => state().paused,
      tick: async () => {
        const outcome = await source.read((client, version) => readReplication(client, replicationSql(version)));
        if (outcome.kind === 'data') store.dispatch({ type: 'replication-data', snapshot: outcome.data, at: now() });
        if (outcome.kind !== 'error') return undefined;
        store.dispatch({ type: 'replication-error', message: outcome.error.message });
        return { retryInMs: outcome.retryInMs };
      },
    },
    now,
  );
}

/** View 8's data (heavier: table statistics) at most every 5 seconds. */
export function vacuumFeed(source: PostgresSource, store: Store, now: () => number): Poller {
  const state = store.getState;
  return new Poller(
    {
      intervalMs: () => Math.max(5000, state().intervalSeconds * 1000),
      paused: () => state().paused,
      tick: async () => {
        // The workers are counted in the last activity tick's sessions rather than read again.
        const sessions = state().pg.snapshot?.sessions;
        const outcome = await source.read((client, version) => readVacuum(client, vacuumSql(version), sessions));
        if (outcome.kind === 'data') store.dispatch({ type: 'vacuum-data', snapshot: outcome.data, at: now() });
        if (outcome.kind !== 'error') return undefined;
        store.dispatch({ type: 'vacuum-error', message: outcome.error.message });
        return { retryInMs: outcome.retryInMs };
      },
    },
    now,
  );
}
