import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { runCli } from '../helpers/cli.js';
import { afterKeys, footer } from '../helpers/e2e-views-screen.js';
import { startPgtop, type PgtopTerminal } from '../helpers/tmux.js';

const MIGRATIONS: Record<string, string> = {
  '0001_create_items.sql': 'CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL);\n',
  '0002_add_price.sql': 'ALTER TABLE items ADD COLUMN price numeric(10,2);\n',
  '0003_index_items_name.sql': '-- pgtop:no-transaction\nCREATE INDEX CONCURRENTLY items_name_idx ON items (name);\n',
};
const FILES = Object.keys(MIGRATIONS);

let sandbox: PostgresSandbox;
const dirs: string[] = [];

before(async () => {
  sandbox = await startPostgres();
  for (const database of ['shop', 'drift', 'watched']) await sandbox.query(`CREATE DATABASE ${database}`);
});

after(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await sandbox?.stop();
});

/** A new migrations directory holding the test's files. */
function migrationsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgtop-e2e-migrations-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(MIGRATIONS)) writeFileSync(join(dir, name), text);
  return dir;
}

function startMonitor(database: string, dir: string, extra: string[] = []): PgtopTerminal {
  return startPgtop(['--interval', '1', '--migrations-dir', dir, ...extra, sandbox.uri(database)], { columns: 160, rows: 40 });
}

/** The state shown for `version` (e.g. `0001`) in the Migrations view, or undefined when it is not listed. */
function stateOf(screen: string, version: string): string | undefined {
  const row = screen.split('\n').find((line) => new RegExp(`^\\s*${version}\\s`).test(line));
  return row === undefined ? undefined : /^\s*\d+\s+(\S+)/.exec(row)?.[1];
}

function states(screen: string, versions: string[]): string[] {
  return versions.map((v) => stateOf(screen, v) ?? '-');
}

async function openMigrationsView(terminal: PgtopTerminal): Promise<void> {
  await terminal.waitFor(/pgtop\s+pg \d/, { what: 'the first frame', timeoutMs: 30_000 });
  terminal.sendKeys('4');
  await terminal.waitFor('[4 Migrations]', { what: 'the Migrations view' });
}

async function trackingRows(database: string): Promise<{ version: string; name: string; status: string }[] | null> {
  const present = await sandbox.query<{ present: boolean }>("SELECT to_regclass('pgtop.schema_migrations') IS NOT NULL AS present", [], database);
  if (present.rows[0]?.present !== true) return null;
  const rows = await sandbox.query<{ version: string; name: string; status: string }>(
    'SELECT version::text AS version, name, status FROM pgtop.schema_migrations ORDER BY version',
    [],
    database,
  );
  return rows.rows;
}

async function relationExists(database: string, name: string): Promise<boolean> {
  const result = await sandbox.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [name], database);
  return result.rows[0]?.present === true;
}

describe('the Migrations view', () => {
  test('pending files, a plan confirmed by the database name: a wrong name applies nothing, the right one applies all', { timeout: 90_000 }, async () => {
    const dir = migrationsDir();
    const terminal = startMonitor('shop', dir);
    try {
      await openMigrationsView(terminal);
      const pending = await terminal.waitFor((screen) => states(screen, ['0001', '0002', '0003']).every((s) => s === 'pending'), {
        what: 'the three files listed as pending',
      });
      for (const file of FILES) assert.ok(pending.includes(file), `${file} is listed`);
      assert.match(pending, /3 pending/, 'the summary line counts them');
      assert.match(footer(pending), /\ba apply\b/, 'the footer offers apply');

      terminal.sendKeys('a');
      const plan = await terminal.waitFor('Apply 3 migrations?', { what: 'the apply dialog with the plan' });
      for (const file of FILES) assert.match(plan, new RegExp(`│ ${file}\\s+(in a transaction|no transaction)`), `the plan lists ${file}`);
      assert.match(plan, /0003_index_items_name\.sql\s+no transaction/, 'the CONCURRENTLY file runs outside a transaction');
      assert.match(plan, /Type the database name/);

      terminal.type('postgres');
      await terminal.waitFor('> postgres█', { what: 'the wrong name typed' });
      terminal.sendKeys('Enter');
      const refused = await terminal.waitFor((screen) => /is not the database name/.test(footer(screen)), { what: 'the footer to refuse the wrong name' });
      assert.match(footer(refused), /"postgres" is not the database name.*nothing was applied/, footer(refused));
      assert.doesNotMatch(refused, /Apply 3 migrations\?/, 'the dialog is closed');
      assert.deepEqual(states(refused, ['0001', '0002', '0003']), ['pending', 'pending', 'pending']);
      const untracked = await trackingRows('shop');
      assert.ok(untracked === null || untracked.length === 0, `nothing recorded: ${JSON.stringify(untracked)}`);
      assert.equal(await relationExists('shop', 'public.items'), false, 'no table was created');
      assert.deepEqual(terminal.auditEntries(), [], 'nothing audited');

      terminal.sendKeys('a');
      await terminal.waitFor('Apply 3 migrations?', { what: 'the apply dialog again' });
      terminal.type('shop');
      await terminal.waitFor('> shop█', { what: 'the right name typed' });
      terminal.sendKeys('Enter');
      const applied = await terminal.waitFor((screen) => states(screen, ['0001', '0002', '0003']).every((s) => s === 'applied'), {
        what: 'the three files shown applied',
        timeoutMs: 30_000,
      });
      const done = await terminal.waitFor((screen) => /✓ applied 3 migration\(s\)/.test(footer(screen)), { what: 'the footer to confirm' });
      assert.match(footer(done), /shop/, 'the footer names the database');
      assert.match(applied, /3 applied/, 'the summary line counts them');

      const columns = await sandbox.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'items' ORDER BY ordinal_position",
        [],
        'shop',
      );
      assert.deepEqual(columns.rows.map((r) => r.column_name), ['id', 'name', 'price']);
      const index = await sandbox.query<{ valid: boolean }>("SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'items_name_idx'::regclass", [], 'shop');
      assert.equal(index.rows[0]?.valid, true, 'the concurrent index exists and is valid');
      const tracked = (await trackingRows('shop')) ?? [];
      assert.deepEqual(
        tracked.map((r) => [r.version, r.status]),
        [
          ['1', 'applied'],
          ['2', 'applied'],
          ['3', 'applied'],
        ],
      );
      for (const [i, slug] of ['create_items', 'add_price', 'index_items_name'].entries()) assert.match(tracked[i]?.name ?? '', new RegExp(slug));

      const audited = terminal.auditEntries().filter((e) => typeof e.file === 'string' && FILES.includes(String(e.file)));
      assert.deepEqual(
        audited.map((e) => [e.file, e.result]),
        FILES.map((file) => [file, 'ok']),
        `one audit line per applied file: ${JSON.stringify(terminal.auditEntries())}`,
      );
    } finally {
      terminal.kill();
    }
  });

  test('a file changed after it was applied shows drifted, and a refuses with the reason (no dialog)', { timeout: 90_000 }, async () => {
    const dir = migrationsDir();
    const setup = await runCli(['migrate', 'up', '--dir', dir, sandbox.uri('drift')]);
    assert.equal(setup.code, 0, `migrate up for the setup: ${setup.stderr}`);
    const terminal = startMonitor('drift', dir);
    try {
      await openMigrationsView(terminal);
      await terminal.waitFor((screen) => states(screen, ['0001', '0002', '0003']).every((s) => s === 'applied'), { what: 'the three files applied' });

      appendFileSync(join(dir, '0002_add_price.sql'), 'ALTER TABLE items ALTER COLUMN price SET DEFAULT 0;\n');
      writeFileSync(join(dir, '0004_add_sku.sql'), 'ALTER TABLE items ADD COLUMN sku text;\n');
      terminal.sendKeys('1');
      await terminal.waitFor('[1 Sessions]', { what: 'the Sessions view' });
      terminal.sendKeys('4');
      const drifted = await terminal.waitFor((screen) => stateOf(screen, '0002') === 'drifted' && stateOf(screen, '0004') === 'pending', {
        what: '0002 drifted and the new 0004 pending',
      });
      assert.deepEqual(states(drifted, ['0001', '0003']), ['applied', 'applied']);

      terminal.sendKeys('a');
      const refused = await terminal.waitFor((screen) => /cannot apply/.test(footer(screen)), { what: 'the footer to refuse' });
      assert.match(footer(refused), /0002_add_price\.sql was changed after it was applied/, footer(refused));
      assert.doesNotMatch(refused, /Apply \d+ migrations?\?/, 'no dialog');
      assert.equal(await relationExists('drift', 'public.items'), true);
      const sku = await sandbox.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'sku'", [], 'drift');
      assert.equal(sku.rowCount, 0, '0004 did not run');
      assert.equal((await trackingRows('drift'))?.length, 3, 'nothing new recorded');
      assert.deepEqual(terminal.auditEntries(), [], 'nothing audited');
    } finally {
      terminal.kill();
    }
  });

  test('--read-only: a does nothing and the footer offers no apply', { timeout: 60_000 }, async () => {
    const dir = migrationsDir();
    const terminal = startMonitor('watched', dir, ['--read-only']);
    try {
      await openMigrationsView(terminal);
      const listed = await terminal.waitFor((screen) => states(screen, ['0001', '0002', '0003']).every((s) => s === 'pending'), {
        what: 'the three files listed as pending',
      });
      assert.match(footer(listed), /read-only/);
      assert.doesNotMatch(footer(listed), /apply/, `the footer offers no apply:\n${footer(listed)}`);

      const help = await afterKeys(terminal, ['a'], 'a');
      assert.doesNotMatch(help, /Apply \d+ migrations?\?/, 'no dialog was opened');
      assert.match(help, /Keys — Migrations \(read-only\)/);
      assert.doesNotMatch(help, /\bapply\b/, `the help offers no apply:\n${help}`);
      assert.equal(await trackingRows('watched'), null, 'nothing was applied');
      assert.equal(await relationExists('watched', 'public.items'), false);
    } finally {
      terminal.kill();
    }
  });
});
