import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Session } from '../../src/sources/types.js';
import { compareValues, parseFilter, sortRows } from '../../src/store/filter.js';
import { isIdleLike, sessionRows, visibleSessions } from '../../src/store/selectors.js';
import { initialState, type AppState } from '../../src/store/state.js';
import { sessionFields, type SessionColumnId, type SessionRow } from '../../src/store/session-fields.js';
import { syntheticSession } from '../helpers/synthetic.js';

const ui = (overrides: Partial<AppState['sessions']> = {}): AppState['sessions'] => ({
  ...initialState({ intervalSeconds: 2, readOnly: false, columns: 120, rows: 40, target: 't' }).sessions,
  sortColumn: 'pid',
  sortDescending: false,
  ...overrides,
});

const pids = (rows: readonly SessionRow[]): number[] => rows.map((r) => r.pid);
const visible = (sessions: Session[], overrides: Partial<AppState['sessions']> = {}): number[] => pids(visibleSessions(sessionRows(sessions), ui(overrides)));

const PEOPLE = [
  syntheticSession(1, { database: 'shop', user: 'alice', application: 'checkout', client: '10.1.1.1', query: 'SELECT * FROM orders' }),
  syntheticSession(2, { database: 'crm', user: 'bob', application: 'reports', client: '192.168.0.9', query: 'UPDATE customers SET x = 1' }),
  syntheticSession(3, { database: 'shop', user: 'carol', application: 'api', client: 'local', query: 'select pg_sleep(1) -- checkout' }),
  syntheticSession(12, { application: 'pid-twelve' }),
  syntheticSession(123, { application: 'pid-one-two-three' }),
  syntheticSession(1200, { application: 'pid-twelve-hundred' }),
];

describe('visibleSessions: filtering', () => {
  test('free text matches database, user, application, client or query, ignoring case', () => {
    assert.deepEqual(visible(PEOPLE, { filter: 'SHOP' }), [1, 3], 'database');
    assert.deepEqual(visible(PEOPLE, { filter: 'bob' }), [2], 'user');
    assert.deepEqual(visible(PEOPLE, { filter: 'reports' }), [2], 'application');
    assert.deepEqual(visible(PEOPLE, { filter: '192.168' }), [2], 'client');
    assert.deepEqual(visible(PEOPLE, { filter: 'customers' }), [2], 'query');
    assert.deepEqual(visible(PEOPLE, { filter: 'checkout' }), [1, 3], 'application of one, query of the other');
    assert.deepEqual(visible(PEOPLE, { filter: 'nothing-like-this' }), []);
    assert.deepEqual(visible(PEOPLE, { filter: '' }), pids(sessionRows(PEOPLE)));
  });

  test('key=value matches one column only', () => {
    assert.deepEqual(visible(PEOPLE, { filter: 'app=checkout' }), [1], 'not the query that mentions checkout');
    assert.deepEqual(visible(PEOPLE, { filter: 'app=CHECK' }), [1], 'text columns match a part, ignoring case');
    assert.deepEqual(visible(PEOPLE, { filter: 'db=shop user=carol' }), [3], 'terms combine');
    assert.deepEqual(visible(PEOPLE, { filter: 'db=shop orders' }), [1], 'a term and free text combine');
  });

  test('pid=12 is exact, not a prefix', () => {
    assert.deepEqual(visible(PEOPLE, { filter: 'pid=12' }), [12]);
    assert.deepEqual(visible(PEOPLE, { filter: 'pid=123' }), [123]);
    assert.deepEqual(visible(PEOPLE, { filter: 'pid=1' }), [1]);
  });

  test('a key that names no column is searched as text, and reported', () => {
    const parsed = parseFilter('colour=red api', sessionFields);
    assert.deepEqual(parsed.unknownKeys, ['colour']);
    assert.equal(parsed.text, 'colour=red api');
    assert.deepEqual(parsed.terms, []);
  });

  test('the draft being typed filters before it is applied', () => {
    assert.deepEqual(visible(PEOPLE, { filter: 'bob', filterDraft: 'alice' }), [1]);
  });

  test('idle sessions (and background processes with no state) are hidden unless shown; hidden ones never count as idle', () => {
    const sessions = [
      syntheticSession(1),
      syntheticSession(2, { state: 'idle' }),
      syntheticSession(3, { state: 'idle in transaction' }),
      syntheticSession(4, { state: null, backendType: 'checkpointer', database: null }),
      syntheticSession(5, { state: null, hidden: true }),
    ];
    assert.deepEqual(visible(sessions), [1, 3, 5]);
    assert.deepEqual(visible(sessions, { showIdle: true }), [1, 2, 3, 4, 5]);
    assert.equal(isIdleLike(sessions[4] as Session), false);
  });
});

describe('visibleSessions: sorting', () => {
  const sorted = (sessions: Session[], column: SessionColumnId, descending: boolean): number[] => visible(sessions, { sortColumn: column, sortDescending: descending });

  test('numbers and durations sort as numbers, not as text', () => {
    const sessions = [syntheticSession(9, { queryAgeSeconds: 9 }), syntheticSession(10, { queryAgeSeconds: 100 }), syntheticSession(100, { queryAgeSeconds: 10 })];
    assert.deepEqual(sorted(sessions, 'pid', false), [9, 10, 100]);
    assert.deepEqual(sorted(sessions, 'pid', true), [100, 10, 9]);
    assert.deepEqual(sorted(sessions, 'queryAge', true), [10, 100, 9]);
    assert.deepEqual(sorted(sessions, 'queryAge', false), [9, 100, 10]);
  });

  test('nulls go last in both directions', () => {
    const sessions = [syntheticSession(1, { xactAgeSeconds: null }), syntheticSession(2, { xactAgeSeconds: 5 }), syntheticSession(3, { xactAgeSeconds: 50 }), syntheticSession(4, { xactAgeSeconds: null })];
    assert.deepEqual(sorted(sessions, 'xactAge', true), [3, 2, 1, 4]);
    assert.deepEqual(sorted(sessions, 'xactAge', false), [2, 3, 1, 4]);
    const users = [syntheticSession(1, { user: null }), syntheticSession(2, { user: 'zed' }), syntheticSession(3, { user: 'amy' })];
    assert.deepEqual(sorted(users, 'user', false), [3, 2, 1]);
    assert.deepEqual(sorted(users, 'user', true), [2, 3, 1]);
  });

  test('ties keep pid order, whatever the direction', () => {
    const sessions = [syntheticSession(30, { user: 'same' }), syntheticSession(10, { user: 'same' }), syntheticSession(20, { user: 'same' })];
    assert.deepEqual(sorted(sessions, 'user', false), [10, 20, 30]);
    assert.deepEqual(sorted(sessions, 'user', true), [10, 20, 30]);
  });

  test('every column sorts without throwing and keeps every row', () => {
    const sessions = [syntheticSession(1, { blockedBy: [7] }), syntheticSession(2, { state: 'idle in transaction', waitEventType: 'Lock', waitEvent: 'tuple' }), syntheticSession(3, { hidden: true, state: null, query: null })];
    for (const column of sessionFields) {
      for (const descending of [false, true]) assert.deepEqual([...sorted(sessions, column.id, descending)].sort(), [1, 2, 3], column.id);
    }
  });
});

describe('compareValues and sortRows', () => {
  test('compare numbers numerically, text by code point, null after everything', () => {
    assert.ok(compareValues(9, 10) < 0);
    assert.ok(compareValues('10', '9') < 0, 'strings compare as text');
    assert.ok(compareValues(null, 0) > 0);
    assert.ok(compareValues('a', null) < 0);
    assert.equal(compareValues(null, null), 0);
  });

  test('sortRows does not modify its input', () => {
    const rows = [3, 1, 2];
    const out = sortRows(rows, (r) => r, false, (r) => r);
    assert.deepEqual(out, [1, 2, 3]);
    assert.deepEqual(rows, [3, 1, 2]);
  });
});
