import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { SessionPool, lines, pidOf, selectedRow, showsPid, tableLines, type RunningSession } from '../helpers/e2e-sessions.js';
import { startPgtop, type PgtopTerminal } from '../helpers/tmux.js';
import { waitUntil } from '../helpers/wait.js';

let sandbox: PostgresSandbox;
let pool: SessionPool;
let active: RunningSession;

before(async () => {
  sandbox = await startPostgres();
  pool = new SessionPool(sandbox);
  active = await pool.sleeper('e2e-terminal-app');
});

after(async () => {
  await pool?.closeAll();
  await sandbox?.stop();
});

const TEST_TIMEOUT = 90_000;

/** Checks a full frame drawn for `columns`×`rows`: widths, header, tabs, column titles, footer, selection. */
async function assertFrame(terminal: PgtopTerminal, screen: string, columns: number, rows: number): Promise<void> {
  const all = lines(screen);
  assert.ok(all.length <= rows, `at most ${rows} lines, got ${all.length}`);
  all.forEach((line, i) => assert.ok(stringWidth(line) <= columns, `line ${i + 1} is ${stringWidth(line)} columns wide in a ${columns}-column terminal: ${line}`));
  assert.match(all[0] ?? '', /^\s*pgtop\s+pg \d/, `the header is on the first line:\n${screen}`);
  assert.ok(all.some((line) => /\[1 Sessions\]/.test(line)), `the tabs are shown:\n${screen}`);
  assert.ok(all.some((line) => /^\s*PID\b/.test(line) && /SQL/.test(line)), `the column titles are shown:\n${screen}`);
  const footer = all.filter((line) => line.trim() !== '').at(-1) ?? '';
  assert.match(footer, /\/ filter/, `the footer is the last line drawn:\n${screen}`);
  // Ink is given one line fewer than the terminal has: the footer sits on the line before the last.
  assert.equal(all.lastIndexOf(all.find((line) => line === footer) ?? ''), rows - 2, `the footer is on row ${rows - 1}:\n${screen}`);
  const drawn = await terminal.waitForFrameWithEscapes(framed(columns), { what: 'a whole frame with its attributes' });
  assert.equal(pidOf(selectedRow(drawn)), active.pid, 'the selected row (the only active session) is visible');
}

function framed(columns: number): (screen: string) => boolean {
  return (screen) => showsPid(screen, active.pid) && /\/ filter/.test(screen) && lines(screen).every((line) => stringWidth(line) <= columns);
}

describe('the full screen', () => {
  for (const [columns, rows] of [
    [80, 24],
    [200, 50],
  ] as const) {
    test(`at ${columns}×${rows}: every line fits, header, tabs and footer are shown, the selection is visible`, { timeout: TEST_TIMEOUT }, async () => {
      const terminal = startPgtop([sandbox.uri()], { columns, rows });
      try {
        const screen = await terminal.waitForFrame(framed(columns), { what: 'the first full frame', timeoutMs: 30_000 });
        await assertFrame(terminal, screen, columns, rows);
        if (columns >= 200) assert.ok(lines(screen).some((line) => /^\s*PID\b.*\bAPP\b/.test(line)), 'a wide terminal shows the APP column');
      } finally {
        terminal.kill();
      }
    });
  }

  test('a resize from 200×50 to 80×24 is followed, and back', { timeout: TEST_TIMEOUT }, async () => {
    const terminal = startPgtop([sandbox.uri()], { columns: 200, rows: 50 });
    try {
      const wide = await terminal.waitForFrame(framed(200), { what: 'the first frame at 200×50', timeoutMs: 30_000 });
      assert.ok(lines(wide).some((line) => /^\s*PID\b.*\bAPP\b/.test(line)), 'the APP column fits at 200 columns');

      terminal.resize(80, 24);
      assert.deepEqual(terminal.size(), { columns: 80, rows: 24 });
      // The layout must change, not only be cut by the smaller pane: APP no longer fits, the footer moves up.
      const narrow = await terminal.waitForFrame(
        (screen) => framed(80)(screen) && !lines(screen).some((line) => /\bAPP\b/.test(line)) && /\/ filter/.test(lines(screen)[22] ?? ''),
        { what: 'the frame redrawn for 80×24' },
      );
      await assertFrame(terminal, narrow, 80, 24);

      terminal.resize(200, 50);
      const again = await terminal.waitForFrame((screen) => framed(200)(screen) && lines(screen).some((line) => /^\s*PID\b.*\bAPP\b/.test(line)), {
        what: 'the frame redrawn for 200×50',
      });
      await assertFrame(terminal, again, 200, 50);
    } finally {
      terminal.kill();
    }
  });

  test('a terminal smaller than 80×20 shows "terminal too small", and the screen comes back when it grows', { timeout: TEST_TIMEOUT }, async () => {
    const terminal = startPgtop([sandbox.uri()], { columns: 70, rows: 18 });
    try {
      const small = await terminal.waitFor('terminal too small', { what: 'the too-small message', timeoutMs: 30_000 });
      lines(small).forEach((line) => assert.ok(stringWidth(line) <= 70, `line wider than 70 columns: ${line}`));
      terminal.resize(100, 30);
      await terminal.waitForFrame(framed(100), { what: 'the full screen once the terminal is large enough' });
      terminal.resize(79, 30);
      await terminal.waitFor('terminal too small', { what: 'the too-small message at 79 columns' });
      terminal.resize(80, 19);
      await terminal.waitFor((screen) => screen.includes('terminal too small') && screen.includes('80×19'), { what: 'the too-small message at 19 rows' });
    } finally {
      terminal.kill();
    }
  });
});

describe('leaving restores the terminal', () => {
  const MARKER = 'the shell line before pgtop started';

  async function started(): Promise<PgtopTerminal> {
    const terminal = startPgtop([sandbox.uri()], { columns: 120, rows: 30, before: MARKER });
    await terminal.waitForFrame(framed(120), { what: 'the first frame', timeoutMs: 30_000 });
    assert.ok(terminal.alternateOn(), 'pgtop draws on the alternate screen');
    assert.ok(!terminal.screen().includes(MARKER), 'the shell line is hidden while pgtop runs');
    return terminal;
  }

  function assertRestored(terminal: PgtopTerminal): void {
    assert.equal(terminal.alternateOn(), false, 'the alternate screen is left');
    const screen = terminal.screen();
    assert.equal(lines(screen)[0], MARKER, `the screen from before pgtop is back:\n${screen}`);
    assert.doesNotMatch(screen, /pgtop\s+pg \d|\[1 Sessions\]/, 'nothing of pgtop is left on the normal screen');
    assert.equal(tableLines(screen).length, 0);
  }

  test('q exits with 0 and restores the screen', { timeout: TEST_TIMEOUT }, async () => {
    const terminal = await started();
    try {
      terminal.sendKeys('q');
      assert.equal(await terminal.exitCode(), 0);
      assertRestored(terminal);
    } finally {
      terminal.kill();
    }
  });

  test('Ctrl-C quits and restores the screen', { timeout: TEST_TIMEOUT }, async () => {
    const terminal = await started();
    try {
      terminal.sendKeys('C-c');
      const code = await terminal.exitCode();
      assert.ok(code === 0 || code === 130, `Ctrl-C quits (0, or 130 as for SIGINT), got ${code}`);
      assertRestored(terminal);
    } finally {
      terminal.kill();
    }
  });

  test('SIGTERM ends pgtop and restores the screen', { timeout: TEST_TIMEOUT }, async () => {
    const terminal = await started();
    try {
      const pid = await waitUntil(() => terminal.pgtopPid(), { what: "pgtop's process" });
      process.kill(pid, 'SIGTERM');
      assert.equal(await terminal.exitCode(), 143, 'the exit code says SIGTERM (128 + 15)');
      assertRestored(terminal);
    } finally {
      terminal.kill();
    }
  });
});
