import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { applyAlembic } from '../../src/migrate/alembic/apply.js';
import { ensureTrackingTable } from '../../src/migrate/tracking.js';
import { startPgBouncer, type PgBouncerSandbox } from '../../src/sandbox/pgbouncer.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { giveTo } from '../../src/sandbox/runas.js';
import { readAlembicStatus } from '../../src/migrate/alembic/status.js';
import { alembicProject } from '../helpers/alembic-project.js';
import { auditEnv, auditLines, freshDatabase, migrate, settingsFor, tableExists } from '../helpers/migrate-harness.js';

let sandbox: PostgresSandbox;
let bouncer: PgBouncerSandbox;
let bounced: string;

before(async () => {
  sandbox = await startPostgres();
  bounced = await freshDatabase(sandbox);
  bouncer = await startPgBouncer({ postgres: sandbox, databases: [bounced], poolMode: 'transaction' });
});

after(async () => {
  await bouncer?.stop();
  await sandbox?.stop();
});

const project = (): string => alembicProject([
  { id: 'a1', down: null, message: 'create users', upgrade: ['op.execute("CREATE TABLE users (id int)")'] },
  { id: 'b2', down: 'a1', message: 'add email', upgrade: ['op.execute("ALTER TABLE users ADD COLUMN email text")'] },
]);
const alembicEnv = (): NodeJS.ProcessEnv => ({ ...process.env, ...auditEnv() });

describe('alembic upgrade refusals', () => {
  test('through PgBouncer: refused before the child runs, and audited', async () => {
    const env = alembicEnv();
    const run = await migrate(['up', '--alembic', project(), bouncer.uri(bounced)], { env });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /goes through PgBouncer \(or another connection pooler\)\. .*connect to PostgreSQL directly/);
    assert.doesNotMatch(run.stdout, /alembic upgrade/);
    assert.equal(await tableExists(sandbox, bounced, 'users'), false);
    assert.deepEqual(auditLines(env).map((line) => [line.action, line.result]), [['migrate-alembic-up', 'refused']]);
  });

  test('a half-applied pgtop migration in the database is a dirty state', async () => {
    const database = await freshDatabase(sandbox);
    const client = new pg.Client({ connectionString: sandbox.uri(database) });
    await client.connect();
    try {
      await ensureTrackingTable(client);
      await client.query("INSERT INTO pgtop.schema_migrations (version, name, checksum, status, transactional, started_at) VALUES (7, '0007_backfill.sql', 'x', 'started', false, now())");
    } finally {
      await client.end();
    }
    const result = await applyAlembic({ settings: settingsFor(sandbox, database), alembic: project(), auditEnv: auditEnv(), env: alembicEnv() });
    assert.equal(result.outcome, 'refused');
    assert.deepEqual(result.refusals.map((refusal) => refusal.kind), ['dirty']);
    assert.match(result.refusals[0]?.message ?? '', /0007_backfill\.sql as started and never finished/);
    assert.equal(await tableExists(sandbox, database, 'users'), false);
  });

  test('alembic_version holding a revision and its descendant is a dirty state', async () => {
    const database = await freshDatabase(sandbox);
    await sandbox.query("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('a1'), ('b2')", [], database);
    const result = await applyAlembic({ settings: settingsFor(sandbox, database), alembic: project(), auditEnv: auditEnv(), env: alembicEnv() });
    assert.equal(result.outcome, 'refused');
    assert.equal(result.refusals[0]?.kind, 'dirty');
    assert.match(result.refusals[0]?.message ?? '', /holds a1 together with a revision that follows it/);
  });

  test('a standby: status reads it, the upgrade is refused', async () => {
    const standby = await startPostgres();
    try {
      const database = await freshDatabase(standby);
      const dir = project();
      const settings = settingsFor(standby, database);
      assert.equal((await applyAlembic({ settings, alembic: dir, upgradeTo: 'a1', auditEnv: auditEnv(), env: alembicEnv() })).outcome, 'done');
      await standby.stopServer();
      const signal = join(standby.dataDir, 'standby.signal');
      writeFileSync(signal, '');
      giveTo(standby.runAs, signal);
      await standby.startServer();
      const recovering = await standby.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
      assert.equal(recovering.rows[0]?.standby, true);

      const status = await readAlembicStatus({ settings, alembic: dir, env: alembicEnv() });
      assert.deepEqual(status.current, ['a1']);
      assert.deepEqual(status.pending.map((revision) => revision.revision), ['b2']);
      const result = await applyAlembic({ settings, alembic: dir, auditEnv: auditEnv(), env: alembicEnv() });
      assert.equal(result.outcome, 'refused');
      assert.equal(result.refusals[0]?.kind, 'standby');
      assert.match(result.refusals[0]?.message ?? '', /is a standby \(in recovery\) and cannot be changed\. Run migrations against the primary\./);
    } finally {
      await standby.stop();
    }
  });
});
