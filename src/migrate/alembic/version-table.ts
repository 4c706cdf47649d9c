import type pg from 'pg';
import type { AlembicProject } from './project.js';

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export function versionTableName(project: AlembicProject): string {
  return project.versionTableSchema ? `${quoteIdent(project.versionTableSchema)}.${quoteIdent(project.versionTable)}` : quoteIdent(project.versionTable);
}

/** The revisions in the project's version table; `exists` false when there is no such table yet. */
export async function readCurrentRevisions(client: pg.Client, project: AlembicProject): Promise<{ exists: boolean; revisions: string[] }> {
  const name = versionTableName(project);
  const found = await client.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [name]);
  if (!found.rows[0]?.table) return { exists: false, revisions: [] };
  const rows = await client.query<{ version_num: string }>(`SELECT version_num FROM ${name} ORDER BY version_num`);
  return { exists: true, revisions: rows.rows.map((row) => row.version_num) };
}
