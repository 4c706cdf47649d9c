import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lockTreeRows } from '../../src/store/lock-tree.js';
import { lockColumns } from '../../src/ui/columns/lock-columns.js';
import { renderTable } from '../../src/ui/components/data-table.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';

const stripSgr = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');

function drawn(width: number, snapshot = syntheticSnapshot([syntheticSession(10), syntheticSession(11, { blockedBy: [10] })], {
  waitingLocks: [{ pid: 11, lockType: 'relation', mode: 'AccessShareLock', relation: 'orders', object: null, waitStart: null, waitSeconds: 3 }],
})): string[] {
  return renderTable(lockColumns, lockTreeRows(snapshot), { width, height: 5, top: 0, selectedIndex: undefined }).map(stripSgr);
}

describe('the Locks view columns', () => {
  for (const width of [80, 100, 120, 159]) {
    test(`at ${width} columns the lock target comes before the SQL`, () => {
      const [header, , waiter] = drawn(width);
      assert.match(header ?? '', /\bON\b.*\bSQL\b/, header);
      assert.match(waiter ?? '', /orders.*SELECT 11/, waiter);
    });
  }

  test("a standby's startup process is labelled WAL replay with the relation it holds", () => {
    const snapshot = syntheticSnapshot(
      [syntheticSession(40, { backendType: 'startup', user: null, database: null, state: null, query: '' }), syntheticSession(41, { blockedBy: [40] })],
      { waitingLocks: [{ pid: 41, lockType: 'relation', mode: 'AccessShareLock', relation: 'orders', object: null, waitStart: null, waitSeconds: 1 }] },
    );
    const root = drawn(120, snapshot)[1] ?? '';
    assert.match(root, /replay.*orders.*WAL replay \(startup process\)/, root);
  });
});
