import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countConnections } from '../../src/health/count-connections.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';

describe('connections counted in the sessions', () => {
  const limits = {
    ok: true as const,
    value: [
      {
        max_connections: 100,
        own_role: 'monitor',
        own_database: 'app',
        own_pid: 7,
        roles: JSON.stringify([{ name: 'monitor', limit: 3 }, { name: 'web', limit: 2 }]),
        databases: JSON.stringify([{ name: 'app', limit: 10 }]),
      },
    ],
  };
  const client = (pid: number, user: string): ReturnType<typeof syntheticSession> => syntheticSession(pid, { backendType: 'client backend', user, database: 'app' });

  test('every client backend, the tick’s own connection, and the checks’ connection when the tick did not see it', () => {
    const sessions = [client(1, 'web'), client(2, 'web'), syntheticSession(3, { backendType: 'autovacuum launcher', user: null, database: null })];
    const counted = countConnections(limits, { ...syntheticSnapshot([]), sessions });
    assert.ok(counted?.ok);
    const row = counted.value[0] ?? {};
    assert.equal(row.used, 4);
    assert.deepEqual(JSON.parse(String(row.roles)), [{ name: 'monitor', limit: 3, used: 2 }, { name: 'web', limit: 2, used: 2 }]);
    assert.deepEqual(JSON.parse(String(row.databases)), [{ name: 'app', limit: 10, used: 4 }]);
    const seen = countConnections(limits, { ...syntheticSnapshot([]), sessions: [...sessions, client(7, 'monitor')] });
    assert.ok(seen?.ok);
    assert.equal(seen.value[0]?.used, 4);
  });

  test('a piece that could not be read stays as it was', () => {
    const failed = { ok: false as const, reason: 'permission denied' };
    assert.equal(countConnections(failed, syntheticSnapshot([])), failed);
  });
});
