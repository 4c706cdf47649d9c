export type MigrationTool = 'flyway' | 'golang-migrate' | 'node-pg-migrate' | 'dbmate' | 'rails' | 'sqitch';

/** One applied migration as the tool recorded it; a field the tool does not keep is null. */
export interface HistoryEntry {
  version: string;
  description: string | null;
  appliedAt: Date | null;
  /** Flyway's success flag; null for tools that record only successes. */
  success: boolean | null;
  /** golang-migrate's dirty flag (a migration that started and did not finish). */
  dirty: boolean | null;
  checksum: string | null;
  appliedBy: string | null;
}

/** One tool's history table found in the database. */
export interface ToolHistory {
  tool: MigrationTool;
  /** `schema.table`. */
  table: string;
  /** Oldest first, as the tool orders them. */
  entries: HistoryEntry[];
  /** When the table's shape leaves the tool uncertain (dbmate and Rails share a table name). */
  note?: string;
}

/** Something the health checks report about a tool's history: what is wrong and what to do. */
export interface HistoryFinding {
  severity: 'critical' | 'warning';
  tool: MigrationTool;
  table: string;
  version: string;
  message: string;
}
