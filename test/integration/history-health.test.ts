import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { runCheck } from '../helpers/health.js';
import { freshDatabase } from '../helpers/migrate-harness.js';
import { FLYWAY, GOLANG_MIGRATE } from '../helpers/tool-history-ddl.js';

let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
});

after(async () => {
  await sandbox?.stop();
});

const checkHistory = (database: string) => runCheck(sandbox, ['--only', 'migrations.history'], { database, withDirectories: true });

describe("other tools' failed or dirty migrations as a health check", () => {
  test('no history table: OK', async () => {
    const database = await freshDatabase(sandbox, 'hh');
    const run = await checkHistory(database);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.byId('migrations.history').severity, 'ok');
    assert.match(run.byId('migrations.history').summary, /no other tool's migration history/);
  });

  test('a failed Flyway row is critical until flyway repair removes it', async () => {
    const database = await freshDatabase(sandbox, 'hh');
    await sandbox.query(FLYWAY, [], database);
    const failed = await checkHistory(database);
    assert.equal(failed.code, 2, failed.stdout + failed.stderr);
    const finding = failed.byId('migrations.history');
    assert.equal(finding.severity, 'critical');
    assert.match(finding.summary, /flyway 2 failed in public\.flyway_schema_history/);
    assert.match(finding.evidence.join('\n'), /Flyway migration 2 \(add email\) failed.*flyway repair/);

    await sandbox.query('DELETE FROM flyway_schema_history WHERE NOT success', [], database);
    const repaired = await checkHistory(database);
    assert.equal(repaired.code, 0, repaired.stdout);
    assert.equal(repaired.byId('migrations.history').severity, 'ok');
    assert.match(repaired.byId('migrations.history').summary, /no failed or dirty migration in flyway \(public\.flyway_schema_history\)/);
  });

  test('a dirty golang-migrate version is critical until migrate force clears it', async () => {
    const database = await freshDatabase(sandbox, 'hh');
    await sandbox.query(GOLANG_MIGRATE, [], database);
    const dirty = await checkHistory(database);
    assert.equal(dirty.code, 2, dirty.stdout + dirty.stderr);
    assert.equal(dirty.byId('migrations.history').severity, 'critical');
    assert.match(dirty.byId('migrations.history').summary, /golang-migrate 20260101120000 dirty in public\.schema_migrations/);
    assert.match(dirty.byId('migrations.history').evidence.join('\n'), /migrate force/);

    await sandbox.query('UPDATE schema_migrations SET dirty = false', [], database);
    const forced = await checkHistory(database);
    assert.equal(forced.code, 0, forced.stdout);
    assert.equal(forced.byId('migrations.history').severity, 'ok');
  });
});
