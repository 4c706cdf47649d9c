import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { SessionPool, pidOf, pidsOnScreen, selectedRow, stripSgr, tableLines, type RunningSession, type TestSession } from '../helpers/e2e-sessions.js';
import { isWholeFrame, startPgtop, type PgtopTerminal } from '../helpers/tmux.js';

const IDLE = 300;
const ACTIVE = 5;
// pgtop lists 300 sessions on a machine busy with other tests: allow more time than usual for each reaction.
const SLOW = 30_000;

let sandbox: PostgresSandbox;
let pool: SessionPool;
const idle: TestSession[] = [];
const active: RunningSession[] = [];

before(async () => {
  sandbox = await startPostgres({ settings: { max_connections: 400 } });
  pool = new SessionPool(sandbox);
  for (let i = 0; i < IDLE; i += 25) {
    const batch = await Promise.all(Array.from({ length: Math.min(25, IDLE - i) }, (_, j) => pool.open(`e2e-idle-${i + j}`)));
    idle.push(...batch);
  }
  for (let i = 0; i < ACTIVE; i++) active.push(await pool.sleeper(`e2e-busy-${i}`));
});

after(async () => {
  await pool?.closeAll();
  await sandbox?.stop();
});

interface Selection {
  pid: number | undefined;
  /** Whether the selected row is the first / the last table row on screen. */
  first: boolean;
  last: boolean;
}

/** The selection as drawn in one whole frame, or undefined while a frame is half drawn. */
function selection(terminal: PgtopTerminal): Selection | undefined {
  const withEscapes = terminal.screenWithEscapes();
  const plain = stripSgr(withEscapes);
  if (!isWholeFrame(plain, terminal.size().rows)) return undefined;
  const pid = pidOf(selectedRow(withEscapes));
  const pids = pidsOnScreen(plain);
  return { pid, first: pids[0] === pid, last: pids.at(-1) === pid };
}

async function waitForSelection(terminal: PgtopTerminal, what: string, check: (s: Selection) => boolean): Promise<Selection> {
  let seen: Selection | undefined;
  await terminal.waitFor(
    () => {
      seen = selection(terminal);
      return seen !== undefined && check(seen);
    },
    { what, timeoutMs: SLOW },
  );
  assert.ok(seen);
  return seen;
}

describe(`${IDLE} idle and ${ACTIVE} active sessions`, () => {
  test('i, sort keys, End, PgUp, PgDn, Home and / each respond', { timeout: 180_000 }, async () => {
    const terminal = startPgtop([sandbox.uri()], { columns: 120, rows: 40 });
    try {
      const first = await terminal.waitForFrame((screen) => active.every((s) => pidsOnScreen(screen).includes(s.pid)), {
        what: 'the active sessions listed',
        timeoutMs: 30_000,
      });
      const idlePids = new Set(idle.map((s) => s.pid));
      assert.deepEqual(pidsOnScreen(first).filter((pid) => idlePids.has(pid)), [], 'idle sessions are hidden by default');
      assert.match(first, new RegExp(`idle ${IDLE}\\b`), 'the header counts the hidden idle sessions');

      terminal.sendKeys('i');
      const shown = await terminal.waitForFrame((screen) => pidsOnScreen(screen).length > 20, { what: 'the idle sessions listed after i', timeoutMs: SLOW });
      const rowsPerPage = pidsOnScreen(shown).length;
      assert.ok(tableLines(shown).some((line) => /\bidle\b/.test(line)), 'idle rows are listed');

      // Sort by pid (descending): from the query age, > goes to SQL, then wraps to PID.
      terminal.sendKeys('>');
      await terminal.waitForFrame('sort: sql', { what: 'the sort to move right to SQL', timeoutMs: SLOW });
      terminal.sendKeys('>');
      const byPid = await terminal.waitForFrame('sort: pid ▼', { what: 'the sort to wrap to PID', timeoutMs: SLOW });
      const pids = pidsOnScreen(byPid);
      assert.deepEqual(pids, [...pids].sort((a, b) => b - a), 'rows are in descending pid order');

      const lowest = await sandbox.query<{ pid: number }>("SELECT min(pid) AS pid FROM pg_stat_activity WHERE application_name <> 'pgtop'");
      const lastPid = lowest.rows[0]?.pid;
      assert.ok(lastPid !== undefined);

      terminal.sendKeys('End');
      const atEnd = await waitForSelection(terminal, `End to select the last row (pid ${lastPid})`, (s) => s.pid === lastPid && s.last);
      assert.equal(atEnd.pid, lastPid);

      terminal.sendKeys('PgUp');
      const pagedUp = await waitForSelection(terminal, 'PgUp to move the selection a page up', (s) => s.pid !== undefined && s.pid !== lastPid && s.first);
      assert.ok((pagedUp.pid ?? 0) > lastPid, 'a page up is higher in a descending list');
      await terminal.waitForFrame((screen) => pidsOnScreen(screen).length === rowsPerPage, { what: 'the window still full after PgUp', timeoutMs: SLOW });

      terminal.sendKeys('PgDn');
      await waitForSelection(terminal, 'PgDn to come back to the last row', (s) => s.pid === lastPid && s.last);

      terminal.sendKeys('Home');
      const home = await waitForSelection(terminal, 'Home to select the first row', (s) => s.pid !== undefined && s.first);
      assert.ok((home.pid ?? 0) > (pagedUp.pid ?? 0), 'the first row has the highest pid');

      terminal.sendKeys('r');
      await terminal.waitForFrame('sort: pid ▲', { what: 'r to reverse the order', timeoutMs: SLOW });
      terminal.sendKeys('<');
      await terminal.waitForFrame('sort: sql ▲', { what: 'the sort to wrap left to SQL', timeoutMs: SLOW });

      const target = idle[137];
      assert.ok(target);
      terminal.sendKeys('/');
      await terminal.waitForFrame('filter: █', { what: 'the filter prompt', timeoutMs: SLOW });
      terminal.type('e2e-idle-137');
      const filtered = await terminal.waitForFrame((screen) => pidsOnScreen(screen).join() === String(target.pid), { what: 'the filter to leave one session', timeoutMs: SLOW });
      assert.match(filtered, /filter: e2e-idle-137█/, 'the rows follow the filter as it is typed');
      terminal.sendKeys('Enter');
      await terminal.waitForFrame((screen) => screen.includes('filter: e2e-idle-137') && !screen.includes('e2e-idle-137█'), { what: 'the filter to be applied', timeoutMs: SLOW });
      terminal.sendKeys('Escape');
      await terminal.waitForFrame((screen) => !screen.includes('filter: ') && pidsOnScreen(screen).length === rowsPerPage, { what: 'Esc to clear the filter', timeoutMs: SLOW });
    } finally {
      terminal.kill();
    }
  });
});
