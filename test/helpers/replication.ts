import type pg from 'pg';
import type { ConnectionSettings } from '../../src/config/types.js';
import type { PostgresSandbox } from '../../src/sandbox/postgres.js';
import { readReplication } from '../../src/sources/replication/read.js';
import { replicationSql } from '../../src/sources/replication/sql.js';
import type { ReplicationSnapshot } from '../../src/sources/replication/types.js';
import { readVacuum } from '../../src/sources/vacuum/read.js';
import { vacuumSql } from '../../src/sources/vacuum/sql.js';
import type { VacuumSnapshot } from '../../src/sources/vacuum/types.js';

/** The superuser's connection settings for a sandbox, as the actions take them. */
export function settingsOf(sandbox: PostgresSandbox, database = 'postgres'): ConnectionSettings {
  return { host: sandbox.host, port: sandbox.port, user: sandbox.superuser, password: sandbox.password, database, sslmode: 'disable', extra: {} };
}

/** A monitoring connection that reads what views 7 and 8 show. */
export interface Monitor {
  replication(): Promise<ReplicationSnapshot>;
  vacuum(): Promise<VacuumSnapshot>;
  end(): Promise<void>;
}

export async function openMonitor(sandbox: PostgresSandbox, database = 'postgres'): Promise<Monitor> {
  const client: pg.Client = await sandbox.connect(database);
  const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  const version = Number(rows[0]?.v);
  return {
    replication: () => readReplication(client, replicationSql(version)),
    vacuum: () => readVacuum(client, vacuumSql(version)),
    end: () => client.end(),
  };
}

/** Writes some WAL on the primary (a table's worth of rows) and switches to a new segment. */
export async function generateWal(sandbox: PostgresSandbox, rows = 20_000): Promise<void> {
  await sandbox.query(`CREATE TABLE IF NOT EXISTS wal_filler (id int, pad text)`);
  await sandbox.query(`INSERT INTO wal_filler SELECT g, repeat('x', 100) FROM generate_series(1, ${rows}) g`);
  await sandbox.query('SELECT pg_switch_wal()');
}
