import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPgBouncer, type PgBouncerSandbox, type PoolMode } from '../../src/sandbox/pgbouncer.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { auditEnv, auditLines, freshDatabase, migrate, migrationsDir, tableExists } from '../helpers/migrate-harness.js';

let sandbox: PostgresSandbox;
let database: string;
const bouncers = new Map<PoolMode, PgBouncerSandbox>();

before(async () => {
  sandbox = await startPostgres();
  database = await freshDatabase(sandbox);
  for (const poolMode of ['session', 'transaction'] as const) bouncers.set(poolMode, await startPgBouncer({ postgres: sandbox, databases: [database], poolMode }));
});

after(async () => {
  for (const bouncer of bouncers.values()) await bouncer.stop();
  await sandbox?.stop();
});

const dir = (): string => migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);\n' });

describe('migrating through PgBouncer', () => {
  for (const poolMode of ['session', 'transaction'] as const) {
    test(`is refused in ${poolMode} pooling, telling to connect to PostgreSQL directly, before anything runs`, async () => {
      const bouncer = bouncers.get(poolMode);
      assert.ok(bouncer);
      const env = auditEnv();
      const run = await migrate(['up', '--dir', dir(), bouncer.uri(database)], { env });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`^pgtop: 127\\.0\\.0\\.1:${bouncer.port}/${database} goes through PgBouncer \\(or another connection pooler\\)\\. .*connect to PostgreSQL directly, not through PgBouncer`, 'm'));
      assert.equal(await tableExists(sandbox, database, 'a'), false);
      assert.equal(await tableExists(sandbox, database, 'pgtop.schema_migrations'), false);
      assert.deepEqual(auditLines(env).map((line) => [line.action, line.result]), [['migrate-up', 'refused']]);

      const dryRun = await migrate(['up', '--dry-run', '--dir', dir(), bouncer.uri(database)]);
      assert.equal(dryRun.code, 1);
      assert.match(dryRun.stderr, /not through PgBouncer/);
    });
  }

  test('the admin console is refused too', async () => {
    const bouncer = bouncers.get('transaction');
    assert.ok(bouncer);
    const run = await migrate(['up', '--dir', dir(), bouncer.adminUri()]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /is the PgBouncer admin console, not a database\. .*connect to PostgreSQL directly, not through PgBouncer/);
  });

  test('status, which only reads, works through the pool', async () => {
    const bouncer = bouncers.get('transaction');
    assert.ok(bouncer);
    const run = await migrate(['status', '--dir', dir(), bouncer.uri(database)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^0001\s+a\s+pending/m);
  });

  test('directly, the same migration applies', async () => {
    const run = await migrate(['up', '--dir', dir(), sandbox.uri(database)]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await tableExists(sandbox, database, 'a'), true);
  });
});
