import { chownSync, copyFileSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPostgres, type PostgresSandbox } from './postgres.js';
import { waitUntil } from './wait.js';

/** Directories a base backup leaves empty, and files it leaves out. */
const EMPTIED = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);
const SKIPPED = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'pg_internal.init']);

/**
 * A hot standby of `primary` streaming from it, built without pg_basebackup (the npm server packages lack
 * it): a server is started and stopped to get a directory, a port and a clean-up, its data directory is
 * replaced by a copy taken between pg_backup_start and pg_backup_stop (pg_start/stop_backup on 14), with
 * the returned backup_label and standby.signal, and it is started again.
 */
export async function startStandby(primary: PostgresSandbox, settings: Record<string, string | number> = {}): Promise<PostgresSandbox> {
  const conninfo = `host=${primary.host} port=${primary.port} user=${primary.superuser} password=${primary.password} application_name=standby`;
  const standby = await startPostgres({ binDir: primary.binDir, settings: { primary_conninfo: conninfo, hot_standby: 'on', ...settings } });
  try {
    await standby.stopServer();
    rmSync(standby.dataDir, { recursive: true, force: true });
    await copyBaseBackup(primary, standby.dataDir);
    if (standby.runAs) chownTree(standby.dataDir, standby.runAs.uid, standby.runAs.gid);
    await standby.startServer();
    await waitUntil(
      async () => (await primary.query<{ state: string }>("SELECT state FROM pg_stat_replication WHERE application_name = 'standby'")).rows[0]?.state === 'streaming',
      { what: 'the standby to stream from its primary', timeoutMs: 30_000 },
    );
    return standby;
  } catch (error) {
    await standby.stop();
    throw error;
  }
}

async function copyBaseBackup(primary: PostgresSandbox, to: string): Promise<void> {
  const client = await primary.connect();
  try {
    const modern = primary.majorVersion >= 15;
    await client.query(modern ? "SELECT pg_backup_start('standby', true)" : "SELECT pg_start_backup('standby', true, false)");
    copyTree(primary.dataDir, to, true);
    const stop = await client.query<{ labelfile: string }>(modern ? 'SELECT labelfile FROM pg_backup_stop(false)' : 'SELECT labelfile FROM pg_stop_backup(false, false)');
    writeFileSync(join(to, 'backup_label'), stop.rows[0]?.labelfile ?? '');
    writeFileSync(join(to, 'standby.signal'), '');
  } finally {
    await client.end().catch(() => undefined);
  }
}

function copyTree(from: string, to: string, top: boolean): void {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      if (top && EMPTIED.has(entry.name)) mkdirSync(join(target, entry.name === 'pg_wal' ? 'archive_status' : ''), { recursive: true, mode: 0o700 });
      else copyTree(source, target, false);
    } else if (entry.isFile() && !SKIPPED.has(entry.name) && !entry.name.startsWith('pgsql_tmp')) {
      try {
        copyFileSync(source, target);
      } catch (error) {
        // A temporary file or a recycled WAL segment may vanish while the copy runs.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
}
