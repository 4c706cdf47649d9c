import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { alembicProject } from '../helpers/alembic-project.js';
import { afterKeys, footer } from '../helpers/e2e-views-screen.js';
import { startPgtop, type PgtopTerminal } from '../helpers/tmux.js';

let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
  for (const database of ['shop', 'blocked', 'watched']) await sandbox.query(`CREATE DATABASE ${database}`);
});

after(async () => {
  await sandbox?.stop();
});

const CREATE_ACCOUNTS = { id: 'a1', down: null, message: 'create accounts', upgrade: ['op.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL DEFAULT 0)")'] };
const ADD_NOTE = { id: 'b2', down: 'a1', message: 'add note', upgrade: ['op.execute("ALTER TABLE accounts ADD COLUMN note text")'] };
const REVISIONS = [CREATE_ACCOUNTS, ADD_NOTE];

function startMonitor(database: string, dir: string, extra: string[] = []): PgtopTerminal {
  return startPgtop(['--interval', '1', ...(extra.includes('--migrations-dir') ? [] : ['--alembic', dir]), ...extra, sandbox.uri(database)], { columns: 160, rows: 40 });
}

async function openMigrationsView(terminal: PgtopTerminal): Promise<string> {
  await terminal.waitFor(/pgtop\s+pg \d/, { what: 'the first frame', timeoutMs: 30_000 });
  terminal.sendKeys('4');
  return terminal.waitFor(/Alembic .* pending/, { what: "the Alembic project's status in the Migrations view", timeoutMs: 30_000 });
}

async function versions(database: string): Promise<string[]> {
  const present = await sandbox.query<{ present: boolean }>("SELECT to_regclass('public.alembic_version') IS NOT NULL AS present", [], database);
  if (present.rows[0]?.present !== true) return [];
  return (await sandbox.query<{ version_num: string }>('SELECT version_num FROM alembic_version ORDER BY 1', [], database)).rows.map((row) => row.version_num);
}

const alembicAudit = (terminal: PgtopTerminal): Record<string, unknown>[] => terminal.auditEntries().filter((entry) => entry.action === 'migrate-alembic-up');

describe('the Migrations view with an Alembic project', () => {
  test('d shows the offline SQL and changes nothing; a upgrades after the database name is typed, audited', { timeout: 120_000 }, async () => {
    const dir = alembicProject(REVISIONS);
    const terminal = startMonitor('shop', dir);
    try {
      const status = await openMigrationsView(terminal);
      assert.match(status, /at <base> \(no version table\), heads b2, 2 pending/);
      assert.match(status, /a1\s+create accounts/);
      assert.match(status, /b2 \(head\)\s+add note/);
      assert.match(footer(status), /\ba apply\b/);
      assert.match(footer(status), /\bd dry run\b/);

      terminal.sendKeys('d');
      const sql = await terminal.waitFor(/nothing was changed/, { what: 'the dry run to end', timeoutMs: 60_000 });
      assert.match(sql, /CREATE TABLE accounts/, 'the offline SQL is shown');
      assert.match(sql, /ALTER TABLE accounts ADD COLUMN note text/);
      assert.deepEqual(await versions('shop'), [], 'the dry run changed nothing');

      terminal.sendKeys('a');
      const dialog = await terminal.waitFor('Run 2 Alembic revisions?', { what: 'the upgrade dialog' });
      assert.match(dialog, /alembic upgrade head in .* from <base>/);
      assert.match(dialog, /lock_timeout 2s/);
      terminal.type('nope');
      terminal.sendKeys('Enter');
      await terminal.waitFor((screen) => /"nope" is not the database name/.test(footer(screen)), { what: 'the wrong name refused' });
      assert.deepEqual(await versions('shop'), [], 'a wrong name runs nothing');

      terminal.sendKeys('a');
      await terminal.waitFor('Run 2 Alembic revisions?', { what: 'the upgrade dialog again' });
      terminal.type('shop');
      await terminal.waitFor('> shop█', { what: 'the name typed' });
      terminal.sendKeys('Enter');
      const done = await terminal.waitFor(/✓ upgraded .* from <base> to b2/, { what: 'the upgrade to end', timeoutMs: 60_000 });
      assert.match(done, /\$ alembic upgrade head/, "the child's command is shown");
      assert.match(done, /Running upgrade a1 -> b2/, "the child's output is shown");
      await terminal.waitFor(/at b2, heads b2, 0 pending/, { what: 'the status read again' });
      assert.deepEqual(await versions('shop'), ['b2']);
      const audited = alembicAudit(terminal);
      assert.deepEqual(audited.map((entry) => entry.result), ['ok'], JSON.stringify(terminal.auditEntries()));
      assert.match(String(audited[0]?.message), /upgraded <base> -> b2/);
    } finally {
      terminal.kill();
    }
  });

  test('a session holding the table is shown as the blocker while the child waits, and x cancels the run', { timeout: 120_000 }, async () => {
    // The revision turns lock_timeout off for itself, so that it waits until x however slow the machine is.
    const dir = alembicProject([CREATE_ACCOUNTS, { ...ADD_NOTE, upgrade: ['op.execute("SET LOCAL lock_timeout = 0")', ...ADD_NOTE.upgrade] }]);
    const blocker = new pg.Client({ connectionString: sandbox.uri('blocked'), application_name: 'test-blocker' });
    blocker.on('error', () => undefined);
    await blocker.connect();
    const terminal = startMonitor('blocked', dir);
    try {
      await blocker.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL DEFAULT 0)');
      await blocker.query("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('a1')");
      await openMigrationsView(terminal);
      await terminal.waitFor(/at a1, heads b2, 1 pending/, { what: 'b2 pending' });
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE accounts IN ACCESS SHARE MODE');
      const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;

      terminal.sendKeys('a');
      await terminal.waitFor('Run 1 Alembic revision?', { what: 'the upgrade dialog' });
      terminal.type('blocked');
      terminal.sendKeys('Enter');
      const blocked = await terminal.waitFor(new RegExp(`blocked by pid ${blockerPid}\\b`), { what: 'the blocker shown while the child waits', timeoutMs: 30_000 });
      assert.match(blocked, /test-blocker/);
      assert.match(blocked, /alembic upgrade running \(attempt 1 of 4/);

      terminal.sendKeys('x');
      await terminal.waitFor(/✗ cancelled; the database is at a1/, { what: 'the run cancelled', timeoutMs: 30_000 });
      assert.deepEqual(await versions('blocked'), ['a1']);
      assert.deepEqual(alembicAudit(terminal).map((entry) => entry.result), ['cancelled'], JSON.stringify(terminal.auditEntries()));
      const children = await sandbox.query<{ count: string }>("SELECT count(*) AS count FROM pg_stat_activity WHERE application_name LIKE 'pgtop-migrate-alembic-%'");
      assert.equal(Number(children.rows[0]?.count), 0, "the child's session is gone");
    } finally {
      terminal.kill();
      await blocker.end().catch(() => undefined);
    }
  });

  test('found from --migrations-dir (alembic.ini above it); --read-only: a and x are not offered and do nothing; d still shows the SQL', { timeout: 90_000 }, async () => {
    const dir = alembicProject(REVISIONS);
    const terminal = startMonitor('watched', dir, ['--read-only', '--migrations-dir', join(dir, 'migrations', 'versions')]);
    try {
      const status = await openMigrationsView(terminal);
      assert.doesNotMatch(footer(status), /apply|cancel/, footer(status));
      const help = await afterKeys(terminal, ['a', 'x'], 'a and x');
      assert.doesNotMatch(help, /Run \d Alembic revisions?\?/);
      assert.doesNotMatch(help, /\bapply\b|cancel the running migration/, help);
      assert.match(help, /offline mode/);
      terminal.sendKeys('d');
      await terminal.waitFor(/CREATE TABLE accounts/, { what: 'the offline SQL', timeoutMs: 60_000 });
      assert.deepEqual(await versions('watched'), []);
      assert.deepEqual(alembicAudit(terminal), []);
    } finally {
      terminal.kill();
    }
  });
});
