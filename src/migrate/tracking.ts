import type pg from 'pg';
import { OperationError, errorMessage } from '../errors.js';
import type { TrackingRow, TrackingStatus } from './types.js';

export const TRACKING_SCHEMA = 'pgtop';
export const TRACKING_TABLE = 'pgtop.schema_migrations';

const CREATE_SQL = `
CREATE SCHEMA IF NOT EXISTS pgtop;
CREATE TABLE IF NOT EXISTS pgtop.schema_migrations (
  version       bigint PRIMARY KEY,
  name          text NOT NULL,
  checksum      text NOT NULL,
  status        text NOT NULL CHECK (status IN ('applied', 'started', 'baseline')),
  transactional boolean NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  duration_ms   bigint,
  applied_by    text NOT NULL DEFAULT current_user,
  error         text
);`;

// Two sessions running CREATE … IF NOT EXISTS at the same moment can both pass the existence check;
// the loser fails on the catalog's unique index, and a second try then sees the winner's object.
const CONCURRENT_CREATE_CODES = new Set(['23505', '42P06', '42P07']);

/** Creates schema pgtop and its tracking table if they do not exist; safe when two sessions do it at once. */
export async function ensureTrackingTable(client: pg.Client): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`BEGIN;${CREATE_SQL}COMMIT;`);
      return;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: string }).code;
      if (code !== undefined && CONCURRENT_CREATE_CODES.has(code) && attempt < 3) continue;
      const hint = code === '42501' ? ' The role needs CREATE on the database (or create schema pgtop for it once, as its owner).' : '';
      throw new OperationError(`could not create ${TRACKING_TABLE}: ${errorMessage(error)}.${hint}`, { cause: error });
    }
  }
}

export async function trackingTableExists(client: pg.Client): Promise<boolean> {
  const result = await client.query<{ present: boolean }>(`SELECT to_regclass('${TRACKING_TABLE}') IS NOT NULL AS present`);
  return result.rows[0]?.present === true;
}

interface RawRow {
  version: string;
  name: string;
  checksum: string;
  status: TrackingStatus;
  transactional: boolean;
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: string | null;
  applied_by: string | null;
  error: string | null;
}

/** Every row, in version order; none when the table does not exist yet. */
export async function readTrackingRows(client: pg.Client): Promise<TrackingRow[]> {
  if (!(await trackingTableExists(client))) return [];
  const result = await client.query<RawRow>(
    `SELECT version::text AS version, name, checksum, status, transactional, started_at, finished_at,
            duration_ms::text AS duration_ms, applied_by, error
       FROM ${TRACKING_TABLE} ORDER BY version`,
  );
  return result.rows.map((row) => ({
    version: Number(row.version),
    name: row.name,
    checksum: row.checksum,
    status: row.status,
    transactional: row.transactional,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    appliedBy: row.applied_by,
    error: row.error,
  }));
}

export interface RowIdentity {
  version: number;
  name: string;
  checksum: string;
  transactional: boolean;
  appliedBy: string;
}

/** Records a migration as applied (inside the caller's transaction for transactional files). */
export async function insertAppliedRow(client: pg.Client, row: RowIdentity, durationMs: number): Promise<void> {
  await client.query(
    `INSERT INTO ${TRACKING_TABLE} (version, name, checksum, status, transactional, started_at, finished_at, duration_ms, applied_by)
     VALUES ($1, $2, $3, 'applied', $4, clock_timestamp() - $5::bigint * interval '1 millisecond', clock_timestamp(), $5::bigint, $6)`,
    [row.version, row.name, row.checksum, row.transactional, Math.round(durationMs), row.appliedBy],
  );
}

/** Records that a no-transaction migration has begun: if it never finishes, the row says so (dirty). */
export async function insertStartedRow(client: pg.Client, row: RowIdentity): Promise<void> {
  await client.query(
    `INSERT INTO ${TRACKING_TABLE} (version, name, checksum, status, transactional, started_at, applied_by)
     VALUES ($1, $2, $3, 'started', $4, clock_timestamp(), $5)`,
    [row.version, row.name, row.checksum, row.transactional, row.appliedBy],
  );
}

export async function markApplied(client: pg.Client, version: number, durationMs: number): Promise<void> {
  await client.query(
    `UPDATE ${TRACKING_TABLE} SET status = 'applied', finished_at = clock_timestamp(), duration_ms = $2, error = NULL WHERE version = $1`,
    [version, Math.round(durationMs)],
  );
}

/** Marks a row started (dirty) with the error that stopped it. */
export async function markFailed(client: pg.Client, version: number, error: string): Promise<void> {
  await client.query(`UPDATE ${TRACKING_TABLE} SET status = 'started', error = $2 WHERE version = $1`, [version, error]);
}

/** Marks an applied row started before its no-transaction down file runs, so a failure leaves it dirty. */
export async function markStarted(client: pg.Client, version: number): Promise<void> {
  await client.query(`UPDATE ${TRACKING_TABLE} SET status = 'started', error = NULL WHERE version = $1`, [version]);
}

export async function deleteRow(client: pg.Client, version: number): Promise<void> {
  await client.query(`DELETE FROM ${TRACKING_TABLE} WHERE version = $1`, [version]);
}

/** Records files as `baseline` (present in the database without pgtop having run them), in one transaction; existing rows are kept. */
export async function insertBaselineRows(client: pg.Client, rows: RowIdentity[]): Promise<number[]> {
  const inserted: number[] = [];
  await client.query('BEGIN');
  try {
    for (const row of rows) {
      const result = await client.query(
        `INSERT INTO ${TRACKING_TABLE} (version, name, checksum, status, transactional, started_at, finished_at, duration_ms, applied_by)
         VALUES ($1, $2, $3, 'baseline', $4, clock_timestamp(), clock_timestamp(), 0, $5)
         ON CONFLICT (version) DO NOTHING`,
        [row.version, row.name, row.checksum, row.transactional, row.appliedBy],
      );
      if (result.rowCount === 1) inserted.push(row.version);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return inserted;
}
