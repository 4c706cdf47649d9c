import type pg from 'pg';

export interface ServerInfo {
  versionNum: number;
  major: number;
  /** `server_version`, e.g. `15.18 (Debian 15.18-0+deb12u1)`. */
  version: string;
  database: string;
  user: string;
}

export interface TableToDump {
  /** `schema.table`, as pg_dump -v names it. */
  name: string;
  schema: string;
  table: string;
  /** pg_total_relation_size: the weight of the table in the ETA. */
  bytes: number;
  /** pg_class.reltuples (0 when never analysed). */
  estimatedRows: number;
}

export async function readServerInfo(client: pg.Client): Promise<ServerInfo> {
  const result = await client.query<{ num: string; version: string; database: string; user: string }>(
    `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version,
            current_database() AS database, current_user AS user`,
  );
  const row = result.rows[0];
  if (!row) throw new Error('the server returned no version');
  const versionNum = Number(row.num);
  return { versionNum, major: Math.floor(versionNum / 10000), version: row.version, database: row.database, user: row.user };
}

const tablesQuery = (sizeExpression: string): string => `
  SELECT n.nspname AS schema, c.relname AS table, ${sizeExpression} AS bytes, greatest(c.reltuples, 0)::float8 AS rows
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
   WHERE c.relkind = 'r' AND c.relpersistence <> 't'
     AND n.nspname NOT IN ('pg_catalog', 'information_schema')
     AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
     AND NOT EXISTS (SELECT 1 FROM pg_depend d
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
   ORDER BY 1, 2`;

/** Measured sizes; pg_total_relation_size takes a share lock on each table, so it waits behind DDL. */
const measuredSize = 'pg_total_relation_size(c.oid)';
/** The planner's page counts (as of the last VACUUM or ANALYZE): no lock, an estimate. */
const estimatedSize = "(c.relpages::bigint + coalesce(t.relpages, 0)) * current_setting('block_size')::bigint";

type TableRow = { schema: string; table: string; bytes: string; rows: number };

/**
 * The tables whose data pg_dump copies: ordinary tables (partitions included, partitioned parents hold
 * no rows), outside the system schemas, not temporary, not owned by an extension. Their sizes weigh the
 * ETA: measured when no table is locked against reading, else estimated from the catalog, so that this
 * query never waits behind DDL (pg_dump's own --lock-wait-timeout deals with that).
 */
export async function tablesToDump(client: pg.Client): Promise<TableToDump[]> {
  let rows: TableRow[];
  try {
    await client.query("BEGIN; SET LOCAL lock_timeout = '200ms'");
    rows = (await client.query<TableRow>(tablesQuery(measuredSize))).rows;
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((error as { code?: string }).code !== '55P03') throw error;
    rows = (await client.query<TableRow>(tablesQuery(estimatedSize))).rows;
  }
  return rows.map((row) => ({
    name: `${row.schema}.${row.table}`,
    schema: row.schema,
    table: row.table,
    bytes: Number(row.bytes),
    estimatedRows: Number(row.rows),
  }));
}
