import type pg from 'pg';
import { describeTarget } from '../config/resolve.js';
import type { ConnectionSettings } from '../config/types.js';
import { closeQuietly, connect } from '../db/connect.js';
import type { IgnoredFile } from './discover.js';
import { loadMigrations, type LoadedMigration } from './load.js';
import { planUp, type PlanEntry } from './plan.js';
import { MIGRATE_APPLICATION_NAME } from './session.js';
import { readTrackingRows, trackingTableExists } from './tracking.js';
import type { Refusal } from './types.js';

export interface MigrationStatus {
  /** `host:port/database`. */
  target: string;
  role: string;
  dir: string;
  trackingTableExists: boolean;
  /** Every version in the directory or the tracking table, in version order. */
  entries: PlanEntry<LoadedMigration>[];
  /** The files `up` would apply now. */
  pending: LoadedMigration[];
  ignored: IgnoredFile[];
  /** Why `up` would refuse now; empty when it would run. */
  refusals: Refusal[];
}

/**
 * Every migration and its state, read without changing anything: no lock, and the tracking table is
 * not created (all files are pending while it does not exist). Works on a standby too.
 */
export async function readMigrationStatus(options: { settings: ConnectionSettings; dir: string; interactive?: boolean; client?: pg.Client }): Promise<MigrationStatus> {
  const loaded = loadMigrations(options.dir);
  // A caller that holds a connection (the monitor's health checks, every 15 s) lends it: no new session each time.
  const client = options.client ?? (await connect(options.settings, { applicationName: MIGRATE_APPLICATION_NAME, interactive: options.interactive }));
  try {
    const role = (await client.query<{ role: string }>('SELECT current_user AS role')).rows[0]?.role ?? options.settings.user;
    const exists = await trackingTableExists(client);
    const rows = exists ? await readTrackingRows(client) : [];
    const plan = planUp(loaded.migrations, rows);
    return {
      target: describeTarget(options.settings),
      role,
      dir: options.dir,
      trackingTableExists: exists,
      entries: plan.entries,
      pending: plan.toApply,
      ignored: loaded.ignored,
      refusals: plan.refusals,
    };
  } finally {
    if (client !== options.client) await closeQuietly(client);
  }
}
