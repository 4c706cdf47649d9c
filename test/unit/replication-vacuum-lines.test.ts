import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArchiver, parseSlot, parseStandby } from '../../src/sources/replication/parse.js';
import type { ReplicationSnapshot } from '../../src/sources/replication/types.js';
import { parseDatabaseAge, parseHorizonHolder, parseProgress } from '../../src/sources/vacuum/parse.js';
import { displayWidth } from '../../src/text/width.js';
import { replicationLines } from '../../src/ui/views/replication-lines.js';
import { vacuumLines } from '../../src/ui/views/vacuum-lines.js';

const plain = (lines: string[]): string[] => lines.map((line) => line.replace(/\x1b\[[0-9;]*m/g, ''));

const replication: ReplicationSnapshot = {
  takenAt: '2026-01-01T00:00:00Z',
  role: 'primary',
  currentLsn: '0/5000000',
  currentLsnBytes: 83886080,
  standbys: [parseStandby({ pid: 7, application_name: 'replica1', client_addr: '10.0.0.2', state: 'streaming', sync_state: 'async', replay_lag_bytes: '2097152', replay_lag: 3.5 })],
  slots: [parseSlot({ slot_name: 'cdc', slot_type: 'logical', active: false, retained_bytes: '5368709120', wal_status: 'extended', catalog_xmin_age: 120 })],
  archiver: parseArchiver({ archive_mode: 'on', archived_count: 3, failed_count: 2, last_failed_wal: '000000010000000000000004', last_failed_time: '2026-01-01T00:00:00Z', since_success: 90 }),
  recovery: null,
  notes: [],
};

test('view 7 draws standbys with byte and time lags, slots with retained WAL, and a failing archiver, each line exactly as wide as the screen', () => {
  const lines = replicationLines({ data: replication, walBytesPerSecond: 1048576, replayLagHistory: new Map([['replica1', [0, 1, 2]]]), selectedSlot: 0, error: undefined, width: 120 });
  const text = plain(lines);
  assert.ok(lines.every((line) => displayWidth(line) === 120));
  assert.match(text[0] ?? '', /Primary at 0\/5000000 {3}WAL 1\.0 MiB\/s/);
  assert.ok(text.some((l) => /replica1 +10\.0\.0\.2 +streaming +async .* 2\.0 MiB +3\.5s/.test(l)), text.join('\n'));
  assert.ok(text.some((l) => /cdc +logical +inactive +5\.0 GiB +extended/.test(l)), text.join('\n'));
  assert.ok(text.some((l) => /FAILING at 000000010000000000000004 for 1m30s/.test(l)), text.join('\n'));
});

test('view 8 draws progress with its blocker, horizon holders oldest first with what releases them, and wraparound', () => {
  const lines = vacuumLines({
    data: {
      takenAt: '',
      progress: [parseProgress('vacuum', { pid: 42, rel: 'orders', phase: 'waiting for lock', blockers: JSON.stringify([{ pid: 9, query: 'LOCK orders' }]) })],
      workers: { running: 1, max: 3, autovacuumOn: true },
      horizon: [parseHorizonHolder({ kind: 'prepared', id: 'tx1', age_xids: 5000, age_seconds: 600, description: 'prepared transaction tx1' })],
      wraparound: [parseDatabaseAge({ datname: 'shop', xid_age: 120000000, freeze_max_age: 200000000 })],
      freezeTables: [],
      deadTupleTables: [],
      notes: [],
    },
    selectedHolder: 0,
    error: undefined,
    width: 120,
    nowMs: 0,
  });
  const text = plain(lines);
  assert.ok(lines.every((line) => displayWidth(line) === 120));
  assert.ok(text.some((l) => /vacuum 42 waits for a lock held by 9: LOCK orders/.test(l)), text.join('\n'));
  assert.ok(text.some((l) => /prepared +tx1 +5000 +10m00s .*roll back/.test(l)), text.join('\n'));
  assert.ok(text.some((l) => /shop +120000000 +60\.0% +5\.6%/.test(l)), text.join('\n'));
});
