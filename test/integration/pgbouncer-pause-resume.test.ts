import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createBouncerActions } from '../../src/actions/bouncer.js';
import { connectAdminConsole } from '../../src/db/admin-console.js';
import { isAlive } from '../../src/sandbox/cleanup.js';
import { startPgBouncer, type PgBouncerSandbox } from '../../src/sandbox/pgbouncer.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { parseDatabases } from '../../src/sources/pgbouncer-parse.js';
import { waitUntil } from '../helpers/wait.js';

async function poolClient(bouncer: PgBouncerSandbox, database: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: bouncer.uri(database) });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function pausedDatabases(bouncer: PgBouncerSandbox): Promise<string[]> {
  const adminConsole = await connectAdminConsole(bouncer.adminSettings());
  try {
    return parseDatabases(await adminConsole.show('DATABASES')).filter((row) => row.paused).map((row) => row.name);
  } finally {
    await adminConsole.close();
  }
}

/** PgBouncer's log from the line that contains `from` on. */
function logFrom(bouncer: PgBouncerSandbox, from: string): string[] {
  const lines = readFileSync(bouncer.logPath, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.includes(from));
  return start < 0 ? [] : lines.slice(start);
}

describe('PgBouncer: a RESUME never reaches a PAUSE that still waits', () => {
  let postgres: PostgresSandbox;
  let bouncer: PgBouncerSandbox;

  before(async () => {
    postgres = await startPostgres();
    await postgres.query('CREATE DATABASE db1');
    await postgres.query('CREATE DATABASE db2');
    bouncer = await startPgBouncer({ postgres, databases: ['db1', 'db2'], poolMode: 'transaction' });
  });

  after(async () => {
    await bouncer?.stop();
    await postgres?.stop();
  });

  test('db1 paused, PAUSE db2 waiting on a transaction, R on db2: the PAUSE is withdrawn before RESUME, the pooler lives', async () => {
    const actions = createBouncerActions(bouncer.adminSettings());
    const idle = await poolClient(bouncer, 'db1');
    const holder = await poolClient(bouncer, 'db2');
    try {
      await idle.query('select 1');
      assert.deepEqual(await actions.pause('db1'), { ok: true });
      await holder.query('begin');
      await holder.query('select 1');
      const pausing = actions.pause('db2');
      await waitUntil(() => actions.pendingPauses().includes('db2'), { what: 'the PAUSE of db2 to wait' });
      await waitUntil(() => logFrom(bouncer, "PAUSE 'db2' command issued").length > 0, { what: 'PgBouncer to log the PAUSE of db2' });

      assert.deepEqual(await actions.resume('db2'), { ok: true });
      const paused = await pausing;
      assert.equal(paused.ok, false, 'a PAUSE of a database that was resumed is not reported as done');
      assert.match(paused.ok ? '' : paused.message, /PAUSE db2 abandoned/);

      // The waiting console connection left PgBouncer before the RESUME arrived.
      const log = logFrom(bouncer, "PAUSE 'db2' command issued");
      const resumeAt = log.findIndex((line) => line.includes("RESUME 'db2' command issued"));
      const closeAt = log.findIndex((line) => /pgbouncer\/.*closing because: client (close request|unexpected eof)/.test(line));
      assert.ok(resumeAt > 0, `RESUME db2 logged:\n${log.join('\n')}`);
      assert.ok(closeAt >= 0 && closeAt < resumeAt, `the waiting PAUSE was closed before RESUME:\n${log.join('\n')}`);

      assert.ok(bouncer.pid !== undefined && isAlive(bouncer.pid), 'PgBouncer still runs');
      assert.deepEqual(await pausedDatabases(bouncer), ['db1']);
      await holder.query('commit');
      assert.deepEqual(await actions.resume('db1'), { ok: true });
      assert.deepEqual(await pausedDatabases(bouncer), []);
      assert.equal(readFileSync(bouncer.logPath, 'utf8').match(/FATAL|bad state/), null);
    } finally {
      await idle.end();
      await holder.end();
    }
  });
});
