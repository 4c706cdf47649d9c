import { Poller } from '../sources/poller.js';
import type { PgBouncerSource } from '../sources/pgbouncer.js';
import { monitorTimeoutMs, type PostgresSource } from '../sources/postgres.js';
import type { Store } from '../store/store.js';

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
