import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PgSnapshot, Session, WaitingLock } from '../../src/sources/types.js';
import { lockTreeRows, treePrefix, type LockTreeRow } from '../../src/store/lock-tree.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';

const session = (pid: number, blockedBy: number[] = []): Session => syntheticSession(pid, { blockedBy });

function waiting(pid: number): WaitingLock {
  return { pid, lockType: 'transactionid', mode: 'ShareLock', relation: null, object: 'xid 700', waitStart: null, waitSeconds: 3 };
}

/** Each session that waits on another waits for a transaction lock. */
const snapshot = (sessions: Session[]): PgSnapshot => syntheticSnapshot(sessions, { waitingLocks: sessions.filter((s) => s.blockedBy.length > 0).map((s) => waiting(s.pid)) });

const shape = (rows: LockTreeRow[]): string[] => rows.map((r) => `${treePrefix(r)}${r.pid}`);

describe('lockTreeRows', () => {
  test('no snapshot, or nobody waiting: an empty tree', () => {
    assert.deepEqual(lockTreeRows(undefined), []);
    assert.deepEqual(lockTreeRows(snapshot([session(1), session(2)])), []);
  });

  test('a chain A ← B ← C reads as a chain under its root', () => {
    const rows = lockTreeRows(snapshot([session(30, [20]), session(10), session(20, [10]), session(99)]));
    assert.deepEqual(shape(rows), ['10', '└─ 20', '   └─ 30']);
    assert.deepEqual(
      rows.map((r) => ({ pid: r.pid, depth: r.depth, blocking: r.blocking })),
      [
        { pid: 10, depth: 0, blocking: 2 },
        { pid: 20, depth: 1, blocking: 1 },
        { pid: 30, depth: 2, blocking: 0 },
      ],
    );
    assert.equal(rows[0]?.waiting, undefined, 'the root waits for nothing');
    assert.equal(rows[1]?.waiting?.mode, 'ShareLock', 'a waiter carries the lock it waits for');
    assert.ok(!rows.some((r) => r.pid === 99), 'a session outside the tree is not in it');
  });

  test('a blocker with two waiters: both below it, the last one closing the branch', () => {
    const rows = lockTreeRows(snapshot([session(1), session(3, [1]), session(2, [1])]));
    assert.deepEqual(shape(rows), ['1', '├─ 2', '└─ 3']);
    assert.equal(rows[0]?.blocking, 2);
  });

  test('guides stay open for ancestors that have more children', () => {
    const rows = lockTreeRows(snapshot([session(1), session(2, [1]), session(3, [2]), session(4, [1])]));
    assert.deepEqual(shape(rows), ['1', '├─ 2', '│  └─ 3', '└─ 4']);
  });

  test('a waiter with two blockers is listed once, with both blockers, and both blockers are in the tree', () => {
    // 3 waits on 1 and on 2 (two sessions sharing a lock that 3 wants exclusively); neither waits on anyone.
    const rows = lockTreeRows(snapshot([session(1), session(2), session(3, [1, 2])]));
    assert.equal(rows.filter((r) => r.pid === 3).length, 1, 'the waiter appears once');
    assert.deepEqual(rows.find((r) => r.pid === 3)?.blockedBy, [1, 2]);
    const roots = rows.filter((r) => r.depth === 0).map((r) => r.pid);
    assert.ok(roots.includes(1), `1 is a root blocker: ${shape(rows).join(' | ')}`);
    assert.ok(roots.includes(2), `2 blocks 3 and waits on nobody, so it is a root blocker too (to terminate it from this view): ${shape(rows).join(' | ')}`);
  });

  test('a waiter with two blockers goes under the one that itself waits, so a chain stays a chain', () => {
    const rows = lockTreeRows(snapshot([session(1), session(2, [1]), session(3, [1, 2])]));
    assert.deepEqual(shape(rows), ['1', '└─ 2', '   └─ 3']);
  });

  test('a cycle (a deadlock not yet broken) ends, and lists each member once', () => {
    const rows = lockTreeRows(snapshot([session(1, [2]), session(2, [1])]));
    assert.deepEqual(rows.map((r) => r.pid).sort(), [1, 2]);
    assert.equal(rows[0]?.depth, 0);

    const withTail = lockTreeRows(snapshot([session(1, [3]), session(2, [1]), session(3, [2]), session(4, [1])]));
    assert.deepEqual(withTail.map((r) => r.pid).sort(), [1, 2, 3, 4]);
    for (const row of withTail) assert.ok(Number.isFinite(row.blocking) && row.blocking <= 3, `blocking count of ${row.pid} is bounded`);
  });

  test('a blocker that is not in the snapshot (another database, or gone) still roots its waiters', () => {
    const rows = lockTreeRows(snapshot([session(2, [777])]));
    assert.deepEqual(shape(rows), ['777', '└─ 2']);
    assert.equal(rows[0]?.session, undefined);
  });
});
