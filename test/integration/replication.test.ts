import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dropSlot } from '../../src/actions/horizon.js';
import type { AuditEntry } from '../../src/audit/log.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { createLogicalSlot, PRIMARY_SETTINGS, startStandby, waitForStreaming } from '../../src/sandbox/standby.js';
import { describeEachMajor } from '../helpers/majors.js';
import { generateWal, openMonitor, settingsOf, type Monitor } from '../helpers/replication.js';
import { waitUntil } from '../helpers/wait.js';

describeEachMajor('replication view data with a real standby', (major) => describe('one step after another', { concurrency: false, timeout: 600_000 }, () => {
  let primary: PostgresSandbox;
  let standby: PostgresSandbox;
  let monitor: Monitor;
  before(async () => {
    primary = await startPostgres({ major, settings: PRIMARY_SETTINGS });
    standby = await startStandby(primary);
    await waitForStreaming(primary);
    await createLogicalSlot(primary, 'idle_slot');
    monitor = await openMonitor(primary);
  });
  after(async () => {
    await monitor?.end();
    await standby?.stop();
    await primary?.stop();
  });

  it('shows the streaming standby on the primary, and recovery with its upstream on the standby', async () => {
    const seen = await monitor.replication();
    assert.equal(seen.role, 'primary');
    const row = seen.standbys.find((s) => s.name === 'standby1');
    assert.equal(row?.state, 'streaming');
    assert.equal(row?.client, '127.0.0.1');
    const slot = seen.slots.find((s) => s.name === 'standby1');
    assert.equal(slot?.active, true);
    assert.match(slot?.activeBy ?? '', /^standby1 @127\.0\.0\.1$/);

    const onStandby = await openMonitor(standby);
    try {
      const view = await onStandby.replication();
      assert.equal(view.role, 'standby');
      assert.equal(view.recovery?.receiverStatus, 'streaming');
      assert.equal(view.recovery?.upstreamHost, '127.0.0.1');
      assert.equal(view.recovery?.upstreamPort, primary.port);
      assert.equal(view.recovery?.replayPause, 'not paused');
    } finally {
      await onStandby.end();
    }
  });

  it('replay lag in bytes grows while replay is paused and returns to zero when it resumes', async () => {
    await standby.query('SELECT pg_wal_replay_pause()');
    await generateWal(primary);
    // Sent but not replayed: the walsender may still be sending when the replay lag first passes 100 kB.
    await waitUntil(
      async () => (await monitor.replication()).standbys.find((s) => (s.replayLagBytes ?? 0) > 100_000 && (s.sentLagBytes ?? Infinity) < (s.replayLagBytes ?? 0)),
      { what: 'a replay lag of more than 100 kB, with a smaller sent lag', timeoutMs: 20_000 },
    );
    const paused = await openMonitor(standby);
    try {
      // The primary has sent the WAL; the standby counts it once it has received and flushed it.
      const view = await waitUntil(async () => {
        const seen = await paused.replication();
        return (seen.recovery?.replayLagBytes ?? 0) > 100_000 ? seen : undefined;
      }, { what: "the standby's own replay lag above 100 kB", timeoutMs: 20_000 });
      assert.equal(view.recovery?.replayPause, 'paused');
    } finally {
      await paused.end();
    }
    await standby.query('SELECT pg_wal_replay_resume()');
    await waitUntil(async () => (await monitor.replication()).standbys.find((s) => s.replayLagBytes === 0), { what: 'replay to catch up', timeoutMs: 20_000 });
  });

  it('when the standby stops its slot goes inactive and retains WAL; when it restarts it catches up', async () => {
    await standby.stopServer();
    await waitUntil(async () => (await monitor.replication()).standbys.length === 0, { what: 'the walsender to go', timeoutMs: 20_000 });
    await generateWal(primary);
    const stopped = await monitor.replication();
    const slot = stopped.slots.find((s) => s.name === 'standby1');
    assert.equal(slot?.active, false);
    assert.ok((slot?.retainedBytes ?? 0) > 1_000_000, `retained ${slot?.retainedBytes}`);
    if (major >= 17) assert.ok(slot?.inactiveSince, 'inactive_since on 17+');
    else assert.equal(slot?.inactiveSince, null);

    await standby.startServer();
    await waitForStreaming(primary);
    await waitUntil(
      async () => {
        const seen = await monitor.replication();
        const row = seen.standbys.find((s) => s.name === 'standby1');
        const again = seen.slots.find((s) => s.name === 'standby1');
        return row?.replayLagBytes === 0 && again?.active && (again.retainedBytes ?? Infinity) < (slot?.retainedBytes ?? 0);
      },
      { what: 'the restarted standby to catch up', timeoutMs: 30_000 },
    );
  });

  it("an inactive logical slot's retained WAL grows", async () => {
    const before = (await monitor.replication()).slots.find((s) => s.name === 'idle_slot');
    assert.equal(before?.type, 'logical');
    assert.equal(before?.active, false);
    assert.ok(before?.catalogXmin);
    await generateWal(primary);
    const afterwards = (await monitor.replication()).slots.find((s) => s.name === 'idle_slot');
    assert.ok((afterwards?.retainedBytes ?? 0) > (before?.retainedBytes ?? 0) + 1_000_000, `${before?.retainedBytes} → ${afterwards?.retainedBytes}`);
    assert.ok(['reserved', 'extended'].includes(afterwards?.walStatus ?? ''), `wal_status ${afterwards?.walStatus}`);
  });

  it('the WAL position moves forward as WAL is written', async () => {
    const first = await monitor.replication();
    await generateWal(primary, 1000);
    const second = await monitor.replication();
    assert.ok((second.currentLsnBytes ?? 0) > (first.currentLsnBytes ?? 0));
  });

  it('drop-slot refuses without the typed name, refuses an active slot, and drops with the name typed', async () => {
    await primary.query("SELECT pg_create_physical_replication_slot('doomed', true)");
    const audited: AuditEntry[] = [];
    const writer = (entry: AuditEntry): undefined => void audited.push(entry);
    const settings = settingsOf(primary);
    const names = async (): Promise<string[]> => (await monitor.replication()).slots.map((s) => s.name);

    for (const typed of ['', 'doome', 'DOOMED']) {
      const refused = await dropSlot(settings, { slot: 'doomed', typed, database: null }, writer);
      assert.equal(refused.result, 'refused');
      assert.match(refused.message, /type the slot name "doomed"/);
    }
    assert.ok((await names()).includes('doomed'));
    assert.equal(audited.length, 0);

    const active = await dropSlot(settings, { slot: 'standby1', typed: 'standby1', database: null }, writer);
    assert.equal(active.result, 'refused', active.message);
    assert.match(active.message, /active/);
    assert.ok((await names()).includes('standby1'));

    const dropped = await dropSlot(settings, { slot: 'doomed', typed: 'doomed', database: null }, writer);
    assert.equal(dropped.result, 'ok', dropped.message);
    assert.ok(!(await names()).includes('doomed'));
    assert.deepEqual(
      audited.map((entry) => [entry.action, entry.slot, entry.result]),
      [['drop-slot', 'standby1', 'refused'], ['drop-slot', 'doomed', 'ok']],
    );

    const logical = await dropSlot(settings, { slot: 'idle_slot', typed: 'idle_slot', database: 'postgres' }, writer);
    assert.equal(logical.result, 'ok', logical.message);
  });
}));
