import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { SessionPool, waitForActivity } from '../helpers/e2e-sessions.js';
import { runTimes } from '../helpers/statements.js';
import { startPgtop } from '../helpers/tmux.js';

let sandbox: PostgresSandbox;
let pool: SessionPool;

const HEAVY = 'SELECT count(*) AS e2e_heavy FROM pg_class a, pg_class b, pg_class c WHERE a.oid < 1000';
const LIGHT = 'SELECT 1 AS e2e_light';
const ESC = '\u001b';
const BEL = '\u0007';

before(async () => {
  // 17: a normalised text ($n) gets EXPLAIN (GENERIC_PLAN), which came in 16.
  sandbox = await startPostgres({ major: 17, settings: { shared_preload_libraries: 'pg_stat_statements' } });
  await sandbox.query('CREATE EXTENSION pg_stat_statements');
  pool = new SessionPool(sandbox);
  await runTimes(sandbox, HEAVY, 3);
  await runTimes(sandbox, LIGHT, 5);
  // The sleeper's statement has an entry before it runs again (entries appear when a statement ends).
  await sandbox.query('SELECT pg_sleep(0.01) AS e2e_sleeper');
});

after(async () => {
  await pool?.closeAll();
  await sandbox?.stop();
});

/** The row (text line) of the statement whose text shows `marker`. */
const rowIndex = (screen: string, marker: string): number => screen.split('\n').findIndex((line) => line.includes(marker));

describe('the Statements view', () => {
  test('sorts, filters, opens a statement with its counters and its plan', { timeout: 120_000 }, async () => {
    const terminal = startPgtop(['--interval', '1', sandbox.uri()], { columns: 160, rows: 60 });
    try {
      await terminal.waitForFrame('[1 Sessions]', { what: 'the monitor', timeoutMs: 30_000 });
      terminal.sendKeys('6');
      await terminal.waitForFrame((s) => s.includes('[6 Statements]') && s.includes('e2e_heavy') && s.includes('e2e_light') && s.includes('rates over'), {
        what: 'the statements with their texts and rates',
        timeoutMs: 30_000,
      });
      terminal.sendKeys('t');
      const totals = await terminal.waitForFrame((s) => s.includes('totals since') && s.includes('CALLS ') && s.includes('e2e_heavy'), { what: 'totals' });
      assert.ok(rowIndex(totals, 'e2e_heavy') < rowIndex(totals, 'e2e_light'), `by total time, the heavy statement comes first:\n${totals}`);
      terminal.sendKeys('r');
      const reversed = await terminal.waitForFrame((s) => s.includes('sort: time ▲') && s.includes('e2e_heavy') && s.includes('e2e_light'), { what: 'the order reversed' });
      assert.ok(rowIndex(reversed, 'e2e_heavy') > rowIndex(reversed, 'e2e_light'), `ascending, the light statement comes first:\n${reversed}`);
      terminal.sendKeys('<');
      await terminal.waitForFrame('sort: calls ▲', { what: 'the sort moved to the calls column' });

      terminal.sendKeys('/');
      terminal.type('query=e2e_heavy');
      terminal.sendKeys('Enter');
      const filtered = await terminal.waitForFrame((s) => s.includes('filter: query=e2e_heavy') && s.includes('e2e_heavy') && !s.includes('e2e_light'), { what: 'only the heavy statement' });
      assert.equal(filtered.split('\n').filter((l) => l.includes('e2e_heavy') && !l.includes('filter:')).length, 1, filtered);

      terminal.sendKeys('Enter');
      const detail = await terminal.waitForFrame((s) => s.includes('Statement ') && s.includes('execution time') && s.includes('running now:'), { what: 'the statement detail' });
      assert.match(detail, /calls\s+\S+\/s\s+3\b/, `the detail shows 3 calls in total:\n${detail}`);
      assert.match(detail, /e2e_heavy FROM pg_class a, pg_class b, pg_class c WHERE a\.oid < \$1/, 'the whole normalised text');

      terminal.sendKeys('e');
      const plan = await terminal.waitForFrame((s) => s.includes('Plan of statement') && /Aggregate|Nested Loop|Hash Join/.test(s), { what: 'the plan of the statement' });
      assert.match(plan, /Generic plan \(EXPLAIN \(GENERIC_PLAN\)\), not run/);
      assert.match(plan, /pgtop's role "postgres"/);
      terminal.sendKeys('Escape');
      await terminal.waitForFrame((s) => s.includes('execution time') && !s.includes('Plan of'), { what: 'back to the detail' });
      terminal.sendKeys('Escape');
      await terminal.waitForFrame((s) => s.includes('filter: query=e2e_heavy') && s.includes('CALLS'), { what: 'back to the list' });
    } finally {
      terminal.kill();
    }
  });

  test("jumps from a session's detail to the statement it runs, which lists the session", { timeout: 120_000 }, async () => {
    const sleeper = await pool.open('e2e-sleeper');
    // The same constant type as the run before (numeric): the same query id.
    pool.launch(sleeper, 'SELECT pg_sleep(120.5) AS e2e_sleeper');
    await waitForActivity(sandbox, sleeper.pid, (row) => row?.state === 'active', 'the sleeper to run');
    const terminal = startPgtop(['--interval', '1', sandbox.uri()], { columns: 160, rows: 40 });
    try {
      await terminal.waitForFrame((s) => s.includes('e2e_sleeper'), { what: 'the sleeping session', timeoutMs: 30_000 });
      terminal.sendKeys('/');
      terminal.type('app=e2e-sleeper');
      terminal.sendKeys('Enter');
      await terminal.waitForFrame('filter: app=e2e-sleeper', { what: 'the filter' });
      terminal.sendKeys('Enter');
      await terminal.waitForFrame(`Session ${sleeper.pid}`, { what: "the session's detail" });
      terminal.sendKeys('e');
      const sessionPlan = await terminal.waitForFrame((s) => s.includes(`Plan of session ${sleeper.pid}`) && s.includes('Result'), { what: "the plan of the session's query" });
      assert.match(sessionPlan, /not the session's/);
      terminal.sendKeys('Escape');
      await terminal.waitForFrame((s) => s.includes(`Session ${sleeper.pid}`) && !s.includes('Plan of'), { what: "back to the session's detail" });
      terminal.sendKeys('S');
      const statement = await terminal.waitForFrame((s) => s.includes('[6 Statements]') && s.includes('running now:') && s.includes('pg_sleep($1) AS e2e_sleeper'), {
        what: "the session's statement",
        timeoutMs: 30_000,
      });
      assert.match(statement, new RegExp(`running now: 1 session\\s*\\n\\s+${sleeper.pid} postgres@postgres active`), statement);
    } finally {
      terminal.kill();
    }
  });

  // Last: it resets pg_stat_statements, which the tests above read.
  test('escapes a text, shows absent counters as —, says when compute_query_id is off, marks a reset by another client, and Z resets after y', { timeout: 120_000 }, async () => {
    // Seven constants: a shape of its own (an alias alone is not part of the query id, the text would be another's).
    await runTimes(sandbox, `SELECT 1, 2, 3, 4, 5, 6, 7 AS "e2e_escape${ESC}[2J${ESC}]2;pwned${BEL}"`, 2);
    const terminal = startPgtop(['--interval', '1', sandbox.uri()], { columns: 160, rows: 50 });
    try {
      await terminal.waitForFrame('[1 Sessions]', { what: 'the monitor', timeoutMs: 30_000 });
      terminal.sendKeys('6');
      await terminal.waitForFrame((s) => s.includes('[6 Statements]') && s.includes('rates over'), { what: 'the statements', timeoutMs: 30_000 });
      terminal.sendKeys('/');
      terminal.type('query=e2e_escape');
      terminal.sendKeys('Enter');
      await terminal.waitForFrame((s) => s.includes('e2e_escape\\x1b[2J\\x1b]2;pwned'), { what: 'the escape sequences shown as text' });
      terminal.sendKeys('Enter');
      const detail = await terminal.waitForFrame((s) => s.includes('execution time') && s.includes('e2e_escape\\x1b[2J\\x1b]2;pwned\\x07"'), { what: 'the detail with the whole escaped text' });
      assert.match(detail, /WAL buffers full\s+—\s+—/, `PostgreSQL 17 has no wal_buffers_full:\n${detail}`);
      assert.match(detail, /parallel launched\s+—\s+—/, `nor parallel_workers_launched:\n${detail}`);
      assert.match(detail, /local read time\s+\S+\/s\s+\S+/, `local_blk_read_time came in 17:\n${detail}`);

      await sandbox.query('ALTER SYSTEM SET compute_query_id = off');
      await sandbox.query('SELECT pg_reload_conf()');
      try {
        await terminal.waitForFrame('running now: unknown — compute_query_id is off', { what: 'why the running sessions are unknown' });
      } finally {
        await sandbox.query('ALTER SYSTEM RESET compute_query_id');
        await sandbox.query('SELECT pg_reload_conf()');
      }
      terminal.sendKeys('Escape');
      // Two Escapes read together are one: the second goes once the first has been drawn.
      await terminal.waitForFrame((s) => s.includes('CALLS/s') && !s.includes('execution time'), { what: 'back to the list' });
      terminal.sendKeys('Escape');
      await terminal.waitForFrame((s) => s.includes('CALLS/s') && !s.includes('filter: query='), { what: 'the list without a filter' });

      await sandbox.query('SELECT pg_stat_statements_reset()');
      await terminal.waitForFrame((s) => /RESET \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(.+ ago\): rates restarted from it/.test(s), { what: 'the reset by another client, marked' });

      terminal.sendKeys('Z');
      await terminal.waitForFrame('Reset pg_stat_statements?', { what: 'the confirmation' });
      terminal.sendKeys('y');
      await terminal.waitForFrame('pg_stat_statements was reset', { what: 'the result' });
      assert.deepEqual(
        terminal.auditEntries().map((e) => [e.action, e.result]),
        [['statements-reset', 'ok']],
      );
    } finally {
      terminal.kill();
    }
  });

  test('without the library, the view says what to do and the rest of pgtop works', { timeout: 120_000 }, async () => {
    const bare = await startPostgres({ major: 15 });
    const other = await bare.connect();
    try {
      await other.query("SET application_name = 'e2e-bare'");
      const terminal = startPgtop(['--interval', '1', bare.uri()], { columns: 160, rows: 40 });
      try {
        await terminal.waitForFrame('[1 Sessions]', { what: 'the monitor', timeoutMs: 30_000 });
        terminal.sendKeys('6');
        const refused = await terminal.waitForFrame((s) => s.includes('pg_stat_statements is not loaded'), { what: 'the diagnosis', timeoutMs: 30_000 });
        assert.match(refused, /ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';/);
        assert.match(refused, /CREATE EXTENSION pg_stat_statements;\s+-- in database postgres/);
        assert.match(refused, /The rest of pgtop works without it\./);
        terminal.sendKeys('1');
        terminal.sendKeys('i');
        await terminal.waitForFrame((s) => s.includes('[1 Sessions]') && s.includes('e2e-bare'), { what: 'the sessions, idle ones shown, still there' });
      } finally {
        terminal.kill();
      }
    } finally {
      await other.end();
      await bare.stop();
    }
  });
});
