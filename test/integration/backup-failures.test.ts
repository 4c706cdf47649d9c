import { chmodSync, chownSync, cpSync, mkdirSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBackupJob } from '../../src/backup/job/backup.js';
import { BackupError } from '../../src/backup/job/backup-error.js';
import { listArchive, readArchiveFully } from '../../src/backup/dump/verify.js';
import { runBackup } from '../../src/commands/backup/backup.js';
import { resolveConnection } from '../../src/config/resolve.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { unprivilegedUser } from '../../src/sandbox/runas.js';
import {
  auditLines,
  backupEnv,
  capturedIO,
  createSampleTemplate,
  freshDatabase,
  leftovers,
  snapshotDir,
  tempDir,
} from '../helpers/backup-fixtures.js';
import { descendantsNamed, runBackupCli } from '../helpers/backup-process.js';

describe('pgtop backup run: failures leave no partial, no manifest, and older dumps as they were', () => {
  let sandbox: PostgresSandbox;
  let stateHome: string;

  before(async () => {
    sandbox = await startPostgres({ password: 'failure-test-pw' });
    await createSampleTemplate(sandbox);
    stateHome = tempDir('pgtop-backup-state-');
  });
  after(async () => {
    await sandbox?.stop();
  });

  /** A fresh database and a directory holding one good dump of it, with a snapshot of that directory. */
  async function databaseWithOlderDump(): Promise<{ database: string; dir: string; before: Record<string, string> }> {
    const database = await freshDatabase(sandbox);
    const dir = tempDir('pgtop-backup-');
    const captured = capturedIO(backupEnv(stateHome));
    assert.equal(await runBackup(['--dir', dir, sandbox.uri(database)], captured.io), 0, captured.stderr());
    assert.equal(readdirSync(dir).length, 2);
    return { database, dir, before: snapshotDir(dir) };
  }

  function assertUntouched(dir: string, before: Record<string, string>): void {
    assert.deepEqual(leftovers(dir), []);
    assert.deepEqual(snapshotDir(dir), before);
  }

  function lastAudit(database: string): string | undefined {
    return auditLines(stateHome).filter((line) => line.action === 'backup' && line.target.endsWith(`/${database}`)).at(-1)?.result;
  }

  test('a database that does not exist', async () => {
    const { dir, before } = await databaseWithOlderDump();
    const captured = capturedIO(backupEnv(stateHome));
    const code = await runBackup(['--dir', dir, sandbox.uri('no_such_db')], captured.io);
    assert.equal(code, 2, 'no such database is exit 2, as in every command');
    assert.match(captured.stderr(), /database "no_such_db" does not exist/);
    assert.match(captured.stderr(), /Check the name \(-d or PGDATABASE\)/);
    assertUntouched(dir, before);
    assert.equal(lastAudit('no_such_db'), 'failed');
  });

  test('a role that may not read one of the tables', async () => {
    const { database, dir, before } = await databaseWithOlderDump();
    await sandbox.query(`CREATE ROLE reader_${database} LOGIN PASSWORD 'reader-pw'`);
    await sandbox.query(
      `GRANT USAGE ON SCHEMA shop TO reader_${database}; GRANT SELECT ON shop.customers, public.audit_notes TO reader_${database}`,
      [],
      database,
    );
    const captured = capturedIO(backupEnv(stateHome));
    const code = await runBackup(['--dir', dir, sandbox.uri(database, `reader_${database}`, 'reader-pw')], captured.io);
    assert.equal(code, 1);
    const stderr = captured.stderr();
    assert.match(stderr, new RegExp(`role "reader_${database}" may not read shop\\.orders`));
    assert.match(stderr, /GRANT pg_read_all_data TO/);
    assert.match(stderr, /GRANT SELECT ON shop\.orders TO/);
    assert.match(stderr, /pg_dump said:\n {2}pg_dump: error: query failed: ERROR: {2}permission denied for table orders/);
    assertUntouched(dir, before);
    assert.equal(lastAudit(database), 'failed');
  });

  test('a table locked by another session past --lock-wait-timeout', async () => {
    const { database, dir, before } = await databaseWithOlderDump();
    const holder = await sandbox.connect(database);
    try {
      await holder.query("SET application_name = 'schema-change'");
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE');
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      const captured = capturedIO(backupEnv(stateHome));
      const code = await runBackup(['--dir', dir, '--lock-wait-timeout', '1', sandbox.uri(database)], captured.io);
      assert.equal(code, 1);
      const stderr = captured.stderr();
      assert.match(stderr, /could not lock shop\.orders within the lock wait timeout \(1 s\)/);
      assert.match(stderr, new RegExp(`pid ${holderPid} \\(user postgres, application "schema-change", idle in transaction for \\d+ s\\) holds ACCESS EXCLUSIVE`));
      assert.match(stderr, /--lock-wait-timeout SECS/);
      assert.match(stderr, /canceling statement due to statement timeout/);
      assertUntouched(dir, before);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  test('an output directory that does not exist', async () => {
    const database = await freshDatabase(sandbox);
    const parent = tempDir('pgtop-backup-');
    const missing = join(parent, 'not-there');
    const captured = capturedIO(backupEnv(stateHome));
    const code = await runBackup(['--dir', missing, sandbox.uri(database)], captured.io);
    assert.equal(code, 2, 'a missing directory is a usage error, as in every command');
    assert.match(captured.stderr(), new RegExp(`the backup directory ${missing} does not exist\\. Create it \\(mkdir -m 700 -p ${missing}\\)`));
    assert.deepEqual(readdirSync(parent), []);
    assert.equal(lastAudit(database), 'failed');
  });

  // Root writes through any mode, so this runs the CLI as the unprivileged user the sandbox uses,
  // in a directory that user owns and may read but not write.
  test('a read-only output directory (the CLI run as an unprivileged user)', async () => {
    const { database, dir: source } = await databaseWithOlderDump();
    const user = unprivilegedUser();
    assert.ok(user, 'the tests run as root, so an unprivileged user is needed for this case');
    const home = tempDir('pgtop-backup-home-');
    const dir = join(home, 'backups');
    cpSync(source, dir, { recursive: true });
    for (const path of [home, dir, ...readdirSync(dir).map((name) => join(dir, name))]) chownSync(path, user.uid, user.gid);
    chmodSync(home, 0o700);
    chmodSync(dir, 0o500);
    const before = snapshotDir(dir);

    const result = await runBackupCli(['backup', '--dir', dir, '-h', sandbox.host, '-p', String(sandbox.port), '-U', sandbox.superuser, '-d', database], {
      env: backupEnv(join(home, 'state'), { HOME: home, PGPASSWORD: sandbox.password }),
      uid: user.uid,
      gid: user.gid,
    });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`cannot write in the backup directory ${dir}: permission denied`));
    assertUntouched(dir, before);
  });

  test('a file size limit (ulimit -f) that the dump outgrows', async () => {
    const { database, dir, before } = await databaseWithOlderDump();
    const result = await runBackupCli(['backup', '--dir', dir, sandbox.uri(database)], {
      env: backupEnv(stateHome),
      fileSizeLimitBlocks: 100,
    });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /the dump outgrew the largest file this process may write \(pg_dump (was killed by SIGXFSZ|exited with code 1)\)/);
    assert.match(result.stderr, /ulimit -f unlimited/);
    assertUntouched(dir, before);
    assert.equal(lastAudit(database), 'failed');
  });

  test('pg_dump killed while it copies the data', async () => {
    const { database, dir, before } = await databaseWithOlderDump();
    const { settings } = resolveConnection({ flags: {}, target: sandbox.uri(database), env: {} });
    let killed: number | undefined;
    const job = runBackupJob({
      settings,
      dir,
      format: 'custom',
      jobs: 1,
      lockWaitTimeoutSec: 30,
      signal: new AbortController().signal,
      env: backupEnv(stateHome),
      onEvent: (event) => {
        // The first table of three has just begun: shop.orders, the big one, is still to come.
        if (event.type === 'table' && killed === undefined && event.progress.pgDumpPid !== null) {
          killed = event.progress.pgDumpPid;
          process.kill(killed, 'SIGKILL');
        }
      },
    });
    await assert.rejects(job, (error: unknown) => {
      assert.ok(error instanceof BackupError);
      assert.equal(error.reason, 'killed');
      assert.equal(error.exitCode, 1);
      assert.match(error.message, /pg_dump was killed by SIGKILL before it finished/);
      assert.match(error.message, /No dump was written; older dumps are untouched/);
      return true;
    });
    assert.ok(killed);
    assert.deepEqual(descendantsNamed(process.pid, 'pg_dump'), []);
    assertUntouched(dir, before);
    assert.equal(lastAudit(database), 'failed');
  });

  test('a dump cut short after pg_dump wrote it fails verification during the run', async () => {
    const { database, dir, before } = await databaseWithOlderDump();
    // A pg_dump that truncates its own output after a successful run, with the real pg_restore beside it.
    const tools = tempDir('pgtop-fake-tools-');
    const script = `#!/bin/sh
"${join(sandbox.binDir, 'pg_dump')}" "$@" || exit $?
for arg in "$@"; do case "$arg" in --file=*) truncate -s 200000 "\${arg#--file=}";; esac; done
`;
    const { writeFileSync, symlinkSync } = await import('node:fs');
    writeFileSync(join(tools, 'pg_dump'), script, { mode: 0o755 });
    symlinkSync(join(sandbox.binDir, 'pg_restore'), join(tools, 'pg_restore'));
    const captured = capturedIO(backupEnv(stateHome));
    const code = await runBackup(['--dir', dir, '--pg-dump', join(tools, 'pg_dump'), sandbox.uri(database)], captured.io);
    assert.equal(code, 1);
    assert.match(captured.stderr(), /pg_dump finished but its output does not read back: pg_restore --file=\/dev\/null .* exited with code 1/);
    assert.match(captured.stderr(), /could not read from input file/);
    assertUntouched(dir, before);
    assert.equal(lastAudit(database), 'failed');
  });

  test('backup verify: a truncated dump fails, though pg_restore --list alone passes it', async () => {
    const { dir } = await databaseWithOlderDump();
    const dumpName = readdirSync(dir).find((name) => name.endsWith('.dump'));
    assert.ok(dumpName);
    const dumpPath = join(dir, dumpName);
    const manifestBefore = readFileSync(`${dumpPath}.manifest.json`, 'utf8');
    truncateSync(dumpPath, 300_000);

    const listing = await listArchive(join(sandbox.binDir, 'pg_restore'), dumpPath);
    assert.ok(listing.tableDataEntries === 3, 'pg_restore --list reads only the table of contents, and passes');
    await assert.rejects(readArchiveFully(join(sandbox.binDir, 'pg_restore'), dumpPath), /could not read from input file: end of file/);

    const captured = capturedIO(backupEnv(stateHome));
    const code = await runBackup(['verify', dumpName, '--dir', dir], captured.io);
    assert.equal(code, 1);
    const stderr = captured.stderr();
    assert.match(stderr, new RegExp(`${dumpPath} failed verification`));
    assert.match(stderr, /its size is 300000 bytes, the manifest says \d+/);
    assert.match(stderr, /its sha256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}/);
    assert.match(stderr, /it does not read back: .*\n.*could not read from input file: end of file/);
    assert.match(stderr, /take a new one/);
    const { last_check: check, ...manifestAfter } = JSON.parse(readFileSync(`${dumpPath}.manifest.json`, 'utf8')) as { last_check?: { ok: boolean } };
    assert.deepEqual(manifestAfter, JSON.parse(manifestBefore), 'the manifest keeps what it recorded, and adds the failed check');
    assert.equal(check?.ok, false);
    assert.deepEqual(leftovers(dir), []);
  });

  test('a file without a manifest fails verify, with what to do', async () => {
    const dir = tempDir('pgtop-backup-');
    const { dir: source } = await databaseWithOlderDump();
    const dumpName = readdirSync(source).find((name) => name.endsWith('.dump')) ?? '';
    mkdirSync(join(dir, 'copy'));
    cpSync(join(source, dumpName), join(dir, 'copy', dumpName));
    const captured = capturedIO(backupEnv(stateHome));
    assert.equal(await runBackup(['verify', join(dir, 'copy', dumpName)], captured.io), 1);
    assert.match(captured.stderr(), /it has no manifest/);
  });
});
