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

interface Row {
  text: string;
}

/** A cache over rows of one text, and a search that counts how often it runs. */
function counted(needle: string): { cache: MatchCache<Row>; search: (row: Row) => boolean; searches: () => number } {
  let searches = 0;
  return {
    cache: new MatchCache<Row>((a, b) => a.text === b.text),
    search: (row) => {
      searches += 1;
      return row.text.includes(needle);
    },
    searches: () => searches,
  };
}

describe('MatchCache', () => {
  test('a row whose texts are unchanged is not searched again; a changed text or needle is', () => {
    const { cache, search, searches } = counted('orders');
    cache.begin('orders');
    assert.equal(cache.match(1, { text: 'SELECT * FROM orders' }, search), true);
    assert.equal(cache.match(2, { text: 'SELECT 1' }, search), false);
    assert.equal(searches(), 2);
    cache.begin('orders');
    // Equal texts in new strings, as each tick brings them.
    assert.equal(cache.match(1, { text: ['SELECT * FROM', 'orders'].join(' ') }, search), true);
    assert.equal(cache.match(2, { text: 'SELECT 1' }, search), false);
    assert.equal(searches(), 2, 'unchanged texts are not searched');
    cache.begin('orders');
    assert.equal(cache.match(2, { text: 'SELECT * FROM orders' }, search), true, 'a new text is searched');
    assert.equal(searches(), 3);
    cache.begin('customers');
    assert.equal(cache.match(2, { text: 'SELECT * FROM orders' }, () => false), false, 'a new needle searches again');
  });

  test('rows found in another order, or with rows gone and come between them, keep their matches', () => {
    const { cache, search, searches } = counted('orders');
    const rows = (keys: number[]): [number, Row][] => keys.map((k) => [k, { text: k % 2 === 0 ? `SELECT * FROM orders /* ${k} */` : `SELECT ${k}` }]);
    cache.begin('orders');
    for (const [key, row] of rows([1, 2, 3, 4, 5, 6])) cache.match(key, row, search);
    assert.equal(searches(), 6);
    cache.begin('orders');
    const seen = rows([1, 3, 7, 4, 6, 5, 2]).map(([key, row]) => [key, cache.match(key, row, search)]);
    assert.deepEqual(seen, [[1, false], [3, false], [7, false], [4, true], [6, true], [5, false], [2, true]]);
    assert.equal(searches(), 7, 'only the new row 7 is searched');
  });

  test('rows no longer seen are dropped once they are as many as the rows seen', () => {
    const cache = new MatchCache<Row>((a, b) => a.text === b.text);
    cache.begin('x');
    for (let key = 1; key <= 100; key++) cache.match(key, { text: 'x' }, () => true);
    for (let pass = 0; pass < 3; pass++) {
      cache.begin('x');
      for (let key = 1; key <= 10; key++) cache.match(key, { text: 'x' }, () => true);
    }
    assert.ok(cache.size <= 20, `${cache.size} rows held for 10 seen`);
    cache.begin('y');
    assert.equal(cache.size, 0, 'a new needle forgets every match');
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
