import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countStates } from '../../src/store/derive.js';
import { syntheticSession } from '../helpers/synthetic.js';

describe('countStates', () => {
  test('counts client backends by state, and those waiting on a lock', () => {
    const sessions = [
      syntheticSession(1, { state: 'active' }),
      syntheticSession(2, { state: 'idle' }),
      syntheticSession(3, { state: 'idle in transaction', waitEventType: 'Lock' }),
      syntheticSession(4, { state: null, backendType: 'checkpointer', database: null }),
    ];
    assert.deepEqual(countStates(sessions), { total: 3, active: 1, idle: 1, idleInTransaction: 1, waiting: 1, other: 0 });
  });

  test("a list is counted once; the next tick's list is counted anew", () => {
    const first = [syntheticSession(1, { state: 'active' })];
    const counts = countStates(first);
    assert.equal(countStates(first), counts, 'the same list gives the same counts');
    const next = [syntheticSession(1, { state: 'idle' }), syntheticSession(2, { state: 'idle' })];
    assert.deepEqual(countStates(next), { total: 2, active: 0, idle: 2, idleInTransaction: 0, waiting: 0, other: 0 });
    assert.equal(countStates(first).active, 1);
  });
});
