import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isWalReplay, lockTreeRows } from '../../src/store/lock-tree.js';
import type { WaitingLock } from '../../src/sources/types.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';

const waiting = (pid: number, relation: string | null, object: string | null = null): WaitingLock => ({
  pid,
  lockType: relation ? 'relation' : 'advisory',
  mode: 'AccessShareLock',
  relation,
  object,
  waitStart: null,
  waitSeconds: null,
});

describe('a standby whose queries wait for WAL replay', () => {
  const startup = syntheticSession(40, { backendType: 'startup', user: null, database: null, state: null, query: '', application: '' });
  const snapshot = syntheticSnapshot(
    [startup, syntheticSession(41, { blockedBy: [40] }), syntheticSession(42, { blockedBy: [40] }), syntheticSession(43, { blockedBy: [41] })],
    { waitingLocks: [waiting(41, 'orders'), waiting(42, 'orders'), waiting(43, null, '0,7')] },
  );

  test('the startup process root is marked as WAL replay, with the relations its waiters wait for', () => {
    const rows = lockTreeRows(snapshot);
    assert.deepEqual(
      rows.map((r) => [r.pid, r.depth, r.walReplay?.relations ?? null]),
      [
        [40, 0, ['orders']],
        [41, 1, null],
        [43, 2, null],
        [42, 1, null],
      ],
    );
  });

  test('only the startup process counts as WAL replay', () => {
    assert.equal(isWalReplay(startup), true);
    assert.equal(isWalReplay(syntheticSession(41)), false);
    assert.equal(isWalReplay(undefined), false);
  });
});
