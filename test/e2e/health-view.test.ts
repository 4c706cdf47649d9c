import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { SessionPool } from '../helpers/e2e-sessions.js';
import { startPgtop } from '../helpers/tmux.js';
import { waitUntil } from '../helpers/wait.js';

let sandbox: PostgresSandbox;
let pool: SessionPool;

before(async () => {
  sandbox = await startPostgres();
  pool = new SessionPool(sandbox);
  await sandbox.query('CREATE TABLE e2e_health (id int); INSERT INTO e2e_health VALUES (1)');
});

after(async () => {
  await pool?.closeAll();
  await sandbox?.stop();
});

describe('the Health view', () => {
  test('an idle transaction blocking a DDL: critical in the header and in view 9, its detail says what to do, g goes to the session', { timeout: 120_000 }, async () => {
    const holder = await pool.open('e2e-health-holder');
    await holder.client.query('BEGIN');
    await holder.client.query('UPDATE e2e_health SET id = id');
    const ddl = pool.launch(await pool.open('e2e-health-ddl'), 'ALTER TABLE e2e_health ADD COLUMN extra int');
    await waitUntil(async () => (await sandbox.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'e2e-health-ddl' AND wait_event_type = 'Lock'")).rowCount === 1, { what: 'the ALTER to wait' });

    const terminal = startPgtop([sandbox.uri(), '--threshold', 'idle_in_transaction_warning=1s'], { columns: 120, rows: 30 });
    try {
      await terminal.waitForFrame(/health ✗ 1 critical/, { what: 'the header to sum up the health checks', timeoutMs: 40_000 });
      terminal.sendKeys('9');
      const view = await terminal.waitForFrame('[9 Health]', { what: 'the Health view' });
      const lines = view.split('\n');
      const first = lines.findIndex((line) => /✗ CRIT\s+sessions\.idle_in_transaction/.test(line));
      assert.ok(first >= 0, `the critical finding is listed:\n${view}`);
      assert.ok(lines.some((line) => /✓ ok\s+connections\.usage/.test(line)), `the checks that pass are listed too:\n${view}`);
      assert.ok(lines.findIndex((line) => /✓ ok/.test(line)) > first, 'worst first');

      terminal.sendKeys('Enter');
      const detail = await terminal.waitForFrame(/why: a transaction left open holds its locks/, { what: "the finding's detail" });
      assert.match(detail, new RegExp(`pid ${holder.pid} \\(postgres@postgres\\) idle in transaction for .*others wait for its locks`));
      assert.match(detail, /do: find the application that left it open; terminate it \(K on the session\)/);
      assert.match(detail, /threshold: warning ≥ 1s, critical ≥ 30min/);

      terminal.sendKeys('g');
      const jumped = await terminal.waitForFrame(new RegExp(`Session ${holder.pid}\\s+Esc/Enter back`), { what: "the holder's session detail" });
      assert.match(jumped, /\[1 Sessions\]/);
      assert.match(jumped, /e2e-health-holder/);
    } finally {
      terminal.kill();
      await holder.client.query('ROLLBACK').catch(() => undefined);
      await ddl.outcome;
    }
  });

  test('at 80x24: an inactive slot retaining WAL is a warning with its threshold in the detail; g selects that slot in view 7, where D offers to drop it', { timeout: 120_000 }, async () => {
    await sandbox.query("SELECT pg_create_physical_replication_slot('a_unused'), pg_create_physical_replication_slot('z_retaining', true)");
    await sandbox.query('CREATE TABLE e2e_wal AS SELECT g, repeat(\'x\', 100) AS pad FROM generate_series(1, 20000) g');
    const terminal = startPgtop([sandbox.uri(), '--threshold', 'slot_retained_warning=64kB'], { columns: 80, rows: 24 });
    try {
      await terminal.waitForFrame(/health ✗ \d+ warning/, { what: 'the header to count the warnings', timeoutMs: 40_000 });
      terminal.sendKeys('9');
      const view = await terminal.waitForFrame(/! WARN replication\.slots +slot z_retaining retains/, { what: 'the slot finding' });
      assert.match(view, /checked .* ago: \d+ warning, \d+ ok +\(pgtop check runs these from cron\)/);
      const rows = view.split('\n').filter((line) => /^ [!✗?✓] /.test(line));
      terminal.sendKeys(...Array.from({ length: rows.findIndex((line) => /replication\.slots/.test(line)) }, () => 'j'));
      terminal.sendKeys('Enter');
      const detail = await terminal.waitForFrame(/threshold: warning ≥ 64KiB, critical ≥ 10GiB retained by an\s/, { what: "the finding's threshold" });
      assert.match(detail, /z_retaining: inactive, retains [\d.]+ [KM]iB, wal_status reserved/);
      terminal.sendKeys('g');
      await terminal.waitForFrame(/\[7 Repl/, { what: 'view 7' });
      terminal.sendKeys('D');
      await terminal.waitForFrame(/Drop replication slot z_retaining/, { what: 'D to act on the slot the finding named, not the first one' });
      terminal.sendKeys('Escape');
      assert.equal((await sandbox.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = 'z_retaining'")).rowCount, 1);
    } finally {
      terminal.kill();
      await sandbox.query("SELECT pg_drop_replication_slot('a_unused'), pg_drop_replication_slot('z_retaining')");
    }
  });
});
