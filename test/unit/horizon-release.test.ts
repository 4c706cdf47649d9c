import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dropSlotStep, releaseStep } from '../../src/actions/horizon-effects.js';
import type { SlotRow } from '../../src/sources/replication/types.js';
import type { HorizonHolder } from '../../src/sources/vacuum/types.js';
import { initialState, type AppState } from '../../src/store/state.js';

const TARGET = 'db:5432/app';

function holder(overrides: Partial<HorizonHolder>): HorizonHolder {
  return {
    kind: 'session',
    id: '42',
    xid: '900',
    ageXids: 100,
    ageSeconds: 60,
    database: 'app',
    owner: 'alice',
    description: 'idle in transaction: SELECT 1',
    release: 'terminate',
    pid: 42,
    backendStartUs: '1714564800000000',
    ...overrides,
  };
}

function slot(overrides: Partial<SlotRow>): SlotRow {
  return {
    name: 'cdc', type: 'logical', plugin: 'test_decoding', database: 'app', temporary: false, active: false, activePid: null, activeBy: null,
    restartLsn: '0/1000000', retainedBytes: 5_000_000, walStatus: 'reserved', safeWalSizeBytes: null, inactiveSince: null, inactiveSeconds: null,
    xmin: null, xminAge: null, catalogXmin: '800', catalogXminAge: 200, invalidationReason: null,
    ...overrides,
  };
}

function withSlots(slots: SlotRow[]): AppState {
  const state = initialState({ intervalSeconds: 2, readOnly: false, columns: 140, rows: 40, target: TARGET });
  const snapshot = { takenAt: '', role: 'primary' as const, currentLsn: null, currentLsnBytes: null, standbys: [], slots, archiver: { mode: 'off', archivedCount: 0, failedCount: 0, lastArchivedWal: null, lastArchivedAt: null, lastFailedWal: null, lastFailedAt: null, failing: false, failingForSeconds: null }, recovery: null, notes: [] };
  return { ...state, replication: { ...state.replication, snapshot } };
}

describe('what releases a horizon holder', () => {
  const state = withSlots([slot({})]);

  test('a session: the terminate dialog, pinned to its backend_start', () => {
    const step = releaseStep(state, holder({}), TARGET);
    assert.ok('dialog' in step && step.dialog.kind === 'signal');
    assert.equal(step.dialog.signal, 'terminate');
    assert.deepEqual(step.dialog.targets.map((t) => [t.pid, t.backendStartUs, t.user, t.database]), [[42, '1714564800000000', 'alice', 'app']]);
  });

  test('a prepared transaction: ROLLBACK PREPARED in its database', () => {
    const step = releaseStep(state, holder({ kind: 'prepared', id: 'tx 1', release: 'rollback-prepared', pid: null, backendStartUs: null }), TARGET);
    assert.ok('dialog' in step && step.dialog.kind === 'rollback-prepared');
    assert.deepEqual(step.dialog.prepared, { gid: 'tx 1', database: 'app', owner: 'alice', ageXids: 100, ageSeconds: 60 });
    assert.equal(step.dialog.target, TARGET);
  });

  test("an inactive slot: the typed-name drop, with the slot's type, database and retained WAL from view 7", () => {
    const step = releaseStep(state, holder({ kind: 'slot-catalog', id: 'cdc', release: 'drop-slot', pid: null, backendStartUs: null }), TARGET);
    assert.ok('dialog' in step && step.dialog.kind === 'drop-slot');
    assert.deepEqual(step.dialog.slot, { name: 'cdc', type: 'logical', database: 'app', retainedBytes: 5_000_000 });
    assert.equal(step.dialog.typed, '');
  });

  test('an active slot is refused before any dialog', () => {
    const active = withSlots([slot({ active: true, activePid: 77 })]);
    const step = dropSlotStep(active, 'cdc', { type: null, database: null, retainedBytes: null }, null, TARGET);
    assert.ok('message' in step);
    assert.match(step.message, /slot cdc is active \(pid 77\): a slot in use cannot be dropped; stop its consumer/);
    assert.equal(step.tone, 'error');
  });

  test("a standby's feedback, directly or through its physical slot's xmin, is released on the standby", () => {
    const standby = releaseStep(state, holder({ kind: 'standby', id: 'replica', release: 'standby', pid: 99, backendStartUs: null }), TARGET);
    assert.ok('message' in standby);
    assert.match(standby.message, /standby replica's hot_standby_feedback holds it: end the long queries on the standby/);
    const viaSlot = releaseStep(state, holder({ kind: 'slot', id: 'replica', release: 'drop-slot', pid: 99, backendStartUs: null }), TARGET);
    assert.ok('message' in viaSlot);
    assert.match(viaSlot.message, /slot replica's xmin is its standby's hot_standby_feedback: end the long queries on the standby/);
  });
});
