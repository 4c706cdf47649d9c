import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyAlembic } from '../../src/migrate/alembic/apply.js';
import { readAlembicStatus } from '../../src/migrate/alembic/status.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { addRevision, alembicProject } from '../helpers/alembic-project.js';
import { auditEnv, auditLines, freshDatabase, migrate, settingsFor, tableExists } from '../helpers/migrate-harness.js';

let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
});

after(async () => {
  await sandbox?.stop();
});

const noAlembicEnv = (): NodeJS.ProcessEnv => ({ ...auditEnv(), PATH: '/nonexistent' });
const alembicEnv = (): NodeJS.ProcessEnv => ({ ...process.env, ...auditEnv() });

async function versions(database: string): Promise<string[]> {
  if (!(await tableExists(sandbox, database, 'alembic_version'))) return [];
  const result = await sandbox.query<{ version_num: string }>('SELECT version_num FROM alembic_version ORDER BY 1', [], database);
  return result.rows.map((row) => row.version_num);
}

const linear = [
  { id: 'a1', down: null, message: 'create users', upgrade: ['op.execute("CREATE TABLE users (id int PRIMARY KEY)")'] },
  { id: 'b2', down: 'a1', message: 'add email', upgrade: ['op.execute("ALTER TABLE users ADD COLUMN email text")'] },
  { id: 'c3', down: 'b2', message: 'add orders', upgrade: ['op.execute("CREATE TABLE orders (id int)")'] },
];

describe('status of an Alembic project', () => {
  test('pending revisions with message and file, from alembic history and from the files alone', async () => {
    const database = await freshDatabase(sandbox);
    const dir = alembicProject(linear);
    const settings = settingsFor(sandbox, database);
    const up = await applyAlembic({ settings, alembic: dir, upgradeTo: 'a1', auditEnv: auditEnv() });
    assert.equal(up.outcome, 'done');
    assert.deepEqual(await versions(database), ['a1']);

    for (const env of [alembicEnv(), noAlembicEnv()]) {
      const status = await readAlembicStatus({ settings, alembic: `${dir}/migrations/versions`, env });
      assert.equal(status.graph.source, env.PATH === '/nonexistent' ? 'revision files' : 'alembic history');
      assert.deepEqual(status.current, ['a1']);
      assert.deepEqual(status.graph.graph.heads, ['c3']);
      assert.deepEqual(status.pending.map((revision) => [revision.revision, revision.message, revision.path.replace(/.*\//, '')]), [
        ['b2', 'add email', 'b2_add_email.py'],
        ['c3', 'add orders', 'c3_add_orders.py'],
      ]);
      assert.deepEqual(status.refusals, []);
    }

    const cli = await migrate(['status', '--alembic', dir, sandbox.uri(database)], { env: noAlembicEnv() });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /Graph: revision graph read from the revision files.*alembic is not installed/);
    assert.match(cli.stdout, /Database: a1\n/);
    assert.match(cli.stdout, /Pending: 2 revisions:\n {2}b2 {2}add email {2}migrations\/versions\/b2_add_email\.py\n {2}c3 \(head\) {2}add orders/);
  });

  test('a branch and its merge: branch point, merge, and the revisions of the other branch pending', async () => {
    const database = await freshDatabase(sandbox);
    const dir = alembicProject([
      { id: 'a1', down: null, message: 'create users', upgrade: ['op.execute("CREATE TABLE users (id int)")'] },
      { id: 'b2', down: 'a1', message: 'add email', upgrade: ['op.execute("ALTER TABLE users ADD COLUMN email text")'] },
      { id: 'c3', down: 'a1', message: 'add phone', upgrade: ['op.execute("ALTER TABLE users ADD COLUMN phone text")'] },
    ]);
    const settings = settingsFor(sandbox, database);
    assert.equal((await applyAlembic({ settings, alembic: dir, upgradeTo: 'b2', auditEnv: auditEnv() })).outcome, 'done');

    const split = await readAlembicStatus({ settings, alembic: dir });
    assert.deepEqual(split.graph.graph.heads.sort(), ['b2', 'c3']);
    assert.deepEqual(split.graph.graph.branchPoints, ['a1']);
    assert.deepEqual(split.pending.map((revision) => revision.revision), ['c3']);
    const refusedHead = await applyAlembic({ settings, alembic: dir, upgradeTo: 'head', auditEnv: auditEnv() });
    assert.equal(refusedHead.outcome, 'refused');
    assert.match(refusedHead.refusals[0]?.message ?? '', /2 heads \(b2, c3\).*alembic merge heads/);

    addRevision(dir, { id: 'd4', down: ['b2', 'c3'], message: 'merge email and phone' });
    for (const env of [alembicEnv(), noAlembicEnv()]) {
      const merged = await readAlembicStatus({ settings, alembic: dir, env });
      assert.deepEqual(merged.graph.graph.heads, ['d4']);
      assert.deepEqual(merged.graph.graph.merges, ['d4']);
      assert.deepEqual(merged.graph.graph.revisions.get('d4')?.downRevisions, ['b2', 'c3']);
      assert.deepEqual(merged.pending.map((revision) => revision.revision), ['c3', 'd4']);
    }
    const up = await applyAlembic({ settings, alembic: dir, auditEnv: auditEnv() });
    assert.equal(up.outcome, 'done');
    assert.deepEqual(up.after, ['d4']);
    assert.deepEqual(await versions(database), ['d4']);
  });

  test('a database revision no script declares is refused with a clear message, and nothing runs', async () => {
    const database = await freshDatabase(sandbox);
    const dir = alembicProject(linear);
    await sandbox.query("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('f00dfeature')", [], database);
    const settings = settingsFor(sandbox, database);
    const status = await readAlembicStatus({ settings, alembic: dir });
    assert.equal(status.refusals[0]?.kind, 'unknown-revision');
    assert.match(status.refusals[0]?.message ?? '', /database is at revision f00dfeature, which none of the scripts .* declares: it was probably deployed from another branch/);

    const env = alembicEnv();
    const run = await migrate(['up', '--alembic', dir, sandbox.uri(database)], { env });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /pgtop: the database is at revision f00dfeature.*Nothing was run\.\n$/);
    assert.doesNotMatch(run.stdout, /alembic upgrade/);
    assert.deepEqual(await versions(database), ['f00dfeature']);
    assert.equal(await tableExists(sandbox, database, 'users'), false);
    assert.ok(auditLines(env).some((line) => line.action === 'migrate-alembic-up' && line.result === 'refused'));
  });

  test('alembic.ini naming another database is refused before anything runs', async () => {
    const database = await freshDatabase(sandbox);
    const dir = alembicProject(linear, { url: `postgresql+psycopg2://someone@127.0.0.1:${sandbox.port}/elsewhere` });
    const result = await applyAlembic({ settings: settingsFor(sandbox, database), alembic: dir, auditEnv: auditEnv() });
    assert.equal(result.outcome, 'refused');
    assert.equal(result.refusals[0]?.kind, 'other-database');
    assert.match(result.refusals[0]?.message ?? '', /points at 127\.0\.0\.1:\d+\/elsewhere, not at .*\/mig_/);
    assert.deepEqual(await versions(database), []);
  });

  test('the offline SQL of the pending revisions, from where the database is, and nothing changed', async () => {
    const database = await freshDatabase(sandbox);
    const dir = alembicProject(linear);
    const settings = settingsFor(sandbox, database);
    assert.equal((await applyAlembic({ settings, alembic: dir, upgradeTo: 'a1', auditEnv: auditEnv() })).outcome, 'done');
    const run = await migrate(['up', '--dry-run', '--alembic', dir, sandbox.uri(database)], { env: alembicEnv() });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /ALTER TABLE users ADD COLUMN email text;/);
    assert.match(run.stdout, /CREATE TABLE orders \(id int\);/);
    assert.match(run.stdout, /UPDATE alembic_version SET version_num='c3' WHERE alembic_version\.version_num = 'b2';/);
    assert.doesNotMatch(run.stdout, /CREATE TABLE users/);
    assert.match(run.stdout, /Dry run \(Alembic's offline mode\): nothing was changed\.\n$/);
    assert.deepEqual(await versions(database), ['a1']);
    assert.equal(await tableExists(sandbox, database, 'orders'), false);
  });
});
