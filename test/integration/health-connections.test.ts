import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { defaultThresholds } from '../../src/config/health-thresholds.js';
import { HealthSource } from '../../src/health/source.js';
import { MIGRATE_APPLICATION_NAME } from '../../src/migrate/session.js';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { alembicProject } from '../helpers/alembic-project.js';
import { freshDatabase, migrationsDir, settingsFor } from '../helpers/migrate-harness.js';
import { waitUntil } from '../helpers/wait.js';

// Which connections the health checks open is decided in pgtop, not by the server: one PostgreSQL major is enough.
let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres({ settings: { log_connections: 'on' } });
});

after(async () => {
  await sandbox?.stop();
});

/** The sessions the server authorized so far with this application name, from its log (one line each). */
function sessionsLogged(application: string): number {
  const log = readFileSync(join(sandbox.dir, 'postgres.log'), 'utf8');
  return log.split('\n').filter((line) => line.includes('connection authorized:') && line.endsWith(`application_name=${application}`)).length;
}

/** Opens and closes a session named `probe`, and waits for its line: the lines of every session before it are in the log then. */
async function logSettled(probe: string): Promise<void> {
  const client = new pg.Client({ host: sandbox.host, port: sandbox.port, user: sandbox.superuser, password: sandbox.password, database: 'postgres', application_name: probe });
  await client.connect();
  await client.end();
  await waitUntil(async () => sessionsLogged(probe) === 1, { what: `the ${probe} session in the server log` });
}

describe('the monitor\'s health checks read the migrations on their own connection', () => {
  const cases = [
    { name: "pgtop's migrations", options: () => ({ migrationsDir: migrationsDir({ '0001_create_items.sql': 'CREATE TABLE items (id int);\n' }) }) },
    { name: 'an Alembic project', options: () => ({ alembic: join(alembicProject([{ id: 'a1', down: null, message: 'create items' }]), 'alembic.ini') }) },
  ];
  for (const [index, { name, options }] of cases.entries()) {
    it(`open no session of their own for ${name}, tick after tick`, async () => {
      const database = await freshDatabase(sandbox, 'healthconn');
      const source = new HealthSource({ settings: settingsFor(sandbox, database), thresholds: defaultThresholds(), ...options() });
      const before = sessionsLogged(MIGRATE_APPLICATION_NAME);
      try {
        for (let tick = 0; tick < 4; tick++) {
          const result = await source.tick({ activity: undefined });
          const state = result?.findings.find((f) => f.id === 'migrations.state');
          assert.ok(state, 'a migrations finding');
          assert.equal(state.severity, 'warning', `${state.summary}: one migration is pending`);
        }
      } finally {
        await source.close();
      }
      await logSettled(`health-probe-${index}`);
      assert.equal(sessionsLogged(MIGRATE_APPLICATION_NAME) - before, 0);
    });
  }
});
