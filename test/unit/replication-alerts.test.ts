import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArchiver } from '../../src/sources/replication/parse.js';
import { walRate } from '../../src/sources/replication/read.js';
import type { ReplicationSnapshot } from '../../src/sources/replication/types.js';
import { estimateRemaining } from '../../src/sources/vacuum/parse.js';
import type { VacuumSnapshot } from '../../src/sources/vacuum/types.js';
import { alertThresholds, replicationAlerts } from '../../src/store/replication-alerts.js';

const GiB = 1024 ** 3;

function replication(overrides: Partial<ReplicationSnapshot> = {}): ReplicationSnapshot {
  return {
    takenAt: '2026-01-01T00:00:00.000Z',
    role: 'primary',
    currentLsn: '0/0',
    currentLsnBytes: 0,
    standbys: [],
    slots: [],
    archiver: parseArchiver({ archive_mode: 'on' }),
    recovery: null,
    notes: [],
    ...overrides,
  };
}

function vacuum(overrides: Partial<VacuumSnapshot> = {}): VacuumSnapshot {
  return { takenAt: '', progress: [], workers: { running: 0, max: 3, autovacuumOn: true }, horizon: [], wraparound: [], freezeTables: [], deadTupleTables: [], notes: [], ...overrides };
}

test('thresholds come from the health checks: a change there moves the header line', () => {
  const defaults = alertThresholds();
  assert.equal(defaults.slotRetainedBytes, GiB);
  assert.equal(defaults.wraparoundFreezeFraction, 0.5);
  const slot = { name: 's1', retainedBytes: 2 * GiB, walStatus: 'extended' } as ReplicationSnapshot['slots'][number];
  assert.deepEqual(replicationAlerts(replication({ slots: [slot] }), undefined, defaults), ['slot s1 retains 2.0 GiB']);
  assert.deepEqual(replicationAlerts(replication({ slots: [slot] }), undefined, { ...defaults, slotRetainedBytes: 3 * GiB }), []);
});

test('a failing archiver, a lost slot, a far-behind standby, an old horizon and wraparound pressure each give one finding', () => {
  const archiver = parseArchiver({ archive_mode: 'on', last_failed_time: '2026-01-01T00:10:00Z', last_archived_time: '2026-01-01T00:00:00Z', last_failed_wal: '000000010000000000000003', since_success: 600 });
  assert.equal(archiver.failing, true);
  assert.equal(archiver.failingForSeconds, 600);
  const standby = { name: 'replica', replayLagBytes: 2 * GiB, replayLagSeconds: 1 } as ReplicationSnapshot['standbys'][number];
  const lost = { name: 'old', retainedBytes: 0, walStatus: 'lost' } as ReplicationSnapshot['slots'][number];
  const holder = { kind: 'prepared', id: 'gid1', ageXids: 10, ageSeconds: 7200 } as VacuumSnapshot['horizon'][number];
  const db = { database: 'app', freezeFraction: 0.6 } as VacuumSnapshot['wraparound'][number];
  assert.deepEqual(replicationAlerts(replication({ archiver, standbys: [standby], slots: [lost] }), vacuum({ horizon: [holder], wraparound: [db] }), alertThresholds()), [
    'standby replica 2.0 GiB behind',
    'slot old lost',
    'archiver failing at 000000010000000000000003',
    'xmin horizon held 2h00m by prepared gid1',
    'app at 60% of freeze age',
  ]);
});

test('an archiver that succeeded after its last failure is not failing', () => {
  const archiver = parseArchiver({ archive_mode: 'on', last_failed_time: '2026-01-01T00:00:00Z', last_archived_time: '2026-01-01T00:10:00Z' });
  assert.equal(archiver.failing, false);
  assert.equal(archiver.failingForSeconds, null);
});

test('WAL rate from two positions; none from one reading or a position that went back', () => {
  const first = replication({ currentLsnBytes: 1000 });
  const second = replication({ takenAt: '2026-01-01T00:00:02.000Z', currentLsnBytes: 5000 });
  assert.equal(walRate(first, second), 2000);
  assert.equal(walRate(undefined, second), null);
  assert.equal(walRate(second, { ...first, takenAt: '2026-01-01T00:00:04.000Z' }), null);
});

test('ETA is linear in the part done, none before anything is done', () => {
  assert.equal(estimateRemaining(25, 10), 30);
  assert.equal(estimateRemaining(0, 10), null);
  assert.equal(estimateRemaining(100, 10), 0);
});
