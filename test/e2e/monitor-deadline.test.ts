import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { SessionPool, lines, showsPid } from '../helpers/e2e-sessions.js';
import { startPgtop } from '../helpers/tmux.js';
import { waitUntil } from '../helpers/wait.js';

let sandbox: PostgresSandbox;
let pool: SessionPool;
let stopped: number | undefined;

before(async () => {
  sandbox = await startPostgres();
  pool = new SessionPool(sandbox);
});

after(async () => {
  if (stopped) process.kill(stopped, 'SIGCONT');
  await pool?.closeAll();
  await sandbox?.stop();
});

/** The backend of pgtop's monitoring connection (application_name pgtop, not an action's). */
async function monitoringBackend(): Promise<number | undefined> {
  const { rows } = await sandbox.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'pgtop'");
  return rows.length === 1 ? rows[0]?.pid : undefined;
}

describe('the monitoring backend stops answering', () => {
  test('the header says the connection was dropped, and pgtop goes on with a new one', { timeout: 120_000 }, async () => {
    const session = await pool.sleeper('e2e-deadline');
    const terminal = startPgtop(['--interval', '1', sandbox.uri()], { columns: 160, rows: 30 });
    try {
      await terminal.waitForFrame((screen) => showsPid(screen, session.pid), { what: 'the first frame', timeoutMs: 30_000 });
      stopped = await waitUntil(monitoringBackend, { what: "pgtop's monitoring connection" });
      process.kill(stopped, 'SIGSTOP');
      const down = await terminal.waitForFrame(/no answer from/, { what: 'the header to say the tick got no answer', timeoutMs: 30_000 });
      assert.match(lines(down).slice(0, 3).join(' '), /disconnected.*no answer from .* within [\d.]+ s: the monitoring connection was dropped/);
      const later = await pool.sleeper('e2e-deadline-later');
      await terminal.waitForFrame((screen) => showsPid(screen, later.pid) && !/disconnected/.test(screen), {
        what: 'data on a new connection while the old backend is still stopped',
        timeoutMs: 30_000,
      });
      terminal.sendKeys('q');
      assert.equal(await terminal.exitCode(), 0);
    } finally {
      terminal.kill();
    }
  });
});
