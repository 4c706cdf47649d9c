import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type pg from 'pg';
import { explainStatement } from '../../src/plan/explain.js';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { describeEachMajor } from '../helpers/majors.js';
import { sandboxSettings } from '../helpers/statements.js';
import { waitUntil } from '../helpers/wait.js';

describeEachMajor('EXPLAIN without running', (major) => {
  let sandbox: PostgresSandbox;
  let sleeper: pg.Client | undefined;
  before(async () => {
    sandbox = await startPostgres({ major, settings: { track_activity_query_size: 100 } });
    await sandbox.query('CREATE DATABASE shop');
    await sandbox.query('CREATE TABLE orders (id int PRIMARY KEY, total numeric)', [], 'shop');
  });
  after(async () => {
    await sleeper?.end().catch(() => undefined);
    await sandbox?.stop();
  });

  it('shows the plan in the statement database, runs nothing, and says whose role and search_path it used', async () => {
    const result = await explainStatement(sandboxSettings(sandbox), { text: 'INSERT INTO orders VALUES (1, 10)', origin: 'statements', database: 'shop' });
    assert.equal(result.kind, 'plan', JSON.stringify(result));
    if (result.kind !== 'plan') return;
    assert.match(result.lines.join('\n'), /Insert on orders/);
    assert.equal(result.generic, false);
    assert.match(result.note, /with pgtop's role "postgres" and its search_path \("\$user", public\), not the session's/);
    const count = await sandbox.query<{ n: string }>('SELECT count(*) AS n FROM orders', [], 'shop');
    assert.equal(count.rows[0]?.n, '0', 'the INSERT was not run');
  });

  it('refuses DDL and several statements', async () => {
    const ddl = await explainStatement(sandboxSettings(sandbox), { text: 'DROP TABLE orders', origin: 'statements', database: 'shop' });
    assert.deepEqual(ddl, { kind: 'refused', reason: 'DROP is not a plain SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES or TABLE statement: pgtop explains only those.' });
    const two = await explainStatement(sandboxSettings(sandbox), { text: 'SELECT 1; DELETE FROM orders', origin: 'statements', database: 'shop' });
    assert.equal(two.kind, 'refused');
    const exists = await sandbox.query("SELECT to_regclass('orders') AS t", [], 'shop');
    assert.equal(exists.rows[0]?.t, 'orders');
  });

  it('reads a text as its own lexer does where the database has standard_conforming_strings off: one statement, nothing else run', async () => {
    await sandbox.query('CREATE DATABASE legacy');
    await sandbox.query('ALTER DATABASE legacy SET standard_conforming_strings = off');
    // With backslash escapes, the server would end the string at the second quote and run what follows.
    const text = "SELECT '\\' , ' ; COMMIT; BEGIN READ WRITE; CREATE TABLE pwned (); COMMIT; --'";
    const result = await explainStatement(sandboxSettings(sandbox), { text, origin: 'activity', database: 'legacy' });
    assert.equal(result.kind, 'plan', JSON.stringify(result));
    const created = await sandbox.query("SELECT to_regclass('pwned') AS t", [], 'legacy');
    assert.equal(created.rows[0]?.t, null, 'nothing but EXPLAIN ran');
  });

  it('refuses a session text cut at track_activity_query_size', async () => {
    sleeper = await sandbox.connect('shop');
    const long = `SELECT pg_sleep(60), '${'x'.repeat(200)}' AS padding`;
    void sleeper.query(long).catch(() => undefined);
    const seen = await waitUntil(
      async () => (await sandbox.query<{ query: string }>("SELECT query FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'")).rows[0]?.query,
      { what: 'the long query in pg_stat_activity' },
    );
    assert.ok(seen.length < long.length, 'the server cut the text');
    const result = await explainStatement(sandboxSettings(sandbox), { text: seen, origin: 'activity', database: 'shop' });
    assert.equal(result.kind, 'refused');
    if (result.kind === 'refused') assert.match(result.reason, /cut at track_activity_query_size \(100 bytes\)/);
    await sandbox.query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'");
  });

  it(major >= 16 ? 'plans a $n text with GENERIC_PLAN' : 'refuses a $n text before PostgreSQL 16', async () => {
    const result = await explainStatement(sandboxSettings(sandbox), { text: 'SELECT * FROM orders WHERE id = $1', origin: 'statements', database: 'shop' });
    if (major >= 16) {
      assert.equal(result.kind, 'plan', JSON.stringify(result));
      if (result.kind !== 'plan') return;
      assert.equal(result.generic, true);
      assert.match(result.lines.join('\n'), /Index Scan using orders_pkey on orders/);
      assert.match(result.note, /GENERIC_PLAN/);
    } else {
      assert.equal(result.kind, 'refused');
      if (result.kind === 'refused') assert.match(result.reason, /GENERIC_PLAN\) came in 16/);
    }
  });
});
