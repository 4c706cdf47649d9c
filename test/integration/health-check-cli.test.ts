import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPgBouncer, type PgBouncerSandbox } from '../../src/sandbox/pgbouncer.js';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { freePort } from '../../src/sandbox/ports.js';
import { runCli } from '../helpers/cli.js';
import { runCheck } from '../helpers/health.js';
import { freshDatabase, migrationsDir, tempDir, writeMigration } from '../helpers/migrate-harness.js';
import { waitUntil } from '../helpers/wait.js';

let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
});
after(async () => {
  await sandbox?.stop();
});

describe('pgtop check as a process: the monitoring-plugin exit codes', () => {
  it('0 OK, 1 WARNING, 2 CRITICAL with the first line summing up and one line per problem', async () => {
    const database = await freshDatabase(sandbox, 'chk');
    const env = sandbox.env(database);
    const args = ['check', '--only', 'schema', '--skip', 'migrations,backups'];
    let run = await runCli(args, { env });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^pgtop check OK: 0 critical, 0 warning, 0 unknown, 2 ok\n$/);
    await sandbox.query("CREATE SEQUENCE s AS smallint; SELECT setval('s', 27000)", [], database);
    run = await runCli(args, { env });
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, /^pgtop check WARNING: 0 critical, 1 warning, 0 unknown, 1 ok\nWARNING schema\.sequences: sequence public\.s has used 82\.\d% of its range \[warning ≥ 80%, critical ≥ 95%\]\n$/);
    await sandbox.query("SELECT setval('s', 32700)", [], database);
    run = await runCli(args, { env });
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stdout, /^pgtop check CRITICAL: 1 critical/);
  });

  it('3 UNKNOWN when the server cannot be reached, and for a bad option: one line on stdout, no stack trace', async () => {
    const port = await freePort();
    let run = await runCli(['check', '-h', '127.0.0.1', '-p', String(port), '-U', 'x', '-d', 'x']);
    assert.equal(run.code, 3);
    assert.match(run.stdout, /^pgtop check UNKNOWN: .*(refused|connect).*\n$/i);
    assert.equal(run.stderr, '');
    run = await runCli(['check', '--only', 'nonsense'], { env: sandbox.env() });
    assert.equal(run.code, 3);
    assert.match(run.stdout, /^pgtop check UNKNOWN: --only: unknown check "nonsense"; known: connections\.usage/);
    run = await runCli(['check', '--threshold', 'long_query_warning=soon'], { env: sandbox.env() });
    assert.equal(run.code, 3);
    assert.match(run.stdout, /threshold long_query_warning needs a duration such as 90s, 5min, 2h or 1d/);
  });
});

describe('pgtop check: migrations and backups directories', () => {
  it('pending and drifted migrations are warnings; all applied is OK', async () => {
    const database = await freshDatabase(sandbox, 'chkmig');
    const dir = migrationsDir({ '0001_one.sql': 'CREATE TABLE one (id int);\n', '0002_two.sql': 'CREATE TABLE two (id int);\n' });
    const args = ['--only', 'migrations', '--migrations-dir', dir];
    let run = await runCheck(sandbox, args, { database, withDirectories: true });
    assert.equal(run.byId('migrations.state').severity, 'warning', run.stdout);
    assert.match(run.byId('migrations.state').summary, /2 pending/);
    const applied = await runCli(['migrate', 'up', '-d', database, '--migrations-dir', dir], { env: sandbox.env(database) });
    assert.equal(applied.code, 0, applied.stderr);
    run = await runCheck(sandbox, args, { database, withDirectories: true });
    assert.equal(run.code, 0, run.stdout);
    writeMigration(dir, '0001_one.sql', 'CREATE TABLE one (id bigint);\n');
    run = await runCheck(sandbox, args, { database, withDirectories: true });
    assert.equal(run.byId('migrations.state').severity, 'warning');
    assert.match(run.byId('migrations.state').summary, /1 drifted/);
  });

  it('no verified dump is critical, a fresh one OK, an old one critical', async () => {
    const database = await freshDatabase(sandbox, 'chkbak');
    const dir = tempDir('pgtop-check-backups-');
    const args = ['--only', 'backups', '--backup-dir', dir];
    let run = await runCheck(sandbox, args, { database, withDirectories: true });
    assert.equal(run.byId('backups.age').severity, 'critical', run.stdout);
    assert.match(run.byId('backups.age').summary, /no verified dump of chkbak/);
    const backup = await runCli(['backup', '--dir', dir], { env: sandbox.env(database), timeoutMs: 120_000 });
    assert.equal(backup.code, 0, backup.stderr);
    run = await runCheck(sandbox, args, { database, withDirectories: true });
    assert.equal(run.code, 0, run.stdout);
    const manifestName = readdirSync(dir).find((name) => name.endsWith('.manifest.json'))!;
    const manifest = JSON.parse(readFileSync(join(dir, manifestName), 'utf8')) as { started_at: string };
    manifest.started_at = new Date(Date.now() - 3 * 86_400_000).toISOString();
    writeFileSync(join(dir, manifestName), JSON.stringify(manifest));
    run = await runCheck(sandbox, args, { database, withDirectories: true });
    assert.equal(run.byId('backups.age').severity, 'critical', run.stdout);
    assert.match(run.byId('backups.age').summary, /newest verified dump is 3d/);

    const dumpName = manifestName.replace(/\.manifest\.json$/, '');
    const dumpPath = join(dir, dumpName);
    writeFileSync(dumpPath, readFileSync(dumpPath).subarray(0, 200));
    const verify = await runCli(['backup', 'verify', dumpName, '--dir', dir], { env: sandbox.env(database), timeoutMs: 120_000 });
    assert.equal(verify.code, 1, verify.stdout + verify.stderr);
    run = await runCheck(sandbox, args, { database, withDirectories: true });
    assert.equal(run.byId('backups.verify').severity, 'critical', run.stdout);
    assert.match(run.byId('backups.verify').evidence.join('\n'), new RegExp(dumpName.replace(/\./g, '\\.')));
    assert.match(run.byId('backups.age').summary, /no verified dump/, 'a dump that failed verification is not a good backup');
  });

  it("a profile's thresholds apply, and --threshold beats them", async () => {
    const database = await freshDatabase(sandbox, 'chkprof');
    await sandbox.query("CREATE SEQUENCE s AS smallint; SELECT setval('s', 27000)", [], database);
    const configDir = tempDir('pgtop-check-config-');
    const config = join(configDir, 'config.toml');
    writeFileSync(config, '[profiles.calm]\n[profiles.calm.thresholds]\nsequence_warning = "90%"\n');
    const env = { ...sandbox.env(database), PGTOP_CONFIG: config };
    let run = await runCli(['check', '--profile', 'calm', '--only', 'schema.sequences'], { env });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    run = await runCli(['check', '--profile', 'calm', '--only', 'schema.sequences', '--threshold', 'sequence_warning=80%'], { env });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /\[warning ≥ 80%, critical ≥ 95%\]/);
  });
});

describe('pgtop check: PgBouncer', () => {
  let bouncer: PgBouncerSandbox;
  before(async () => {
    bouncer = await startPgBouncer({ postgres: sandbox, poolSize: 1, poolMode: 'transaction' });
  });
  after(async () => {
    await bouncer?.stop();
  });

  it('client connections near max_client_conn: a warning, critical past its own threshold, clear when they leave', async () => {
    const small = await startPgBouncer({ postgres: sandbox, extraIni: { max_client_conn: '10' } });
    const clients: pg.Client[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        const client = new pg.Client({ connectionString: small.uri('postgres') });
        client.on('error', () => undefined);
        await client.connect();
        clients.push(client);
      }
      const args = ['--only', 'pgbouncer.clients', '--pgbouncer', small.adminUri()];
      let run = await runCheck(sandbox, args);
      assert.equal(run.code, 1, run.stdout);
      assert.match(run.byId('pgbouncer.clients').summary, /^(8|9)\/10 client connections \((80|90)(\.0)?%\)$/);
      run = await runCheck(sandbox, [...args, '--threshold', 'client_conn_critical=80%']);
      assert.equal(run.code, 2, run.stdout);
      await Promise.all(clients.splice(0).map((c) => c.end()));
      await waitUntil(async () => (await runCheck(sandbox, args)).code === 0, { what: 'the clients to leave', timeoutMs: 20_000 });
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await small.stop();
    }
  });

  it('a saturated pool is a warning that clears when it drains; PgBouncer down is critical', async () => {
    const clients = await Promise.all([1, 2].map(async () => {
      const client = new pg.Client({ connectionString: bouncer.uri('postgres') });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    }));
    const sleeps = clients.map((client) => client.query('SELECT pg_sleep(30)').catch(() => undefined));
    const args = ['--only', 'pgbouncer', '--pgbouncer', bouncer.adminUri()];
    const run = await waitUntil(async () => {
      const r = await runCheck(sandbox, args);
      return r.byId('pgbouncer.pools').severity !== 'ok' ? r : undefined;
    }, { what: 'the pool to saturate', timeoutMs: 20_000 });
    assert.match(run.byId('pgbouncer.pools').evidence.join('\n'), /postgres\/postgres: 1 waiting, 1 of 1 servers active.*saturated/);
    assert.deepEqual(run.byId('pgbouncer.pools').target, { kind: 'pool', database: 'postgres', user: 'postgres' });
    const late = await waitUntil(async () => {
      const r = await runCheck(sandbox, [...args, '--threshold', 'pool_wait_critical=2s']);
      return r.byId('pgbouncer.pools').severity === 'critical' ? r : undefined;
    }, { what: 'the waiting client to pass pool_wait_critical', timeoutMs: 20_000 });
    assert.equal(late.code, 2);
    assert.match(late.byId('pgbouncer.pools').threshold, /^warning ≥ 1s, critical ≥ 2s of the longest client wait/);
    await sandbox.query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'");
    await Promise.all(sleeps);
    await waitUntil(async () => (await runCheck(sandbox, args)).code === 0, { what: 'the pool to drain', timeoutMs: 40_000 });
    await Promise.all(clients.map((c) => c.end()));
    await bouncer.stopServer();
    const down = await runCheck(sandbox, args);
    assert.equal(down.byId('pgbouncer.reachable').severity, 'critical');
    assert.equal(down.code, 2);
  });
});
