import type { ListedBackup } from '../backup/files/list.js';
import type { AlembicStatus } from '../migrate/alembic/types.js';
import type { MigrationStatus } from '../migrate/status.js';
import type { ToolHistory } from '../migrate/history/types.js';
import type { PgBouncerTick } from '../sources/pgbouncer.js';
import type { PgSnapshot } from '../sources/types.js';
import type { HealthQueries } from './queries.js';
import type { Thresholds } from '../config/health-thresholds.js';

export type RawRow = Record<string, unknown>;

/** A piece of data a check reads: its rows, or why it could not be read. */
export type Piece<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Everything the checks look at; each check is a pure function of it. */
export interface HealthInput {
  thresholds: Thresholds;
  /** The monitor's activity tick: server figures, sessions, waiting locks. */
  activity: Piece<PgSnapshot>;
  server: Partial<Record<keyof HealthQueries, Piece<RawRow[]>>>;
  /** Absent when no PgBouncer console was given. */
  pgbouncer?: PgBouncerTick;
  /** Other tools' migration history tables (Flyway, golang-migrate, …) in the database. */
  histories?: Piece<ToolHistory[]>;
  /** Absent when no migrations directory is configured. */
  migrations?: Piece<MigrationStatus> & { dir: string };
  /** Absent when no Alembic project is configured (then `migrations` may be). */
  alembic?: Piece<AlembicStatus> & { project: string };
  /** Absent when no backup directory is configured. */
  backups?: Piece<ListedBackup[]> & { dir: string; database: string };
  /** The time the data was read (ms since the epoch). */
  now: number;
}
