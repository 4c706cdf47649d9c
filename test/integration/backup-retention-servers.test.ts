import { existsSync, readFileSync, truncateSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBackup } from '../../src/commands/backup/backup.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { backupEnv, capturedIO, tempDir } from '../helpers/backup-fixtures.js';

describe('pgtop backup --keep counts only good dumps of the same server', () => {
  let first: PostgresSandbox;
  let second: PostgresSandbox;
  let stateHome: string;

  before(async () => {
    [first, second] = await Promise.all([startPostgres(), startPostgres()]);
    for (const sandbox of [first, second]) {
      await sandbox.query('CREATE DATABASE shop');
      await sandbox.query(`CREATE TABLE items AS SELECT g AS id FROM generate_series(1, 100) g`, [], 'shop');
    }
    stateHome = tempDir('pgtop-backup-state-');
  });
  after(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

  async function backup(sandbox: PostgresSandbox, dir: string, ...flags: string[]): Promise<string> {
    const captured = capturedIO(backupEnv(stateHome));
    assert.equal(await runBackup(['--dir', dir, ...flags, sandbox.uri('shop')], captured.io), 0, captured.stderr());
    const written = /backup written: (.*)/.exec(captured.stdout())?.[1];
    assert.ok(written, captured.stdout());
    return written;
  }

  test("another server's shop survives --keep 1 of this server's shop", async () => {
    const dir = tempDir('pgtop-backup-');
    const foreign = await backup(second, dir);
    const older = await backup(first, dir);
    const newest = await backup(first, dir, '--keep', '1');
    assert.ok(existsSync(foreign), `the other server's dump ${foreign} is still there`);
    assert.ok(existsSync(`${foreign}.manifest.json`));
    assert.ok(!existsSync(older), 'the older dump of this server was deleted');
    assert.ok(existsSync(newest));
  });

  test('a dump that fails a re-verify is recorded as failed: list says so, --keep neither counts nor deletes it', async () => {
    const dir = tempDir('pgtop-backup-');
    const good = await backup(first, dir);
    const corrupt = await backup(first, dir);
    truncateSync(corrupt, Math.floor(statSync(corrupt).size / 2));

    const verify = capturedIO(backupEnv(stateHome));
    assert.equal(await runBackup(['verify', corrupt], verify.io), 1);
    assert.match(verify.stderr(), /failed verification/);
    const manifest = JSON.parse(readFileSync(`${corrupt}.manifest.json`, 'utf8')) as { last_check?: { ok: boolean; problems: string[] } };
    assert.equal(manifest.last_check?.ok, false);
    assert.ok((manifest.last_check?.problems.length ?? 0) > 0);

    const list = capturedIO(backupEnv(stateHome));
    assert.equal(await runBackup(['list', '--json', '--dir', dir], list.io), 0, list.stderr());
    const listed = (JSON.parse(list.stdout()) as { backups: { path: string; verified: boolean; problem: string | null }[] }).backups;
    const corruptRow = listed.find((row) => row.path === corrupt);
    assert.equal(corruptRow?.verified, false);
    assert.match(corruptRow?.problem ?? '', /failed verification/);

    const newest = await backup(first, dir, '--keep', '2');
    assert.ok(existsSync(good), 'the older good dump is one of the two kept: the failed one does not count');
    assert.ok(existsSync(corrupt), 'the failed dump is kept for inspection, not deleted');
    assert.ok(existsSync(newest));
  });
});
