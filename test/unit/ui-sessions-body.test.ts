import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { reduce } from '../../src/store/reduce.js';
import { initialState, type AppState } from '../../src/store/state.js';
import type { Session } from '../../src/sources/types.js';
import { screenLines } from '../../src/ui/screen-lines.js';
import { chalkLevelInSuite } from '../helpers/chalk-level.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function withSessions(state: AppState, sessions: Session[], at: number): AppState {
  return reduce(state, { type: 'pg-data', snapshot: syntheticSnapshot(sessions, { takenAt: new Date(at).toISOString() }), ownPid: 1, at });
}

const sessions = (query: string): Session[] => Array.from({ length: 20 }, (_, i) => syntheticSession(100 + i, { state: 'active', query: i === 3 ? query : `SELECT ${i}` }));
const shown = (state: AppState): string => screenLines(state).join('\n').replace(/\x1b\[[0-9;]*m/g, '');

describe('the Sessions body between ticks', () => {
  // In colour, so that the selected row shows.
  chalkLevelInSuite(1);

  test('a redraw for other data shows the same rows; new rows, a moved cursor, a tag or a resize are drawn anew', () => {
    let state = withSessions(initialState({ intervalSeconds: 1, readOnly: false, columns: 120, rows: 40, target: 't', now: NOW }), sessions('SELECT first'), NOW);
    const first = shown(state);
    assert.match(first, /SELECT first/);
    state = reduce(state, { type: 'clock', now: NOW + 500 });
    assert.equal(shown(state), first, 'nothing the body shows changed');

    state = withSessions(state, sessions('SELECT second'), NOW + 1000);
    assert.match(shown(state), /SELECT second/);
    assert.doesNotMatch(shown(state), /SELECT first/);

    const before = screenLines(state);
    state = { ...state, sessions: { ...state.sessions, selection: { key: 105, index: 5, top: 0 } } };
    const after = screenLines(state);
    assert.notDeepEqual(after, before, 'the cursor moved');

    state = { ...state, sessions: { ...state.sessions, tagged: [105] } };
    assert.match(shown(state), /^\*/m, 'the tagged row is marked');

    state = reduce(state, { type: 'resize', columns: 100, rows: 30 });
    assert.ok(screenLines(state).every((line) => line.replace(/\x1b\[[0-9;]*m/g, '').length <= 100));
    assert.equal(screenLines(state).length, 29);
  });
});
