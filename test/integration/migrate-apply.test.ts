import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { applyMigrations } from '../../src/migrate/apply.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import {
  auditEnv,
  auditLines,
  eventLog,
  freshDatabase,
  migrate,
  migrationsDir,
  removeMigration,
  sampleMigrationsCopy,
  settingsFor,
  tableExists,
  trackingRows,
  writeMigration,
} from '../helpers/migrate-harness.js';

let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
});

after(async () => {
  await sandbox?.stop();
});

interface StatusDocument {
  trackingTable: boolean;
  migrations: { version: number; file: string; state: string; status: string | null; durationMs: number | null; error: string | null }[];
  pending: number[];
  refusals: { kind: string; version?: number; message: string }[];
}

async function statusJson(dir: string, database: string): Promise<StatusDocument> {
  const run = await migrate(['status', '--json', '--dir', dir, sandbox.uri(database)]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as StatusDocument;
}

const statesOf = (doc: StatusDocument): [number, string][] => doc.migrations.map((m) => [m.version, m.state]);

describe('migrate up on a fresh database', () => {
  test('applies every sample migration, status shows them applied, and a second up does nothing', async () => {
    const database = await freshDatabase(sandbox);
    const dir = sampleMigrationsCopy();
    const env = auditEnv();

    const first = await migrate(['up', '--dir', dir, sandbox.uri(database)], { env });
    assert.equal(first.code, 0, first.stderr);
    const files = ['0001_create_customers.sql', '0002_create_products.sql', '0003_create_orders.sql', '0004_orders_created_at_idx.sql', '0005_seed_shop.sql', '0006_order_items_product_idx.sql', '0007_create_coupons.sql'];
    const appliedLines = first.stdout.split('\n').filter((line) => line.startsWith('applied '));
    assert.deepEqual(appliedLines.map((line) => line.split(/\s+/)[1]), files, first.stdout);
    assert.match(first.stdout, /7 migrations applied in /);

    const doc = await statusJson(dir, database);
    assert.equal(doc.trackingTable, true);
    assert.deepEqual(statesOf(doc), [1, 2, 3, 4, 5, 6, 7].map((v): [number, string] => [v, 'applied']));
    assert.ok(doc.migrations.every((m) => m.status === 'applied' && m.durationMs !== null && m.durationMs >= 0));
    assert.deepEqual(doc.pending, []);
    assert.deepEqual(doc.refusals, []);

    const orders = await sandbox.query<{ count: string }>('SELECT count(*) AS count FROM orders', [], database);
    assert.equal(orders.rows[0]?.count, '50000');
    const indexes = await sandbox.query<{ valid: boolean }>(
      `SELECT bool_and(i.indisvalid) AS valid FROM pg_index i WHERE i.indexrelid IN ('orders_created_at_idx'::regclass, 'order_items_product_id_idx'::regclass)`,
      [],
      database,
    );
    assert.equal(indexes.rows[0]?.valid, true);

    const table = await migrate(['status', '--dir', dir, sandbox.uri(database)]);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^VERSION\s+NAME\s+STATE\s+APPLIED AT\s+DURATION$/m);
    assert.match(table.stdout, /^0004\s+orders_created_at_idx\s+applied\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d/m);
    assert.match(table.stdout, /^7 applied\.$/m);

    const second = await migrate(['up', '--dir', dir, sandbox.uri(database)], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Nothing to do: no pending migrations\./);
    assert.doesNotMatch(second.stdout, /^applied /m);
    assert.equal((await trackingRows(sandbox, database)).length, 7);

    const audited = auditLines(env).filter((line) => line.action === 'migrate-up');
    assert.deepEqual(audited.map((line) => [line.file, line.result]), files.map((file) => [file, 'ok']));
    assert.ok(audited.every((line) => line.target === `127.0.0.1:${sandbox.port}/${database}` && line.role === sandbox.superuser));
  });

  test('--dry-run prints files, transaction mode, timeouts and the target, and changes nothing', async () => {
    const database = await freshDatabase(sandbox);
    const run = await migrate(['up', '--dry-run', '--dir', sampleMigrationsCopy(), sandbox.uri(database)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`Would apply 7 migrations on 127\\.0\\.0\\.1:${sandbox.port}/${database} as ${sandbox.superuser}:`));
    assert.match(run.stdout, /0004_orders_created_at_idx\.sql\s+no transaction\s+lock_timeout 10s\s+statement_timeout 30min\s+1 statement/);
    assert.match(run.stdout, /0003_create_orders\.sql\s+transaction\s+lock_timeout 2s\s+statement_timeout 30min\s+3 statements/);
    assert.match(run.stdout, /Dry run: nothing was changed\./);
    assert.equal(await tableExists(sandbox, database, 'pgtop.schema_migrations'), false);
    assert.equal(await tableExists(sandbox, database, 'customers'), false);
  });

  test('--to V applies the pending files up to V only; an unknown V is a usage error', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);', '0002_b.sql': 'CREATE TABLE b (id int);', '0003_c.sql': 'CREATE TABLE c (id int);' });
    const run = await migrate(['up', '--to', '0002', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await trackingRows(sandbox, database)).map((row) => row.version), [1, 2]);
    const unknown = await migrate(['up', '--to', '7', '--dir', dir, sandbox.uri(database)]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no migration has version 7/);
  });
});

describe('a migration that fails halfway', () => {
  const good = 'CREATE TABLE first (id int PRIMARY KEY);\n';
  const failing = [
    '-- Creates a table, fills it, then trips on a missing relation.',
    'CREATE TABLE second (id int PRIMARY KEY);',
    'INSERT INTO second VALUES (1), (2);',
    '',
    'UPDATE second',
    '   SET id = id + 10',
    '  FROM no_such_table',
    ' WHERE true;',
  ].join('\n');
  const later = 'CREATE TABLE third (id int);\n';

  test('is rolled back, is not recorded, stops the run, and the error names file, line and the server message', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_first.sql': good, '0002_second.sql': failing, '0003_third.sql': later });
    const env = auditEnv();
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)], { env });

    assert.equal(run.code, 1);
    assert.match(run.stderr, /^pgtop: 0002_second\.sql line 7: relation "no_such_table" does not exist\. Its transaction was rolled back: nothing of it was applied\. The 1 file after it did not run\. Fix the file/m);
    assert.match(run.stdout, /^applied {2}0001_first\.sql/m);
    assert.equal(await tableExists(sandbox, database, 'first'), true);
    assert.equal(await tableExists(sandbox, database, 'second'), false, 'the failed file was rolled back');
    assert.equal(await tableExists(sandbox, database, 'third'), false, 'nothing after the failure ran');
    assert.deepEqual(await trackingRows(sandbox, database), [{ version: 1, status: 'applied', error: null }]);

    const failed = auditLines(env).find((line) => line.result === 'failed');
    assert.equal(failed?.file, '0002_second.sql');
    assert.match(failed?.message ?? '', /line 7/);
  });

  test('a runtime error without a position is reported at the line of the failing statement, with the server detail', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({
      '0001_dupes.sql': 'CREATE TABLE t (id int);\n\nINSERT INTO t VALUES (1), (1);\n\nALTER TABLE t\n  ADD PRIMARY KEY (id);\n',
    });
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /0001_dupes\.sql line 5: could not create unique index "t_pkey"\. Key \(id\)=\(1\) is duplicated\./);
    assert.equal(await tableExists(sandbox, database, 't'), false);
  });

  test('after fixing the file, up applies it and the rest', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_first.sql': good, '0002_second.sql': failing, '0003_third.sql': later });
    assert.equal((await migrate(['up', '--dir', dir, sandbox.uri(database)])).code, 1);
    writeMigration(dir, '0002_second.sql', 'CREATE TABLE second (id int PRIMARY KEY);\n');
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await trackingRows(sandbox, database)).map((row) => row.version), [1, 2, 3]);
  });
});

describe('the directory and the database disagree', () => {
  async function appliedPair(): Promise<{ database: string; dir: string }> {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);\n', '0003_c.sql': 'CREATE TABLE c (id int);\n' });
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 0, run.stderr);
    return { database, dir };
  }

  test('an applied file edited afterwards is drifted, and up refuses', async () => {
    const { database, dir } = await appliedPair();
    writeMigration(dir, '0001_a.sql', 'CREATE TABLE a (id int, extra text);\n');
    writeMigration(dir, '0004_d.sql', 'CREATE TABLE d (id int);\n');
    const doc = await statusJson(dir, database);
    assert.deepEqual(statesOf(doc), [
      [1, 'drifted'],
      [3, 'applied'],
      [4, 'pending'],
    ]);
    const env = auditEnv();
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)], { env });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /pgtop: 0001_a\.sql was changed after it was applied .*new migration\. Nothing was run\./);
    assert.equal(await tableExists(sandbox, database, 'd'), false, 'the pending file did not run');
    assert.deepEqual(auditLines(env).map((line) => [line.result, line.file]), [['refused', '0001_a.sql']]);
  });

  test('a CRLF or BOM rewrite of an applied file is not drift', async () => {
    const { database, dir } = await appliedPair();
    writeMigration(dir, '0001_a.sql', '\ufeffCREATE TABLE a (id int);\r\n');
    assert.deepEqual(statesOf(await statusJson(dir, database)), [
      [1, 'applied'],
      [3, 'applied'],
    ]);
  });

  test('a deleted applied file is missing, and up refuses', async () => {
    const { database, dir } = await appliedPair();
    removeMigration(dir, '0001_a.sql');
    const doc = await statusJson(dir, database);
    assert.deepEqual(statesOf(doc), [
      [1, 'missing'],
      [3, 'applied'],
    ]);
    assert.equal(doc.migrations[0]?.file, '0001_a.sql');
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /0001_a\.sql \(version 1\) is recorded as applied but is not in the migrations directory/);
  });

  test('a new file older than the newest applied one is out-of-order, and up refuses', async () => {
    const { database, dir } = await appliedPair();
    writeMigration(dir, '0002_b.sql', 'CREATE TABLE b (id int);\n');
    assert.deepEqual(statesOf(await statusJson(dir, database)), [
      [1, 'applied'],
      [2, 'out-of-order'],
      [3, 'applied'],
    ]);
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /0002_b\.sql is pending but older than 0003_c\.sql, which is already recorded\. Rename it to a version above 3/);
    assert.equal(await tableExists(sandbox, database, 'b'), false);
  });

  test('several problems are all listed before anything runs', async () => {
    const { database, dir } = await appliedPair();
    writeMigration(dir, '0001_a.sql', 'CREATE TABLE a (id bigint);\n');
    writeMigration(dir, '0002_b.sql', 'CREATE TABLE b (id int);\n');
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /up refused:\n {2}- 0001_a\.sql was changed.*\n {2}- 0002_b\.sql is pending but older/);
    assert.match(run.stderr, /pgtop: up refused for the 2 reasons above\. Nothing was run\./);
  });
});

describe('no-transaction files', () => {
  test('a multi-statement no-transaction file is refused before anything runs', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({
      '0001_table.sql': 'CREATE TABLE t (a int, b int);\n',
      '0002_indexes.sql': '-- pgtop:no-transaction\nCREATE INDEX CONCURRENTLY t_a ON t (a);\nCREATE INDEX CONCURRENTLY t_b ON t (b);\n',
    });
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /0002_indexes\.sql line 3: a -- pgtop:no-transaction file must hold exactly one statement, and this one has 2 \(lines 2, 3\)/);
    assert.equal(await tableExists(sandbox, database, 't'), false, 'not even the valid first file ran');
  });

  test('CONCURRENTLY, VACUUM or ALTER SYSTEM in a transactional file is refused before anything runs', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({
      '0001_table.sql': 'CREATE TABLE t (a int);\n',
      '0002_index.sql': '-- forgot the directive\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n',
      '0003_vacuum.sql': 'VACUUM t;\n',
    });
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /- 0002_index\.sql line 2: CREATE INDEX CONCURRENTLY cannot run inside a transaction: put it in a file of its own that starts with -- pgtop:no-transaction/);
    assert.match(run.stderr, /- 0003_vacuum\.sql line 1: VACUUM cannot run inside a transaction/);
    assert.equal(await tableExists(sandbox, database, 't'), false);
  });

  test('an unknown directive is refused naming file and line', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_x.sql': '-- pgtop:lock_timeout=1s\n-- pgtop:transaction=off\nCREATE TABLE t (a int);\n' });
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /pgtop: 0001_x\.sql line 2: unknown directive pgtop:transaction/);
  });

  test('a failing CREATE INDEX CONCURRENTLY leaves the row dirty with its error, and up then refuses', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({
      '0001_table.sql': 'CREATE TABLE t (a int);\nINSERT INTO t VALUES (1), (1);\n',
      '0002_unique.sql': '-- pgtop:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY t_a_key ON t (a);\n',
      '0003_later.sql': 'CREATE TABLE later (id int);\n',
    });
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /0002_unique\.sql line 2: could not create unique index "t_a_key"/);
    assert.match(run.stderr, /recorded as started \(dirty\).*DROP INDEX CONCURRENTLY IF EXISTS t_a_key.*DELETE FROM pgtop\.schema_migrations WHERE version = 2;/);
    const rows = await trackingRows(sandbox, database);
    assert.deepEqual(rows.map((row) => [row.version, row.status]), [
      [1, 'applied'],
      [2, 'started'],
    ]);
    assert.match(rows[1]?.error ?? '', /could not create unique index/);
    assert.equal(await tableExists(sandbox, database, 'later'), false);

    const doc = await statusJson(dir, database);
    assert.equal(doc.migrations.find((m) => m.version === 2)?.state, 'dirty');
    const again = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /0002_unique\.sql started at .* and did not finish/);
  });

  test('an INVALID index left by CREATE INDEX CONCURRENTLY IF NOT EXISTS counts as a failure', async () => {
    const database = await freshDatabase(sandbox);
    await sandbox.query('CREATE TABLE t (a int); INSERT INTO t VALUES (1), (1);', [], database);
    await sandbox.query('CREATE UNIQUE INDEX CONCURRENTLY t_a_key ON t (a)', [], database).catch(() => undefined);
    const dir = migrationsDir({ '0001_unique.sql': '-- pgtop:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_a_key ON t (a);\n' });
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /0001_unique\.sql line 2: CREATE INDEX CONCURRENTLY finished, but the index t_a_key is INVALID/);
    assert.deepEqual((await trackingRows(sandbox, database)).map((row) => row.status), ['started']);
  });

  test('a settings change made by one file does not leak into the next', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({
      '0001_schema.sql': "CREATE SCHEMA app;\nSET search_path = app;\nCREATE TABLE t (id int);\n",
      '0002_public.sql': 'CREATE TABLE u (id int);\n',
    });
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await tableExists(sandbox, database, 'app.t'), true);
    assert.equal(await tableExists(sandbox, database, 'public.u'), true);
  });
});

describe('the engine API', () => {
  test('emits typed progress events in order, one statement-started per statement with its line', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({
      '0001_two.sql': '-- two statements\nCREATE TABLE a (id int);\n\nCREATE TABLE b (id int);\n',
      '0002_index.sql': '-- pgtop:no-transaction\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n',
    });
    const log = eventLog();
    const result = await applyMigrations({ settings: settingsFor(sandbox, database), dir, onEvent: log.onEvent, auditEnv: auditEnv() });
    assert.equal(result.outcome, 'done');
    assert.deepEqual(result.completed.map((step) => step.fileName), ['0001_two.sql', '0002_index.sql']);
    const kinds = log.events.map((event) => event.type);
    assert.deepEqual(kinds, ['connected', 'lock-acquired', 'planned', 'file-started', 'statement-started', 'statement-started', 'file-applied', 'file-started', 'statement-started', 'file-applied', 'done']);
    const statements = log.events.flatMap((event) => (event.type === 'statement-started' ? [[event.fileName, event.line, event.excerpt]] : []));
    assert.deepEqual(statements, [
      ['0001_two.sql', 2, 'CREATE TABLE a (id int)'],
      ['0001_two.sql', 4, 'CREATE TABLE b (id int)'],
      ['0002_index.sql', 2, 'CREATE INDEX CONCURRENTLY a_id ON a (id)'],
    ]);
    const second = log.events.find((event) => event.type === 'file-started' && event.version === 2);
    assert.deepEqual(second, { type: 'file-started', direction: 'up', version: 2, fileName: '0002_index.sql', transactional: false, attempt: 1, maxAttempts: 1, index: 1, total: 2, statementCount: 1 });
  });

  test('expectVersions refuses when the pending files changed since the plan was shown', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);\n', '0002_b.sql': 'CREATE TABLE b (id int);\n' });
    const settings = settingsFor(sandbox, database);
    const result = await applyMigrations({ settings, dir, expectVersions: [1], auditEnv: auditEnv() });
    assert.equal(result.outcome, 'refused');
    assert.equal(result.refusals[0]?.kind, 'changed-since-plan');
    assert.equal(await tableExists(sandbox, database, 'a'), false);
    const ok = await applyMigrations({ settings, dir, expectVersions: [1, 2], auditEnv: auditEnv() });
    assert.equal(ok.outcome, 'done');
  });

  test('the tracking table records name, checksum, mode, timings and who applied it', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_a.sql': '\ufeffCREATE TABLE a (id int);\r\n' });
    assert.equal((await migrate(['up', '--dir', dir, sandbox.uri(database)])).code, 0);
    const result = await sandbox.query<{ name: string; checksum: string; status: string; transactional: boolean; ordered: boolean; duration_ms: string; applied_by: string; error: string | null }>(
      'SELECT name, checksum, status, transactional, started_at <= finished_at AS ordered, duration_ms::text AS duration_ms, applied_by, error FROM pgtop.schema_migrations',
      [],
      database,
    );
    const row = result.rows[0];
    assert.ok(row);
    assert.equal(row.name, '0001_a.sql');
    assert.equal(row.checksum, createHash('sha256').update('CREATE TABLE a (id int);\n').digest('hex'));
    assert.equal(row.status, 'applied');
    assert.equal(row.transactional, true);
    assert.equal(row.ordered, true);
    assert.match(row.duration_ms, /^\d+$/);
    assert.match(row.applied_by, new RegExp(`^${sandbox.superuser} \\(.+@.+\\)$`));
    assert.equal(row.error, null);
  });
});
