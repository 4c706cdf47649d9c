import type pg from 'pg';
import type { ConnectionSettings } from '../config/types.js';
import { closeQuietly, connect } from '../db/connect.js';
import type { PgBouncerTick } from '../sources/pgbouncer.js';
import type { PgSnapshot } from '../sources/types.js';
import { evaluate } from './checks.js';
import type { HealthInput } from './input.js';
import { readHistories, readServer } from './read.js';
import { readDirectories } from './read-directories.js';
import type { Thresholds } from '../config/health-thresholds.js';
import type { Finding } from './types.js';

export interface HealthSourceOptions {
  settings: ConnectionSettings;
  thresholds: Thresholds;
  migrationsDir?: string;
  /** The Alembic project (its alembic.ini), checked instead of pgtop's own migrations. */
  alembic?: string;
  backupDir?: string;
  deadlineMs?: number;
}

export interface HealthTick {
  takenAt: string;
  findings: Finding[];
}

/**
 * The monitor's health checks: the server-side reads on a connection of their own, at the caller's (slow)
 * cadence, combined with the activity and PgBouncer data the monitor already has. A tick still running
 * makes the next one return undefined (skipped, not queued).
 */
export class HealthSource {
  private client: pg.Client | undefined;
  private versionNum = 0;
  private busy = false;
  /** Bumped by close(): a connection that completes after it is closed at once instead of kept. */
  private generation = 0;

  constructor(private readonly options: HealthSourceOptions) {}

  async tick(current: { activity: PgSnapshot | undefined; pgbouncer?: PgBouncerTick }): Promise<HealthTick | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    const deadlineMs = this.options.deadlineMs ?? 10_000;
    try {
      const { server, histories } = await this.readServerSide(deadlineMs, current.activity);
      const input: HealthInput = {
        thresholds: this.options.thresholds,
        activity: current.activity ? { ok: true, value: current.activity } : { ok: false, reason: 'no activity data yet' },
        server,
        histories,
        ...(current.pgbouncer ? { pgbouncer: current.pgbouncer } : {}),
        ...(await readDirectories({ ...this.options, useAlembicCommand: false, ...(this.client ? { client: this.client } : {}) }, deadlineMs)),
        now: Date.now(),
      };
      return { takenAt: new Date().toISOString(), findings: evaluate(input) };
    } finally {
      this.busy = false;
    }
  }

  private async readServerSide(deadlineMs: number, activity: PgSnapshot | undefined): Promise<Pick<HealthInput, 'server' | 'histories'>> {
    try {
      if (!this.client) {
        const generation = this.generation;
        const client = await connect(this.options.settings, { applicationName: 'pgtop-health', statementTimeoutMs: deadlineMs });
        if (generation !== this.generation) {
          await closeQuietly(client);
          throw new Error('the health checks were closed while they connected');
        }
        this.client = client;
        this.versionNum = Number((await this.client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]?.v ?? 0);
      }
      const server = await readServer(this.client, this.versionNum, deadlineMs, activity);
      const histories = await readHistories(this.client, server, deadlineMs);
      if ([...Object.values(server), histories].some((p) => p && !p.ok && /deadline|took longer|terminat|connection/i.test(p.reason))) await this.close();
      return { server, histories };
    } catch (error) {
      await this.close();
      const reason = error instanceof Error ? error.message : String(error);
      return { server: { connections: { ok: false, reason } }, histories: { ok: false, reason } };
    }
  }

  async close(): Promise<void> {
    this.generation++;
    const client = this.client;
    this.client = undefined;
    await closeQuietly(client);
  }
}
