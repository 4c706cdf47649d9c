import pg from '../../db/pg-driver.js';

/** The workload was stopped: its sessions open no more connections. */
export class WorkloadStopped extends Error {
  constructor() {
    super('the workload is stopped');
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Refuses any target but this machine's loopback: the workload is for throwaway local servers only. */
export function assertLoopback(config: pg.ClientConfig): void {
  if (!LOOPBACK.has(String(config.host ?? ''))) {
    throw new Error(`the workload only connects to 127.0.0.1, not to ${String(config.host)}`);
  }
}

/**
 * One named client session of the workload. It connects on first use and again after any error (a
 * terminated or cancelled session comes back on the next query), and once ended it never connects again.
 */
export class WorkloadSession {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private lost: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly config: pg.ClientConfig,
    readonly application: string,
  ) {
    assertLoopback(config);
  }

  /** Runs one statement; on any error the connection is dropped, so the next call starts clean. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    const client = await this.open();
    try {
      return await client.query<R>(sql, params);
    } catch (error) {
      await this.reset();
      throw error;
    }
  }

  /** Resolves when the current connection closes (at once when there is none). */
  whenLost(): Promise<void> {
    return this.lost;
  }

  /** Connects now if not connected. */
  async open(): Promise<pg.Client> {
    if (this.ended) throw new WorkloadStopped();
    if (this.client) return this.client;
    this.connecting ??= this.dial().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Closes the connection (rolling back any open transaction); the next query reconnects. */
  async reset(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
  }

  /** Closes the connection for good. Safe to call more than once. */
  async end(): Promise<void> {
    this.ended = true;
    await this.connecting?.catch(() => undefined);
    await this.reset();
  }

  private async dial(): Promise<pg.Client> {
    const client = new pg.Client({ ...this.config, application_name: this.application });
    let markLost: () => void = () => undefined;
    const lost = new Promise<void>((resolve) => {
      markLost = resolve;
    });
    client.on('error', () => {
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
    });
    client.on('end', () => {
      if (this.client === client) this.client = undefined;
      markLost();
    });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.ended) {
      await client.end().catch(() => undefined);
      throw new WorkloadStopped();
    }
    this.client = client;
    this.lost = lost;
    return client;
  }
}
