import type pg from 'pg';
import { listBackups } from '../backup/files/list.js';
import type { ConnectionSettings } from '../config/types.js';
import { readAlembicStatus } from '../migrate/alembic/status.js';
import { readMigrationStatus } from '../migrate/status.js';
import type { HealthInput } from './input.js';
import { piece } from './deadline.js';

export interface DirectoryOptions {
  settings: ConnectionSettings;
  migrationsDir?: string;
  /** The Alembic project (its alembic.ini): checked instead of pgtop's own migrations. */
  alembic?: string;
  backupDir?: string;
  /** Whether the project's own `alembic history` may run (slow: it imports every revision file). */
  useAlembicCommand?: boolean;
  env?: NodeJS.ProcessEnv;
  /** A connection to read the tracking tables on, when the caller holds one; else one is opened and closed. */
  client?: pg.Client;
}

/** The migrations (pgtop's or an Alembic project's) and the backups, each read only when configured. */
export async function readDirectories(options: DirectoryOptions, deadlineMs: number): Promise<Pick<HealthInput, 'migrations' | 'alembic' | 'backups'>> {
  const { settings, migrationsDir, alembic, backupDir, client } = options;
  const env = options.env ?? process.env;
  const result: Pick<HealthInput, 'migrations' | 'alembic' | 'backups'> = {};
  if (alembic) {
    const read = () => readAlembicStatus({ settings, alembic, env, useAlembic: options.useAlembicCommand !== false, ...(client ? { client } : {}) });
    result.alembic = { project: alembic, ...(await piece(read, deadlineMs, 'reading the Alembic project')) };
  } else if (migrationsDir) {
    result.migrations = { dir: migrationsDir, ...(await piece(() => readMigrationStatus({ settings, dir: migrationsDir, ...(client ? { client } : {}) }), deadlineMs, 'reading the migrations')) };
  }
  if (backupDir) {
    result.backups = { dir: backupDir, database: settings.database, ...(await piece(() => listBackups(backupDir), deadlineMs, 'listing the backups')) };
  }
  return result;
}
