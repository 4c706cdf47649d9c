import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientOfBackend,
  derivePools,
  effectivePoolSize,
  poolOfBackend,
  statsRates,
  summarize,
} from '../../src/sources/pgbouncer-model.js';
import {
  parseClients,
  parseConfig,
  parseDatabases,
  parsePools,
  parseServers,
  parseStats,
  parseUsers,
  parseVersionRows,
} from '../../src/sources/pgbouncer-parse.js';
import type { DatabaseRecord, PoolRecord } from '../../src/sources/pgbouncer-records.js';
import { readCsvFile } from '../helpers/csv.js';

const fixtures = new URL('../fixtures/pgbouncer/', import.meta.url);
const versions = ['1.18.0', '1.25.2'] as const;
type Version = (typeof versions)[number];
type State = 'idle' | 'saturated';
const capture = (version: Version, state: State, name: string): Record<string, string | null>[] =>
  readCsvFile(new URL(`${version}/${state}/${name}.csv`, fixtures));

function model(version: Version, state: State) {
  const pools = derivePools({
    pools: parsePools(capture(version, state, 'pools')),
    databases: parseDatabases(capture(version, state, 'databases')),
    users: parseUsers(capture(version, state, 'users')),
    servers: parseServers(capture(version, state, 'servers')),
    config: parseConfig(capture(version, state, 'config')),
  });
  return { pools, version: parseVersionRows(capture(version, state, 'version')) };
}

const basePool: PoolRecord = {
  database: 'app', user: 'appuser', clActive: 2, clWaiting: 3, clCancelReq: null, clActiveCancelReq: 0, clWaitingCancelReq: 0,
  svActive: 2, svActiveCancel: 0, svBeingCanceled: 0, svIdle: 0, svUsed: 0, svTested: 0, svLogin: 0, maxwait: 1, maxwaitUs: 500000,
  poolMode: 'transaction', loadBalanceHosts: null,
};
const baseDatabase: DatabaseRecord = {
  name: 'app', host: '127.0.0.1', port: 5432, database: 'app', forceUser: null, poolSize: 10, minPoolSize: 0, reservePoolSize: 0,
  serverLifetime: null, poolMode: null, loadBalanceHosts: null, maxConnections: 0, currentConnections: 2, maxClientConnections: null,
  currentClientConnections: null, paused: false, disabled: false,
};

describe('saturation model on the captures', () => {
  for (const version of versions) {
    test(`${version} saturated: 3 waiting, 2 active, utilisation 1.0, saturated`, () => {
      const { pools } = model(version, 'saturated');
      assert.equal(pools.length, 1, 'the pgbouncer pool is left out');
      const [pool] = pools;
      assert.equal(pool!.database, 'app');
      assert.equal(pool!.clWaiting, 3);
      assert.equal(pool!.svActive, 2);
      assert.equal(pool!.poolSize, 2);
      assert.equal(pool!.poolSizeSource, 'database');
      assert.equal(pool!.serversOpen, 2);
      assert.equal(pool!.utilisation, 1);
      assert.equal(pool!.demand, 2.5);
      assert.equal(pool!.connectionCapReached, false);
      assert.equal(pool!.saturated, true);
    });

    test(`${version} idle: not saturated`, () => {
      const { pools } = model(version, 'idle');
      assert.equal(pools.length, 1);
      assert.equal(pools[0]!.saturated, false);
      assert.equal(pools[0]!.utilisation, 0);
      assert.equal(pools[0]!.serversOpen, 1);
      assert.equal(pools[0]!.longestWaitSeconds, 0);
    });
  }

  test('longest wait is maxwait + maxwait_us / 1e6', () => {
    assert.equal(model('1.18.0', 'saturated').pools[0]!.longestWaitSeconds, 2.447077);
    assert.equal(model('1.25.2', 'saturated').pools[0]!.longestWaitSeconds, 3.020479);
  });

  test('summary for the header', () => {
    const { pools, version } = model('1.25.2', 'saturated');
    assert.deepEqual(summarize(version, pools), {
      version: 'PgBouncer 1.25.2',
      totalClients: 6,
      waitingClients: 3,
      longestWaitSeconds: 3.020479,
      poolCount: 1,
      saturatedCount: 1,
    });
    const idle = model('1.18.0', 'idle');
    assert.deepEqual(summarize(idle.version, idle.pools), {
      version: 'PgBouncer 1.18.0',
      totalClients: 1,
      waitingClients: 0,
      longestWaitSeconds: 0,
      poolCount: 1,
      saturatedCount: 0,
    });
  });
});

describe('effective pool size', () => {
  test("a user's own pool_size wins, then the database's, then default_pool_size", () => {
    const config = { defaultPoolSize: 20, reservePoolSize: 0, maxClientConn: 100, maxDbConnections: 0, maxUserConnections: 0, poolMode: null };
    const user = { name: 'appuser', poolSize: 5, reservePoolSize: null, poolMode: null, maxUserConnections: 0, currentConnections: 0, maxUserClientConnections: 0, currentClientConnections: 0 };
    assert.deepEqual(effectivePoolSize(baseDatabase, user, config), { size: 5, source: 'user' });
    assert.deepEqual(effectivePoolSize(baseDatabase, { ...user, poolSize: null }, config), { size: 10, source: 'database' });
    assert.deepEqual(effectivePoolSize(baseDatabase, { ...user, poolSize: 0 }, config), { size: 10, source: 'database' });
    assert.deepEqual(effectivePoolSize({ ...baseDatabase, poolSize: null }, undefined, config), { size: 20, source: 'config' });
    assert.deepEqual(effectivePoolSize(undefined, undefined, null), { size: null, source: null });
  });

  test('an unknown size gives no utilisation and no saturation by size', () => {
    const [pool] = derivePools({ pools: [basePool], databases: [] });
    assert.equal(pool!.poolSize, null);
    assert.equal(pool!.utilisation, null);
    assert.equal(pool!.saturated, false);
  });
});

describe('saturation rules', () => {
  test('waiting clients with servers still allowed to open: not saturated', () => {
    const [pool] = derivePools({ pools: [basePool], databases: [baseDatabase] });
    assert.equal(pool!.utilisation, 0.2);
    assert.equal(pool!.saturated, false);
  });

  test("the database's max_db_connections reached: saturated below pool size", () => {
    const [pool] = derivePools({ pools: [basePool], databases: [{ ...baseDatabase, maxConnections: 2, currentConnections: 2 }] });
    assert.equal(pool!.connectionCapReached, true);
    assert.equal(pool!.saturated, true);
  });

  test('the global max_db_connections applies when the database sets none', () => {
    const config = { defaultPoolSize: 20, reservePoolSize: 0, maxClientConn: 100, maxDbConnections: 2, maxUserConnections: 0, poolMode: null };
    const [pool] = derivePools({ pools: [basePool], databases: [baseDatabase], config });
    assert.equal(pool!.saturated, true);
  });

  test("the user's max_user_connections reached (counted from SHOW SERVERS before 1.23)", () => {
    const config = { defaultPoolSize: 20, reservePoolSize: 0, maxClientConn: 100, maxDbConnections: 0, maxUserConnections: 2, poolMode: null };
    const servers = parseServers(capture('1.18.0', 'saturated', 'servers'));
    const [pool] = derivePools({ pools: [basePool], databases: [baseDatabase], servers, config });
    assert.equal(pool!.saturated, true);
  });

  test('an idle or used server left: not saturated even when clients wait', () => {
    const [idle] = derivePools({ pools: [{ ...basePool, svActive: 1, svIdle: 1 }], databases: [{ ...baseDatabase, poolSize: 2 }] });
    assert.equal(idle!.saturated, false);
    const [used] = derivePools({ pools: [{ ...basePool, svActive: 1, svUsed: 1 }], databases: [{ ...baseDatabase, poolSize: 2 }] });
    assert.equal(used!.saturated, false);
  });

  test('no waiting client: not saturated even when every server is busy', () => {
    const [pool] = derivePools({ pools: [{ ...basePool, clWaiting: 0 }], databases: [{ ...baseDatabase, poolSize: 2 }] });
    assert.equal(pool!.utilisation, 1);
    assert.equal(pool!.saturated, false);
  });
});

describe('rates from two STATS snapshots', () => {
  test('1.18.0: per second, wait averaged per transaction', () => {
    const version = parseVersionRows(capture('1.18.0', 'idle', 'version'));
    const [rates] = statsRates(
      { takenAt: 10_000, stats: parseStats(capture('1.18.0', 'idle', 'stats')) },
      { takenAt: 12_000, stats: parseStats(capture('1.18.0', 'saturated', 'stats')) },
      version,
    );
    assert.equal(rates!.database, 'app');
    assert.equal(rates!.seconds, 2);
    assert.equal(rates!.transactionsPerSecond, 2.5);
    assert.equal(rates!.queriesPerSecond, 2.5);
    assert.equal(rates!.receivedBytesPerSecond, 24);
    assert.equal(rates!.sentBytesPerSecond, 43);
    assert.equal(rates!.averageWaitPer, 'transaction');
    assert.equal(rates!.averageWaitSeconds, (11367 - 4039) / 5 / 1e6);
  });

  test('1.25.2: wait averaged per server assignment', () => {
    const version = parseVersionRows(capture('1.25.2', 'idle', 'version'));
    const [rates] = statsRates(
      { takenAt: 0, stats: parseStats(capture('1.25.2', 'idle', 'stats')) },
      { takenAt: 4_000, stats: parseStats(capture('1.25.2', 'saturated', 'stats')) },
      version,
    );
    assert.equal(rates!.transactionsPerSecond, 1.25);
    assert.equal(rates!.averageWaitPer, 'assignment');
    assert.equal(rates!.averageWaitSeconds, (9285 - 4036) / 2 / 1e6);
  });

  test('nothing served: no average wait; counters gone back or a new database: no rates', () => {
    const version = parseVersionRows(capture('1.25.2', 'idle', 'version'));
    const idle = parseStats(capture('1.25.2', 'idle', 'stats'));
    const saturated = parseStats(capture('1.25.2', 'saturated', 'stats'));
    const [same] = statsRates({ takenAt: 0, stats: idle }, { takenAt: 1000, stats: idle }, version);
    assert.equal(same!.transactionsPerSecond, 0);
    assert.equal(same!.averageWaitSeconds, null);
    const [restarted] = statsRates({ takenAt: 0, stats: saturated }, { takenAt: 1000, stats: idle }, version);
    assert.equal(restarted!.transactionsPerSecond, null);
    const [fresh] = statsRates({ takenAt: 0, stats: [] }, { takenAt: 1000, stats: idle }, version);
    assert.equal(fresh!.queriesPerSecond, null);
  });

  test('exact beyond 2^53', () => {
    const version = parseVersionRows(capture('1.25.2', 'idle', 'version'));
    const row = capture('1.25.2', 'idle', 'stats')[0]!;
    const before = parseStats([{ ...row, total_received: '9007199254740993' }]);
    const after = parseStats([{ ...row, total_received: '9007199254741003' }]);
    const [rates] = statsRates({ takenAt: 0, stats: before }, { takenAt: 1000, stats: after }, version);
    assert.equal(rates!.receivedBytesPerSecond, 10);
  });
});

describe('backends and their clients', () => {
  test('1.18.0: backend pid → pool, and the client behind it', () => {
    const servers = parseServers(capture('1.18.0', 'saturated', 'servers'));
    const clients = parseClients(capture('1.18.0', 'saturated', 'clients'));
    const pools = poolOfBackend(servers);
    assert.deepEqual(pools.get(17804), { database: 'app', user: 'appuser' });
    assert.deepEqual(pools.get(18162), { database: 'app', user: 'appuser' });
    assert.equal(pools.size, 2);
    assert.equal(clientOfBackend(17804, servers, clients)?.applicationName, 'load3');
    assert.equal(clientOfBackend(18162, servers, clients)?.applicationName, 'load1');
    assert.equal(clientOfBackend(1, servers, clients), null);
  });

  test('1.25.2: the client behind a backend has the id KILL_CLIENT takes', () => {
    const servers = parseServers(capture('1.25.2', 'saturated', 'servers'));
    const clients = parseClients(capture('1.25.2', 'saturated', 'clients'));
    assert.equal(clientOfBackend(17805, servers, clients)?.id, 17);
    assert.equal(clientOfBackend(18161, servers, clients)?.id, 18);
  });

  test('an idle server serves no client', () => {
    const servers = parseServers(capture('1.25.2', 'idle', 'servers'));
    const clients = parseClients(capture('1.25.2', 'idle', 'clients'));
    assert.deepEqual(poolOfBackend(servers).get(17805), { database: 'app', user: 'appuser' });
    assert.equal(clientOfBackend(17805, servers, clients), null);
  });
});
