import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPgBouncer, type PgBouncerSandbox } from '../../src/sandbox/pgbouncer.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { createPgBouncerSource } from '../../src/sources/pgbouncer.js';
import { waitUntil, withTimeout } from '../helpers/wait.js';

describe("PgBouncer's console stops answering", () => {
  let postgres: PostgresSandbox;
  let bouncer: PgBouncerSandbox;

  before(async () => {
    postgres = await startPostgres();
    bouncer = await startPgBouncer({ postgres, databases: ['postgres'] });
  });

  after(async () => {
    if (bouncer?.pid) process.kill(bouncer.pid, 'SIGCONT');
    await bouncer?.stop();
    await postgres?.stop();
  });

  test('a tick is abandoned at its deadline, the connection dropped and re-established once it answers', async () => {
    const source = createPgBouncerSource(bouncer.adminSettings(), { queryTimeoutMs: 1000, connectTimeoutMs: 1000, backoffInitialMs: 100, backoffMaxMs: 500 });
    const pid = bouncer.pid;
    assert.ok(pid);
    try {
      assert.equal((await source.tick()).status, 'ok');
      process.kill(pid, 'SIGSTOP');
      const stuck = await withTimeout(source.tick(), { what: 'the tick to give up on the stopped PgBouncer', timeoutMs: 10_000 });
      assert.equal(stuck.status, 'error');
      assert.equal(stuck.status === 'error' && stuck.error.kind, 'timeout');
      assert.match(stuck.status === 'error' ? stuck.error.message : '', /did not answer .*within 1000 ms; the connection was dropped/);
      const again = await withTimeout(source.tick(), { what: 'a tick while PgBouncer is still stopped', timeoutMs: 10_000 });
      assert.equal(again.status, 'error');
      process.kill(pid, 'SIGCONT');
      await waitUntil(async () => (await source.tick()).status === 'ok', { what: 'data once PgBouncer answers again', timeoutMs: 15_000 });
    } finally {
      process.kill(pid, 'SIGCONT');
      await source.close();
    }
  });
});
