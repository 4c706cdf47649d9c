import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KnownSessions, textLength } from '../../src/sources/known-sessions.js';
import { ACTIVITY_FIELDS, HELD_COLUMNS, RESTING, UNCHANGED } from '../../src/sources/sql.js';
import type { RawRow } from '../../src/sources/parse.js';

const NOW = new Date('2024-05-01T12:00:00Z');

/** Every column an idle session may come without, as NULL: what a row as the server sends it has. */
const NULLS: RawRow = Object.fromEntries(ACTIVITY_FIELDS.map((column) => [column, null]));

const whole = (pid: number, extra: RawRow = {}): RawRow => ({
  ...NULLS,
  pid,
  state: 'idle',
  wait_event_type: 'Client',
  wait_event: 'ClientRead',
  datname: 'shop',
  usename: 'app',
  application_name: `app-${pid}`,
  query: `SELECT ${pid}`,
  query_length: 8,
  ...extra,
});
const leftOut = (pid: number, queryLength: number, extra: RawRow = {}): RawRow => ({
  ...NULLS,
  pid,
  state: null,
  wait_event_type: null,
  wait_event: null,
  datname: null,
  usename: null,
  application_name: null,
  query: null,
  query_length: queryLength,
  ...extra,
});

describe('KnownSessions', () => {
  test('puts back a resting session whole: idle, waiting for its client, with the columns it had and no blockers', () => {
    const known = new KnownSessions();
    assert.equal(known.complete([whole(10, { blocked_by: [7], wait_event_type: 'Lock', wait_event: 'tuple', state: 'active' }), whole(11, { wait_event_type: 'LWLock', wait_event: 'BufferContent' })], NOW), true);
    const rows = [{ pid: 10, query_length: RESTING }, leftOut(11, UNCHANGED, { state: 'idle', wait_event_type: 'IO', wait_event: 'DataFileRead' })];
    assert.equal(known.complete(rows, NOW), true);
    assert.deepEqual(rows[0], whole(10));
    assert.deepEqual(rows[1], whole(11, { wait_event_type: 'IO', wait_event: 'DataFileRead' }));
  });

  test('a session resting on two ticks is the same row: nothing is copied for it', () => {
    const known = new KnownSessions();
    const first = [whole(10)];
    assert.equal(known.complete(first, NOW), true);
    const second: RawRow[] = [{ pid: 10, query_length: RESTING }];
    assert.equal(known.complete(second, NOW), true);
    assert.equal(second[0], first[0]);
    const third: RawRow[] = [{ pid: 10, query_length: RESTING }];
    assert.equal(known.complete(third, NOW), true);
    assert.equal(third[0], first[0]);
  });

  test('puts back what a running session that did not change state holds; its transaction and query id come as they are now', () => {
    const known = new KnownSessions();
    const running = (extra: RawRow): RawRow => whole(12, { state: 'active', wait_event_type: null, wait_event: null, query: 'CALL batch()', xact_start_us: '100', query_id: null, ...extra });
    assert.equal(known.complete([running({})], NOW), true);
    const held = Object.fromEntries(HELD_COLUMNS.map((column) => [column, null]));
    const row: RawRow = { ...running({}), ...held, wait_event_type: 'Timeout', wait_event: 'PgSleep', xact_start_us: '200', query_id: '42', query_length: UNCHANGED };
    assert.equal(known.complete([row], NOW), true);
    assert.deepEqual(row, running({ wait_event_type: 'Timeout', wait_event: 'PgSleep', xact_start_us: '200', query_id: '42' }));
  });

  test('a left-out row it does not know asks for the tick whole; a session gone is forgotten', () => {
    const known = new KnownSessions();
    assert.equal(known.complete([whole(10), whole(11)], NOW), true);
    assert.equal(known.complete([{ pid: 10, query_length: RESTING }], NOW), true);
    assert.equal(known.complete([{ pid: 10, query_length: RESTING }, { pid: 11, query_length: RESTING }], NOW), false);
  });

  test("a whole text's NULL length is its characters as PostgreSQL counts them", () => {
    const known = new KnownSessions();
    const rows = [whole(10, { query: "SELECT '🚀 東京 é'", query_length: null })];
    assert.equal(known.complete(rows, NOW), true);
    assert.equal(rows[0]?.query_length, 15);
    assert.equal(textLength('🚀🚀'), 2);
    assert.equal(textLength('plain'), 5);
  });
});
