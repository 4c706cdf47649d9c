import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { SessionPool, lines, rowOf, type RunningSession, type TestSession } from '../helpers/e2e-sessions.js';
import { footer } from '../helpers/e2e-views-screen.js';
import { startPgtop, type PgtopTerminal } from '../helpers/tmux.js';
import { waitUntil } from '../helpers/wait.js';

let sandbox: PostgresSandbox;
let pool: SessionPool;
let holder: TestSession;
let waiter: RunningSession;
let backupDir: string;

before(async () => {
  sandbox = await startPostgres();
  await sandbox.query('CREATE TABLE e2e_small (id int PRIMARY KEY, v int)');
  await sandbox.query('INSERT INTO e2e_small VALUES (1, 0)');
  pool = new SessionPool(sandbox);
  holder = await pool.open('e2e-small-holder');
  await holder.client.query('BEGIN');
  await holder.client.query('UPDATE e2e_small SET v = v + 1 WHERE id = 1');
  waiter = pool.launch(await pool.open('e2e-small-waiter'), 'UPDATE e2e_small SET v = v + 2 WHERE id = 1');
  await waitUntil(
    async () => {
      const result = await sandbox.query<{ blockers: number[] }>('SELECT pg_blocking_pids($1) AS blockers', [waiter.pid]);
      return (result.rows[0]?.blockers ?? []).includes(holder.pid);
    },
    { what: 'the waiter to wait on the holder' },
  );
  backupDir = mkdtempSync(join(tmpdir(), 'pgtop-e2e-small-backups-'));
});

after(async () => {
  await pool?.closeAll();
  await sandbox?.stop();
  if (backupDir) rmSync(backupDir, { recursive: true, force: true });
});

/** pgtop on the server's socket directory, as a DBA logged in on the database host connects. */
function startOnSocket(columns: number, rows: number): PgtopTerminal {
  const uri = `postgresql://${sandbox.superuser}@/postgres?host=${encodeURIComponent(sandbox.socketDir)}&port=${sandbox.port}`;
  return startPgtop(['--interval', '1', '--backup-dir', backupDir, uri], { columns, rows });
}

const occurrences = (screen: string, text: string): number => screen.split(text).length - 1;

describe('at 80×24', () => {
  test('the header keeps connections, session states and the clock; Sessions keeps state, wait, blocker and durations; a backup result is said once', { timeout: 120_000 }, async () => {
    const terminal = startOnSocket(80, 24);
    try {
      const screen = await terminal.waitForFrame((s) => rowOf(s, waiter.pid) !== undefined && /waiting 1/.test(s), { what: 'the blocked session listed', timeoutMs: 30_000 });
      const all = lines(screen);
      for (const line of all) assert.ok(stringWidth(line) <= 80, `a line wider than the terminal: ${line}`);
      const [server = '', states = ''] = all;
      assert.match(server, /^\s*pgtop\s+pg \d+\S*\s+primary\s+local:\d+\/postgres\b/, `role, and the socket directory shown as local:\n${screen}`);
      assert.match(server, /conns \d+\/\d+/, `connections against the maximum:\n${screen}`);
      assert.match(server, /\b\d\d:\d\d:\d\d$/, `the clock, at the right edge:\n${screen}`);
      assert.match(states, /active \d+\s+idle \d+\s+idle-in-xact 1\s+waiting 1/, `the session states:\n${screen}`);

      const titles = all.find((line) => /^\s*PID\b/.test(line)) ?? '';
      assert.match(titles, /\bSTATE\b.*\bWAIT\b.*\bBLOCKED BY\b.*\bXACT\b.*\bQUERY\S*\s+SQL\b.*\+\d+ cols$/, `the columns a DBA acts on, and a count of those left out:\n${screen}`);
      const row = rowOf(screen, waiter.pid) ?? '';
      assert.match(row, new RegExp(`\\bactive\\s+Lock:\\S+\\s+${holder.pid}\\s+\\S+\\s+\\S+\\s+UPDATE e2e_`), `state, wait, blocker, durations:\n${row}`);
      assert.match(footer(screen), /\? help\s+q quit/, `the footer:\n${screen}`);

      terminal.sendKeys('5');
      await terminal.waitForFrame((s) => s.includes('[5 Backups]') && s.includes('no dumps yet'), { what: 'the Backups view' });
      terminal.sendKeys('b');
      await terminal.waitForFrame('Back up postgres?', { what: 'the backup dialog' });
      terminal.sendKeys('y');
      const done = await terminal.waitForFrame((s) => /✓ backup verified: /.test(footer(s)) && /\bverified\b/.test(s.split('\n').slice(4, -2).join('\n')), {
        what: 'the backup done and listed',
        timeoutMs: 60_000,
      });
      assert.equal(occurrences(done, 'backup verified'), 1, `the result is said once, in the footer:\n${done}`);
      assert.match(footer(done), /\? help\s+q quit\s+✓ backup verified: /, `the footer keeps its hints beside the message:\n${done}`);
      terminal.sendKeys('q');
      assert.equal(await terminal.exitCode(), 0);
    } finally {
      terminal.kill();
    }
  });
});

describe('at 80×20, the minimum', () => {
  test('the footer keeps q quit; the help overlay fits, in pages that space turns', { timeout: 90_000 }, async () => {
    const terminal = startOnSocket(80, 20);
    try {
      const first = await terminal.waitForFrame((s) => rowOf(s, waiter.pid) !== undefined, { what: 'the first frame', timeoutMs: 30_000 });
      assert.match(footer(first), /\? help\s+q quit/, `the footer:\n${first}`);

      terminal.sendKeys('?');
      const page1 = await terminal.waitForFrame((s) => s.includes('Keys — Sessions') && s.includes('page 1/2'), { what: 'the first page of the help' });
      assertWholeBox(page1);
      assert.match(page1, /Sessions view/);
      terminal.sendKeys('Space');
      const page2 = await terminal.waitForFrame((s) => s.includes('page 2/2'), { what: 'the second page of the help' });
      assertWholeBox(page2);
      assert.match(page2, /terminate the session/);
      terminal.sendKeys('Escape');
      await terminal.waitForFrame((s) => !s.includes('Keys — Sessions'), { what: 'the help to close' });
      terminal.sendKeys('q');
      assert.equal(await terminal.exitCode(), 0);
    } finally {
      terminal.kill();
    }
  });
});

/** The overlay's top and bottom borders are both on screen, every line between has both sides, and the footer is there. */
function assertWholeBox(screen: string): void {
  const all = lines(screen);
  const top = all.findIndex((line) => line.includes('┌'));
  const bottom = all.findIndex((line) => line.includes('└'));
  assert.ok(top > 0 && bottom > top, `the box has both borders:\n${screen}`);
  for (const line of all.slice(top + 1, bottom)) assert.match(line, /│.*│/, `a line of the box without its sides:\n${screen}`);
  assert.match(footer(screen), /\? help\s+q quit/, `the footer under the box:\n${screen}`);
}
