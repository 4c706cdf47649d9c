import type { ClockJob } from './clock.js';
import { ticksFor } from './clock.js';
import type { HealthSource } from '../health/source.js';
import type { PgBouncerTick } from '../sources/pgbouncer.js';
import type { AppState } from '../store/state.js';
import type { Store } from '../store/store.js';

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

/** The health checks, after the tick's sessions (they count the connections in them). */
export function healthFeed(source: HealthSource, store: Store, now: () => number): ClockJob {
  const state = store.getState;
  return {
    every: () => ticksFor(healthIntervalMs(state().intervalSeconds), state().intervalSeconds),
    afterLead: true,
    run: async (deliver) => {
      const current = state();
      // The first checks wait for the first activity data: without it they could only say UNKNOWN.
      if (!current.pg.snapshot) return 'later';
      try {
        const result = await source.tick({ activity: current.pg.snapshot, pgbouncer: bouncerTick(current) });
        if (result) deliver(() => store.dispatch({ type: 'health-data', findings: result.findings, at: now() }));
        return undefined;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        deliver(() => store.dispatch({ type: 'health-error', message, at: now() }));
        return { retryInMs: healthIntervalMs(state().intervalSeconds) };
      }
    },
  };
}
