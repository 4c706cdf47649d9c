import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MatchCache } from '../../src/store/match-cache.js';
import { sessionRows, visibleSessions } from '../../src/store/selectors.js';
import { initialState, type AppState } from '../../src/store/state.js';
import { syntheticSession } from '../helpers/synthetic.js';

const ui = (filter: string): AppState['sessions'] => ({
  ...initialState({ intervalSeconds: 1, readOnly: false, columns: 120, rows: 40, target: 't' }).sessions,
  sortColumn: 'pid',
  sortDescending: false,
  showIdle: true,
  filter,
});

describe('MatchCache', () => {
  test('a row whose texts are unchanged is not searched again; a changed text or needle is', () => {
    const cache = new MatchCache();
    let searches = 0;
    const search = (fields: readonly (string | null | undefined)[]): boolean => {
      searches += 1;
      return fields.some((f) => f?.includes('orders') === true);
    };
    cache.begin('orders');
    assert.equal(cache.match(1, ['SELECT * FROM orders'], search), true);
    assert.equal(cache.match(2, ['SELECT 1'], search), false);
    assert.equal(searches, 2);
    cache.begin('orders');
    // Equal texts in new strings, as each tick brings them.
    assert.equal(cache.match(1, [['SELECT * FROM', 'orders'].join(' ')], search), true);
    assert.equal(cache.match(2, ['SELECT 1'], search), false);
    assert.equal(searches, 2, 'unchanged texts are not searched');
    cache.begin('orders');
    assert.equal(cache.match(2, ['SELECT * FROM orders'], search), true, 'a new text is searched');
    assert.equal(searches, 3);
    cache.begin('customers');
    assert.equal(cache.match(2, ['SELECT * FROM orders'], () => false), false, 'a new needle searches again');
  });

  test('a row left out of a pass is forgotten', () => {
    const cache = new MatchCache();
    cache.begin('x');
    cache.match(1, ['x'], () => true);
    cache.begin('x');
    cache.begin('x');
    let searched = false;
    cache.match(1, ['x'], () => (searched = true));
    assert.equal(searched, true);
  });
});

describe('visibleSessions with remembered matches', () => {
  test('follows a session whose query changes, and a filter that changes', () => {
    const before = [syntheticSession(1, { query: 'SELECT * FROM orders' }), syntheticSession(2, { query: 'SELECT 1' })];
    const after = [syntheticSession(1, { query: 'SELECT 1' }), syntheticSession(2, { query: 'UPDATE orders SET x = 1' })];
    const pids = (sessions: typeof before, filter: string): number[] => visibleSessions(sessionRows(sessions), ui(filter)).map((s) => s.pid);
    assert.deepEqual(pids(before, 'orders'), [1]);
    assert.deepEqual(pids(before, 'orders'), [1]);
    assert.deepEqual(pids(after, 'orders'), [2]);
    assert.deepEqual(pids(after, 'update'), [2]);
    assert.deepEqual(pids(after, 'select'), [1]);
    assert.deepEqual(pids(before, 'select'), [1, 2]);
    assert.deepEqual(pids([syntheticSession(1, { query: 'SELECT 1', application: 'orders-api' })], 'orders'), [1], 'another text of the row changes');
  });
});
