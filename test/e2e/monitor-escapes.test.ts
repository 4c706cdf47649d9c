import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { SessionPool, lines, rowOf, stripSgr } from '../helpers/e2e-sessions.js';
import { startPgtop, startTerminal } from '../helpers/tmux.js';

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

// Set the title, turn red, move the cursor, clear the screen: each would act if printed raw.
const HOSTILE = '/* \x1b]0;PWNED\x07 \x1b[31mRED \x1b[10;10HMOVED \x1b[2J */ SELECT pg_sleep(600)';
const VISIBLE = '/* \\x1b]0;PWNED\\x07 \\x1b[31mRED \\x1b[10;10HMOVED \\x1b[2J */ SELECT pg_sleep(600)';

describe('query text with terminal escape sequences', () => {
  test('the terminal of this harness does act on a raw title sequence (so the checks below can fail)', { timeout: 30_000 }, async () => {
    const control = startTerminal(`printf '\\033]0;CONTROL-TITLE\\007'; printf 'printed\\n'`, { columns: 80, rows: 24 });
    try {
      await control.exitCode();
      assert.equal(control.title(), 'CONTROL-TITLE');
    } finally {
      control.kill();
    }
  });

  test('is drawn as visible escapes: no title change, no colour, no cursor move, no clear', { timeout: 120_000 }, async () => {
    const hostile = await pool.open('e2e-hostile');
    const running = pool.launch(hostile, HOSTILE);
    const terminal = startPgtop([sandbox.uri()], { columns: 200, rows: 50 });
    try {
      const titleBefore = terminal.title();
      const shown = await terminal.waitForFrame((screen) => rowOf(screen, hostile.pid)?.includes('PWNED') === true, {
        what: 'the hostile query listed',
        timeoutMs: 30_000,
      });
      const row = rowOf(shown, hostile.pid) ?? '';
      assert.ok(row.includes(VISIBLE.slice(0, 60)), `the query is shown with visible escapes on its own row:\n${row}`);
      assert.match(lines(shown)[0] ?? '', /pgtop/, 'the header is still on the first line: the screen was not cleared');

      terminal.sendKeys('Enter');
      const detail = await terminal.waitForFrame(`Session ${hostile.pid}`, { what: 'the detail of the hostile session' });
      assert.ok(detail.includes(VISIBLE), `the detail shows the whole query, escaped:\n${detail}`);
      assert.match(lines(detail)[0] ?? '', /pgtop/);

      assert.equal(terminal.title(), titleBefore, 'the pane title is unchanged');
      assert.doesNotMatch(terminal.title(), /PWNED/);
      const raw = await terminal.waitForFrameWithEscapes('RED', { what: 'the detail with its attributes' });
      assert.ok(!raw.includes('\x1b]0;'), 'no title sequence on the screen');
      assert.ok(!raw.includes('\x1b[2J'), 'no clear-screen sequence on the screen');
      assert.ok(!raw.includes('\x1b[10;10H'), 'no cursor move on the screen');
      const hostileLines = lines(raw).filter((line) => stripSgr(line).includes('RED'));
      assert.ok(hostileLines.length > 0);
      for (const line of hostileLines) assert.ok(!/\x1b\[(?:[0-9;]*;)?31(?:;[0-9;]*)?m/.test(line), `the query turned the text red: ${JSON.stringify(line)}`);
      // Nothing was written at row 10, column 10 by the query: that row is the detail's own text.
      assert.doesNotMatch(lines(detail)[9]?.slice(9, 14) ?? '', /^MOVED/);

      terminal.sendKeys('Escape');
      await terminal.waitForFrame((screen) => rowOf(screen, hostile.pid) !== undefined, { what: 'back to the sessions list' });
    } finally {
      terminal.kill();
      await pool.closeAll();
      await running.outcome;
    }
  });
});
