import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBackupJob } from '../../src/backup/job/backup.js';
import { BackupError } from '../../src/backup/job/backup-error.js';
import { runBackup } from '../../src/commands/backup/backup.js';
import { resolveConnection } from '../../src/config/resolve.js';
import { releaseMaintenanceLock, tryMaintenanceLock } from '../../src/db/maintenance-lock.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import {
  auditLines,
  backupEnv,
  capturedIO,
  createSampleTemplate,
  freshDatabase,
  leftovers,
  tempDir,
} from '../helpers/backup-fixtures.js';
import { commandLineOf, descendantsNamed, environmentOf, isRunning, startBackupCli } from '../helpers/backup-process.js';
import { waitUntil } from '../helpers/wait.js';

const password = 'Pw-in-env-only-7c1e';

describe('pgtop backup run: secrets, cancelling, the maintenance lock, --keep', () => {
  let sandbox: PostgresSandbox;
  let stateHome: string;

  before(async () => {
    sandbox = await startPostgres({ password });
    await createSampleTemplate(sandbox);
    stateHome = tempDir('pgtop-backup-state-');
  });
  after(async () => {
    await sandbox?.stop();
  });

  /** Holds an ACCESS EXCLUSIVE lock on shop.orders, so that pg_dump waits (and stays alive) until released. */
  async function holdOrders(database: string): Promise<{ release(): Promise<void> }> {
    const holder = await sandbox.connect(database);
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE');
    return {
      async release() {
        await holder.query('ROLLBACK');
        await holder.end();
      },
    };
  }

  async function pgDumpWaitingForLock(database: string): Promise<boolean> {
    const result = await sandbox.query(
      `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
        WHERE NOT l.granted AND a.application_name = 'pgtop-backup' AND a.datname = $1
          AND a.query LIKE 'LOCK TABLE %'`,
      [database],
    );
    return result.rowCount === 1;
  }

  test('the password is on no command line, the dump file is 0600, and SIGINT cancels and cleans up', async () => {
    const database = await freshDatabase(sandbox);
    const dir = tempDir('pgtop-backup-');
    const lock = await holdOrders(database);
    try {
      const cli = startBackupCli(['backup', '--dir', dir, '--lock-wait-timeout', '120', '-h', sandbox.host, '-p', String(sandbox.port), '-U', sandbox.superuser, '-d', database], {
        env: backupEnv(stateHome, { PGPASSWORD: password }),
      });
      const pid = cli.child.pid ?? 0;
      await waitUntil(() => pgDumpWaitingForLock(database), { what: `pg_dump waiting for the table lock (stderr: ${cli.stderr()})`, timeoutMs: 20_000 });
      // The dump itself, not the `pg_dump --version` that pgtop ran before it.
      const dumping = descendantsNamed(pid, 'pg_dump').filter((candidate) => commandLineOf(candidate).includes('--file='));
      assert.equal(dumping.length, 1, `pg_dump processes of pgtop: ${descendantsNamed(pid, 'pg_dump').map(commandLineOf).join(' | ')}`);
      const [pgDump = 0] = dumping;

      const pgDumpArgs = commandLineOf(pgDump);
      assert.match(pgDumpArgs, /pg_dump --verbose --no-password --format=custom --file=/);
      assert.ok(!pgDumpArgs.includes(password), pgDumpArgs);
      assert.ok(!commandLineOf(pid).includes(password), commandLineOf(pid));
      const pgDumpEnv = environmentOf(pgDump);
      assert.match(pgDumpEnv, /^PGAPPNAME=pgtop-backup$/m);
      assert.match(pgDumpEnv, /^PGPASSFILE=/m);
      assert.ok(!pgDumpEnv.includes(password), 'the password reaches pg_dump through a file, not its environment');

      const [partial] = readdirSync(dir).filter((name) => name.endsWith('.dump.partial'));
      assert.ok(partial, readdirSync(dir).join(' '));
      assert.equal(statSync(join(dir, partial)).mode & 0o777, 0o600);

      cli.child.kill('SIGINT');
      const exit = await cli.exited;
      assert.equal(exit.code, 1, cli.stderr());
      assert.match(cli.stderr(), /SIGINT: cancelling the backup/);
      assert.match(cli.stderr(), /backup of .* cancelled: pg_dump was stopped and the partial dump removed/);
      assert.equal(isRunning(pgDump), false);
      assert.deepEqual(readdirSync(dir), []);
      const audited = auditLines(stateHome).filter((line) => line.target.endsWith(`/${database}`));
      assert.deepEqual(audited.map((line) => line.result), ['started', 'cancelled']);
    } finally {
      await lock.release();
    }
  });

  test('SIGTERM cancels the same way', async () => {
    const database = await freshDatabase(sandbox);
    const dir = tempDir('pgtop-backup-');
    const lock = await holdOrders(database);
    try {
      const cli = startBackupCli(['backup', '--dir', dir, '--format', 'directory', sandbox.uri(database)], { env: backupEnv(stateHome) });
      await waitUntil(() => pgDumpWaitingForLock(database), { what: `pg_dump waiting for the table lock (stderr: ${cli.stderr()})`, timeoutMs: 20_000 });
      cli.child.kill('SIGTERM');
      const exit = await cli.exited;
      assert.equal(exit.code, 1, cli.stderr());
      assert.match(cli.stderr(), /cancelled/);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      await lock.release();
    }
  });

  test('cancelling a parallel dump stops pg_dump and its workers', async () => {
    const database = await freshDatabase(sandbox);
    const dir = tempDir('pgtop-backup-');
    const { settings } = resolveConnection({ flags: {}, target: sandbox.uri(database), env: {} });
    const controller = new AbortController();
    let workers: number[] = [];
    const job = runBackupJob({
      settings,
      dir,
      format: 'directory',
      jobs: 2,
      lockWaitTimeoutSec: 30,
      signal: controller.signal,
      env: backupEnv(stateHome),
      onEvent: (event) => {
        // A table started means the workers are copying; cancel right there.
        if (event.type === 'table' && !controller.signal.aborted) {
          workers = descendantsNamed(process.pid, 'pg_dump');
          controller.abort();
        }
      },
    });
    await assert.rejects(job, (error: unknown) => error instanceof BackupError && error.reason === 'cancelled');
    assert.ok(workers.length >= 2, `pg_dump and its workers were running: ${workers.join(' ')}`);
    // pg_dump has exited when the job ends; its orphaned workers close their end of the pipe as they exit,
    // a moment before the kernel has them gone.
    await waitUntil(() => workers.filter(isRunning).length === 0 && descendantsNamed(process.pid, 'pg_dump').length === 0, {
      what: `pg_dump's workers to be gone (${workers.filter(isRunning).join(' ')})`,
      timeoutMs: 5000,
    });
    assert.deepEqual(readdirSync(dir), []);
  });

  test('losing the connection that holds the maintenance lock stops the dump', async () => {
    const database = await freshDatabase(sandbox);
    const dir = tempDir('pgtop-backup-');
    const lock = await holdOrders(database);
    try {
      const { settings } = resolveConnection({ flags: {}, target: sandbox.uri(database), env: {} });
      const job = runBackupJob({ settings, dir, format: 'custom', jobs: 1, lockWaitTimeoutSec: 60, signal: new AbortController().signal, env: backupEnv(stateHome) });
      const outcome = assert.rejects(job, (error: unknown) => {
        assert.ok(error instanceof BackupError);
        assert.equal(error.reason, 'connection');
        assert.match(error.message, /the connection holding the maintenance lock was lost/);
        return true;
      });
      await waitUntil(() => pgDumpWaitingForLock(database), { what: 'pg_dump waiting for the table lock', timeoutMs: 20_000 });
      const terminated = await sandbox.query(
        `SELECT pg_terminate_backend(l.pid) AS done FROM pg_locks l JOIN pg_stat_activity a USING (pid)
          WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'pgtop-backup' AND a.datname = $1`,
        [database],
      );
      assert.equal(terminated.rowCount, 1);
      await outcome;
      assert.deepEqual(descendantsNamed(process.pid, 'pg_dump'), []);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      await lock.release();
    }
  });

  test('a backup is refused while a migration holds the maintenance lock', async () => {
    const database = await freshDatabase(sandbox);
    const dir = tempDir('pgtop-backup-');
    const migration = await sandbox.connect(database);
    try {
      await migration.query("SET application_name = 'pgtop-migrate'");
      assert.equal(await tryMaintenanceLock(migration), true);
      const migrationPid = (await migration.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      const captured = capturedIO(backupEnv(stateHome));
      const code = await runBackup(['--dir', dir, sandbox.uri(database)], captured.io);
      assert.equal(code, 1);
      assert.match(captured.stderr(), new RegExp(`backup of ${database} refused: a migration of this database is running: a pgtop migration \\(pid ${migrationPid}`));
      assert.deepEqual(readdirSync(dir), []);
      const audited = auditLines(stateHome).filter((line) => line.target.endsWith(`/${database}`));
      assert.deepEqual(audited.map((line) => line.result), ['refused']);
      await releaseMaintenanceLock(migration);
    } finally {
      await migration.end();
    }
    const captured = capturedIO(backupEnv(stateHome));
    assert.equal(await runBackup(['--dir', dir, sandbox.uri(database)], captured.io), 0, captured.stderr());
  });

  test('--keep 2 after four dumps leaves the two newest, a file without a manifest, and other databases’ dumps', async () => {
    const database = await freshDatabase(sandbox);
    const other = await freshDatabase(sandbox);
    const dir = tempDir('pgtop-backup-');
    const stray = `${database}-20200101T000000Z.dump`;
    writeFileSync(join(dir, stray), 'not a dump, and no manifest');
    const run = async (target: string, ...flags: string[]): Promise<string> => {
      const captured = capturedIO(backupEnv(stateHome));
      assert.equal(await runBackup(['--dir', dir, ...flags, sandbox.uri(target)], captured.io), 0, captured.stderr());
      const written = /backup written: (.*)/.exec(captured.stdout())?.[1];
      assert.ok(written, captured.stdout());
      return written;
    };
    const otherDump = await run(other);
    const dumps: string[] = [];
    for (let i = 0; i < 4; i++) dumps.push(await run(database, ...(i === 3 ? ['--keep', '2'] : [])));

    const base = (path: string): string => path.slice(dir.length + 1);
    const expected = [stray, base(otherDump), `${base(otherDump)}.manifest.json`, ...dumps.slice(2).flatMap((path) => [base(path), `${base(path)}.manifest.json`])];
    assert.deepEqual(readdirSync(dir).sort(), expected.sort());
    assert.deepEqual(leftovers(dir), []);
    const deletions = auditLines(stateHome).filter((line) => line.action === 'backup-retention' && dumps.slice(0, 2).includes(line.file ?? ''));
    assert.equal(deletions.length, 2);
  });
});
