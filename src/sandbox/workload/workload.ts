import type pg from 'pg';
import type { ActorContext } from './actor.js';
import { runBursts } from './burst.js';
import { runIdleTransaction } from './idle-transaction.js';
import { runLockChain } from './lock-chain.js';
import { runReports } from './reports.js';
import { assertLoopback, WorkloadSession } from './session.js';
import { defaultTimings, type WorkloadTimings } from './timings.js';
import { runShopTraffic } from './traffic.js';

export interface WorkloadOptions {
  /** Client settings for PostgreSQL itself, on the database with the sample migrations applied. */
  direct: pg.ClientConfig;
  /** Client settings for the same database through PgBouncer; without it, that traffic goes direct. */
  pooled?: pg.ClientConfig;
  timings?: Partial<WorkloadTimings>;
  random?: () => number;
}

/** The application_name of each part of the workload. */
export const workloadApplications = {
  fast: 'storefront',
  fastPooled: 'mobile-api',
  slow: 'reports',
  idleInTransaction: 'billing-batch',
  lockRoot: 'checkout',
  lockWaiter: 'inventory',
  lockSecondWaiter: 'refund',
  burst: 'flash-sale',
} as const;

/**
 * A synthetic workload on the sample `shop` database, for the demo: fast queries (some through
 * PgBouncer), slow reports, a session idle in transaction, a lock chain that forms every minute, and
 * bursts that fill a small pool. Every loop ends on stop(); all traffic goes to the loopback address.
 */
export class Workload {
  private readonly abort = new AbortController();
  private readonly sessions: WorkloadSession[] = [];
  private loops: Promise<void>[] = [];
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: WorkloadOptions) {
    assertLoopback(options.direct);
    if (options.pooled) assertLoopback(options.pooled);
  }

  /** Connects the fast sessions (so a wrong target fails here, not later) and starts every loop. */
  async start(): Promise<void> {
    if (this.started) throw new Error('the workload was already started');
    this.started = true;
    const context: ActorContext = {
      signal: this.abort.signal,
      timings: { ...defaultTimings, ...this.options.timings },
      random: this.options.random ?? Math.random,
    };
    const names = workloadApplications;
    const direct = (application: string): WorkloadSession => this.session(this.options.direct, application);
    const pooled = (application: string): WorkloadSession => this.session(this.options.pooled ?? this.options.direct, application);
    const fast = [direct(names.fast), direct(names.fast), direct(names.fast), pooled(names.fastPooled), pooled(names.fastPooled)];
    const lockChain = { checkout: direct(names.lockRoot), inventory: direct(names.lockWaiter), refund: direct(names.lockSecondWaiter) };
    const reports = direct(names.slow);
    const billing = direct(names.idleInTransaction);
    const burst = Array.from({ length: context.timings.burstClients }, () => pooled(names.burst));
    try {
      await Promise.all(fast.map((session) => session.open()));
    } catch (error) {
      await this.stop();
      throw error;
    }
    const quietly = (loop: Promise<void>): Promise<void> => loop.catch(() => undefined);
    this.loops = [
      ...fast.map((session) => quietly(runShopTraffic(context, session))),
      quietly(runReports(context, reports)),
      quietly(runIdleTransaction(context, billing)),
      quietly(runLockChain(context, lockChain)),
      quietly(runBursts(context, burst)),
    ];
  }

  /** Ends every loop, timer and connection; resolves when all are closed. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      await Promise.allSettled(this.sessions.map((session) => session.end()));
      await Promise.allSettled(this.loops);
    })();
    return this.stopping;
  }

  private session(config: pg.ClientConfig, application: string): WorkloadSession {
    const session = new WorkloadSession({ ...config, connectionTimeoutMillis: 5000 }, application);
    this.sessions.push(session);
    return session;
  }
}
