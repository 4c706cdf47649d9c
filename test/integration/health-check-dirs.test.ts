import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyAlembic } from '../../src/migrate/alembic/apply.js';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { alembicProject } from '../helpers/alembic-project.js';
import { runCli } from '../helpers/cli.js';
import { runCheck } from '../helpers/health.js';
import { auditEnv, freshDatabase, migrationsDir, settingsFor, tempDir } from '../helpers/migrate-harness.js';

let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
});
after(async () => {
  await sandbox?.stop();
});

interface JsonReport {
  status: string;
  exit_code: number;
  thresholds: Record<string, string>;
  findings: { id: string; severity: string; summary: string; evidence: string[]; why: string; action: string; threshold: string }[];
}

const linear = [
  { id: 'a1', down: null, message: 'create users', upgrade: ['op.execute("CREATE TABLE users (id int PRIMARY KEY)")'] },
  { id: 'b2', down: 'a1', message: 'add email', upgrade: ['op.execute("ALTER TABLE users ADD COLUMN email text")'] },
];

describe('pgtop check: an Alembic project', () => {
  it('pending revisions are a warning, the head is OK, an inconsistent alembic_version is critical, a revision no script declares a warning', async () => {
    const database = await freshDatabase(sandbox, 'chkalem');
    const dir = alembicProject(linear);
    const env = sandbox.env(database);
    const check = async (args: string[]): Promise<{ code: number | null; report: JsonReport }> => {
      const run = await runCli(['check', '--json', '--only', 'migrations.state', ...args], { env });
      return { code: run.code, report: JSON.parse(run.stdout) as JsonReport };
    };
    let run = await check(['--alembic', dir]);
    assert.equal(run.code, 1);
    assert.equal(run.report.exit_code, 1);
    assert.equal(run.report.findings[0]?.summary, 'Alembic at no revision: 2 pending');
    assert.deepEqual(run.report.findings[0]?.evidence, ['pending: a1 create users', 'pending: b2 add email']);

    const up = await applyAlembic({ settings: settingsFor(sandbox, database), alembic: dir, upgradeTo: 'heads', auditEnv: auditEnv() });
    assert.equal(up.outcome, 'done');
    run = await check(['--migrations-dir', join(dir, 'migrations')]);
    assert.equal(run.code, 0, 'an alembic.ini above the migrations directory makes it an Alembic project');
    assert.equal(run.report.findings[0]?.summary, 'Alembic: the database is at b2, the head');

    await sandbox.query("INSERT INTO alembic_version VALUES ('a1')", [], database);
    run = await check(['--alembic', dir]);
    assert.equal(run.code, 2);
    assert.match(run.report.findings[0]?.evidence.join('\n') ?? '', /alembic_version holds a1 together with a revision that follows it/);

    await sandbox.query("DELETE FROM alembic_version; INSERT INTO alembic_version VALUES ('zz9')", [], database);
    run = await check(['--alembic', dir]);
    assert.equal(run.code, 1);
    assert.match(run.report.findings[0]?.summary ?? '', /^Alembic at zz9: unknown-revision$/);
  });
});

describe('pgtop check: pgtop migrations and backups', () => {
  it('a dirty migration (a failed CREATE INDEX CONCURRENTLY) is critical beside its INVALID index; repaired and applied, both clear', async () => {
    const database = await freshDatabase(sandbox, 'chkdirty');
    const dir = migrationsDir({
      '0001_table.sql': 'CREATE TABLE t (a int);\nINSERT INTO t VALUES (1), (1);\n',
      '0002_unique.sql': '-- pgtop:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY t_a_key ON t (a);\n',
    });
    const failed = await runCli(['migrate', 'up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    const args = ['--only', 'migrations,schema.invalid_indexes', '--migrations-dir', dir];
    let run = await runCheck(sandbox, args, { database, withDirectories: true });
    assert.equal(run.code, 2, run.stdout);
    assert.equal(run.byId('migrations.state').summary, 'migrations: 1 dirty');
    assert.deepEqual(run.byId('migrations.state').evidence, ['0002_unique.sql: dirty']);
    assert.deepEqual(run.byId('schema.invalid_indexes').evidence, ['public.t_a_key on t']);

    await sandbox.query('DROP INDEX CONCURRENTLY IF EXISTS t_a_key', [], database);
    await sandbox.query('DELETE FROM pgtop.schema_migrations WHERE version = 2; DELETE FROM t', [], database);
    const applied = await runCli(['migrate', 'up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    run = await runCheck(sandbox, args, { database, withDirectories: true });
    assert.equal(run.code, 0, run.stdout);
  });

  it("a dump older than the warning age is a WARNING line with its threshold; the profile's directories are checked without flags", async () => {
    const database = await freshDatabase(sandbox, 'chkage');
    const backups = tempDir('pgtop-check-age-');
    const backup = await runCli(['backup', '--dir', backups], { env: sandbox.env(database), timeoutMs: 120_000 });
    assert.equal(backup.code, 0, backup.stderr);
    const manifestName = readdirSync(backups).find((name) => name.endsWith('.manifest.json'))!;
    const manifest = JSON.parse(readFileSync(join(backups, manifestName), 'utf8')) as { started_at: string };
    manifest.started_at = new Date(Date.now() - 30 * 3_600_000).toISOString();
    writeFileSync(join(backups, manifestName), JSON.stringify(manifest));
    const migrations = migrationsDir({ '0001_one.sql': 'CREATE TABLE one (id int);\n' });
    const config = join(tempDir('pgtop-check-profile-'), 'config.toml');
    writeFileSync(config, `[profiles.ops]\nmigrations_dir = "${migrations}"\nbackup_dir = "${backups}"\n`);
    const run = await runCli(['check', '--profile', 'ops', '--only', 'backups,migrations'], { env: { ...sandbox.env(database), PGTOP_CONFIG: config } });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'pgtop check WARNING: 0 critical, 2 warning, 0 unknown, 2 ok');
    assert.match(lines[1] ?? '', /^WARNING migrations\.state: migrations: 1 pending \[critical when dirty; warning when drifted, missing, out of order or pending\]$/);
    assert.match(lines[2] ?? '', /^WARNING backups\.age: newest verified dump is 1d ?0?6h old \(.*\) \[warning ≥ 26h, critical ≥ 50h since the newest verified dump; critical when there is none\]$/);
    assert.equal(lines.length, 3, 'one line per problem, none for what is OK');
  });

  it('nothing in check writes: in a database whose sessions are read-only, every check still runs (none UNKNOWN)', async () => {
    const database = await freshDatabase(sandbox, 'chkro');
    const dir = migrationsDir({ '0001_one.sql': 'CREATE TABLE one (id int);\n' });
    const applied = await runCli(['migrate', 'up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    const backups = tempDir('pgtop-check-ro-');
    const backup = await runCli(['backup', '--dir', backups], { env: sandbox.env(database), timeoutMs: 120_000 });
    assert.equal(backup.code, 0, backup.stderr);
    await sandbox.query(`ALTER DATABASE ${database} SET default_transaction_read_only = on`);
    const run = await runCheck(sandbox, ['--migrations-dir', dir, '--backup-dir', backups], { database, withDirectories: true });
    assert.deepEqual(run.findings.filter((f) => f.severity === 'unknown').map((f) => `${f.id}: ${f.summary}`), []);
    assert.equal(run.findings.length, 19, run.stdout);
  });
});
