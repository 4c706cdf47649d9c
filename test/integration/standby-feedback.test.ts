import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { PRIMARY_SETTINGS, startStandby, waitForStreaming } from '../../src/sandbox/standby.js';
import type { HorizonHolder } from '../../src/sources/vacuum/types.js';
import { describeEachMajor } from '../helpers/majors.js';
import { openMonitor, type Monitor } from '../helpers/replication.js';
import { waitUntil } from '../helpers/wait.js';

const CONSUMED = 30;
const STANDBY = 'feedback_standby';

// A standby streaming without a slot: its hot_standby_feedback lands on its walsender
// (pg_stat_replication.backend_xmin), not on a slot's xmin.
describeEachMajor("a standby's hot_standby_feedback as an xmin horizon holder", (major) => describe('one step after another', { concurrency: false, timeout: 600_000 }, () => {
  let primary: PostgresSandbox;
  let standby: PostgresSandbox;
  let monitor: Monitor;
  let reader: pg.Client | undefined;
  before(async () => {
    primary = await startPostgres({ major, settings: PRIMARY_SETTINGS });
    standby = await startStandby(primary, { name: STANDBY, settings: { primary_slot_name: '' } });
    await waitForStreaming(primary, STANDBY);
    monitor = await openMonitor(primary);
  });
  after(async () => {
    await reader?.end().catch(() => undefined);
    await monitor?.end();
    await standby?.stop();
    await primary?.stop();
  });

  const feedback = async (): Promise<HorizonHolder | undefined> => (await monitor.vacuum()).horizon.find((h) => h.kind === 'standby' && h.id === STANDBY);

  it('a snapshot held on the standby holds the horizon on the primary, as the standby, released there', async () => {
    reader = await standby.connect();
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await reader.query('SELECT count(*) FROM pg_class');
    for (let i = 0; i < CONSUMED; i += 1) await primary.query('SELECT txid_current()');

    const held = await waitUntil(async () => {
      const holder = await feedback();
      return holder && holder.ageXids >= CONSUMED ? holder : undefined;
    }, { what: `the standby's feedback to hold the horizon ${CONSUMED} transactions back`, timeoutMs: 30_000 });
    assert.equal(held.release, 'standby');
    assert.match(held.description, new RegExp(`hot_standby_feedback of standby ${STANDBY} @127\\.0\\.0\\.1`));
    const walsender = await primary.query<{ backend_xmin: string }>('SELECT backend_xmin::text FROM pg_stat_replication WHERE application_name = $1', [STANDBY]);
    assert.equal(held.xid, walsender.rows[0]?.backend_xmin);
    assert.equal((await monitor.vacuum()).horizon.some((h) => h.kind === 'slot' && h.id === STANDBY), false, 'no slot carries the feedback');

    await reader.query('COMMIT');
    await waitUntil(async () => {
      const holder = await feedback();
      return holder === undefined || holder.ageXids < CONSUMED;
    }, { what: 'the horizon to move on once the standby lets go of its snapshot', timeoutMs: 30_000 });
  });
}));
