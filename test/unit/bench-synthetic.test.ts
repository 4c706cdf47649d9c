import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServer, parseSession, parseWaitingLock } from '../../src/sources/parse.js';
import { displayWidth } from '../../src/text/width.js';
import { prng, SyntheticCluster } from '../../bench/synthetic.js';

describe('prng', () => {
  test('is deterministic and in [0, 1)', () => {
    const a = prng(7);
    const b = prng(7);
    for (let i = 0; i < 100; i++) {
      const x = a();
      assert.equal(x, b());
      assert.ok(x >= 0 && x < 1);
    }
  });
});

describe('SyntheticCluster', () => {
  test('the same seed gives the same rows', () => {
    const rows = (): unknown => new SyntheticCluster({ sessions: 300, seed: 3 }).rawSessions();
    assert.deepEqual(rows(), rows());
  });

  test('rows parse like the monitoring query, in a realistic mix', () => {
    const cluster = new SyntheticCluster({ sessions: 2000, seed: 1 });
    cluster.advance(1);
    const sessions = cluster.rawSessions().map((row) => parseSession(row, cluster.nowMicros));
    assert.equal(sessions.length, 2000);
    const simulated = new Map(cluster.sessions.map((s) => [s.pid, s]));
    const active = sessions.filter((s) => s.state === 'active');
    assert.ok(active.length > 0);
    for (const s of active) {
      const sim = simulated.get(s.pid);
      assert.equal(s.queryAgeSeconds, ((cluster.now - (sim?.queryStart ?? Number.NaN)) * 1000) / 1_000_000, 'ages count from the server time, as the source counts them');
      assert.equal(s.queryStart, new Date(sim?.queryStart ?? Number.NaN).toISOString());
    }
    assert.equal(new Set(sessions.map((s) => s.pid)).size, 2000);
    const states = new Set(sessions.map((s) => s.state));
    for (const state of ['idle', 'active', 'idle in transaction', null]) assert.ok(states.has(state), `state ${state}`);
    const waiting = sessions.filter((s) => s.waitEventType === 'Lock');
    assert.ok(waiting.length > 0 && waiting.every((s) => s.blockedBy.length > 0));
    assert.ok(sessions.some((s) => s.hidden));
    const queries = sessions.map((s) => s.query ?? '');
    assert.ok(queries.some((q) => q.length > 1000), 'long queries');
    assert.ok(queries.some((q) => q.length > 0 && q.length < 20), 'short queries');
    assert.ok(queries.some((q) => displayWidth(q) > q.length), 'wide characters');
    assert.ok(queries.some((q) => /\p{Extended_Pictographic}/u.test(q)), 'emoji');
    assert.equal(parseServer(cluster.rawServer()).maxConnections >= 2000, true);
    const locks = cluster.rawWaitingLocks().map(parseWaitingLock);
    assert.equal(locks.length, waiting.length);
  });

  test('advancing changes the data and moves the clock', () => {
    const cluster = new SyntheticCluster({ sessions: 500, seed: 2 });
    const before = JSON.stringify(cluster.rawSessions());
    const now = cluster.now;
    cluster.advance(2);
    assert.equal(cluster.now, now + 2000);
    assert.notEqual(JSON.stringify(cluster.rawSessions()), before);
    assert.equal(cluster.sessions.length, 500);
  });
});
