import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { freePort } from '../../src/sandbox/ports.js';
import { runCli } from '../helpers/cli.js';
import { freshDatabase, migrationsDir, tableExists, tempDir, trackingRows } from '../helpers/migrate-harness.js';

let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
});

after(async () => {
  await sandbox?.stop();
});

describe('pgtop migrate as a process', () => {
  test('--help lists every command and option, exit 0', async () => {
    const run = await runCli(['migrate', '--help']);
    assert.equal(run.code, 0, run.stderr);
    for (const text of ['status [--json]', 'up [--to V] [--dry-run]', 'down --to V [--yes]', 'baseline V', '--dir DIR', '--migrations-dir', '--lock-wait SECS', '-- pgtop:no-transaction', '-h, --host HOST']) {
      assert.ok(run.stdout.includes(text), `help lacks "${text}":\n${run.stdout}`);
    }
  });

  test('applies with psql-style flags and PG* variables, then a failing file exits 1 naming file and line, no stack trace', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({
      '0001_ok.sql': 'CREATE TABLE ok (id int);\n',
      '0002_bad.sql': '-- a typo\nCREATE TABLE bad (id int);\nINSERT INTO bad VALUES (1);\nSELEC 1;\n',
    });
    const env = { PGHOST: sandbox.host, PGPORT: String(sandbox.port), PGUSER: sandbox.superuser, PGPASSWORD: sandbox.password };
    const run = await runCli(['migrate', 'up', '-d', database, '--migrations-dir', dir], { env });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^applied {2}0001_ok\.sql/m);
    assert.equal(run.stderr, `${run.stderr.split('\n')[0]}\n`, 'one line of error');
    assert.match(run.stderr, /^pgtop: 0002_bad\.sql line 4: syntax error at or near "SELEC"\. Its transaction was rolled back/);
    assert.doesNotMatch(run.stderr, /\bat .*\.ts:\d+/);
    assert.equal(await tableExists(sandbox, database, 'bad'), false);
    assert.deepEqual((await trackingRows(sandbox, database)).map((row) => row.version), [1]);
  });

  test('misnamed migration files are a refusal naming the names they should have; nothing is applied', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({
      '0001_ok.sql': 'CREATE TABLE ok (id int);\n',
      '0012-twelve.sql': 'CREATE TABLE twelve (id int);\n',
      '0005_ok.SQL': 'CREATE TABLE five (id int);\n',
    });
    const run = await runCli(['migrate', 'up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^pgtop: 2 files look like a migration but their names break the rule/);
    assert.match(run.stderr, /0005_ok\.SQL: rename it to 0005_ok\.sql/);
    assert.match(run.stderr, /0012-twelve\.sql: rename it to 0012_twelve\.sql/);
    assert.equal(await tableExists(sandbox, database, 'ok'), false, 'nothing applied');
  });

  test('nothing to do exits 0', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_ok.sql': 'CREATE TABLE ok (id int);\n' });
    assert.equal((await runCli(['migrate', 'up', '--dir', dir, sandbox.uri(database)])).code, 0);
    const again = await runCli(['migrate', 'up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nothing to do/);
  });

  test('usage errors exit 2 with a message saying what to do', async () => {
    const dir = migrationsDir({ '0001_ok.sql': 'SELECT 1;\n' });
    const cases: [string[], RegExp][] = [
      [['migrate'], /^pgtop: migrate: say what to do: status, up, down --to V, baseline V or history\. Try: pgtop migrate --help\n$/],
      [['migrate', 'sideways'], /unknown command "sideways"/],
      [['migrate', 'up', '--frobnicate'], /unknown option --frobnicate\. Try: pgtop migrate --help/],
      [['migrate', 'up', '--json', '--dir', dir], /--json does not go with "migrate up" \(it works with: status, history\)/],
      [['migrate', 'up', '--to', 'latest', '--dir', dir], /--to takes a migration version .*not "latest"/],
      [['migrate', 'down', '--dir', dir], /down needs --to V/],
      [['migrate', 'baseline', '--dir', dir], /baseline takes a migration version/],
      [['migrate', 'status', '--dir', join(tempDir('pgtop-nodir-'), 'absent')], /the migrations directory .*absent does not exist\. Give the right one with --migrations-dir DIR \(pgtop migrate also takes --dir\)\./],
    ];
    for (const [args, expected] of cases) {
      const run = await runCli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, expected, args.join(' '));
    }
  });

  test('a server that cannot be reached exits 2 and says so', async () => {
    const dir = migrationsDir({ '0001_ok.sql': 'SELECT 1;\n' });
    const port = await freePort();
    const run = await runCli(['migrate', 'up', '--dir', dir, `postgresql://nobody:x@127.0.0.1:${port}/nowhere`]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`^pgtop: could not connect to 127\\.0\\.0\\.1:${port}/nowhere: connection refused`));
  });
});
