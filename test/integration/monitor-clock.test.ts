import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { defaultThresholds } from '../../src/config/health-thresholds.js';
import { HealthSource } from '../../src/health/source.js';
import { PostgresSource } from '../../src/sources/postgres.js';
import { StatementsSource } from '../../src/sources/statements/source.js';
import { initialState } from '../../src/store/state.js';
import { Controller, type ControllerDeps } from '../../src/ui/controller.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { settingsOf } from '../helpers/replication.js';
import { waitUntil } from '../helpers/wait.js';

let postgres: PostgresSandbox;

before(async () => {
  postgres = await startPostgres();
});

after(async () => {
  await postgres?.stop();
});

type What = 'replication' | 'vacuum' | 'vacuum-horizon' | 'statements' | 'health';

interface Reading {
  what: What;
  /** The sessions readings (ticks) started before it. */
  tick: number;
  /** Started in the same turn of the event loop as its tick's sessions reading. */
  withTick: boolean;
}

/** What a reading on the monitoring connection is, by the SQL it sends. */
function kindOf(sql: string): What | undefined {
  if (sql.includes('pg_stat_progress_vacuum')) return 'vacuum';
  if (sql.includes('autovacuum_max_workers')) return 'vacuum-horizon';
  if (sql.includes('pg_stat_archiver')) return 'replication';
  return undefined;
}

interface Watched {
  controller: Controller;
  readings: Reading[];
  ticks: () => number;
  of: (what: What) => Reading[];
  close: () => Promise<void>;
}

/** A monitor at 0.5 s on the sandbox, every reading it makes logged with the tick it came in. */
async function watchedMonitor(extra: Partial<ControllerDeps> = {}): Promise<Watched> {
  const settings = settingsOf(postgres);
  const source = new PostgresSource(settings);
  await source.open();
  const statements = new StatementsSource(settings);
  const health = new HealthSource({ settings, thresholds: defaultThresholds() });
  const readings: Reading[] = [];
  let ticks = 0;
  let inTick = false;
  const log = (what: What, tick = ticks, withTick = inTick): void => void readings.push({ what, tick, withTick });
  const tick = source.tick.bind(source);
  source.tick = (options) => {
    ticks++;
    inTick = true;
    setImmediate(() => (inTick = false));
    return tick(options);
  };
  const read = source.read.bind(source);
  source.read = (reading) => {
    // Asked for now; its turn on the connection comes after the tick's own reading.
    const [tickAsked, withTick] = [ticks, inTick];
    return read((client, version) => {
      const spy = new Proxy(client, {
        get(target, name) {
          if (name === 'query') {
            return (text: unknown, ...rest: unknown[]) => {
              const kind = typeof text === 'string' ? kindOf(text) : undefined;
              if (kind) log(kind, tickAsked, withTick);
              return (target.query as (...args: unknown[]) => unknown)(text, ...rest);
            };
          }
          const value: unknown = Reflect.get(target, name, target);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      }) as pg.Client;
      return reading(spy, version);
    });
  };
  const statementsTick = statements.tick.bind(statements);
  statements.tick = () => {
    log('statements');
    return statementsTick();
  };
  const healthTick = health.tick.bind(health);
  health.tick = (current) => {
    log('health');
    return healthTick(current);
  };
  const state = initialState({ intervalSeconds: 0.5, readOnly: true, columns: 120, rows: 40, target: source.target });
  const controller = new Controller(state, { source, statements, health, settings, onQuit: () => undefined, writeAudit: () => undefined, rewindMinutes: 0, ...extra });
  controller.start();
  return {
    controller,
    readings,
    ticks: () => ticks,
    of: (what) => readings.filter((r) => r.what === what),
    close: async () => {
      await controller.shutdown();
      await Promise.all([source.close(), statements.close(), health.close()]);
    },
  };
}

/** Consecutive readings `every` ticks apart (one more when the one before was still running at its turn). */
function assertCadence(readings: readonly Reading[], every: number, what: string): void {
  for (let i = 1; i < readings.length; i++) {
    const gap = (readings[i]?.tick ?? 0) - (readings[i - 1]?.tick ?? 0);
    assert.ok(gap >= every && gap <= every + 1, `${what}: ${gap} ticks between two readings, not ${every}: ${JSON.stringify(readings)}`);
  }
}

describe('one clock for every source', () => {
  test('the readings come in the sessions reading’s wake-up, on whole ticks; hidden views are not read in full', async () => {
    const monitor = await watchedMonitor();
    try {
      // At 0.5 s: vacuum (the horizon alone) and, with nothing to watch, replication every 10th tick.
      await waitUntil(() => monitor.of('vacuum-horizon').length >= 2 && monitor.of('replication').length >= 2, { what: 'two readings of the horizon and of replication', timeoutMs: 30_000 });
      const state = monitor.controller.getState();
      assert.equal(state.view, 'sessions');
      assert.deepEqual(monitor.of('statements'), [], 'pg_stat_statements is not read while its view is hidden');
      assert.deepEqual(monitor.of('vacuum'), [], "vacuum's progress and tables are not read while view 8 is hidden");
      assert.ok(state.vacuum.snapshot && state.vacuum.partial, 'the header has the horizon and wraparound');
      assert.ok(state.vacuum.snapshot.wraparound.length > 0);
      assert.equal(monitor.of('health').length, 1, 'the health checks ran on the first tick, next on the 30th');
      for (const reading of [...monitor.of('vacuum-horizon'), ...monitor.of('replication')]) assert.ok(reading.withTick, `${reading.what} started with its tick: ${JSON.stringify(reading)}`);
      assertCadence(monitor.of('vacuum-horizon'), 10, 'vacuum');
      assertCadence(monitor.of('replication'), 10, 'replication');
      assert.equal(monitor.of('vacuum-horizon')[0]?.tick, 1);
      assert.equal(monitor.of('replication')[0]?.tick, 1);
    } finally {
      await monitor.close();
    }
  });

  test("while data comes on time no timer is set for the screen's clock; frozen, one moves it every second", async () => {
    const monitor = await watchedMonitor();
    // A timer set for the screen's clock and cleared by the next tick would still wake the process when due.
    const screenTimer = (): unknown => (monitor.controller as unknown as { clockTimer?: NodeJS.Timeout }).clockTimer;
    const armedAfterData: boolean[] = [];
    const unsubscribe = monitor.controller.subscribe(() => {
      const state = monitor.controller.getState();
      if (state.pg.snapshot && !state.paused) armedAfterData.push(screenTimer() !== undefined);
    });
    try {
      await waitUntil(() => monitor.ticks() >= 6, { what: 'six ticks' });
      assert.ok(armedAfterData.length >= 5, `state changes seen: ${armedAfterData.length}`);
      assert.deepEqual(armedAfterData.slice(2).filter(Boolean), [], 'no screen clock timer while ticks move the time');
      monitor.controller.handleKey('p', 'p');
      await waitUntil(() => monitor.controller.getState().paused, { what: 'frozen' });
      const frozenAt = monitor.controller.getState().now;
      assert.ok(screenTimer() !== undefined, 'frozen, a timer moves the time');
      await waitUntil(() => monitor.controller.getState().now > frozenAt, { what: 'the time to move while frozen' });
    } finally {
      unsubscribe();
      await monitor.close();
    }
  });

  test('a view shown is read at once, in full, then at its cadence', async () => {
    const monitor = await watchedMonitor();
    try {
      await waitUntil(() => monitor.controller.getState().pg.snapshot, { what: 'the first sessions' });
      let at = monitor.ticks();
      monitor.controller.handleKey('8', '8');
      const vacuum = await waitUntil(() => monitor.of('vacuum')[0], { what: 'a full vacuum reading' });
      assert.ok(vacuum.tick <= at + 1, `read when view 8 was shown (tick ${at}), not at its turn: ${vacuum.tick}`);
      await waitUntil(() => !monitor.controller.getState().vacuum.partial, { what: 'view 8 to have its whole data' });
      await waitUntil(() => monitor.of('vacuum').length >= 3, { what: 'three full vacuum readings', timeoutMs: 30_000 });
      assertCadence(monitor.of('vacuum').slice(1), 10, 'vacuum');

      at = monitor.ticks();
      monitor.controller.handleKey('6', '6');
      const statements = await waitUntil(() => monitor.of('statements')[0], { what: 'a pg_stat_statements reading' });
      assert.ok(statements.tick <= at + 1, `read when view 6 was shown (tick ${at}): ${statements.tick}`);

      at = monitor.ticks();
      monitor.controller.handleKey('7', '7');
      await waitUntil(() => monitor.of('replication').filter((r) => r.tick > at).length >= 4, { what: 'replication readings while view 7 is shown' });
      assertCadence(monitor.of('replication').filter((r) => r.tick > at + 1), 1, 'replication on view 7');
    } finally {
      await monitor.close();
    }
  });

  test('a recording keeps every view: pg_stat_statements, the whole vacuum reading and replication every tick', async () => {
    const appended: string[] = [];
    const monitor = await watchedMonitor({ record: { append: (event) => void appended.push(event.type), chunk: () => 0 } });
    try {
      await waitUntil(() => monitor.of('statements').length >= 1 && monitor.of('vacuum').length >= 1 && monitor.of('replication').length >= 3, { what: 'every reading for the recording', timeoutMs: 30_000 });
      assert.equal(monitor.controller.getState().view, 'sessions');
      assert.deepEqual(monitor.of('vacuum-horizon'), []);
      assertCadence(monitor.of('replication'), 1, 'replication while recording');
      await waitUntil(() => appended.includes('vacuum-data') && appended.includes('replication-data'), { what: 'the readings in the recording' });
    } finally {
      await monitor.close();
    }
  });

  test('the health checks count the connections in the tick’s sessions, as pg_stat_activity does', async () => {
    await postgres.query("CREATE ROLE capped LOGIN PASSWORD 'capped-pw' CONNECTION LIMIT 1");
    const capped = await postgres.connect('postgres', 'capped', 'capped-pw');
    const monitor = await watchedMonitor();
    try {
      const findings = await waitUntil(() => monitor.controller.getState().health.findings, { what: 'the first health findings', timeoutMs: 30_000 });
      const usage = findings.find((f) => f.id === 'connections.usage');
      const { rows } = await postgres.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend'");
      // The count from here is one more: this query's own connection.
      assert.match(usage?.evidence[0] ?? '', new RegExp(`^${(rows[0] as { n: number }).n - 1} client connections`), JSON.stringify(usage));
      const limits = findings.find((f) => f.id === 'connections.limits');
      assert.equal(limits?.severity, 'critical', JSON.stringify(limits));
      assert.match(limits?.evidence.join('\n') ?? '', /role capped: 1 of 1/);
    } finally {
      await monitor.close();
      await capped.end();
      await postgres.query('DROP ROLE capped');
    }
  });
});
