import { chmodSync, chownSync, copyFileSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPostgres, type PostgresSandbox } from './postgres.js';
import type { RunAs } from './runas.js';

/** Settings a primary needs to feed a standby and a logical slot, and to hold prepared transactions. */
export const PRIMARY_SETTINGS: Record<string, string | number> = {
  wal_level: 'logical',
  max_wal_senders: 10,
  max_replication_slots: 10,
  max_prepared_transactions: 10,
  wal_keep_size: 0,
};

export const REPLICATION_ROLE = 'replicator';
const REPLICATION_PASSWORD = 'replication-secret';

/** Settings a standby must hold at least as high as its primary, or it refuses to start. */
const MATCHED_SETTINGS = ['max_connections', 'max_prepared_transactions', 'max_locks_per_transaction', 'max_wal_senders', 'max_worker_processes'];

/** Paths of a data directory that a base backup leaves out (or keeps empty). */
const EMPTIED_DIRS = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);
const SKIPPED_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'pg_internal.init', 'standby.signal', 'recovery.signal']);

export interface StandbyOptions {
  /** The name the standby reports (application_name) and of its physical slot on the primary. */
  name?: string;
  settings?: Record<string, string | number>;
  /** Parent directory of the standby's temporary directory. */
  parentDir?: string;
}

/**
 * Starts a streaming hot standby of `primary`, without pg_basebackup (the npm server packages lack it):
 * a base backup through pg_backup_start/stop (pg_start/stop_backup on 14) on one connection, a copy of the
 * data directory, the backup_label the stop returned, standby.signal and primary_conninfo. The standby
 * streams through a physical slot named after it and sends hot-standby feedback.
 */
export async function startStandby(primary: PostgresSandbox, options: StandbyOptions = {}): Promise<PostgresSandbox> {
  const name = options.name ?? 'standby1';
  await ensureReplicationRole(primary);
  const matched = await primarySettings(primary);
  await primary.query('SELECT pg_create_physical_replication_slot($1, true)', [name]);
  const conninfo = `host=${primary.host} port=${primary.port} user=${REPLICATION_ROLE} password=${REPLICATION_PASSWORD} application_name=${name}`;
  return startPostgres({
    binDir: primary.binDir,
    parentDir: options.parentDir,
    superuser: primary.superuser,
    password: primary.password,
    settings: {
      ...matched,
      primary_conninfo: conninfo,
      primary_slot_name: name,
      hot_standby: 'on',
      hot_standby_feedback: 'on',
      wal_receiver_status_interval: '1s',
      ...options.settings,
    },
    seedDataDir: (dataDir, runAs) => baseBackup(primary, dataDir, runAs),
  });
}

/** Creates a logical replication slot (test_decoding) in `database`; it stays inactive and retains WAL. */
export async function createLogicalSlot(primary: PostgresSandbox, slot: string, database = 'postgres'): Promise<void> {
  await primary.query("SELECT pg_create_logical_replication_slot($1, 'test_decoding')", [slot], database);
}

async function ensureReplicationRole(primary: PostgresSandbox): Promise<void> {
  const { rows } = await primary.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [REPLICATION_ROLE]);
  if (rows.length === 0) await primary.query(`CREATE ROLE ${REPLICATION_ROLE} LOGIN REPLICATION PASSWORD '${REPLICATION_PASSWORD}'`);
}

async function primarySettings(primary: PostgresSandbox): Promise<Record<string, string>> {
  const { rows } = await primary.query<{ name: string; setting: string }>('SELECT name, setting FROM pg_settings WHERE name = ANY($1)', [MATCHED_SETTINGS]);
  return Object.fromEntries(rows.map((row) => [row.name, row.setting]));
}

async function baseBackup(primary: PostgresSandbox, dataDir: string, runAs: RunAs | undefined): Promise<void> {
  const client = await primary.connect();
  try {
    const modern = primary.majorVersion >= 15;
    await client.query(modern ? "SELECT pg_backup_start('pgtop standby', true)" : "SELECT pg_start_backup('pgtop standby', true, false)");
    copyDataDir(primary.dataDir, dataDir);
    const stop = await client.query<{ labelfile: string; spcmapfile: string | null }>(
      modern ? 'SELECT labelfile, spcmapfile FROM pg_backup_stop(false)' : 'SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)',
    );
    const label = stop.rows[0]?.labelfile;
    if (!label) throw new Error('the base backup returned no backup_label');
    writeFileSync(join(dataDir, 'backup_label'), label);
    if (stop.rows[0]?.spcmapfile) writeFileSync(join(dataDir, 'tablespace_map'), stop.rows[0].spcmapfile);
    writeFileSync(join(dataDir, 'standby.signal'), '');
  } finally {
    await client.end().catch(() => undefined);
  }
  chmodSync(dataDir, 0o700);
  if (runAs) chownTree(dataDir, runAs);
}

/** Copies a live data directory; files removed while it runs (temporary files, recycled WAL) are skipped. */
function copyDataDir(from: string, to: string, top = true): void {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      if (top && EMPTIED_DIRS.has(entry.name)) {
        mkdirSync(target, { mode: 0o700 });
        if (entry.name === 'pg_wal') mkdirSync(join(target, 'archive_status'), { mode: 0o700 });
        continue;
      }
      copyDataDir(source, target, false);
    } else if (entry.isFile() && !SKIPPED_FILES.has(entry.name) && !entry.name.startsWith('pgsql_tmp')) {
      try {
        copyFileSync(source, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
}

function chownTree(path: string, runAs: RunAs): void {
  chownSync(path, runAs.uid, runAs.gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) chownTree(join(path, name), runAs);
}

/** Waits until the standby streams from the primary (its walsender is in state streaming). */
export async function waitForStreaming(primary: PostgresSandbox, name = 'standby1', timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await primary.query<{ state: string }>('SELECT state FROM pg_stat_replication WHERE application_name = $1', [name]);
    if (rows[0]?.state === 'streaming') return;
    if (Date.now() > deadline) throw new Error(`standby ${name} did not reach streaming within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
