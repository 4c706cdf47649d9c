import type pg from 'pg';
import { describeTarget } from '../../config/resolve.js';
import type { ConnectionSettings } from '../../config/types.js';
import { closeQuietly, connect } from '../../db/connect.js';
import { describeHolder, maintenanceLockHolder, releaseMaintenanceLock, tryMaintenanceLock } from '../../db/maintenance-lock.js';
import { ConnectionError } from '../../errors.js';
import { BackupError } from '../job/backup-error.js';
import { readServerInfo, type ServerInfo } from './catalog.js';
import { BACKUP_APPLICATION_NAME } from '../dump/dump-env.js';

/**
 * The backup's own connection (application_name pgtop-backup): it reads the catalog, holds the
 * maintenance lock for the whole dump, and samples pg_dump's progress.
 */
export interface BackupSession {
  client: pg.Client;
  server: ServerInfo;
  /** Resolves if the connection ends before release(): the lock is gone with it. */
  lost: Promise<Error>;
  release(): Promise<void>;
}

export async function openBackupSession(settings: ConnectionSettings, options: { interactive?: boolean } = {}): Promise<BackupSession> {
  let client: pg.Client;
  try {
    client = await connect(settings, { applicationName: BACKUP_APPLICATION_NAME, statementTimeoutMs: 30_000, interactive: options.interactive ?? false });
  } catch (error) {
    if (error instanceof ConnectionError && error.kind === 'no-database') {
      throw new BackupError(
        `backup of ${settings.database} failed: database "${settings.database}" does not exist on ${describeTarget(settings)}. ` +
          'Check the name (-d or PGDATABASE); psql -l lists the databases.\nNo dump was written; older dumps are untouched.',
        'no-database',
        [],
        { cause: error },
      );
    }
    throw error;
  }
  let released = false;
  const lost = new Promise<Error>((resolve) => {
    client.once('end', () => {
      if (!released) resolve(new Error('the connection holding the maintenance lock was closed'));
    });
    client.once('error', (error) => {
      if (!released) resolve(error);
    });
  });
  try {
    const server = await readServerInfo(client);
    return {
      client,
      server,
      lost,
      async release() {
        released = true;
        await releaseMaintenanceLock(client).catch(() => undefined);
        await closeQuietly(client);
      },
    };
  } catch (error) {
    released = true;
    await closeQuietly(client);
    throw error;
  }
}

/** Takes the per-database maintenance lock, or refuses: a migration (or another backup) is running. */
export async function takeMaintenanceLock(session: BackupSession, database: string): Promise<void> {
  if (await tryMaintenanceLock(session.client)) return;
  const holder = await maintenanceLockHolder(session.client);
  const who = holder ? describeHolder(holder) : 'a session that has since ended';
  const what =
    holder?.purpose === 'migration'
      ? `a migration of this database is running: ${who}. Run the backup again when it has finished`
      : holder?.purpose === 'backup'
        ? `another backup of this database is running: ${who}. Wait for it to finish`
        : `pgtop's maintenance lock of this database is held by ${who}. Run the backup again when it is released`;
  throw new BackupError(`backup of ${database} refused: ${what}.`, 'maintenance-lock');
}
