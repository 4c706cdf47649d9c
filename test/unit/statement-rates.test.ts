import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mergeEntries, parseCounters } from '../../src/sources/statements/parse.js';
import type { StatementEntry, StatementsSnapshot } from '../../src/sources/statements/types.js';
import { computeStatementRates } from '../../src/store/statement-rates.js';

function entry(key: string, counts: { calls: number; ms: number; rows?: number; hit?: number; read?: number; statsSince?: string | null }): StatementEntry {
  const counters = parseCounters({ calls: counts.calls, totalExecMs: counts.ms, rows: counts.rows ?? counts.calls, sharedBlksHit: counts.hit ?? 0, sharedBlksRead: counts.read ?? 0, walBytes: 0 });
  return { key, queryId: key, dbid: 1, userid: 10, database: 'app', user: 'app', statsSince: counts.statsSince ?? null, counters };
}

function snapshot(at: number, entries: StatementEntry[], extra: Partial<StatementsSnapshot> = {}): StatementsSnapshot {
  return {
    takenAt: new Date(Date.UTC(2026, 0, 1, 0, 0, at)).toISOString(),
    statsReset: '2026-01-01T00:00:00.000Z',
    dealloc: 0,
    settings: { max: 5000, track: 'top', trackPlanning: false, computeQueryId: 'auto', trackActivityQuerySize: 1024 },
    extensionVersion: '1.11',
    entries,
    ...extra,
  };
}

describe('statement rates', () => {
  test('the first fetch has totals but no rates', () => {
    const rates = computeStatementRates(undefined, snapshot(0, [entry('a', { calls: 10, ms: 5 })]));
    assert.equal(rates.intervalSeconds, null);
    assert.equal(rates.rows[0]?.basis, 'first');
    assert.equal(rates.rows[0]?.callsPerSecond, null);
  });

  test('differences over the interval: calls/s, time/s, its share, mean, rows and blocks per call', () => {
    const before = snapshot(10, [entry('a', { calls: 100, ms: 50, rows: 100, hit: 10 }), entry('b', { calls: 5, ms: 10 })]);
    const after = snapshot(15, [entry('a', { calls: 150, ms: 80, rows: 250, hit: 110, read: 5 }), entry('b', { calls: 5, ms: 10 })]);
    const rates = computeStatementRates(before, after);
    const a = rates.rows.find((r) => r.entry.key === 'a');
    assert.equal(rates.intervalSeconds, 5);
    assert.deepEqual(
      [a?.basis, a?.callsPerSecond, a?.execMsPerSecond, a?.timeShare, a?.meanMs, a?.rowsPerCall, a?.hitPerCall, a?.readPerCall],
      ['interval', 10, 6, 1, 0.6, 3, 2, 0.1],
    );
    const b = rates.rows.find((r) => r.entry.key === 'b');
    assert.deepEqual([b?.callsPerSecond, b?.meanMs, b?.timeShare], [0, null, 0]);
  });

  test('an entry whose counters went down counts from zero, never negative', () => {
    const rates = computeStatementRates(snapshot(0, [entry('a', { calls: 100, ms: 50 })]), snapshot(2, [entry('a', { calls: 4, ms: 2 })]));
    const a = rates.rows[0];
    assert.equal(a?.basis, 'restarted');
    assert.equal(a?.callsPerSecond, 2);
    for (const value of Object.values(a?.delta ?? {})) assert.ok(value === null || value >= 0);
  });

  test('an entry created again with more calls than before is caught by stats_since (17+)', () => {
    const before = snapshot(0, [entry('a', { calls: 3, ms: 1, statsSince: '2026-01-01T00:00:00.000Z' })]);
    const after = snapshot(2, [entry('a', { calls: 8, ms: 4, statsSince: '2026-01-01T00:00:01.000Z' })]);
    const a = computeStatementRates(before, after).rows[0];
    assert.deepEqual([a?.basis, a?.delta?.calls], ['restarted', 8]);
  });

  test('a new entry counts all it holds; a vanished one ends its rate; evictions come from dealloc', () => {
    const rates = computeStatementRates(
      snapshot(0, [entry('gone', { calls: 9, ms: 9 })], { dealloc: 3 }),
      snapshot(4, [entry('new', { calls: 8, ms: 4 })], { dealloc: 5 }),
    );
    assert.deepEqual(rates.rows.map((r) => [r.entry.key, r.basis, r.callsPerSecond]), [['new', 'restarted', 2]]);
    assert.equal(rates.vanished, 1);
    assert.equal(rates.evicted, 2);
  });

  test('a full reset (stats_reset moved) restarts every rate from the reset time', () => {
    const before = snapshot(0, [entry('a', { calls: 100, ms: 50 })]);
    const after = snapshot(10, [entry('a', { calls: 120, ms: 60 })], { statsReset: '2026-01-01T00:00:08.000Z', dealloc: 0 });
    const rates = computeStatementRates(before, after);
    assert.equal(rates.resetAt, '2026-01-01T00:00:08.000Z');
    assert.equal(rates.intervalSeconds, 2);
    assert.deepEqual([rates.rows[0]?.basis, rates.rows[0]?.callsPerSecond], ['restarted', 60]);
    assert.equal(rates.evicted, null);
  });

  test('counters a version lacks stay null', () => {
    const a = entry('a', { calls: 1, ms: 1 });
    assert.equal(a.counters.walBuffersFull, null);
    assert.equal(a.counters.tempBlksRead, 0);
  });
});

test('top-level and nested rows of one queryid, database and role are one entry', () => {
  const top = { ...entry('q/1/10', { calls: 3, ms: 2, statsSince: '2026-01-01T00:00:05.000Z' }) };
  const nested = { ...entry('q/1/10', { calls: 4, ms: 1, statsSince: '2026-01-01T00:00:01.000Z' }) };
  const merged = mergeEntries([top, nested, entry('other', { calls: 1, ms: 1 })]);
  assert.equal(merged.length, 2);
  assert.deepEqual([merged[0]?.counters.calls, merged[0]?.counters.totalExecMs, merged[0]?.counters.walBuffersFull, merged[0]?.statsSince], [7, 3, null, '2026-01-01T00:00:01.000Z']);
});
