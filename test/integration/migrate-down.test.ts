import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import {
  auditEnv,
  auditLines,
  freshDatabase,
  migrate,
  migrationsDir,
  sampleMigrationsCopy,
  tableExists,
  trackingRows,
} from '../helpers/migrate-harness.js';

let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
});

after(async () => {
  await sandbox?.stop();
});

const versions = async (database: string): Promise<number[]> => (await trackingRows(sandbox, database)).map((row) => row.version);

/** A stdin that says it is a terminal and answers the prompt with `answer`. */
function terminalAnswering(answer: string): PassThrough & { isTTY: boolean } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  stdin.end(`${answer}\n`);
  return stdin;
}

describe('migrate down --to V', () => {
  test('reverts the sample migrations newer than V with their .down.sql files, newest first, and updates the table', async () => {
    const database = await freshDatabase(sandbox);
    const dir = sampleMigrationsCopy();
    assert.equal((await migrate(['up', '--dir', dir, sandbox.uri(database)])).code, 0);
    const env = auditEnv();

    const run = await migrate(['down', '--to', '3', '--yes', '--dir', dir, sandbox.uri(database)], { env });
    assert.equal(run.code, 0, run.stderr);
    const reverted = run.stdout.split('\n').filter((line) => line.startsWith('reverted '));
    assert.deepEqual(reverted.map((line) => line.split(/\s+/)[1]), ['0007_create_coupons.sql', '0006_order_items_product_idx.sql', '0005_seed_shop.sql', '0004_orders_created_at_idx.sql']);
    assert.match(run.stdout, /4 migrations reverted in /);
    assert.deepEqual(await versions(database), [1, 2, 3]);
    assert.equal(await tableExists(sandbox, database, 'orders_created_at_idx'), false);
    assert.equal(await tableExists(sandbox, database, 'order_items_product_id_idx'), false);
    const orders = await sandbox.query<{ count: string }>('SELECT count(*) AS count FROM orders', [], database);
    assert.equal(orders.rows[0]?.count, '0');
    assert.deepEqual(
      auditLines(env).map((line) => [line.action, line.file, line.result]),
      [
        ['migrate-down', '0007_create_coupons.down.sql', 'ok'],
        ['migrate-down', '0006_order_items_product_idx.down.sql', 'ok'],
        ['migrate-down', '0005_seed_shop.down.sql', 'ok'],
        ['migrate-down', '0004_orders_created_at_idx.down.sql', 'ok'],
      ],
    );

    const status = await migrate(['status', '--json', '--dir', dir, sandbox.uri(database)]);
    const doc = JSON.parse(status.stdout) as { migrations: { version: number; state: string }[] };
    assert.deepEqual(doc.migrations.map((m) => m.state), ['applied', 'applied', 'applied', 'pending', 'pending', 'pending', 'pending']);

    const all = await migrate(['down', '--to', '0', '--yes', '--dir', dir, sandbox.uri(database)]);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(await versions(database), []);
    assert.equal(await tableExists(sandbox, database, 'customers'), false);
  });

  test('refuses before running anything when a file to revert has no down file', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({
      '0001_a.sql': 'CREATE TABLE a (id int);\n',
      '0001_a.down.sql': 'DROP TABLE a;\n',
      '0002_b.sql': 'CREATE TABLE b (id int);\n',
      '0003_c.sql': 'CREATE TABLE c (id int);\n',
      '0003_c.down.sql': 'DROP TABLE c;\n',
    });
    assert.equal((await migrate(['up', '--dir', dir, sandbox.uri(database)])).code, 0);
    const env = auditEnv();
    const run = await migrate(['down', '--to', '1', '--yes', '--dir', dir, sandbox.uri(database)], { env });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /pgtop: 0002_b\.sql has no 0002_b\.down\.sql, so it cannot be reverted\. Write 0002_b\.down\.sql, or choose a --to at or above 2\. Nothing was run\./);
    assert.deepEqual(await versions(database), [1, 2, 3]);
    assert.equal(await tableExists(sandbox, database, 'c'), true, 'the revertible newer file was not reverted either');

    const toTwo = await migrate(['down', '--to', '2', '--yes', '--dir', dir, sandbox.uri(database)]);
    assert.equal(toTwo.code, 0, toTwo.stderr);
    assert.deepEqual(await versions(database), [1, 2]);
    assert.equal(await tableExists(sandbox, database, 'c'), false);
  });

  test('a failing down file is rolled back and the migration stays applied', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({
      '0001_a.sql': 'CREATE TABLE a (id int);\n',
      '0001_a.down.sql': 'DROP TABLE a;\nDROP TABLE not_there;\n',
    });
    assert.equal((await migrate(['up', '--dir', dir, sandbox.uri(database)])).code, 0);
    const run = await migrate(['down', '--to', '0', '--yes', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /0001_a\.down\.sql line 2: table "not_there" does not exist\. Its transaction was rolled back: nothing was reverted by it, and version 1 stays applied\./);
    assert.equal(await tableExists(sandbox, database, 'a'), true);
    assert.deepEqual(await versions(database), [1]);
  });

  test('asks y/N on a terminal; anything but yes reverts nothing', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);\n', '0001_a.down.sql': 'DROP TABLE a;\n' });
    assert.equal((await migrate(['up', '--dir', dir, sandbox.uri(database)])).code, 0);

    const declined = await migrate(['down', '--to', '0', '--dir', dir, sandbox.uri(database)], { stdin: terminalAnswering('') });
    assert.equal(declined.code, 1);
    assert.match(declined.stderr, new RegExp(`Revert 1 migration on 127\\.0\\.0\\.1:${sandbox.port}/${database}\\? \\[y/N\\] `));
    assert.match(declined.stderr, /pgtop: not confirmed: nothing was reverted\./);
    assert.deepEqual(await versions(database), [1]);

    const confirmed = await migrate(['down', '--to', '0', '--dir', dir, sandbox.uri(database)], { stdin: terminalAnswering('y') });
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.deepEqual(await versions(database), []);
  });

  test('without a terminal it needs --yes, and says so before touching anything', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);\n', '0001_a.down.sql': 'DROP TABLE a;\n' });
    assert.equal((await migrate(['up', '--dir', dir, sandbox.uri(database)])).code, 0);
    const run = await migrate(['down', '--to', '0', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /pgtop: down changes the schema and asks for confirmation, but stdin is not a terminal: add --yes/);
    assert.deepEqual(await versions(database), [1]);
  });

  test('--dry-run lists what would be reverted and changes nothing', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);\n', '0001_a.down.sql': 'DROP TABLE a;\n' });
    assert.equal((await migrate(['up', '--dir', dir, sandbox.uri(database)])).code, 0);
    const run = await migrate(['down', '--to', '0', '--dry-run', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Would revert 1 migration on .* newest first:\n.*\n {2}0001_a\.down\.sql\s+transaction/);
    assert.deepEqual(await versions(database), [1]);
  });
});

describe('migrate baseline V', () => {
  test('records the files up to V as baseline without running them; up then applies the rest', async () => {
    const database = await freshDatabase(sandbox);
    await sandbox.query('CREATE TABLE a (id int); CREATE TABLE b (id int);', [], database);
    const dir = migrationsDir({
      '0001_a.sql': 'CREATE TABLE a (id int);\n',
      '0002_b.sql': 'CREATE TABLE b (id int);\n',
      '0003_c.sql': 'CREATE TABLE c (id int);\n',
    });
    const env = auditEnv();
    const run = await migrate(['baseline', '2', '--dir', dir, sandbox.uri(database)], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^baseline 0001_a\.sql \(recorded, not run\)$/m);
    assert.match(run.stdout, /2 migrations recorded as baseline\./);
    assert.deepEqual((await trackingRows(sandbox, database)).map((row) => [row.version, row.status]), [
      [1, 'baseline'],
      [2, 'baseline'],
    ]);
    assert.deepEqual(auditLines(env).map((line) => [line.action, line.file, line.result]), [
      ['migrate-baseline', '0001_a.sql', 'ok'],
      ['migrate-baseline', '0002_b.sql', 'ok'],
    ]);

    const status = await migrate(['status', '--dir', dir, sandbox.uri(database)]);
    assert.match(status.stdout, /^0001\s+a\s+baseline/m);
    assert.match(status.stdout, /^0003\s+c\s+pending/m);

    const up = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /^applied {2}0003_c\.sql/m);
    assert.doesNotMatch(up.stdout, /0001_a\.sql/);

    const again = await migrate(['baseline', '2', '--dir', dir, sandbox.uri(database)]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /Nothing to record/);
  });

  test('a version that is not a file is a usage error', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);\n' });
    const run = await migrate(['baseline', '5', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no migration has version 5/);
  });
});
