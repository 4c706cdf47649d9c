import pg from 'pg';
import type { PostgresSandbox } from '../src/sandbox/postgres.js';

export const LOAD_ROLE = 'bench_load';
export const LOAD_PASSWORD = 'bench-load-secret';

/** What the sessions of a workload are doing. */
export interface WorkloadMix {
  idle: number;
  active: number;
  idleInTransaction: number;
  /** A row-lock chain: one holder, two waiters (each waiting on the one before). */
  lockChain: number;
}

/** The mix for `total` sessions: about 10 % running pg_sleep, 5 % idle in a transaction, a lock chain of 3. */
export function mixFor(total: number): WorkloadMix {
  const lockChain = Math.min(3, total);
  const active = Math.min(total - lockChain, Math.max(1, Math.round(total * 0.1)));
  const idleInTransaction = Math.min(total - lockChain - active, Math.max(1, Math.round(total * 0.05)));
  return { idle: total - lockChain - active - idleInTransaction, active, idleInTransaction, lockChain };
}

const COMMENTS = ['', '/* orders report */ ', '/* 東京リージョン 集計 */ ', '/* 🚀 deploy check */ '];

/** A query text of a varied length (tens of bytes to about 1 kB), some with CJK or emoji. */
export function variedQuery(i: number): string {
  const comment = COMMENTS[i % COMMENTS.length] ?? '';
  const padding = i % 7 === 0 ? ` /* ${'x'.repeat(200 + ((i * 37) % 700))} */` : '';
  return `${comment}SELECT count(*) FROM bench_accounts WHERE balance > ${i % 100}${padding}`;
}

/**
 * Real sessions on the sandbox, added in steps (`grow`): idle ones that ran a query, some running
 * `pg_sleep`, some idle in a transaction, and one lock chain. All of one role, so they are told apart
 * from the monitors' own statements.
 */
export class Workload {
  private readonly clients: pg.Client[] = [];
  private readonly pending: Promise<unknown>[] = [];
  private readonly pids: number[] = [];
  private chain = false;
  /** The lock chain's holder and its two waiters, once opened. */
  private chainClients: pg.Client[] = [];
  counts: WorkloadMix = { idle: 0, active: 0, idleInTransaction: 0, lockChain: 0 };

  constructor(
    private readonly sandbox: PostgresSandbox,
    private readonly admin: pg.Client,
  ) {}

  get size(): number {
    return this.pids.length;
  }

  static async prepare(admin: pg.Client): Promise<void> {
    await admin.query(`CREATE ROLE ${LOAD_ROLE} LOGIN PASSWORD '${LOAD_PASSWORD}'`);
    await admin.query('CREATE TABLE bench_accounts (id int PRIMARY KEY, balance int NOT NULL)');
    await admin.query('INSERT INTO bench_accounts SELECT g, g FROM generate_series(1, 100) g');
    await admin.query(`GRANT SELECT, UPDATE ON bench_accounts TO ${LOAD_ROLE}`);
  }

  private async open(application: string): Promise<pg.Client> {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: this.sandbox.port,
      user: LOAD_ROLE,
      password: LOAD_PASSWORD,
      database: 'postgres',
      application_name: application,
      connectionTimeoutMillis: 30_000,
    });
    client.on('error', () => undefined);
    this.clients.push(client);
    await client.connect();
    const result = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = result.rows[0]?.pid;
    if (typeof pid !== 'number') throw new Error('no backend pid');
    this.pids.push(pid);
    return client;
  }

  /** Sends a statement that does not return by itself; its error (when the session is ended) is expected. */
  private launch(client: pg.Client, sql: string): void {
    this.pending.push(client.query(sql).catch(() => undefined));
  }

  private async waitUntil(sql: string, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.admin.query<{ ok: boolean }>(sql);
      if (result.rows[0]?.ok) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Adds sessions until there are `total`, keeping the mix; opens `parallel` connections at a time. */
  async grow(total: number, parallel = 16): Promise<void> {
    const target = mixFor(total);
    if (!this.chain && target.lockChain === 3) await this.lockChain();
    const jobs: (() => Promise<void>)[] = [];
    let n = this.size;
    for (let i = this.counts.active; i < target.active; i++) {
      const k = n++;
      jobs.push(async () => {
        const client = await this.open(`bench-active-${k % 5}`);
        this.launch(client, `${variedQuery(k)} AND pg_sleep(3600) IS NOT NULL`);
      });
    }
    for (let i = this.counts.idleInTransaction; i < target.idleInTransaction; i++) {
      const k = n++;
      jobs.push(async () => {
        const client = await this.open('bench-xact');
        await client.query('BEGIN');
        await client.query(variedQuery(k));
      });
    }
    for (let i = this.counts.idle; i < target.idle; i++) {
      const k = n++;
      jobs.push(async () => {
        const client = await this.open(['bench-idle', 'api-7f9c', 'サービス', ''][k % 4] ?? '');
        await client.query(variedQuery(k));
      });
    }
    const queue = [...jobs];
    const workers = Array.from({ length: Math.min(parallel, queue.length) }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    });
    await Promise.all(workers);
    this.counts = { ...target, lockChain: this.chain ? 3 : 0 };
    const expectedActive = target.active + (this.chain ? 2 : 0);
    await this.waitUntil(
      `SELECT count(*) FILTER (WHERE state = 'active') >= ${expectedActive} AS ok FROM pg_stat_activity WHERE usename = '${LOAD_ROLE}'`,
      `${expectedActive} active sessions`,
    );
  }

  private async lockChain(): Promise<void> {
    if (this.chainClients.length === 0) {
      this.chainClients.push(await this.open('bench-lock-holder'));
      for (const name of ['bench-lock-waiter-1', 'bench-lock-waiter-2']) this.chainClients.push(await this.open(name));
    }
    const [holder, ...waiters] = this.chainClients;
    if (!holder) throw new Error('no lock holder');
    await holder.query('BEGIN');
    await holder.query('UPDATE bench_accounts SET balance = balance + 1 WHERE id = 1');
    for (const [i, waiter] of waiters.entries()) {
      this.launch(waiter, 'UPDATE bench_accounts SET balance = balance + 1 WHERE id = 1');
      await this.waitUntil(
        `SELECT count(*) >= ${i + 1} AS ok FROM pg_stat_activity WHERE usename = '${LOAD_ROLE}' AND wait_event_type = 'Lock'`,
        `waiter ${i + 1} to wait on the lock`,
      );
    }
    this.chain = true;
  }

  /** Ends the lock chain (its holder rolls back, the waiters finish): no session waits on a lock. */
  async releaseLockChain(): Promise<void> {
    if (!this.chain) return;
    await this.chainClients[0]?.query('ROLLBACK');
    await this.waitUntil(`SELECT count(*) = 0 AS ok FROM pg_stat_activity WHERE usename = '${LOAD_ROLE}' AND wait_event_type = 'Lock'`, 'the lock waits to end');
    this.chain = false;
  }

  /** Puts the lock chain back after releaseLockChain. */
  async restoreLockChain(): Promise<void> {
    if (!this.chain && this.chainClients.length > 0) await this.lockChain();
  }

  /**
   * Ends every session: server-side first (a backend in pg_sleep does not notice its client leaving), all at
   * once, then waits (at most 10 s) until they are gone.
   */
  async stop(): Promise<void> {
    if (this.pids.length > 0) {
      await this.admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [this.pids]).catch(() => undefined);
      await this.waitUntil(`SELECT count(*) = 0 AS ok FROM pg_stat_activity WHERE usename = '${LOAD_ROLE}'`, 'the sessions to end', 10_000).catch(() => undefined);
    }
    await Promise.all(this.clients.map((c) => c.end().catch(() => undefined)));
    await Promise.all(this.pending);
    this.clients.length = 0;
    this.pids.length = 0;
  }
}
