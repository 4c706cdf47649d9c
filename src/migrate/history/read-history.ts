import type pg from 'pg';
import type { HistoryEntry, MigrationTool, ToolHistory } from './types.js';

interface TableColumns {
  schema: string;
  table: string;
  columns: Map<string, string>;
}

const CANDIDATES = ['flyway_schema_history', 'schema_migrations', 'pgmigrations', 'changes', 'ar_internal_metadata'];

async function candidateTables(client: pg.Client): Promise<TableColumns[]> {
  const result = await client.query<{ schema: string; table: string; column: string; type: string }>(
    `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column,
            c.data_type || coalesce('(' || c.character_maximum_length || ')', '') AS type
       FROM information_schema.columns c
      WHERE c.table_name = ANY($1) AND c.table_schema NOT IN ('pg_catalog', 'information_schema', 'pgtop')
      ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
    [CANDIDATES],
  );
  const tables = new Map<string, TableColumns>();
  for (const row of result.rows) {
    const key = `${row.schema}.${row.table}`;
    const table = tables.get(key) ?? { schema: row.schema, table: row.table, columns: new Map() };
    table.columns.set(row.column, row.type);
    tables.set(key, table);
  }
  return [...tables.values()];
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const qualified = (table: TableColumns): string => `${quote(table.schema)}.${quote(table.table)}`;
const hasAll = (table: TableColumns, names: string[]): boolean => names.every((name) => table.columns.has(name));

/** The SQL that reads a tool's table into HistoryEntry columns, oldest first. */
function historySql(tool: MigrationTool, name: string): string {
  switch (tool) {
    case 'flyway':
      return `SELECT coalesce(version, '(repeatable)') AS version, description, installed_on AS applied_at, success, NULL::boolean AS dirty, checksum::text AS checksum, installed_by AS applied_by FROM ${name} ORDER BY installed_rank`;
    case 'golang-migrate':
      return `SELECT version::text AS version, NULL AS description, NULL::timestamptz AS applied_at, NULL::boolean AS success, dirty, NULL AS checksum, NULL AS applied_by FROM ${name} ORDER BY version`;
    case 'node-pg-migrate':
      return `SELECT id::text AS version, name AS description, run_on AS applied_at, NULL::boolean AS success, NULL::boolean AS dirty, NULL AS checksum, NULL AS applied_by FROM ${name} ORDER BY id`;
    case 'dbmate':
    case 'rails':
      return `SELECT version::text AS version, NULL AS description, NULL::timestamptz AS applied_at, NULL::boolean AS success, NULL::boolean AS dirty, NULL AS checksum, NULL AS applied_by FROM ${name} ORDER BY version`;
    case 'sqitch':
      return `SELECT change AS version, nullif(note, '') AS description, committed_at AS applied_at, NULL::boolean AS success, NULL::boolean AS dirty, script_hash AS checksum, committer_name AS applied_by FROM ${name} ORDER BY committed_at, change`;
  }
}

/** Which tool a table belongs to, from its name and columns; undefined for a table of that name that is someone else's. */
function toolOf(table: TableColumns, all: readonly TableColumns[]): { tool: MigrationTool; note?: string } | undefined {
  if (table.table === 'flyway_schema_history' && hasAll(table, ['installed_rank', 'version', 'description', 'checksum', 'success'])) return { tool: 'flyway' };
  if (table.table === 'pgmigrations' && hasAll(table, ['id', 'name', 'run_on'])) return { tool: 'node-pg-migrate' };
  if (table.table === 'changes' && table.schema === 'sqitch' && hasAll(table, ['change_id', 'change', 'committed_at', 'script_hash'])) return { tool: 'sqitch' };
  if (table.table !== 'schema_migrations' || !table.columns.has('version')) return undefined;
  if (table.columns.has('dirty')) return { tool: 'golang-migrate' };
  if (table.columns.size !== 1) return undefined;
  if (all.some((other) => other.schema === table.schema && other.table === 'ar_internal_metadata')) return { tool: 'rails' };
  if (table.columns.get('version') === 'character varying(128)') return { tool: 'dbmate' };
  return { tool: 'dbmate', note: 'a schema_migrations table with one version column: dbmate, or Rails without its ar_internal_metadata table' };
}

function entryOf(row: Record<string, unknown>): HistoryEntry {
  const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
  const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
  return {
    version: String(row.version),
    description: text(row.description),
    appliedAt: row.applied_at instanceof Date ? row.applied_at : null,
    success: flag(row.success),
    dirty: flag(row.dirty),
    checksum: text(row.checksum),
    appliedBy: text(row.applied_by),
  };
}

/** The history of every other migration tool whose table is in the connected database; read-only. */
export async function readToolHistories(client: pg.Client): Promise<ToolHistory[]> {
  const tables = await candidateTables(client);
  const histories: ToolHistory[] = [];
  for (const table of tables) {
    const found = toolOf(table, tables);
    if (!found) continue;
    const rows = await client.query<Record<string, unknown>>(historySql(found.tool, qualified(table)));
    histories.push({ tool: found.tool, table: `${table.schema}.${table.table}`, entries: rows.rows.map(entryOf), ...(found.note ? { note: found.note } : {}) });
  }
  return histories;
}
