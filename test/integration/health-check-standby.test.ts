import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { PRIMARY_SETTINGS, startStandby, waitForStreaming } from '../../src/sandbox/standby.js';
import { runCheck } from '../helpers/health.js';
import { describeEachMajor } from '../helpers/majors.js';
import { waitUntil } from '../helpers/wait.js';

describeEachMajor('pgtop check with a real standby, and for a role that cannot see everything', (major) => {
  let primary: PostgresSandbox;
  let standby: PostgresSandbox;
  const plain = { user: 'plain_monitor', password: 'plain-pw' };

  before(async () => {
    primary = await startPostgres({ major, settings: PRIMARY_SETTINGS });
    standby = await startStandby(primary);
    await waitForStreaming(primary);
  });
  after(async () => {
    await standby?.stop();
    await primary?.stop();
  });

  it('a standby whose replay is paused falls behind in WAL: a warning naming it, clear when replay resumes', async () => {
    const args = ['--only', 'replication.lag', '--threshold', 'replication_lag_bytes_warning=256kB'];
    let run = await runCheck(primary, args);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.byId('replication.lag').summary, '1 standby(s) keeping up');
    await standby.query('SELECT pg_wal_replay_pause()');
    await primary.query('CREATE TABLE lag_filler AS SELECT g, repeat(\'x\', 100) AS pad FROM generate_series(1, 20000) g');
    run = await waitUntil(async () => {
      const r = await runCheck(primary, args);
      return r.code === 1 ? r : undefined;
    }, { what: 'the standby to fall behind', timeoutMs: 30_000 });
    assert.match(run.byId('replication.lag').summary, /^standby standby1 is [\d.]+ [MK]i?B of WAL behind$/);
    assert.match(run.byId('replication.lag').threshold, /; or warning ≥ 256KiB, critical ≥ 10GiB of WAL not replayed$/);
    assert.deepEqual(run.byId('replication.lag').target, { kind: 'view', view: 'replication' });
    await standby.query('SELECT pg_wal_replay_resume()');
    await waitUntil(async () => (await runCheck(primary, args)).code === 0, { what: 'the standby to catch up', timeoutMs: 30_000 });
  });

  it("without pg_read_all_stats the standby's lag, the xmin horizon and unreadable sequences are UNKNOWN with the grant, then OK once granted", async () => {
    await primary.query(`CREATE ROLE ${plain.user} LOGIN PASSWORD '${plain.password}'`);
    await primary.query('CREATE SEQUENCE private_seq; SELECT nextval(\'private_seq\')');
    const args = ['--only', 'replication.lag,vacuum.xmin_horizon,schema.sequences'];
    let run = await runCheck(primary, args, plain);
    assert.equal(run.code, 3, run.stdout);
    assert.match(run.byId('replication.lag').summary, /cannot see the lag of 1 standby\(s\): grant pg_read_all_stats/);
    assert.match(run.byId('vacuum.xmin_horizon').evidence.join(' '), /hidden from plain_monitor: grant pg_read_all_stats/);
    assert.match(run.byId('schema.sequences').summary, /cannot check: 1 sequence\(s\) not readable by this role: grant it SELECT/);
    assert.deepEqual(run.byId('schema.sequences').evidence, ['public.private_seq']);
    await primary.query(`GRANT pg_read_all_stats TO ${plain.user}; GRANT SELECT ON private_seq TO ${plain.user}`);
    run = await runCheck(primary, args, plain);
    assert.equal(run.code, 0, run.stdout);
  });
});
