import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleanedUp, unlessEnded, waitForDemo, START_TIMEOUT_MS } from '../helpers/demo-checks.js';
import { startDemo, type DemoTerminal } from '../helpers/demo-terminal.js';

const terminals: DemoTerminal[] = [];
after(() => {
  for (const terminal of terminals) terminal.kill();
});

describe('pgtop demo --alembic', () => {
  test('view 4 shows the Alembic project with three pending revisions, and a upgrades it', { timeout: START_TIMEOUT_MS + 180_000 }, async () => {
    const terminal = startDemo({ args: ['--alembic', '--no-pgbouncer'] });
    terminals.push(terminal);
    const running = await waitForDemo(terminal, { pgbouncer: false });
    terminal.sendKeys('4');
    const status = await terminal.waitFor(unlessEnded((screen) => /Alembic .*alembic-project .*at <base> \(no version table\), heads c3c0ffee0003, 3 pending/.test(screen)), {
      what: "the demo's Alembic project in the Migrations view",
      timeoutMs: 60_000,
    });
    assert.match(status, /a1c0ffee0001\s+create loyalty accounts/);

    terminal.sendKeys('a');
    await terminal.waitFor(unlessEnded((screen) => screen.includes('Run 3 Alembic revisions?')), { what: 'the upgrade dialog' });
    terminal.type('shop');
    terminal.sendKeys('Enter');
    await terminal.waitFor(unlessEnded((screen) => /✓ upgraded .*shop from <base> to c3c0ffee0003/.test(screen)), { what: 'the upgrade to end', timeoutMs: 60_000 });
    await terminal.waitFor(unlessEnded((screen) => /at c3c0ffee0003, heads c3c0ffee0003, 0 pending/.test(screen)), { what: 'the status read again' });

    terminal.sendKeys('q');
    assert.equal(await terminal.exitCode({ timeoutMs: 60_000 }), 0, 'the exit code');
    assertCleanedUp(terminal.screen(), running);
  });
});
