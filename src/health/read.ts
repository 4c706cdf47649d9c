import type pg from 'pg';
import type { ConnectionSettings } from '../config/types.js';
import { closeQuietly, connect } from '../db/connect.js';
import { readToolHistories } from '../migrate/history/read-history.js';
import { createPgBouncerSource } from '../sources/pgbouncer.js';
import { PostgresSource } from '../sources/postgres.js';
import { piece } from './deadline.js';
import type { HealthInput, RawRow } from './input.js';
import { readDirectories, type DirectoryOptions } from './read-directories.js';
import { healthQueries, type HealthQueries } from './queries.js';
import { countConnections } from './count-connections.js';
import type { PgSnapshot } from '../sources/types.js';
import type { Thresholds } from '../config/health-thresholds.js';

export interface ReadOptions extends DirectoryOptions {
  bouncer?: ConnectionSettings;
  thresholds: Thresholds;
  /** Each read's deadline: a query or poll that takes longer makes its checks UNKNOWN. */
  deadlineMs: number;
}

/**
 * Runs each health query on one connection; after a deadline passes the connection is not trusted again.
 * Given an activity tick, the connections are counted in its sessions rather than in pg_stat_activity again.
 */
export async function readServer(client: pg.Client, versionNum: number, deadlineMs: number, activity?: PgSnapshot): Promise<HealthInput['server']> {
  const queries = healthQueries(versionNum, { counted: activity === undefined });
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
  if (activity) server.connections = countConnections(server.connections, activity);
  return server;
}

/** Other tools' migration history, on the health checks' connection (not after a query on it passed its deadline). */
export async function readHistories(client: pg.Client, server: HealthInput['server'], deadlineMs: number): Promise<HealthInput['histories']> {
  const late = Object.values(server).find((result) => result && !result.ok && /took longer than/.test(result.reason));
  if (late && !late.ok) return { ok: false, reason: /^not read/.test(late.reason) ? late.reason : `not read: an earlier query passed its deadline (${late.reason})` };
  return piece(() => readToolHistories(client), deadlineMs, "reading other tools' migration history");
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
    const histories = await readHistories(client, server, deadlineMs);
    const bouncerSource = options.bouncer ? createPgBouncerSource(options.bouncer, { queryTimeoutMs: deadlineMs, connectTimeoutMs: deadlineMs }) : undefined;
    const pgbouncer = bouncerSource ? await bouncerSource.tick().finally(() => void bouncerSource.close()) : undefined;
    return {
      thresholds: options.thresholds,
      activity,
      server,
      histories,
      ...(pgbouncer ? { pgbouncer } : {}),
      ...(await readDirectories({ ...options, client }, deadlineMs)),
      now: Date.now(),
    };
  } finally {
    await Promise.all([source.close(), closeQuietly(client)]);
  }
}
