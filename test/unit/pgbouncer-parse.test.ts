import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PgBouncerParseError } from '../../src/sources/pgbouncer-cells.js';
import {
  parseClients,
  parseConfig,
  parseDatabases,
  parsePools,
  parseServers,
  parseStats,
  parseUsers,
  parseVersion,
  parseVersionRows,
} from '../../src/sources/pgbouncer-parse.js';
import { parseCsv, readCsvFile } from '../helpers/csv.js';

const fixtures = new URL('../fixtures/pgbouncer/', import.meta.url);
const versions = ['1.18.0', '1.25.2'] as const;
type Version = (typeof versions)[number];
const capture = (version: Version, state: 'idle' | 'saturated', name: string): Record<string, string | null>[] =>
  readCsvFile(new URL(`${version}/${state}/${name}.csv`, fixtures));

describe('CSV helper', () => {
  test('reads quoted fields holding commas, quotes and line breaks; unquoted empty is null', () => {
    const rows = parseCsv('a,b,c\n"x, y","say ""hi""",\n"line\none","",z\n');
    assert.deepEqual(rows, [
      { a: 'x, y', b: 'say "hi"', c: null },
      { a: 'line\none', b: '', c: 'z' },
    ]);
  });
});

describe('parseVersion', () => {
  test('1.18.0 has none of the newer commands', () => {
    const version = parseVersionRows(capture('1.18.0', 'idle', 'version'));
    assert.equal(version.text, 'PgBouncer 1.18.0');
    assert.deepEqual([version.major, version.minor, version.patch], [1, 18, 0]);
    assert.equal(version.hasKillClient, false);
    assert.equal(version.hasServerAssignmentCount, false);
    assert.equal(version.hasShowState, false);
    assert.equal(version.hasUserPoolSettings, false);
  });

  test('1.25.2 has them all', () => {
    const version = parseVersionRows(capture('1.25.2', 'saturated', 'version'));
    assert.deepEqual([version.major, version.minor, version.patch], [1, 25, 2]);
    assert.equal(version.hasKillClient, true);
    assert.equal(version.hasServerAssignmentCount, true);
    assert.equal(version.hasShowState, true);
  });

  test('the thresholds sit at 1.19, 1.23 and 1.24', () => {
    assert.equal(parseVersion('PgBouncer 1.19.0').hasShowState, true);
    assert.equal(parseVersion('PgBouncer 1.22.1').hasServerAssignmentCount, false);
    assert.equal(parseVersion('PgBouncer 1.23.0').hasServerAssignmentCount, true);
    assert.equal(parseVersion('PgBouncer 1.23.1').hasKillClient, false);
    assert.equal(parseVersion('PgBouncer 1.24.0').hasKillClient, true);
    assert.equal(parseVersion('PgBouncer 2.0').hasKillClient, true);
  });

  test('anything else is a parse error', () => {
    assert.throws(() => parseVersion('PostgreSQL 16.4'), PgBouncerParseError);
    assert.throws(() => parseVersionRows([]), PgBouncerParseError);
  });
});

describe('parsePools', () => {
  for (const version of versions) {
    test(`${version}: the saturated pool, and the console's own pool left out`, () => {
      const pools = parsePools(capture(version, 'saturated', 'pools'));
      assert.equal(pools.length, 1);
      const [pool] = pools;
      assert.equal(pool!.database, 'app');
      assert.equal(pool!.user, 'appuser');
      assert.equal(pool!.clActive, 3);
      assert.equal(pool!.clWaiting, 3);
      assert.equal(pool!.svActive, 2);
      assert.equal(pool!.svIdle, 0);
      assert.equal(pool!.svUsed, 0);
      assert.equal(pool!.clActiveCancelReq, 0);
      assert.equal(pool!.clCancelReq, null);
      assert.equal(pool!.poolMode, 'transaction');
      assert.equal(pool!.loadBalanceHosts, null);
    });
  }

  test('the console pool is there when asked for', () => {
    const pools = parsePools(capture('1.18.0', 'idle', 'pools'), { includeConsole: true });
    assert.deepEqual(
      pools.map((pool) => pool.database),
      ['app', 'pgbouncer'],
    );
  });

  test('maps by name: reordered columns give the same records', () => {
    const rows = capture('1.25.2', 'saturated', 'pools');
    const reversed = rows.map((row) => Object.fromEntries(Object.entries(row).reverse()));
    assert.deepEqual(parsePools(reversed), parsePools(rows));
  });

  test('1.15 columns only: the newer ones are null', () => {
    const [pool] = parsePools([
      {
        database: 'app', user: 'u', cl_active: '1', cl_waiting: '0', sv_active: '0', sv_idle: '1', sv_used: '0',
        sv_tested: '0', sv_login: '0', maxwait: '0', maxwait_us: '0', pool_mode: 'session',
      },
    ]);
    assert.equal(pool!.clActiveCancelReq, null);
    assert.equal(pool!.svActiveCancel, null);
    assert.equal(pool!.svBeingCanceled, null);
  });

  test('a missing required column is a parse error naming it', () => {
    const rows = capture('1.18.0', 'idle', 'pools').map(({ cl_waiting: _dropped, ...rest }) => rest);
    assert.throws(() => parsePools(rows), /cl_waiting/);
  });
});

describe('parseDatabases', () => {
  test('1.18.0: reserve_pool read as the reserve pool size, newer columns null', () => {
    const databases = parseDatabases(capture('1.18.0', 'saturated', 'databases'));
    assert.deepEqual(
      databases.map((database) => database.name),
      ['app'],
    );
    const [app] = databases;
    assert.equal(app!.poolSize, 2);
    assert.equal(app!.reservePoolSize, 0);
    assert.equal(app!.serverLifetime, null);
    assert.equal(app!.maxClientConnections, null);
    assert.equal(app!.currentConnections, 2);
    assert.equal(app!.forceUser, null);
    assert.equal(app!.poolMode, null);
    assert.equal(app!.paused, false);
    assert.equal(app!.disabled, false);
  });

  test('1.25.2: reserve_pool_size and the client-connection columns', () => {
    const [app] = parseDatabases(capture('1.25.2', 'saturated', 'databases'));
    assert.equal(app!.reservePoolSize, 0);
    assert.equal(app!.serverLifetime, 3600);
    assert.equal(app!.maxClientConnections, 0);
    assert.equal(app!.currentClientConnections, 6);
  });

  test('paused and disabled flags', () => {
    const rows = capture('1.18.0', 'idle', 'databases').map((row) => ({ ...row, paused: '1', disabled: '1' }));
    const [app] = parseDatabases(rows);
    assert.equal(app!.paused, true);
    assert.equal(app!.disabled, true);
  });
});

describe('parseStats', () => {
  test('1.18.0: totals as exact strings, no assignment count', () => {
    const stats = parseStats(capture('1.18.0', 'saturated', 'stats'));
    assert.equal(stats.length, 1);
    const [app] = stats;
    assert.equal(app!.database, 'app');
    assert.equal(app!.totals.xactCount, '6');
    assert.equal(app!.totals.waitTime, '11367');
    assert.equal(app!.totals.serverAssignmentCount, null);
    assert.equal(app!.totals.bindCount, null);
    assert.equal(app!.averages.waitTime, 1469);
  });

  test('1.25.2: assignment and parse counts present', () => {
    const [app] = parseStats(capture('1.25.2', 'saturated', 'stats'));
    assert.equal(app!.totals.serverAssignmentCount, '3');
    assert.equal(app!.totals.waitTime, '9285');
    assert.equal(app!.totals.clientParseCount, '0');
    assert.equal(app!.averages.serverAssignmentCount, 0);
  });

  test('counters past 2^53 keep every digit', () => {
    const row = { ...capture('1.18.0', 'idle', 'stats')[0]!, total_received: '18446744073709551615', total_sent: '0009007199254740993' };
    const [app] = parseStats([row]);
    assert.equal(app!.totals.receivedBytes, '18446744073709551615');
    assert.equal(app!.totals.sentBytes, '9007199254740993');
  });
});

describe('parseClients and parseServers', () => {
  test('1.18.0: no id, no replication; the console client left out', () => {
    const clients = parseClients(capture('1.18.0', 'saturated', 'clients'));
    assert.equal(clients.length, 6);
    assert.ok(clients.every((client) => client.database === 'app' && client.id === null && client.replication === null));
    assert.equal(clients.filter((client) => client.state === 'waiting').length, 3);
    const linked = clients.find((client) => client.applicationName === 'load3');
    assert.equal(linked!.link, '0x55f2bf56f9d0');
    assert.equal(linked!.remotePid, null);
    assert.equal(linked!.wait, 2);
    assert.equal(linked!.waitUs, 713917);
    assert.equal(parseClients(capture('1.18.0', 'saturated', 'clients'), { includeConsole: true }).length, 7);
  });

  test('1.25.2: client ids for KILL_CLIENT', () => {
    const clients = parseClients(capture('1.25.2', 'saturated', 'clients'));
    assert.deepEqual(
      clients.map((client) => client.id),
      [2, 17, 18, 16, 20, 21],
    );
    assert.equal(clients[0]!.replication, 'none');
    assert.equal(clients[0]!.preparedStatements, 0);
  });

  for (const version of versions) {
    test(`${version}: servers carry the backend pid and the client they serve`, () => {
      const servers = parseServers(capture(version, 'saturated', 'servers'));
      assert.equal(servers.length, 2);
      assert.ok(servers.every((server) => server.type === 'S' && server.state === 'active' && server.remotePid !== null && server.link !== null));
      const idle = parseServers(capture(version, 'idle', 'servers'));
      assert.equal(idle[0]!.state, 'idle');
      assert.equal(idle[0]!.link, null);
    });
  }
});

describe('parseUsers and parseConfig', () => {
  test('1.18.0: only name and pool_mode', () => {
    const users = parseUsers(capture('1.18.0', 'idle', 'users'));
    assert.deepEqual(
      users.map((user) => [user.name, user.poolSize, user.maxUserConnections]),
      [
        ['appuser', null, null],
        ['pgbouncer', null, null],
        ['postgres', null, null],
      ],
    );
  });

  test('1.25.2: limits and counts; an unset pool_size is null, a padded one is read', () => {
    const users = parseUsers(capture('1.25.2', 'saturated', 'users'));
    const appuser = users.find((user) => user.name === 'appuser');
    assert.equal(appuser!.poolSize, null);
    assert.equal(appuser!.maxUserConnections, 0);
    assert.equal(appuser!.currentConnections, 2);
    assert.equal(appuser!.currentClientConnections, 6);
    const [padded] = parseUsers([{ name: 'x', pool_size: '        5', reserve_pool_size: '' }]);
    assert.equal(padded!.poolSize, 5);
    assert.equal(padded!.reservePoolSize, null);
  });

  for (const version of versions) {
    test(`${version}: the settings the model needs`, () => {
      assert.deepEqual(parseConfig(capture(version, 'saturated', 'config')), {
        defaultPoolSize: 2,
        reservePoolSize: 0,
        maxClientConn: 100,
        maxDbConnections: 0,
        maxUserConnections: 0,
        poolMode: 'transaction',
      });
    });
  }
});
