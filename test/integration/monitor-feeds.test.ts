import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type pg from 'pg';
import type { ConnectionSettings } from '../../src/config/types.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { createBouncerActions } from '../../src/actions/bouncer.js';
import { createPgBouncerSource } from '../../src/sources/pgbouncer.js';
import { PostgresSource, monitorTimeoutMs } from '../../src/sources/postgres.js';
import { initialState } from '../../src/store/state.js';
import { Controller, type ControllerDeps } from '../../src/ui/controller.js';
import { waitUntil } from '../helpers/wait.js';

let postgres: PostgresSandbox;

before(async () => {
  postgres = await startPostgres();
});

after(async () => {
  await postgres?.stop();
});

function settingsOf(sandbox: PostgresSandbox): ConnectionSettings {
  return { host: sandbox.host, port: sandbox.port, user: sandbox.superuser, password: sandbox.password, database: 'postgres', sslmode: 'disable', extra: {} };
}

/** A TCP server that accepts connections and never says a word: a PgBouncer that hangs. */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { server, port: address.port, sockets };
}

function monitor(source: PostgresSource, intervalSeconds: number, bouncer?: ControllerDeps['bouncer'], record?: ControllerDeps['record']): Controller {
  const state = initialState({ intervalSeconds, readOnly: true, columns: 120, rows: 40, target: source.target, bouncerTarget: bouncer ? 'pgbouncer' : undefined });
  return new Controller(state, { source, bouncer, record, settings: source.settings, onQuit: () => undefined, writeAudit: () => undefined });
}

describe('each source feeds the monitor on its own schedule', () => {
  test("PostgreSQL's data arrives while PgBouncer's admin console has not answered yet", async () => {
    const silent = await silentServer();
    const bouncerSettings: ConnectionSettings = { host: '127.0.0.1', port: silent.port, user: 'pgbouncer', database: 'pgbouncer', sslmode: 'disable', extra: {} };
    const source = new PostgresSource(settingsOf(postgres));
    await source.open();
    const bouncerSource = createPgBouncerSource(bouncerSettings, { connectTimeoutMs: 120_000 });
    const controller = monitor(source, 1, { source: bouncerSource, actions: createBouncerActions(bouncerSettings) });
    try {
      controller.start();
      await waitUntil(() => silent.sockets.size > 0, { what: 'the PgBouncer source to connect to the silent server' });
      await waitUntil(() => controller.getState().pg.snapshot, { what: "PostgreSQL's first data", timeoutMs: 20_000 });
      const bouncer = controller.getState().bouncer;
      assert.equal(bouncer.snapshot, undefined);
      assert.equal(bouncer.error, undefined, "PgBouncer's tick is still waiting for its answer");
      assert.ok(silent.sockets.size > 0);
    } finally {
      await controller.shutdown();
      for (const socket of silent.sockets) socket.destroy();
      await Promise.all([source.close(), bouncerSource.close()]);
      await new Promise((resolve) => silent.server.close(resolve));
    }
  });

  test('the statement timeout follows the interval as + and - change it', async () => {
    const slowInterval = 30;
    const source = new PostgresSource(settingsOf(postgres), { statementTimeoutMs: monitorTimeoutMs(slowInterval) });
    await source.open();
    const controller = monitor(source, slowInterval);
    let locker: pg.Client | undefined;
    try {
      for (let i = 0; i < 10; i++) controller.handleKey('-', '-');
      assert.equal(controller.getState().intervalSeconds, 0.5);
      // The monitoring query reads pg_stat_database, which reads pg_database: held, the query waits until its timeout.
      locker = await postgres.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE pg_catalog.pg_database IN ACCESS EXCLUSIVE MODE');
      controller.start();
      const error = await waitUntil(() => controller.getState().pg.error, { what: 'the monitoring query to time out at the new, short timeout', timeoutMs: 20_000 });
      // The server cancels at the new timeout, or the client's deadline (that timeout plus a margin) gives up first.
      assert.match(error.message, /timeout|cancel|no answer .* within [1-9](\.\d)? s/i);
      assert.equal(source.statementTimeoutMs, monitorTimeoutMs(0.5));
    } finally {
      await controller.shutdown();
      await locker?.query('ROLLBACK').catch(() => undefined);
      await locker?.end().catch(() => undefined);
      await source.close();
    }
  });
});

describe('the locks waited for', () => {
  test('are read while the Locks view is shown, at once when it opens, and on every tick of a recording', async () => {
    await postgres.query('CREATE TABLE feeds_locked (id int)');
    const holder = await postgres.connect();
    const waiter = await postgres.connect();
    const waiterPid = (await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    const sources: PostgresSource[] = [];
    const controllers: Controller[] = [];
    const waited = (controller: Controller): readonly { pid: number }[] | null | undefined => controller.getState().pg.snapshot?.waitingLocks;
    const blockedBy = (controller: Controller): number[] | undefined => controller.getState().pg.snapshot?.sessions.find((s) => s.pid === waiterPid)?.blockedBy;
    try {
      await holder.query('BEGIN; LOCK TABLE feeds_locked IN ACCESS EXCLUSIVE MODE');
      const waiting = waiter.query('SELECT count(*) FROM feeds_locked').catch(() => undefined);
      await waitUntil(async () => (await postgres.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid = $1", [waiterPid])).rowCount === 1, {
        what: 'the session to wait on the lock',
      });
      const source = new PostgresSource(settingsOf(postgres));
      sources.push(source);
      await source.open();
      // A long interval: data that comes after the first tick comes from a refresh.
      const onScreen = monitor(source, 60);
      controllers.push(onScreen);
      onScreen.start();
      await waitUntil(() => (blockedBy(onScreen)?.length ?? 0) > 0, { what: 'the waiter and its blocker on the Sessions view' });
      assert.equal(waited(onScreen), null, 'the Sessions view leaves pg_locks unread');
      onScreen.handleKey('2', '2');
      assert.equal(onScreen.getState().view, 'locks');
      await waitUntil(() => waited(onScreen)?.some((l) => l.pid === waiterPid), { what: 'the lock waited for, read as the Locks view opens', timeoutMs: 15_000 });

      const recordedSource = new PostgresSource(settingsOf(postgres));
      sources.push(recordedSource);
      await recordedSource.open();
      const appended: { type: string; snapshot?: { waitingLocks: unknown } }[] = [];
      const recording = monitor(recordedSource, 60, undefined, {
        append: (event) => appended.push(event as unknown as (typeof appended)[number]),
        chunk: () => 0,
      });
      controllers.push(recording);
      recording.start();
      await waitUntil(() => (blockedBy(recording)?.length ?? 0) > 0, { what: 'the recording monitor to see the waiter' });
      assert.equal(recording.getState().view, 'sessions');
      assert.ok(waited(recording)?.some((l) => l.pid === waiterPid), 'a recording reads the locks on the Sessions view too');
      const recorded = appended.find((e) => e.type === 'pg-data');
      assert.ok(Array.isArray(recorded?.snapshot?.waitingLocks), 'and writes them');
      await holder.query('COMMIT');
      await waiting;
    } finally {
      await Promise.all(controllers.map((c) => c.shutdown()));
      await Promise.all(sources.map((s) => s.close()));
      await holder.end().catch(() => undefined);
      await waiter.end().catch(() => undefined);
    }
  });
});
