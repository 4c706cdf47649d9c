import { Clock, type ClockJob } from './clock.js';
import { bouncerFeed, postgresFeed, replicationFeed, vacuumFeed } from './feeds.js';
import { healthFeed } from './health-feed.js';
import { recordStatementTexts } from './recorded-texts.js';
import { statementsFeed } from './statements-feed.js';
import type { HealthSource } from '../health/source.js';
import type { PgBouncerSource } from '../sources/pgbouncer.js';
import type { PostgresSource } from '../sources/postgres.js';
import type { StatementsSource } from '../sources/statements/source.js';
import type { AppState } from '../store/state.js';
import type { Store } from '../store/store.js';

export interface MonitorSources {
  source: PostgresSource;
  bouncer?: PgBouncerSource;
  health?: HealthSource;
  statements?: StatementsSource;
  /** A recording's chunk being gathered: every view's data is read, and the busiest statements' texts kept. */
  recordChunk?: () => number;
}

export interface MonitorClock {
  clock: Clock;
  /** The reading a view shows, to read at once when the view is shown. */
  viewJobs: Partial<Record<AppState['view'], ClockJob>>;
  /** Ends the subscriptions (the statements' texts); the clock is stopped by its owner. */
  unsubscribe: () => void;
}

/**
 * Every source of a monitored server on one clock: the sessions lead each tick; replication, vacuum,
 * PgBouncer, the health checks and pg_stat_statements take their turns in the same wake-up. On the screen a
 * hidden view's readings are left out or kept small; a recording keeps every view's data.
 */
export function monitorClock(store: Store, sources: MonitorSources, now: () => number, late?: () => void): MonitorClock {
  const always = sources.recordChunk !== undefined;
  const replication = replicationFeed(sources.source, store, now, { always });
  const vacuum = vacuumFeed(sources.source, store, now, { always });
  const jobs = [replication, vacuum];
  const viewJobs: MonitorClock['viewJobs'] = { replication, vacuum };
  const unsubscribes: (() => void)[] = [];
  if (sources.bouncer) jobs.push(bouncerFeed(sources.bouncer, store, now));
  if (sources.health) jobs.push(healthFeed(sources.health, store, now));
  if (sources.statements) {
    const feed = statementsFeed(sources.statements, store, now, { always });
    jobs.push(feed.job);
    viewJobs.statements = feed.job;
    unsubscribes.push(feed.stop);
    if (sources.recordChunk) unsubscribes.push(recordStatementTexts(sources.statements, store, sources.recordChunk));
  }
  const state = store.getState;
  const clock = new Clock({ lead: postgresFeed(sources.source, store, now, { always }), jobs, intervalMs: () => state().intervalSeconds * 1000, paused: () => state().paused, late }, now);
  return { clock, viewJobs, unsubscribe: () => unsubscribes.forEach((unsubscribe) => unsubscribe()) };
}
