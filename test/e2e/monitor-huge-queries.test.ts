import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { SessionPool, showsPid, waitForActivity, type RunningSession } from '../helpers/e2e-sessions.js';
import { startPgtop, type PgtopTerminal } from '../helpers/tmux.js';

let sandbox: PostgresSandbox;
let pool: SessionPool;
const huge: RunningSession[] = [];

/** A statement of about 1 MB: a sleep followed by a long comment of mixed-script text. */
function hugeQuery(n: number): string {
  const words = Array.from({ length: 60_000 }, (_, i) => `mot${i}é 日本`).join(' ');
  return `SELECT pg_sleep(600) /* huge-${n} ${words.slice(0, 800_000)} */`;
}

before(async () => {
  sandbox = await startPostgres({ settings: { track_activity_query_size: '1MB' } });
  pool = new SessionPool(sandbox);
  for (let n = 1; n <= 5; n++) {
    const session = await pool.open(`e2e-huge-${n}`);
    huge.push(pool.launch(session, hugeQuery(n)));
    await waitForActivity(sandbox, session.pid, (row) => row?.wait_event === 'PgSleep', `huge query ${n} to sleep`);
  }
});

after(async () => {
  await pool?.closeAll();
  await sandbox?.stop();
});

const TEST_TIMEOUT = 120_000;

async function startOnHugeQueries(): Promise<PgtopTerminal> {
  const terminal = startPgtop([sandbox.uri()], { columns: 160, rows: 40 });
  await terminal.waitForFrame((screen) => huge.every((s) => showsPid(screen, s.pid)) && /huge-1/.test(screen), {
    what: 'the five sessions with 1 MB queries listed',
    timeoutMs: 30_000,
  });
  return terminal;
}

async function assertEndsPromptly(terminal: PgtopTerminal, how: string, code = 0): Promise<void> {
  // exitCode's own wait prints the screen when it times out: the list still drawn, or the normal screen back.
  assert.equal(await terminal.exitCode({ what: `pgtop to exit after ${how}`, timeoutMs: 5000 }), code);
  assert.equal(terminal.alternateOn(), false, 'the normal screen is back');
}

describe('five sessions running 1 MB queries (track_activity_query_size = 1MB)', () => {
  test('the list is drawn and follows keys, and q ends pgtop at once', { timeout: TEST_TIMEOUT }, async () => {
    const terminal = await startOnHugeQueries();
    try {
      terminal.sendKeys('?');
      // The footer says "q quit" too: the overlay is known by its title.
      await terminal.waitForFrame(/Keys — /, { what: 'the help overlay, drawn promptly', timeoutMs: 5000 });
      terminal.sendKeys('Escape');
      // Esc and q read together are Alt-q, which is no key of pgtop's: q goes once the help has closed.
      await terminal.waitForFrame((screen) => !/Keys — /.test(screen) && huge.every((s) => showsPid(screen, s.pid)), {
        what: 'the help to close',
        timeoutMs: 5000,
      });
      terminal.sendKeys('q');
      await assertEndsPromptly(terminal, 'q');
    } finally {
      terminal.kill();
    }
  });

  test('the detail shows the whole query in pages that scroll, and q still ends pgtop at once', { timeout: TEST_TIMEOUT }, async () => {
    const terminal = await startOnHugeQueries();
    try {
      terminal.sendKeys('Enter');
      const first = await terminal.waitForFrame(/query: +rows 1–\d+ of /, { what: 'the first page of the query in the detail', timeoutMs: 15_000 });
      assert.match(first, /SELECT pg_sleep\(600\) \/\* huge-\d mot0é 日本/);
      terminal.sendKeys('PageDown');
      const second = await terminal.waitForFrame(/query: +rows (?!1–)\d+–\d+ of /, { what: 'the next page after PgDn', timeoutMs: 10_000 });
      assert.doesNotMatch(second, /mot0é/, 'the first rows scrolled away');
      terminal.sendKeys('Home');
      await terminal.waitForFrame(/query: +rows 1–/, { what: 'the top again after Home', timeoutMs: 10_000 });
      terminal.sendKeys('q');
      await assertEndsPromptly(terminal, 'q in the detail');
    } finally {
      terminal.kill();
    }
  });

  test('Ctrl-C ends pgtop at once', { timeout: TEST_TIMEOUT }, async () => {
    const terminal = await startOnHugeQueries();
    try {
      terminal.sendKeys('C-c');
      await assertEndsPromptly(terminal, 'Ctrl-C', 0);
    } finally {
      terminal.kill();
    }
  });

  test('SIGTERM ends pgtop at once', { timeout: TEST_TIMEOUT }, async () => {
    const terminal = await startOnHugeQueries();
    try {
      const pid = terminal.pgtopPid();
      assert.ok(pid, 'the pgtop process');
      process.kill(pid, 'SIGTERM');
      await assertEndsPromptly(terminal, 'SIGTERM', 143);
    } finally {
      terminal.kill();
    }
  });
});
