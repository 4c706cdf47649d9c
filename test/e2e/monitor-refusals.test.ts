import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { SessionPool, activity, lines, pidsOnScreen, showsPid, waitForActivity } from '../helpers/e2e-sessions.js';
import { startPgtop, type PgtopTerminal } from '../helpers/tmux.js';

const PLAIN_PASSWORD = 'plain-secret';

let sandbox: PostgresSandbox;
let pool: SessionPool;

before(async () => {
  sandbox = await startPostgres();
  pool = new SessionPool(sandbox);
  await sandbox.query(`CREATE ROLE plain LOGIN PASSWORD '${PLAIN_PASSWORD}'`);
  await sandbox.query(`CREATE ROLE watcher LOGIN PASSWORD '${PLAIN_PASSWORD}' IN ROLE pg_read_all_stats`);
});

after(async () => {
  await pool?.closeAll();
  await sandbox?.stop();
});

function footer(screen: string): string {
  return lines(screen).filter((line) => line.trim() !== '').at(-1) ?? '';
}

async function selectOnly(terminal: PgtopTerminal, filter: string, pid: number): Promise<void> {
  terminal.sendKeys('/');
  await terminal.waitForFrame('filter: █', { what: 'the filter prompt' });
  terminal.type(filter);
  await terminal.waitForFrame(`filter: ${filter}█`, { what: 'the filter typed' });
  terminal.sendKeys('Enter');
  await terminal.waitForFrame((screen) => !screen.includes(`${filter}█`) && pidsOnScreen(screen).join() === String(pid), { what: `only session ${pid} listed` });
}

describe('refused and vanished targets', () => {
  test("a role without pg_signal_backend: its terminate of a superuser's session is refused by the server with the reason, and audited as refused", { timeout: 120_000 }, async () => {
    const target = await pool.sleeper('e2e-superuser-work');
    const terminal = startPgtop([sandbox.uri('postgres', 'watcher', PLAIN_PASSWORD)], { columns: 200, rows: 50 });
    try {
      await terminal.waitForFrame((screen) => showsPid(screen, target.pid), { what: "the superuser's session listed", timeoutMs: 30_000 });
      await selectOnly(terminal, `pid=${target.pid}`, target.pid);

      terminal.sendKeys('K');
      await terminal.waitForFrame(`Terminate session ${target.pid}?`, { what: 'the terminate dialog' });
      terminal.sendKeys('y');
      const refused = await terminal.waitForFrame((screen) => new RegExp(`cannot terminate ${target.pid}`).test(footer(screen)), {
        what: 'the footer to say the terminate was refused',
      });
      assert.match(footer(refused), /pg_signal_backend|superuser/, `the reason names the privilege needed:\n${footer(refused)}`);
      assert.match(footer(refused), /✗/, 'shown as an error');

      const row = await activity(sandbox, target.pid);
      assert.equal(row?.state, 'active', 'the session survives');
      const entries = terminal.auditEntries();
      assert.deepEqual(
        entries.map((e) => ({ action: e.action, pid: e.pid, result: e.result, role: e.role })),
        [{ action: 'terminate', pid: target.pid, result: 'refused', role: 'watcher' }],
      );
      assert.match(String(entries[0]?.message), /pg_signal_backend|superuser/);
    } finally {
      terminal.kill();
    }
  });

  test("a role that cannot see a session's identity: its terminate is refused before anything is signalled, and audited as refused", { timeout: 120_000 }, async () => {
    const target = await pool.sleeper('e2e-superuser-work');
    const terminal = startPgtop([sandbox.uri('postgres', 'plain', PLAIN_PASSWORD)], { columns: 200, rows: 50 });
    try {
      const first = await terminal.waitForFrame((screen) => showsPid(screen, target.pid), { what: "the superuser's session listed", timeoutMs: 30_000 });
      assert.match(first, /<insufficient privilege>/, 'a plain role sees the query as hidden');
      // Without pg_read_all_stats the application name is hidden too, so select the session by pid.
      await selectOnly(terminal, `pid=${target.pid}`, target.pid);

      terminal.sendKeys('K');
      await terminal.waitForFrame(`Terminate session ${target.pid}?`, { what: 'the terminate dialog' });
      terminal.sendKeys('y');
      const refused = await terminal.waitForFrame((screen) => new RegExp(`cannot terminate ${target.pid}`).test(footer(screen)), {
        what: 'the footer to say the terminate was refused',
      });
      assert.match(footer(refused), /identity/, `the reason says the identity cannot be checked:\n${footer(refused)}`);
      assert.match(footer(refused), /✗/, 'shown as an error');

      const row = await activity(sandbox, target.pid);
      assert.equal(row?.state, 'active', 'the session survives');
      const entries = terminal.auditEntries();
      assert.deepEqual(
        entries.map((e) => ({ action: e.action, pid: e.pid, result: e.result, role: e.role })),
        [{ action: 'terminate', pid: target.pid, result: 'refused', role: 'plain' }],
      );
      assert.match(String(entries[0]?.message), /pg_read_all_stats/);
    } finally {
      terminal.kill();
    }
  });

  test('a session that ends while the dialog is open is reported as ended, and nothing else is signalled', { timeout: 120_000 }, async () => {
    const target = await pool.sleeper('e2e-vanishing');
    const others = [await pool.sleeper('e2e-other-1'), await pool.sleeper('e2e-other-2')];
    const terminal = startPgtop([sandbox.uri()], { columns: 200, rows: 50 });
    try {
      await terminal.waitForFrame((screen) => [target, ...others].every((s) => showsPid(screen, s.pid)), { what: 'the sessions listed', timeoutMs: 30_000 });
      await selectOnly(terminal, 'e2e-vanishing', target.pid);
      terminal.sendKeys('K');
      await terminal.waitForFrame(`Terminate session ${target.pid}?`, { what: 'the terminate dialog' });

      await sandbox.query('SELECT pg_terminate_backend($1)', [target.pid]);
      await waitForActivity(sandbox, target.pid, (row) => row === undefined, 'the target to end');
      // The dialog stays pinned to its target while refreshes show the session gone.
      const pinned = await terminal.waitForFrame((screen) => !showsPid(screen, target.pid) || screen.includes('no session matches'), {
        what: 'a refresh without the target',
      });
      assert.match(pinned, new RegExp(`Terminate session ${target.pid}\\?`), 'the dialog is still open, on the same pid');

      terminal.sendKeys('y');
      const ended = await terminal.waitForFrame((screen) => /ended/.test(footer(screen)), { what: 'the footer to say the session ended' });
      assert.match(footer(ended), new RegExp(`${target.pid}`));
      assert.match(footer(ended), /nothing was signalled/);

      for (const other of others) assert.equal((await activity(sandbox, other.pid))?.state, 'active', `session ${other.pid} is untouched`);
      assert.deepEqual(
        terminal.auditEntries().map((e) => ({ action: e.action, pid: e.pid, result: e.result })),
        [{ action: 'terminate', pid: target.pid, result: 'ended' }],
      );
    } finally {
      terminal.kill();
    }
  });
});
