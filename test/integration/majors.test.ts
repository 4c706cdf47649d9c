import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { describeEachMajor, testMajors } from '../helpers/majors.js';

describeEachMajor('sandbox on every supported major', (major) => {
  let sandbox: PostgresSandbox;
  before(async () => {
    sandbox = await startPostgres({ major, settings: { shared_preload_libraries: 'pg_stat_statements' } });
  });
  after(async () => {
    await sandbox?.stop();
  });

  it('runs the requested major, with pg_stat_statements available', async () => {
    assert.equal(sandbox.majorVersion, major);
    const { rows } = await sandbox.query<{ num: string }>("SELECT current_setting('server_version_num') AS num");
    assert.equal(Math.floor(Number(rows[0]?.num) / 10000), major);
    await sandbox.query('CREATE EXTENSION pg_stat_statements');
    const stats = await sandbox.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_statements');
    assert.ok(Number(stats.rows[0]?.n) >= 0);
  });
});

it('PGTOP_TEST_MAJORS picks majors and refuses unknown ones', () => {
  assert.deepEqual(testMajors({ PGTOP_TEST_MAJORS: '16, 18' }), [16, 18]);
  assert.deepEqual(testMajors({}), [14, 15, 16, 17, 18]);
  assert.throws(() => testMajors({ PGTOP_TEST_MAJORS: '13' }), /13 is not a supported major/);
});
