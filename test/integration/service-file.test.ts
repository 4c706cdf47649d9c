import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import type { SnapshotDocument } from '../../src/store/snapshot-document.js';
import { runCli } from '../helpers/cli.js';

let sandbox: PostgresSandbox;
let dir: string;
let userFile: string;
let sysconfDir: string;

before(async () => {
  sandbox = await startPostgres();
  await sandbox.query('CREATE DATABASE svcdb');
  dir = mkdtempSync(join(tmpdir(), 'pgtop-svc-'));
  const service = (name: string, extra = ''): string =>
    `[${name}]\nhost=${sandbox.host}\nport=${sandbox.port}\nuser=${sandbox.superuser}\npassword=${sandbox.password}\ndbname=svcdb\n${extra}`;
  userFile = join(dir, 'user-services.conf');
  writeFileSync(userFile, `# the user's services\n${service('mine')}\n${service('shared', 'application_name=from-user\n')}\n${service('tls', 'sslmode=require\n')}`, { mode: 0o600 });
  sysconfDir = join(dir, 'sysconf');
  mkdirSync(sysconfDir);
  writeFileSync(join(sysconfDir, 'pg_service.conf'), `${service('system-only')}\n[shared]\nhost=192.0.2.1\n`);
});

after(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({ PGSERVICEFILE: userFile, PGSYSCONFDIR: sysconfDir });

async function snapshotVia(args: string[], extraEnv: Record<string, string> = {}): Promise<SnapshotDocument> {
  const result = await runCli(['snapshot', '--json', ...args], { env: { ...env(), ...extraEnv } });
  assert.equal(result.code, 0, `pgtop snapshot ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as SnapshotDocument;
}

describe('connecting through a connection service', () => {
  test('service= in a conninfo, a URI and PGSERVICE reach the server the service names', async () => {
    const expected = `${sandbox.host}:${sandbox.port}/svcdb`;
    assert.equal((await snapshotVia(['service=mine'])).target, expected);
    assert.equal((await snapshotVia(['postgresql:///?service=mine'])).target, expected);
    assert.equal((await snapshotVia([], { PGSERVICE: 'mine' })).target, expected);
  });

  test('a service only in the system file (PGSYSCONFDIR) is found; the user file wins for a service in both', async () => {
    assert.equal((await snapshotVia(['service=system-only'])).target, `${sandbox.host}:${sandbox.port}/svcdb`);
    // The system file's [shared] points at an unroutable address: the user's definition must be the one used.
    assert.equal((await snapshotVia(['service=shared'])).target, `${sandbox.host}:${sandbox.port}/svcdb`);
  });

  test('settings in the conninfo beat the service; flags too', async () => {
    assert.equal((await snapshotVia(['service=mine dbname=postgres'])).target, `${sandbox.host}:${sandbox.port}/postgres`);
    assert.equal((await snapshotVia(['-d', 'postgres', 'service=mine'])).target, `${sandbox.host}:${sandbox.port}/postgres`);
  });

  test("the service's settings beat the environment", async () => {
    const doc = await snapshotVia(['service=mine'], { PGHOST: '192.0.2.1', PGPORT: '1', PGDATABASE: 'nope' });
    assert.equal(doc.target, `${sandbox.host}:${sandbox.port}/svcdb`);
  });

  test("a service's sslmode is applied (require, against a server without TLS)", async () => {
    const result = await runCli(['snapshot', '--json', 'service=tls'], { env: env() });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /does not accept TLS connections but sslmode asks for one/);
  });

  test('a profile whose connection is a service connects there; the argument beats the profile', async () => {
    const configFile = join(dir, 'config.toml');
    writeFileSync(configFile, '[profiles.svc]\nconnection = "service=mine"\n');
    const extra = { PGTOP_CONFIG: configFile };
    assert.equal((await snapshotVia(['--profile', 'svc'], extra)).target, `${sandbox.host}:${sandbox.port}/svcdb`);
    assert.equal((await snapshotVia(['--profile', 'svc', 'dbname=postgres'], extra)).target, `${sandbox.host}:${sandbox.port}/postgres`);
  });

  test('a missing service is an error naming the files searched', async () => {
    const result = await runCli(['snapshot', 'service=absent'], { env: env() });
    assert.equal(result.code, 2);
    assert.equal(result.stderr, `pgtop: definition of service "absent" not found (searched "${userFile}" and "${join(sysconfDir, 'pg_service.conf')}")\n`);
  });

  test('migrate and backup connect through a service too', async () => {
    const migrations = join(dir, 'migrations');
    mkdirSync(migrations, { recursive: true });
    writeFileSync(join(migrations, '0001_create.sql'), 'CREATE TABLE via_service (id int);\n');
    const up = await runCli(['migrate', 'up', '--dir', migrations, 'service=mine'], { env: env() });
    assert.equal(up.code, 0, up.stderr);
    const table = await sandbox.query("SELECT to_regclass('public.via_service') IS NOT NULL AS present", [], 'svcdb');
    assert.equal(table.rows[0]?.present, true);

    const backups = join(dir, 'backups');
    mkdirSync(backups, { mode: 0o700 });
    const backup = await runCli(['backup', '--dir', backups, 'service=mine'], { env: env(), timeoutMs: 120_000 });
    assert.equal(backup.code, 0, backup.stderr);
    assert.ok(readdirSync(backups).some((name) => /^svcdb-.*\.dump$/.test(name)), readdirSync(backups).join(', '));
  });
});
