import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { SessionPool, pidsOnScreen, rowOf, selectedRow, pidOf, waitForActivity } from '../helpers/e2e-sessions.js';
import { startPgtop } from '../helpers/tmux.js';
import { waitUntil, withTimeout } from '../helpers/wait.js';

let sandbox: PostgresSandbox;
let pool: SessionPool;

before(async () => {
  sandbox = await startPostgres();
  pool = new SessionPool(sandbox);
  await sandbox.query('CREATE TABLE e2e_accounts (id int PRIMARY KEY, balance int NOT NULL); INSERT INTO e2e_accounts VALUES (1, 100)');
});

after(async () => {
  await pool?.closeAll();
  await sandbox?.stop();
});

async function blockedBy(pid: number): Promise<number[]> {
  const result = await sandbox.query<{ blockers: number[] }>('SELECT pg_blocking_pids($1) AS blockers', [pid]);
  return result.rows[0]?.blockers ?? [];
}

describe('the Locks view', () => {
  test('a chain A ← B ← C is a tree rooted at A; terminating the root lets the waiters finish', { timeout: 120_000 }, async () => {
    const a = await pool.open('e2e-lock-a');
    await a.client.query('BEGIN');
    await a.client.query('UPDATE e2e_accounts SET balance = balance + 1 WHERE id = 1');
    const b = pool.launch(await pool.open('e2e-lock-b'), 'UPDATE e2e_accounts SET balance = balance + 2 WHERE id = 1');
    await waitUntil(async () => (await blockedBy(b.pid)).includes(a.pid), { what: 'B to wait on A' });
    const c = pool.launch(await pool.open('e2e-lock-c'), 'UPDATE e2e_accounts SET balance = balance + 3 WHERE id = 1');
    await waitUntil(async () => (await blockedBy(c.pid)).includes(b.pid), { what: 'C to wait on B' });

    const terminal = startPgtop([sandbox.uri()], { columns: 160, rows: 40 });
    try {
      await terminal.waitForFrame((screen) => rowOf(screen, c.pid) !== undefined, { what: 'the sessions listed', timeoutMs: 30_000 });
      terminal.sendKeys('2');
      const tree = await terminal.waitForFrame(
        (screen) => screen.includes('[2 Locks]') && [a.pid, b.pid, c.pid].every((pid) => rowOf(screen, pid) !== undefined),
        { what: 'the blocking tree with A, B and C' },
      );
      assert.deepEqual(pidsOnScreen(tree), [a.pid, b.pid, c.pid], `the tree lists A, B, C in that order:\n${tree}`);
      const rowA = rowOf(tree, a.pid) ?? '';
      const rowB = rowOf(tree, b.pid) ?? '';
      const rowC = rowOf(tree, c.pid) ?? '';
      assert.match(rowA, new RegExp(`^\\s*${a.pid}\\s`), 'A is a root: no tree guide before it');
      assert.match(rowB, new RegExp(`^\\s*[└├]─ ${b.pid}\\s`), `B is nested under A: ${rowB}`);
      assert.match(rowC, new RegExp(`^\\s*[│ ]\\s*[└├]─ ${c.pid}\\s`), `C is nested under B: ${rowC}`);
      assert.ok(rowC.indexOf(String(c.pid)) > rowB.indexOf(String(b.pid)), 'C is indented deeper than B');

      const drawn = await terminal.waitForFrameWithEscapes((screen) => rowOf(screen, a.pid) !== undefined, { what: 'the tree with its selection' });
      assert.equal(pidOf(selectedRow(drawn)), a.pid, 'the first row, the root, is selected');
      terminal.sendKeys('K');
      await terminal.waitForFrame(`Terminate session ${a.pid}?`, { what: 'the terminate dialog for the root A' });
      terminal.sendKeys('y');
      await terminal.waitForFrame(`terminated ${a.pid}`, { what: 'the footer to confirm the terminate' });

      assert.equal(await withTimeout(b.outcome, { what: "B's UPDATE to complete" }), undefined, 'B completes its UPDATE');
      assert.equal(await withTimeout(c.outcome, { what: "C's UPDATE to complete" }), undefined, 'C completes its UPDATE');
      await waitForActivity(sandbox, a.pid, (row) => row === undefined, 'A to be gone');
      const balance = await sandbox.query<{ balance: number }>('SELECT balance FROM e2e_accounts WHERE id = 1');
      assert.equal(balance.rows[0]?.balance, 105, "A's change is rolled back, B's and C's are applied");

      const empty = await terminal.waitForFrame('no session is waiting on a lock held by another', { what: 'the tree to empty' });
      assert.deepEqual(pidsOnScreen(empty), []);
      assert.deepEqual(
        terminal.auditEntries().map((e) => ({ action: e.action, pid: e.pid, result: e.result })),
        [{ action: 'terminate', pid: a.pid, result: 'ok' }],
      );
    } finally {
      terminal.kill();
    }
  });

  test('a session waiting on two holders of a shared lock shows both holders, so either can be ended from here', { timeout: 120_000 }, async () => {
    const local = new SessionPool(sandbox);
    const terminal = startPgtop([sandbox.uri()], { columns: 160, rows: 40 });
    try {
      await sandbox.query('CREATE TABLE IF NOT EXISTS e2e_shared (id int)');
      const holders = [await local.open('e2e-share-1'), await local.open('e2e-share-2')];
      for (const holder of holders) {
        await holder.client.query('BEGIN');
        await holder.client.query('LOCK TABLE e2e_shared IN SHARE MODE');
      }
      const waiter = local.launch(await local.open('e2e-exclusive'), 'BEGIN; LOCK TABLE e2e_shared IN EXCLUSIVE MODE');
      await waitUntil(async () => (await blockedBy(waiter.pid)).length === 2, { what: 'the waiter to wait on both holders' });

      terminal.sendKeys('2');
      const tree = await terminal.waitForFrame((screen) => screen.includes('[2 Locks]') && rowOf(screen, waiter.pid) !== undefined, {
        what: 'the waiter in the blocking tree',
        timeoutMs: 30_000,
      });
      for (const holder of holders) {
        const row = rowOf(tree, holder.pid);
        assert.ok(row !== undefined, `holder ${holder.pid} blocks ${waiter.pid} and must be in the tree:\n${tree}`);
        assert.match(row, new RegExp(`^\\s*${holder.pid}\\s`), `holder ${holder.pid} waits on nobody: a root`);
      }
    } finally {
      terminal.kill();
      await local.closeAll();
    }
  });
});
