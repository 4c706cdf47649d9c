import type pg from 'pg';
import { listBackups } from '../backup/files/list.js';
import type { ConnectionSettings } from '../config/types.js';
import { closeQuietly, connect } from '../db/connect.js';
import { errorMessage } from '../errors.js';
import { readMigrationStatus } from '../migrate/status.js';
import { createPgBouncerSource } from '../sources/pgbouncer.js';
import { PostgresSource } from '../sources/postgres.js';
import type { HealthInput, Piece, RawRow } from './input.js';
import { healthQueries, type HealthQueries } from './queries.js';
import type { Thresholds } from '../config/health-thresholds.js';

export interface ReadOptions {
  settings: ConnectionSettings;
  bouncer?: ConnectionSettings;
  migrationsDir?: string;
  backupDir?: string;
  thresholds: Thresholds;
  /** Each read's deadline: a query or poll that takes longer makes its checks UNKNOWN. */
  deadlineMs: number;
}

class DeadlineExceeded extends Error {}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export async function piece<T>(work: () => Promise<T>, ms: number, what: string): Promise<Piece<T>> {
  try {
    return { ok: true, value: await withDeadline(work(), ms, what) };
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
}

/** Runs each health query on one connection; after a deadline passes the connection is not trusted again. */
export async function readServer(client: pg.Client, versionNum: number, deadlineMs: number): Promise<HealthInput['server']> {
  const queries = healthQueries(versionNum);
  const server: HealthInput['server'] = {};
  let broken: string | undefined;
  for (const name of Object.keys(queries) as (keyof HealthQueries)[]) {
    if (broken) {
      server[name] = { ok: false, reason: broken };
      continue;
    }
    server[name] = await piece(async () => (await client.query<RawRow>(queries[name])).rows, deadlineMs, `reading ${name}`);
    const result = server[name];
    if (result && !result.ok && /took longer than/.test(result.reason)) broken = `not read: an earlier query passed its deadline (${result.reason})`;
  }
  return server;
}

/**
 * Reads everything the checks need, changing nothing: the activity tick, the health queries, PgBouncer,
 * the migrations and backup directories. Throws only when PostgreSQL cannot be reached at all.
 */
export async function readHealthInput(options: ReadOptions): Promise<HealthInput> {
  const { deadlineMs } = options;
  const source = new PostgresSource(options.settings, { statementTimeoutMs: deadlineMs });
  await source.open();
  let client: pg.Client | undefined;
  try {
    const activity = await piece(async () => {
      const outcome = await source.tick();
      if (outcome.kind !== 'data') throw outcome.kind === 'error' ? outcome.error : new Error('the activity poll did not run');
      return outcome.data;
    }, deadlineMs, 'reading pg_stat_activity');
    client = await connect(options.settings, { applicationName: 'pgtop-check', statementTimeoutMs: deadlineMs });
    const versionNum = Number((await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]?.v ?? 0);
    const server = await readServer(client, versionNum, deadlineMs);
    const bouncerSource = options.bouncer ? createPgBouncerSource(options.bouncer, { queryTimeoutMs: deadlineMs, connectTimeoutMs: deadlineMs }) : undefined;
    const pgbouncer = bouncerSource ? await bouncerSource.tick().finally(() => void bouncerSource.close()) : undefined;
    const migrationsDir = options.migrationsDir;
    const backupDir = options.backupDir;
    return {
      thresholds: options.thresholds,
      activity,
      server,
      ...(pgbouncer ? { pgbouncer } : {}),
      ...(migrationsDir ? { migrations: { dir: migrationsDir, ...(await piece(() => readMigrationStatus({ settings: options.settings, dir: migrationsDir }), deadlineMs, 'reading the migrations')) } } : {}),
      ...(backupDir ? { backups: { dir: backupDir, database: options.settings.database, ...(await piece(() => listBackups(backupDir), deadlineMs, 'listing the backups')) } } : {}),
      now: Date.now(),
    };
  } finally {
    await Promise.all([source.close(), closeQuietly(client)]);
  }
}
