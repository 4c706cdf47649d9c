import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBackup } from '../../src/commands/backup/backup.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { backupEnv, capturedIO, createSampleTemplate, freshDatabase, leftovers, tempDir } from '../helpers/backup-fixtures.js';
import { commandLineOf, descendantsNamed, isRunning, startBackupCli } from '../helpers/backup-process.js';
import { waitUntil } from '../helpers/wait.js';

const password = 'Pw-kill-9-test-4d2a';

/** Every file under `dir` whose content holds `secret`. */
function filesHolding(dir: string, secret: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (readFileSync(path, 'utf8').includes(secret)) found.push(path);
  }
  return found;
}

describe('pgtop killed with SIGKILL during a dump', () => {
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

  test('leaves no password on disk and no pg_dump running; the next backup removes the stale partial and says so', async () => {
    const database = await freshDatabase(sandbox);
    const dir = tempDir('pgtop-backup-');
    const privateTmp = tempDir('pgtop-tmp-');
    const holder = await sandbox.connect(database);
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE');
    try {
      const args = ['backup', '--dir', dir, '--lock-wait-timeout', '300', '-h', sandbox.host, '-p', String(sandbox.port), '-U', sandbox.superuser, '-d', database];
      const cli = startBackupCli(args, { env: backupEnv(stateHome, { PGPASSWORD: password, TMPDIR: privateTmp }) });
      const pid = cli.child.pid ?? 0;
      const pgDump = await waitUntil(() => descendantsNamed(pid, 'pg_dump').find((candidate) => commandLineOf(candidate).includes('--file=')), {
        what: `pg_dump started (stderr: ${cli.stderr()})`,
        timeoutMs: 20_000,
      });
      await waitUntil(
        async () => (await sandbox.query("SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE NOT l.granted AND a.application_name = 'pgtop-backup' AND a.datname = $1", [database])).rowCount === 1,
        { what: 'pg_dump waiting for the table lock', timeoutMs: 20_000 },
      );
      assert.deepEqual(filesHolding(privateTmp, password), [], 'no file in TMPDIR holds the password while pg_dump runs');

      cli.child.kill('SIGKILL');
      await cli.exited;
      await waitUntil(() => !isRunning(pgDump), { what: 'pg_dump to end with pgtop (it waits for a lock for up to 300 s otherwise)', timeoutMs: 15_000 });
      assert.deepEqual(readdirSync(privateTmp).filter((name) => name.startsWith('pgtop-')), [], 'no password directory is left in TMPDIR');
      assert.deepEqual(filesHolding(privateTmp, password), []);
      assert.equal(leftovers(dir).length, 1, `the killed run left its partial: ${readdirSync(dir).join(' ')}`);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }

    const next = capturedIO(backupEnv(stateHome));
    assert.equal(await runBackup(['--dir', dir, sandbox.uri(database)], next.io), 0, next.stderr());
    assert.match(`${next.stdout()}${next.stderr()}`, /removed .*\.dump\.partial: a partial dump left by a backup that was killed/);
    assert.deepEqual(leftovers(dir), []);
    assert.deepEqual(readdirSync(dir).filter((name) => !/\.dump(\.manifest\.json)?$/.test(name)), []);
  });
});
