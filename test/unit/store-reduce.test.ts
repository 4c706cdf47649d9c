import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StateCommand } from '../../src/store/commands.js';
import type { Session } from '../../src/sources/types.js';
import { INTERVAL_STEPS, reduce, selectedPid, stepInterval } from '../../src/store/reduce.js';
import { tableRows } from '../../src/store/layout.js';
import { sessionsViewModel } from '../../src/store/selectors.js';
import { VIEWS, initialState, type AppState } from '../../src/store/state.js';
import { resolveKey } from '../../src/keymap/router.js';
import { sessionFieldIds } from '../../src/store/session-fields.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function fresh(rows = 24): AppState {
  return initialState({ intervalSeconds: 2, readOnly: false, columns: 120, rows, target: 'db:5432/app', now: NOW });
}

const data = (state: AppState, sessions: Session[]): AppState => reduce(state, { type: 'pg-data', snapshot: syntheticSnapshot(sessions), ownPid: undefined, at: NOW });
const command = (state: AppState, id: StateCommand): AppState => reduce(state, { type: 'command', command: id });
const commands = (state: AppState, ...ids: StateCommand[]): AppState => ids.reduce(command, state);
/** A key press as the router resolves it; only state changes apply here. */
const key = (state: AppState, name: string, input = name.length === 1 ? name : name === 'space' ? ' ' : ''): AppState => {
  const intent = resolveKey(state, name, input);
  return intent.kind === 'dispatch' ? reduce(state, intent.event) : state;
};
const typed = (state: AppState, text: string): AppState => [...text].reduce((s, ch) => key(s, ch === ' ' ? 'space' : ch, ch), state);
/** The pids as the Sessions view lists them. */
const listed = (state: AppState): number[] => sessionsViewModel(state).rows.map((r) => r.pid);
const selection = (state: AppState): { pid: number | undefined; index: number; top: number } => {
  const s = sessionsViewModel(state).selection;
  return { pid: typeof s.key === 'number' ? s.key : undefined, index: s.index, top: s.top };
};

/** Sessions 1..n with the query age of `ages[i]` (so the default sort, query age ▼, orders them). */
const aged = (ages: Record<number, number>): Session[] => Object.entries(ages).map(([pid, age]) => syntheticSession(Number(pid), { queryAgeSeconds: age }));

describe('views', () => {
  test('1-5 pick a view, Tab and Shift-Tab cycle through all of them and wrap', () => {
    const state = fresh();
    assert.equal(state.view, 'sessions');
    const ids: StateCommand[] = ['view.sessions', 'view.locks', 'view.pools', 'view.migrations', 'view.backups'];
    ids.forEach((id, i) => assert.equal(command(state, id).view, VIEWS[i]));

    let cycled = state;
    const seen: string[] = [];
    for (let i = 0; i < VIEWS.length; i++) {
      cycled = command(cycled, 'view.next');
      seen.push(cycled.view);
    }
    assert.deepEqual(seen, [...VIEWS.slice(1), VIEWS[0]]);
    assert.equal(command(state, 'view.previous').view, VIEWS[VIEWS.length - 1]);
    assert.equal(commands(state, 'view.previous', 'view.next').view, 'sessions');
  });

  test('switching views leaves the detail', () => {
    const state = command(data(fresh(), [syntheticSession(7)]), 'detail.open');
    assert.equal(state.detailPid, 7);
    assert.equal(command(state, 'view.locks').detailPid, undefined);
    assert.equal(command(state, 'view.next').detailPid, undefined);
  });
});

describe('sort', () => {
  test('< and > never sort by the POOL column while no PgBouncer is connected (it is not shown)', () => {
    let right = fresh();
    let left = fresh();
    for (let i = 0; i < 30; i++) {
      right = command(right, 'sort.right');
      left = command(left, 'sort.left');
      assert.notEqual(right.sessions.sortColumn, 'pool');
      assert.notEqual(left.sessions.sortColumn, 'pool');
    }
    const pooled = { ...fresh(), bouncer: { ...fresh().bouncer, configured: true } };
    const visited = new Set<string>();
    let walked = pooled;
    for (let i = 0; i < 30; i++) visited.add((walked = command(walked, 'sort.right')).sessions.sortColumn);
    assert.ok(visited.has('pool'), 'with PgBouncer the POOL column is one of the sort columns');
  });

  test('starts on query age, descending; < and > step through the columns and wrap; r reverses', () => {
    const state = fresh();
    const ids = sessionFieldIds(false);
    assert.equal(state.sessions.sortColumn, 'queryAge');
    assert.equal(state.sessions.sortDescending, true);
    const at = ids.indexOf('queryAge');
    assert.equal(command(state, 'sort.right').sessions.sortColumn, ids[(at + 1) % ids.length]);
    assert.equal(command(state, 'sort.left').sessions.sortColumn, ids[at - 1]);

    let walked = state;
    for (let i = 0; i < ids.length; i++) walked = command(walked, 'sort.right');
    assert.equal(walked.sessions.sortColumn, 'queryAge', 'a full turn comes back');
    const first = { ...state, sessions: { ...state.sessions, sortColumn: ids[0] ?? 'pid' } };
    assert.equal(command(first, 'sort.left').sessions.sortColumn, ids[ids.length - 1], '< on the first column wraps to the last');

    assert.equal(command(state, 'sort.reverse').sessions.sortDescending, false);
    assert.equal(commands(state, 'sort.reverse', 'sort.reverse').sessions.sortDescending, true);
  });

  test('changing the sort reorders the listed sessions', () => {
    const state = data(fresh(), aged({ 10: 5, 9: 50, 100: 7 }));
    assert.deepEqual(listed(state), [9, 100, 10]);
    assert.deepEqual(listed(command(state, 'sort.reverse')), [10, 100, 9]);
    const byPid = { ...state, sessions: { ...state.sessions, sortColumn: 'pid' as const } };
    assert.deepEqual(listed(byPid), [100, 10, 9], 'pids sort as numbers');
  });
});

describe('filter prompt', () => {
  test('/ opens the prompt with the current filter; typing, backspace and space edit it', () => {
    const state = command(fresh(), 'filter.open');
    assert.equal(state.sessions.filterDraft, '');
    const draft = typed(state, 'app=api');
    assert.equal(draft.sessions.filterDraft, 'app=api');
    assert.equal(key(draft, 'backspace').sessions.filterDraft, 'app=ap');
    assert.equal(key(key(draft, 'space', ' '), 'x').sessions.filterDraft, 'app=api x');
    assert.equal(key(draft, 'ctrl-u', 'u').sessions.filterDraft, '', 'Ctrl-U empties the line');
    assert.equal(draft.sessions.filter, '', 'the filter applies only on Enter');
  });

  test('Enter applies the trimmed draft; Escape drops the draft and keeps the filter that was', () => {
    const applied = key(typed(command(fresh(), 'filter.open'), '  api '), 'enter');
    assert.equal(applied.sessions.filter, 'api');
    assert.equal(applied.sessions.filterDraft, undefined);

    const reopened = command(applied, 'filter.open');
    assert.equal(reopened.sessions.filterDraft, 'api', 'the prompt starts from the current filter');
    const escaped = key(typed(reopened, 'xyz'), 'escape');
    assert.equal(escaped.sessions.filterDraft, undefined);
    assert.equal(escaped.sessions.filter, 'api');

    assert.equal(command(applied, 'filter.clear').sessions.filter, '', 'Esc outside the prompt clears the filter');
  });

  test('control characters and special keys are not typed into the filter', () => {
    const state = command(fresh(), 'filter.open');
    for (const [name, input] of [
      ['up', ''],
      ['tab', '\t'],
      ['ctrl-a', 'a'],
      ['x', '\x1b'],
      ['x', '\x07'],
      ['x', '\u009b'],
    ] as const) {
      const after = key(state, name, input);
      // Ink hands Ctrl-A over as input "a" with the ctrl flag: the canonical name says it is not a letter.
      assert.equal(after.sessions.filterDraft, '', `${name} ${JSON.stringify(input)} was typed into the filter`);
    }
  });

  test('the rows follow the draft while it is typed', () => {
    const state = data(fresh(), [syntheticSession(1, { application: 'web' }), syntheticSession(2, { application: 'worker' }), syntheticSession(3, { application: 'web-2' })]);
    const draft = typed(command(state, 'filter.open'), 'app=web');
    assert.deepEqual(listed(draft).sort(), [1, 3]);
  });
});

describe('idle, tagging, refresh', () => {
  test('i shows and hides idle sessions (hidden by default)', () => {
    const state = data(fresh(), [syntheticSession(1), syntheticSession(2, { state: 'idle' }), syntheticSession(3, { state: null, backendType: 'checkpointer' })]);
    assert.equal(state.sessions.showIdle, false);
    assert.deepEqual(listed(state), [1]);
    const shown = command(state, 'idle.toggle');
    assert.deepEqual(listed(shown).sort(), [1, 2, 3]);
    assert.deepEqual(listed(command(shown, 'idle.toggle')), [1]);
  });

  test('space tags the selected session and moves down; again untags; tags of ended sessions are dropped', () => {
    const state = data(fresh(), aged({ 1: 30, 2: 20, 3: 10 }));
    const one = command(state, 'tag.toggle');
    assert.deepEqual(one.sessions.tagged, [1]);
    assert.equal(selection(one).pid, 2, 'the selection moves to the next row');
    const two = command(one, 'tag.toggle');
    assert.deepEqual(two.sessions.tagged, [1, 2]);
    const untagged = command(command(two, 'move.up'), 'tag.toggle');
    assert.deepEqual(untagged.sessions.tagged, [1]);

    const refreshed = data(two, aged({ 2: 21, 3: 11 }));
    assert.deepEqual(refreshed.sessions.tagged, [2], 'session 1 ended: its tag goes');
  });

  test('+ and - step the interval through the fixed steps and stop at the ends', () => {
    assert.deepEqual(INTERVAL_STEPS, [...INTERVAL_STEPS].sort((a, b) => a - b));
    const state = fresh();
    assert.equal(command(state, 'refresh.slower').intervalSeconds, 3);
    assert.equal(command(state, 'refresh.faster').intervalSeconds, 1);
    let fastest = state;
    for (let i = 0; i < 20; i++) fastest = command(fastest, 'refresh.faster');
    assert.equal(fastest.intervalSeconds, 0.5);
    let slowest = state;
    for (let i = 0; i < 20; i++) slowest = command(slowest, 'refresh.slower');
    assert.equal(slowest.intervalSeconds, 60);
    assert.equal(stepInterval(2.5, 1), 3, 'a value between steps goes to the next step up');
    assert.equal(stepInterval(2.5, -1), 2);
  });

  test('p pauses and resumes', () => {
    const state = fresh();
    assert.equal(state.paused, false);
    assert.equal(command(state, 'refresh.pause').paused, true);
    assert.equal(commands(state, 'refresh.pause', 'refresh.pause').paused, false);
  });

  test('? opens and closes the help', () => {
    const open = command(fresh(), 'help');
    assert.deepEqual(open.dialog, { kind: 'help' });
    assert.equal(command(open, 'help').dialog, undefined);
  });

  test('a pg error keeps the data and its age; the next good tick clears it', () => {
    const state = data(fresh(), [syntheticSession(1)]);
    const failed = reduce(state, { type: 'pg-error', message: 'connection refused', retryInMs: 500, at: NOW + 5000 });
    assert.equal(failed.pg.error?.message, 'connection refused');
    assert.equal(failed.pg.error?.since, NOW + 5000);
    assert.equal(failed.pg.snapshot, state.pg.snapshot, 'the last good data stays');
    assert.equal(failed.pg.lastGoodAt, NOW);
    const again = reduce(failed, { type: 'pg-error', message: 'still refused', retryInMs: 1000, at: NOW + 9000 });
    assert.equal(again.pg.error?.since, NOW + 5000, 'since = when the outage began');
    assert.equal(data(again, [syntheticSession(1)]).pg.error, undefined);
  });
});

describe('selection', () => {
  test('follows its pid when a refresh reorders the rows', () => {
    const state = commands(data(fresh(), aged({ 1: 30, 2: 20, 3: 10 })), 'move.down');
    assert.deepEqual(selection(state), { pid: 2, index: 1, top: 0 });
    const reordered = data(state, aged({ 1: 31, 2: 5, 3: 11 }));
    assert.deepEqual(listed(reordered), [1, 3, 2]);
    assert.equal(selection(reordered).pid, 2);
    assert.equal(selection(reordered).index, 2);
    assert.equal(selectedPid(reordered), 2);
    // And keeps following it from there.
    assert.equal(selectedPid(command(reordered, 'move.up')), 3);
  });

  test('falls back to the same position when its row is removed', () => {
    const state = commands(data(fresh(), aged({ 1: 50, 2: 40, 3: 30, 4: 20, 5: 10 })), 'move.down', 'move.down');
    assert.equal(selectedPid(state), 3);
    const removed = data(state, aged({ 1: 51, 2: 41, 4: 21, 5: 11 }));
    assert.equal(selection(removed).index, 2);
    assert.equal(selectedPid(removed), 4);

    const lastGone = data(commands(state, 'move.end'), aged({ 1: 51, 2: 41, 3: 31 }));
    assert.equal(selectedPid(lastGone), 3, 'the last row gone: the new last row');
    assert.equal(selectedPid(data(state, [])), undefined);
  });

  test('falls back to the position where its row was last shown, after a refresh had moved it', () => {
    // Select pid 3 on row 3 (index 2); a refresh moves it to the top; then it ends.
    const state = commands(data(fresh(), aged({ 1: 50, 2: 40, 3: 30, 4: 20, 5: 10 })), 'move.down', 'move.down');
    const moved = data(state, aged({ 1: 51, 2: 41, 3: 99, 4: 21, 5: 11 }));
    assert.equal(selection(moved).index, 0, 'pid 3 is now on the first row');
    const gone = data(moved, aged({ 1: 52, 2: 42, 4: 22, 5: 12 }));
    assert.equal(selection(gone).index, 0, 'the cursor stays on the first row, where the user last saw it');
    assert.equal(selectedPid(gone), 1);
  });

  test('PgDn, PgUp, Home and End move by a page and to the ends, scrolling the window', () => {
    const ages: Record<number, number> = {};
    for (let pid = 1; pid <= 50; pid++) ages[pid] = 1000 - pid; // listed 1, 2, … 50
    const state = data(fresh(24), aged(ages));
    const page = tableRows(state);
    assert.equal(page, 24 - 6);
    assert.deepEqual(selection(state), { pid: 1, index: 0, top: 0 });

    const down = command(state, 'move.pageDown');
    assert.deepEqual(selection(down), { pid: 1 + page, index: page, top: 1 });
    const downTwice = command(down, 'move.pageDown');
    assert.equal(selection(downTwice).index, 2 * page);
    assert.equal(selection(command(downTwice, 'move.pageDown')).index, 49, 'PgDn stops at the last row');
    assert.deepEqual(selection(command(down, 'move.pageUp')), { pid: 1, index: 0, top: 0 });
    assert.equal(selection(command(state, 'move.pageUp')).index, 0, 'PgUp stops at the first row');

    const end = command(state, 'move.end');
    assert.deepEqual(selection(end), { pid: 50, index: 49, top: 50 - page });
    const home = command(end, 'move.home');
    assert.deepEqual(selection(home), { pid: 1, index: 0, top: 0 });
    assert.equal(selection(command(end, 'move.down')).index, 49);
    assert.equal(selection(command(home, 'move.up')).index, 0);
  });

  test('in the Locks view the keys move through the blocking tree', () => {
    const sessions = [syntheticSession(1, { state: 'idle in transaction' }), syntheticSession(2, { blockedBy: [1] }), syntheticSession(3, { blockedBy: [2] })];
    const state = command(data(fresh(), sessions), 'view.locks');
    assert.equal(selectedPid(state), 1, 'the first row, the root, is selected');
    assert.equal(selectedPid(command(state, 'move.down')), 2);
    assert.equal(selectedPid(command(state, 'move.end')), 3);
    assert.equal(selectedPid(commands(state, 'move.end', 'move.home')), 1);
  });
});
