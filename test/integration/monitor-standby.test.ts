import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import type { PgSnapshot } from '../../src/sources/types.js';
import { describeEachMajor } from '../helpers/majors.js';
import { openSession, roleSettings, snapshotAs, type TestSession } from '../helpers/server-sessions.js';
import { startStandby } from '../helpers/standby.js';
import { waitUntil } from '../helpers/wait.js';

describeEachMajor('a standby whose queries wait for WAL replay', (major) => {
  let primary: PostgresSandbox;
  let standby: PostgresSandbox;
  const opened: TestSession[] = [];

  before(async () => {
    primary = await startPostgres({ major });
    await primary.query('CREATE TABLE replay_target (id int)');
    standby = await startStandby(primary);
    await waitUntil(async () => (await standby.query("SELECT to_regclass('replay_target') AS t")).rows[0]?.t, {
      what: 'the table on the standby',
      timeoutMs: 20_000,
    });
  });

  after(async () => {
    await Promise.all(opened.map((session) => session.end()));
    await standby?.stop();
    await primary?.stop();
  });

  it("shows the startup process as the blocker of a query waiting for a replayed lock, with the lock's relation", async () => {
    const holder = await openSession(primary, primary.superuser, 'lock-holder');
    opened.push(holder);
    await holder.client.query('BEGIN; LOCK TABLE replay_target IN ACCESS EXCLUSIVE MODE');
    await waitUntil(
      async () =>
        (await standby.query("SELECT 1 FROM pg_locks WHERE relation = 'replay_target'::regclass AND mode = 'AccessExclusiveLock' AND granted")).rows.length > 0,
      { what: 'the standby to replay the lock', timeoutMs: 20_000 },
    );
    const reader = await openSession(standby, standby.superuser, 'standby-reader');
    opened.push(reader);
    await reader.start('SELECT count(*) FROM replay_target');

    const snapshot = await waitUntil(
      async (): Promise<PgSnapshot | undefined> => {
        const seen = await snapshotAs(roleSettings(standby));
        return seen.sessions.find((s) => s.pid === reader.pid)?.blockedBy.length ? seen : undefined;
      },
      { what: 'the standby reader to be blocked', timeoutMs: 20_000 },
    );
    assert.equal(snapshot.server.role, 'standby');
    const startup = snapshot.sessions.find((s) => s.backendType === 'startup');
    assert.ok(startup, 'the startup process is listed');
    assert.deepEqual(snapshot.sessions.find((s) => s.pid === reader.pid)?.blockedBy, [startup.pid]);
    const waiting = snapshot.waitingLocks.filter((l) => l.pid === reader.pid).map((l) => `${l.lockType} ${l.relation}`);
    assert.deepEqual(waiting, ['relation replay_target']);
    await holder.client.query('COMMIT');
  });
});
