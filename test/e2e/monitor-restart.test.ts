import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { SessionPool, lines, showsPid } from '../helpers/e2e-sessions.js';
import { startPgtop } from '../helpers/tmux.js';

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

describe('a server restart under a running pgtop', () => {
  test('the header says disconnected, then pgtop reconnects by itself and lists new sessions', { timeout: 180_000 }, async () => {
    const earlier = await pool.sleeper('e2e-before-restart');
    const terminal = startPgtop([sandbox.uri()], { columns: 160, rows: 40 });
    try {
      await terminal.waitForFrame((screen) => showsPid(screen, earlier.pid), { what: 'the session listed before the restart', timeoutMs: 30_000 });

      await sandbox.stopServer();
      const down = await terminal.waitForFrame('disconnected', { what: 'the header to say disconnected', timeoutMs: 30_000 });
      const header = lines(down).slice(0, 3).join('\n');
      assert.match(header, /disconnected/, `the header (not only the body) says so:\n${header}`);
      assert.match(lines(down)[0] ?? '', /pgtop/, 'the screen is still drawn');
      await earlier.outcome;

      await sandbox.startServer();
      await terminal.waitForFrame((screen) => !screen.includes('disconnected') && /pgtop\s+pg \d/.test(screen), {
        what: 'pgtop to reconnect by itself',
        timeoutMs: 60_000,
      });
      const later = await pool.sleeper('e2e-after-restart');
      const recovered = await terminal.waitForFrame((screen) => showsPid(screen, later.pid), { what: 'a session started after the restart listed', timeoutMs: 30_000 });
      assert.ok(!showsPid(recovered, earlier.pid), 'the session from before the restart is gone');
      assert.doesNotMatch(recovered, /disconnected/);

      terminal.sendKeys('q');
      assert.equal(await terminal.exitCode(), 0);
    } finally {
      terminal.kill();
    }
  });
});
