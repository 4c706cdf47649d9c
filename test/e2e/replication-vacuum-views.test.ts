import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { createLogicalSlot, PRIMARY_SETTINGS, startStandby, waitForStreaming } from '../../src/sandbox/standby.js';
import { footer } from '../helpers/e2e-views-screen.js';
import { startPgtop, type PgtopTerminal } from '../helpers/tmux.js';

let primary: PostgresSandbox;
let standby: PostgresSandbox;
let holder: pg.Client;
let pgtop: PgtopTerminal;

before(async () => {
  primary = await startPostgres({ settings: PRIMARY_SETTINGS });
  standby = await startStandby(primary, { name: 'replica_one' });
  await waitForStreaming(primary, 'replica_one');
  await createLogicalSlot(primary, 'idle_cdc');
  holder = await primary.connect();
  await holder.query('BEGIN');
  await holder.query("PREPARE TRANSACTION 'forgotten_tx'");
  pgtop = await startPgtop(['--interval', '1', primary.uri()], { columns: 140, rows: 40 });
});

after(async () => {
  pgtop?.kill();
  await holder?.end().catch(() => undefined);
  await standby?.stop();
  await primary?.stop();
});

test('7 shows the streaming standby and the slots; 8 shows the horizon holders and wraparound', async () => {
  await pgtop.waitForFrame(/1 Sessions/, { what: 'the monitor', timeoutMs: 30_000 });
  pgtop.sendKeys('7');
  const replication = await pgtop.waitForFrame((s) => /\[7 Replication\]/.test(s) && /replica_one +127\.0\.0\.1 +streaming/.test(s) && /idle_cdc +logical +inactive/.test(s), {
    what: 'view 7 with the standby and the logical slot',
    timeoutMs: 30_000,
  });
  assert.match(replication, /Primary at \d+\/[0-9A-F]+ +WAL/);
  assert.match(replication, /replica_one +physical +replica_one @127\.0\.0\.1/);
  assert.match(replication, /archiver: archive_mode is off/);

  // Slots are listed by name: idle_cdc, then the standby's own slot, which is in use.
  pgtop.sendKeys('j', 'D');
  const refused = await pgtop.waitFor((s) => /slot replica_one is active/.test(footer(s)), { what: 'D refused on the active slot' });
  assert.match(footer(refused), /✗ slot replica_one is active \(pid \d+\): a slot in use cannot be dropped; stop its consumer/, footer(refused));
  assert.doesNotMatch(refused, /Drop replication slot/, 'no dialog for an active slot');
  assert.equal((await primary.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = 'replica_one'")).rows.length, 1);

  pgtop.sendKeys('8');
  const vacuum = await pgtop.waitForFrame((s) => /\[8 Vacuum\]/.test(s) && /prepared +forgotten_tx/.test(s) && /slot-catalog +idle_cdc/.test(s), {
    what: 'view 8 with the prepared transaction and the slot as horizon holders',
    timeoutMs: 30_000,
  });
  assert.match(vacuum, /prepared +forgotten_tx .*roll back/);
  assert.match(vacuum, /slot-catalog +idle_cdc .*drop the slot/);
  assert.match(vacuum, /Vacuum now \(autovacuum on, workers \d+ of 3\)/);
  assert.match(vacuum, /postgres +\d+ +0\.0%/);

  // The standby's feedback sets its slot's xmin: it is released on the standby, and X says so.
  const withFeedback = await pgtop.waitForFrame(/\n *slot +replica_one .*on the standby/, { what: "the standby's slot as a holder released on the standby", timeoutMs: 30_000 });
  const holders = holderRows(withFeedback);
  const index = holders.findIndex((row) => /^ *slot +replica_one /.test(row));
  pgtop.sendKeys('Home', ...Array<string>(index).fill('j'), 'X');
  const said = await pgtop.waitFor((s) => /hot_standby_feedback/.test(footer(s)), { what: 'X on the feedback holder to say where it is released' });
  assert.match(footer(said), /slot replica_one's xmin is its standby's hot_standby_feedback: end the long queries on the standby/, footer(said));
  assert.doesNotMatch(said, /Drop replication slot/, 'no dialog');
});

/** The rows of view 8's xmin horizon table, in screen order. */
function holderRows(screen: string): string[] {
  const lines = screen.split('\n');
  const title = lines.findIndex((line) => /HOLDER +ID +AGE XIDS/.test(line));
  const rows: string[] = [];
  for (const line of lines.slice(title + 1)) {
    if (!/^ *(session|prepared|slot|slot-catalog|standby) /.test(line)) break;
    rows.push(line);
  }
  return rows;
}
