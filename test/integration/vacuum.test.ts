import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { dropSlot, rollbackPrepared } from '../../src/actions/horizon.js';
import { signalSessions } from '../../src/actions/signal.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { createLogicalSlot, PRIMARY_SETTINGS } from '../../src/sandbox/standby.js';
import type { HorizonHolder } from '../../src/sources/vacuum/types.js';
import { describeEachMajor } from '../helpers/majors.js';
import { openMonitor, settingsOf, type Monitor } from '../helpers/replication.js';
import { waitUntil } from '../helpers/wait.js';

const CONSUMED = 30;
const noAudit = (): undefined => undefined;

describeEachMajor('vacuum view data', (major) => describe('one step after another', { concurrency: false, timeout: 600_000 }, () => {
  let server: PostgresSandbox;
  let monitor: Monitor;
  const clients: pg.Client[] = [];
  const client = async (): Promise<pg.Client> => {
    const opened = await server.connect();
    clients.push(opened);
    return opened;
  };
  before(async () => {
    server = await startPostgres({ major, settings: { ...PRIMARY_SETTINGS, autovacuum: 'off' } });
    monitor = await openMonitor(server);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await monitor?.end();
    await server?.stop();
  });

  it('a held snapshot, a prepared transaction and a slot are horizon holders, oldest first, with their ages and releases', async () => {
    // A logical slot waits for running transactions to end when it is created: it comes first.
    await createLogicalSlot(server, 'holding_slot');
    await server.query('SELECT txid_current()');
    const reader = await client();
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await reader.query('SELECT count(*) FROM pg_class');
    const readerPid = (await reader.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    const preparer = await client();
    await server.query('SELECT txid_current()');
    await preparer.query('BEGIN');
    await preparer.query('CREATE TABLE prepared_here (id int)');
    await preparer.query("PREPARE TRANSACTION 'held_gid'");
    for (let i = 0; i < CONSUMED; i += 1) await server.query('SELECT txid_current()');

    const holders = (await monitor.vacuum()).horizon;
    const find = (kind: HorizonHolder['kind'], id: string): HorizonHolder => {
      const holder = holders.find((h) => h.kind === kind && h.id === id);
      assert.ok(holder, `${kind} ${id} among ${JSON.stringify(holders.map((h) => [h.kind, h.id]))}`);
      return holder;
    };
    const session = find('session', String(readerPid));
    const prepared = find('prepared', 'held_gid');
    const slot = find('slot-catalog', 'holding_slot');
    // Each held its xid before the CONSUMED transactions, in this order.
    assert.ok(prepared.ageXids >= CONSUMED && session.ageXids > prepared.ageXids && slot.ageXids > session.ageXids, JSON.stringify(holders));
    const exact = await server.query<{ age: number }>('SELECT age($1::text::xid) AS age', [session.xid]);
    assert.ok(Math.abs((exact.rows[0]?.age ?? 0) - session.ageXids) <= 2, `age of ${session.xid}: ${exact.rows[0]?.age} vs ${session.ageXids}`);
    assert.deepEqual(holders.map((h) => h.ageXids), [...holders.map((h) => h.ageXids)].sort((a, b) => b - a));
    assert.equal(session.release, 'terminate');
    assert.equal(prepared.release, 'rollback-prepared');
    assert.equal(slot.release, 'drop-slot');
    assert.ok(session.ageSeconds !== null && session.ageSeconds >= 0);
    assert.ok(prepared.ageSeconds !== null && prepared.ageSeconds >= 0);
    assert.match(session.description, /idle in transaction/);
    assert.ok(session.backendStartUs);

    const settings = settingsOf(server);
    const [terminated] = await signalSessions(settings, [{ pid: session.pid ?? 0, backendStartUs: session.backendStartUs, queryStartUs: null, pool: null, user: null, database: null, queryExcerpt: '' }], 'terminate', noAudit);
    assert.equal(terminated?.result, 'ok');
    assert.equal((await rollbackPrepared(settings, { gid: 'held_gid', database: 'postgres' }, noAudit)).result, 'ok');
    assert.equal((await dropSlot(settings, { slot: 'holding_slot', typed: 'holding_slot', database: 'postgres' }, noAudit)).result, 'ok');
    await waitUntil(async () => (await monitor.vacuum()).horizon.length === 0, { what: 'every holder to be released' });
  });

  it('a running VACUUM of a big table shows its phase, percent scanned, dead tuples, elapsed time and an estimate', async () => {
    await server.query('CREATE TABLE big (id int, pad text) WITH (autovacuum_enabled = off)');
    await server.query("INSERT INTO big SELECT g, repeat('y', 200) FROM generate_series(1, 60000) g");
    // With an index, dead item ids are collected for the index pass (without one they are freed at once).
    await server.query('CREATE INDEX big_id ON big (id)');
    await server.query('DELETE FROM big WHERE id % 2 = 0');
    const vacuumer = await client();
    const pid = (await vacuumer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    await vacuumer.query('SET vacuum_cost_delay = 20');
    await vacuumer.query('SET vacuum_cost_limit = 1');
    const running = vacuumer.query('VACUUM big').catch((error: Error) => error);
    const progress = await waitUntil(
      async () => (await monitor.vacuum()).progress.find((p) => p.pid === pid && (p.scannedPercent ?? 0) > 0 && (p.deadTuples ?? 0) > 0),
      { what: 'VACUUM progress with pages scanned and dead tuples', timeoutMs: 20_000 },
    );
    assert.equal(progress.kind, 'vacuum');
    assert.equal(progress.table, 'big');
    assert.equal(progress.phase, 'scanning heap');
    assert.equal(progress.autovacuum, false);
    assert.ok(progress.scannedPercent !== null && progress.scannedPercent < 100);
    assert.ok(progress.elapsedSeconds !== null && progress.elapsedSeconds > 0);
    assert.ok(progress.etaSeconds !== null && progress.etaSeconds > 0);
    assert.equal(progress.indexPasses, 0);
    if (major >= 17) assert.equal(progress.indexesTotal, 0);
    else assert.equal(progress.indexesTotal, null);
    await server.query('SELECT pg_cancel_backend($1)', [pid]);
    assert.match(String(await running), /cancel/);
  });

  it('a VACUUM waiting for a lock is shown with its blocker', async () => {
    const holder = await client();
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE big IN SHARE UPDATE EXCLUSIVE MODE');
    const vacuumer = await client();
    const running = vacuumer.query('VACUUM big').catch((error: Error) => error);
    const waiting = await waitUntil(async () => (await monitor.vacuum()).progress.find((p) => p.phase === 'waiting for lock'), {
      what: 'a VACUUM waiting for its lock',
    });
    assert.equal(waiting.kind, 'vacuum');
    assert.equal(waiting.table, 'big');
    assert.deepEqual(waiting.blockers.map((b) => b.pid), [holderPid]);
    assert.match(waiting.blockers[0]?.query ?? '', /LOCK TABLE big/);
    await holder.query('ROLLBACK');
    const finished = await running;
    assert.ok(!(finished instanceof Error), String(finished));
  });

  it('wraparound per database, tables nearest forced freeze (per-table setting honoured) and most dead tuples', async () => {
    await server.query('CREATE TABLE freezes_early (id int) WITH (autovacuum_freeze_max_age = 100000)');
    await server.query('CREATE TABLE churn (id int) WITH (autovacuum_enabled = off)');
    await server.query('INSERT INTO churn SELECT generate_series(1, 5000)');
    await server.query('DELETE FROM churn');
    const seen = await waitUntil(
      async () => {
        const vacuum = await monitor.vacuum();
        return vacuum.deadTupleTables.some((t) => t.table === 'public.churn' && t.deadTuples === 5000) ? vacuum : undefined;
      },
      { what: 'churn to show 5000 dead tuples' },
    );
    const postgres = seen.wraparound.find((d) => d.database === 'postgres');
    const expected = await server.query<{ age: number }>("SELECT age(datfrozenxid) AS age FROM pg_database WHERE datname = 'postgres'");
    assert.ok(postgres && Math.abs(postgres.xidAge - (expected.rows[0]?.age ?? -1)) <= 2);
    assert.equal(postgres.freezeMaxAge, 200_000_000);
    assert.equal(postgres.freezeFraction, postgres.xidAge / 200_000_000);
    assert.equal(postgres.wraparoundFraction, postgres.xidAge / 2 ** 31);
    assert.ok(seen.wraparound.some((d) => d.database === 'template0' && !d.allowsConnections));
    assert.equal(seen.freezeTables[0]?.table, 'public.freezes_early');
    assert.equal(seen.freezeTables[0]?.freezeMaxAge, 100_000);
    assert.equal(seen.workers.max, 3);
    assert.equal(seen.workers.autovacuumOn, false);
    assert.deepEqual(seen.notes, []);
  });
}));
