import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { SessionPool, activity, lines, pidsOnScreen, showsPid, waitForActivity, type RunningSession } from '../helpers/e2e-sessions.js';
import { startPgtop, type PgtopTerminal } from '../helpers/tmux.js';
import { withTimeout } from '../helpers/wait.js';

let sandbox: PostgresSandbox;
let pool: SessionPool;

before(async () => {
  sandbox = await startPostgres();
  pool = new SessionPool(sandbox);
});

after(async () => {
  await pool?.closeAll();
  await sandbox?.stop();
});

const TEST_TIMEOUT = 120_000;

/** Starts pgtop on the sandbox and waits for a whole frame with `pid` listed (returned as `first`). */
async function monitor(pid: number, extraArgs: string[] = []): Promise<PgtopTerminal & { first: string }> {
  const terminal = startPgtop([...extraArgs, sandbox.uri()], { columns: 200, rows: 50 });
  try {
    const first = await terminal.waitForFrame((screen) => showsPid(screen, pid), { what: `session ${pid} on pgtop's first frames`, timeoutMs: 30_000 });
    return { ...terminal, first };
  } catch (error) {
    terminal.kill();
    throw error;
  }
}

/** Opens the filter prompt, types `text`, presses Enter, and waits until only `pid` is listed. */
async function filterTo(terminal: PgtopTerminal, text: string, pid: number): Promise<void> {
  terminal.sendKeys('/');
  await terminal.waitForFrame('filter: █', { what: 'the filter prompt' });
  terminal.type(text);
  await terminal.waitForFrame(`filter: ${text}█`, { what: `the filter prompt to show ${text}` });
  terminal.sendKeys('Enter');
  await terminal.waitForFrame((screen) => screen.includes(`filter: ${text}`) && !screen.includes(`filter: ${text}█`) && pidsOnScreen(screen).join() === String(pid), {
    what: `the filter ${text} to leave only session ${pid}`,
  });
}

/** The footer: the last line with text (pgtop draws one line fewer than the terminal has). */
function footer(screen: string): string {
  return lines(screen).filter((line) => line.trim() !== '').at(-1) ?? '';
}

describe('cancel and terminate from the Sessions view', () => {
  test('a session found with / and terminated with K then y is gone, confirmed in the footer and audited', { timeout: TEST_TIMEOUT }, async () => {
    const victim = await pool.sleeper('e2e-victim');
    const bystander = await pool.sleeper('e2e-bystander');
    const terminal = await monitor(victim.pid);
    try {
      await terminal.waitForFrame((screen) => showsPid(screen, bystander.pid), { what: 'the bystander session listed' });
      await filterTo(terminal, 'e2e-victim', victim.pid);

      terminal.sendKeys('K');
      await terminal.waitForFrame(`Terminate session ${victim.pid}?`, { what: 'the terminate dialog naming the victim' });
      terminal.sendKeys('y');
      const shown = await terminal.waitForFrame(`terminated ${victim.pid}`, { what: 'the footer to confirm the terminate' });
      assert.match(footer(shown), new RegExp(`terminated ${victim.pid}`));

      await waitForActivity(sandbox, victim.pid, (row) => row === undefined, `session ${victim.pid} to leave pg_stat_activity`);
      const error = await withTimeout(victim.outcome, { what: 'the victim client to see its session end' });
      assert.ok(error, 'the terminated session\'s query must fail');
      assert.equal(error.code, '57P01', `the victim should get admin_shutdown, got ${error.code}: ${error.message}`);

      const bystanderRow = await activity(sandbox, bystander.pid);
      assert.equal(bystanderRow?.state, 'active', 'the bystander must not be touched');

      const entries = terminal.auditEntries();
      assert.equal(entries.length, 1, `one audit line expected, got ${JSON.stringify(entries)}`);
      assert.deepEqual(
        { action: entries[0]?.action, pid: entries[0]?.pid, result: entries[0]?.result },
        { action: 'terminate', pid: victim.pid, result: 'ok' },
      );
      assert.equal(typeof entries[0]?.time, 'string');
      assert.equal(entries[0]?.role, sandbox.superuser);
      assert.match(String(entries[0]?.query), /pg_sleep/);
    } finally {
      terminal.kill();
    }
  });

  test('c then y cancels the query and leaves the session connected and idle', { timeout: TEST_TIMEOUT }, async () => {
    const target = await pool.sleeper('e2e-cancel-me');
    const terminal = await monitor(target.pid);
    try {
      await filterTo(terminal, 'e2e-cancel-me', target.pid);
      terminal.sendKeys('c');
      await terminal.waitForFrame(`Cancel the query of session ${target.pid}?`, { what: 'the cancel dialog' });
      terminal.sendKeys('y');
      await terminal.waitForFrame(new RegExp(`cancel\\w* the query of ${target.pid}`), { what: 'the footer to confirm the cancel' });

      const error = await withTimeout(target.outcome, { what: 'the cancelled query to return' });
      assert.ok(error, 'the cancelled query must fail');
      assert.equal(error.code, '57014', `query_canceled expected, got ${error.code}: ${error.message}`);
      await waitForActivity(sandbox, target.pid, (row) => row?.state === 'idle', `session ${target.pid} to be idle and still connected`);
      const still = await target.client.query<{ one: number }>('SELECT 1 AS one');
      assert.equal(still.rows[0]?.one, 1, 'the session still answers');

      const entries = terminal.auditEntries();
      assert.deepEqual(
        entries.map((e) => ({ action: e.action, pid: e.pid, result: e.result })),
        [{ action: 'cancel', pid: target.pid, result: 'ok' }],
      );
    } finally {
      terminal.kill();
    }
  });

  for (const answer of ['n', 'Escape']) {
    test(`K then ${answer} changes nothing and says it was not confirmed`, { timeout: TEST_TIMEOUT }, async () => {
      const target: RunningSession = await pool.sleeper(`e2e-spared-${answer.toLowerCase()}`);
      const terminal = await monitor(target.pid);
      try {
        await filterTo(terminal, target.application, target.pid);
        terminal.sendKeys('K');
        await terminal.waitForFrame(`Terminate session ${target.pid}?`, { what: 'the terminate dialog' });
        terminal.sendKeys(answer);
        const shown = await terminal.waitForFrame((screen) => !screen.includes('Terminate session') && /not confirmed/.test(footer(screen)), {
          what: 'the dialog to close and the footer to say the terminate was not confirmed',
        });
        assert.match(footer(shown), /terminate not confirmed/);
        assert.ok(showsPid(shown, target.pid), 'the session is still listed');

        // The next refresh still lists the session, and the server still has it running.
        const row = await activity(sandbox, target.pid);
        assert.equal(row?.state, 'active', `session ${target.pid} must still run its query`);
        assert.equal(row?.wait_event, 'PgSleep');
        assert.deepEqual(terminal.auditEntries(), [], 'nothing was done, so nothing is audited');
      } finally {
        terminal.kill();
      }
    });
  }
});

describe('--read-only', () => {
  test('c and K open no dialog, the session stays, and neither the footer nor the help offers them', { timeout: TEST_TIMEOUT }, async () => {
    const target = await pool.sleeper('e2e-read-only');
    const terminal = await monitor(target.pid, ['--read-only']);
    try {
      const first = terminal.first;
      assert.doesNotMatch(footer(first), /cancel|terminate/i, `the footer offers a dangerous key:\n${footer(first)}`);
      assert.match(footer(first), /read-only/);

      await filterTo(terminal, 'e2e-read-only', target.pid);
      terminal.sendKeys('c');
      terminal.sendKeys('K');
      // Keys are handled in order: had c or K opened a dialog, ? would only close it.
      terminal.sendKeys('?');
      const help = await terminal.waitForFrame((screen) => screen.includes('Keys — Sessions') && screen.includes('any key closes this help'), { what: 'the help overlay' });
      assert.doesNotMatch(help, /Cancel the query of|Terminate session|not confirmed/, 'c or K did something in read-only mode');
      const box = lines(help).filter((line) => line.includes('│'));
      assert.ok(box.length > 5, `the help lists keys:\n${help}`);
      assert.match(box.join('\n'), /filter/, 'the help lists the filter key');
      for (const line of box) assert.doesNotMatch(line, /cancel|terminate/i, `the read-only help offers a dangerous key: ${line}`);

      const row = await activity(sandbox, target.pid);
      assert.equal(row?.state, 'active', 'the session is untouched');
      assert.deepEqual(terminal.auditEntries(), []);

      terminal.sendKeys('q');
      assert.equal(await terminal.exitCode(), 0);
    } finally {
      terminal.kill();
    }
  });
});
