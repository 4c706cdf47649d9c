import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { activityRows } from '../../src/sources/activity-rows.js';
import { ACTIVITY_FIELDS, HELD_COLUMNS, RESTING, UNCHANGED } from '../../src/sources/sql.js';

/** A session's fields as node-postgres hands over a text[]: strings and nulls, in ACTIVITY_FIELDS' order. */
const array = (fields: Record<string, string | null>): (string | null)[] => ACTIVITY_FIELDS.map((name) => fields[name] ?? null);

describe('activityRows', () => {
  test('a row without its array is a resting session: its pid and RESTING, nothing else', () => {
    assert.deepEqual(activityRows([{ pid: 41, fields: null }]), [{ pid: 41, query_length: RESTING }]);
  });

  test("names each field of the array; the length and the blockers' pids become numbers", () => {
    const [row] = activityRows([
      {
        pid: 42,
        fields: array({ query_length: '5000', state: 'active', wait_event_type: 'Lock', wait_event: 'transactionid', blocked_by: '{12,345}', query: 'UPDATE "t" SET a = \'{1,2}\'', client_port: '5432' }),
      },
    ]);
    assert.equal(row?.pid, 42);
    assert.equal(row?.query_length, 5000);
    assert.deepEqual(row?.blocked_by, [12, 345]);
    assert.equal(row?.state, 'active');
    assert.equal(row?.wait_event, 'transactionid');
    assert.equal(row?.query, 'UPDATE "t" SET a = \'{1,2}\'');
    assert.equal(row?.client_port, '5432');
    assert.equal(row?.datname, null);
  });

  test('an unchanged session keeps its NULL held fields and its code; no blockers is an empty list, unknown is null', () => {
    const [unchanged, none] = activityRows([
      { pid: 1, fields: array({ query_length: String(UNCHANGED), state: 'idle in transaction', blocked_by: '{}' }) },
      { pid: 2, fields: array({ query_length: null, state: 'active' }) },
    ]);
    assert.equal(unchanged?.query_length, UNCHANGED);
    for (const column of HELD_COLUMNS) assert.equal(unchanged?.[column], null, column);
    assert.deepEqual(unchanged?.blocked_by, []);
    assert.equal(none?.query_length, null, 'a text sent whole has its length counted by the client');
    assert.equal(none?.blocked_by, null);
  });
});
