import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { PRIMARY_SETTINGS } from '../../src/sandbox/standby.js';
import { afterKeys, footer } from '../helpers/e2e-views-screen.js';
import { generateWal } from '../helpers/replication.js';
import { startPgtop, type PgtopTerminal } from '../helpers/tmux.js';
import { waitUntil } from '../helpers/wait.js';

const TEST_TIMEOUT = 120_000;
// Low enough that the slot's retained WAL (a whole segment after a switch) crosses it.
const THRESHOLD = ['--threshold', 'slot_retained_warning=1MB'];

let server: PostgresSandbox;
const clients: pg.Client[] = [];

async function slotNames(): Promise<string[]> {
  return (await server.query<{ slot_name: string }>('SELECT slot_name FROM pg_replication_slots ORDER BY 1')).rows.map((r) => r.slot_name);
}

async function preparedGids(): Promise<string[]> {
  return (await server.query<{ gid: string }>('SELECT gid FROM pg_prepared_xacts ORDER BY 1')).rows.map((r) => r.gid);
}

async function prepare(gid: string): Promise<void> {
  const client = await server.connect();
  clients.push(client);
  await client.query('BEGIN');
  await client.query('CREATE TABLE IF NOT EXISTS prepared_here (id int)');
  await client.query(`PREPARE TRANSACTION '${gid}'`);
}

/** A session that holds a snapshot open (idle in transaction, REPEATABLE READ): a horizon holder. */
async function snapshotHolder(): Promise<number> {
  const client = await server.connect();
  clients.push(client);
  client.on('error', () => undefined);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  await client.query('SELECT count(*) FROM pg_class');
  return (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
}

function monitor(extra: string[] = []): PgtopTerminal {
  return startPgtop(['--interval', '1', ...THRESHOLD, ...extra, server.uri()], { columns: 140, rows: 40 });
}

before(async () => {
  server = await startPostgres({ settings: PRIMARY_SETTINGS });
});

after(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await server?.stop();
});

describe('view 7: dropping a slot', () => {
  test('the header warns of the slot retaining WAL past --threshold; D refuses a wrong name and drops with the name typed', { timeout: TEST_TIMEOUT }, async () => {
    await server.query("SELECT pg_create_physical_replication_slot('doomed_slot', true)");
    await generateWal(server);
    const terminal = monitor();
    try {
      const warned = await terminal.waitForFrame(/⚠ .*slot doomed_slot retains \d/, { what: 'the header warning about the slot', timeoutMs: 30_000 });
      assert.doesNotMatch(warned, /\[7 Replication\]/, 'the warning shows from the first view on');

      terminal.sendKeys('7');
      const listed = await terminal.waitForFrame((s) => /\[7 Replication\]/.test(s) && /doomed_slot +physical +inactive/.test(s), { what: 'the inactive slot in view 7' });
      assert.match(footer(listed), /D drop slot/, footer(listed));

      terminal.sendKeys('D');
      const dialog = await terminal.waitFor('Drop replication slot doomed_slot?', { what: 'the drop dialog' });
      assert.match(dialog, /inactive physical slot doomed_slot on .*retaining \d/);
      assert.match(dialog, /Type the slot name \(doomed_slot\) and Enter/);
      terminal.type('doomed');
      await terminal.waitFor('> doomed█', { what: 'the wrong name typed' });
      terminal.sendKeys('Enter');
      const refused = await terminal.waitFor((s) => /not dropped/.test(footer(s)), { what: 'the footer to refuse the wrong name' });
      assert.match(footer(refused), /not dropped: type the slot name "doomed_slot" exactly/, footer(refused));
      assert.doesNotMatch(refused, /Drop replication slot/, 'the dialog is closed');
      assert.deepEqual(await slotNames(), ['doomed_slot']);
      assert.deepEqual(terminal.auditEntries(), [], 'a refused name is not audited: nothing was tried');

      terminal.sendKeys('D');
      await terminal.waitFor('Drop replication slot doomed_slot?', { what: 'the drop dialog again' });
      terminal.type('doomed_slot');
      await terminal.waitFor('> doomed_slot█', { what: 'the name typed' });
      terminal.sendKeys('Enter');
      const dropped = await terminal.waitFor((s) => /dropped slot doomed_slot/.test(footer(s)), { what: 'the footer to confirm the drop', timeoutMs: 20_000 });
      assert.match(footer(dropped), /✓ dropped slot doomed_slot/);
      assert.deepEqual(await slotNames(), []);
      const audited = terminal.auditEntries();
      assert.deepEqual(audited.map((e) => [e.action, e.slot, e.result]), [['drop-slot', 'doomed_slot', 'ok']]);
      await terminal.waitForFrame((s) => /no replication slot/.test(s) && !/⚠ .*doomed_slot/.test(s), { what: 'the slot and its warning gone' });
    } finally {
      terminal.kill();
    }
  });
});

describe('view 8: releasing horizon holders', () => {
  test('X rolls back the oldest holder, a prepared transaction, after y; then terminates a holding session after y', { timeout: TEST_TIMEOUT }, async () => {
    await prepare('forgotten_tx');
    for (let i = 0; i < 5; i += 1) await server.query('SELECT txid_current()');
    const pid = await snapshotHolder();
    const terminal = monitor();
    try {
      await terminal.waitForFrame(/1 Sessions/, { what: 'the monitor', timeoutMs: 30_000 });
      terminal.sendKeys('8');
      const listed = await terminal.waitForFrame((s) => /\[8 Vacuum\]/.test(s) && /prepared +forgotten_tx/.test(s) && new RegExp(`session +${pid} `).test(s), {
        what: 'the prepared transaction and the session as holders',
      });
      assert.match(footer(listed), /X release/, footer(listed));

      terminal.sendKeys('X');
      const dialog = await terminal.waitFor("ROLLBACK PREPARED 'forgotten_tx'?", { what: 'the rollback dialog' });
      assert.match(dialog, /prepared transaction forgotten_tx of \S+ in database postgres/);
      terminal.sendKeys('n');
      const declined = await terminal.waitFor((s) => /not confirmed/.test(footer(s)), { what: 'the footer to say nothing was done' });
      assert.match(footer(declined), /ROLLBACK PREPARED forgotten_tx not confirmed: nothing was rolled back/);
      assert.deepEqual(await preparedGids(), ['forgotten_tx']);

      terminal.sendKeys('X');
      await terminal.waitFor("ROLLBACK PREPARED 'forgotten_tx'?", { what: 'the rollback dialog again' });
      terminal.sendKeys('y');
      await terminal.waitFor((s) => /rolled back prepared transaction forgotten_tx/.test(footer(s)), { what: 'the footer to confirm the rollback', timeoutMs: 20_000 });
      assert.deepEqual(await preparedGids(), []);

      // The session is now the oldest holder, and so the one selected.
      await terminal.waitForFrame((s) => !/prepared +forgotten_tx/.test(s) && new RegExp(`xmin horizon.*\\n.*HOLDER.*\\n\\s*session +${pid} `).test(s), {
        what: 'the session first among the holders',
      });
      terminal.sendKeys('X');
      const terminate = await terminal.waitFor(`Terminate session ${pid}?`, { what: 'the terminate dialog of Sessions' });
      assert.match(terminate, new RegExp(`pid ${pid} +user \\S+ +db postgres +idle in transaction`));
      terminal.sendKeys('y');
      await terminal.waitFor((s) => new RegExp(`terminated ${pid}`).test(footer(s)), { what: 'the footer to confirm the terminate', timeoutMs: 20_000 });
      await waitUntil(async () => (await server.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rows.length === 0, { what: 'the session to end' });

      assert.deepEqual(
        terminal.auditEntries().map((e) => [e.action, e.result]),
        [['rollback-prepared', 'ok'], ['terminate', 'ok']],
      );
    } finally {
      terminal.kill();
    }
  });
});

describe('--read-only', () => {
  test('D and X open no dialog and say why; neither footer nor help offers them; nothing changes', { timeout: TEST_TIMEOUT }, async () => {
    await server.query("SELECT pg_create_physical_replication_slot('kept_slot', true)");
    await prepare('kept_tx');
    const terminal = monitor(['--read-only']);
    try {
      await terminal.waitForFrame(/1 Sessions/, { what: 'the monitor', timeoutMs: 30_000 });
      terminal.sendKeys('7');
      const listed = await terminal.waitForFrame((s) => /\[7 Replication\]/.test(s) && /kept_slot +physical +inactive/.test(s), { what: 'the slot in view 7' });
      assert.doesNotMatch(footer(listed), /drop/, footer(listed));
      terminal.sendKeys('D');
      const said = await terminal.waitFor((s) => /read-only/.test(footer(s)) && /D: /.test(footer(s)), { what: 'the footer to say D is off' });
      assert.match(footer(said), /D: pgtop is read-only .*keys that change the server are off/);
      const help = await afterKeys(terminal, [], 'the help');
      assert.match(help, /Keys — Replication \(read-only\)/);
      assert.doesNotMatch(help, /Drop replication slot|drop the selected/, help);

      terminal.sendKeys('8');
      await terminal.waitForFrame((s) => /\[8 Vacuum\]/.test(s) && /prepared +kept_tx/.test(s), { what: 'the prepared transaction in view 8' });
      terminal.sendKeys('X');
      const again = await terminal.waitFor((s) => /X: pgtop is read-only/.test(footer(s)), { what: 'the footer to say X is off' });
      assert.doesNotMatch(again, /ROLLBACK PREPARED '/, 'no dialog');
      assert.doesNotMatch(footer(again), /release/);

      assert.deepEqual(await slotNames(), ['kept_slot']);
      assert.deepEqual(await preparedGids(), ['kept_tx']);
      assert.deepEqual(terminal.auditEntries(), []);
    } finally {
      terminal.kill();
    }
  });
});
