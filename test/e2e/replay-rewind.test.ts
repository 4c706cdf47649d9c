import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { openRecordingFile } from '../../src/record/reader.js';
import { RecordingCursor } from '../../src/record/cursor.js';
import type { RecordedEvent } from '../../src/record/format.js';
import type { PgSnapshot } from '../../src/sources/types.js';
import { clockTime } from '../../src/record/time.js';
import { SessionPool, rowOf } from '../helpers/e2e-sessions.js';
import { spawnCli } from '../helpers/cli.js';
import { startPgtop } from '../helpers/tmux.js';
import { waitUntil } from '../helpers/wait.js';

let sandbox: PostgresSandbox;
let pool: SessionPool;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pgtop-replay-'));
  sandbox = await startPostgres({ settings: { shared_preload_libraries: 'pg_stat_statements' } });
  await sandbox.query('CREATE EXTENSION pg_stat_statements');
  pool = new SessionPool(sandbox);
  await sandbox.query('CREATE TABLE e2e_chain (id int)');
});

after(async () => {
  await pool?.closeAll();
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function recorded(file: string): RecordedEvent[] {
  return new RecordingCursor(openRecordingFile(file)).eventsBetween(-1, Number.MAX_SAFE_INTEGER);
}

const blocked = (event: RecordedEvent, pid: number): boolean => event.type === 'pg-data' && (event.snapshot as unknown as PgSnapshot).sessions.some((s) => s.pid === pid && s.blockedBy.length > 0);
const headerTime = (screen: string): string | undefined => /REPLAY (\d\d:\d\d:\d\d)/.exec(screen)?.[1];

describe('pgtop replay on the full screen', () => {
  test('pause, step, jump and go to a time: the lock chain is there at its time and gone after; no action is offered', { timeout: 180_000 }, async () => {
    const file = join(dir, 'rec');
    const recorder = spawnCli(['record', file, '--interval', '0.5', '--chunk', '1', sandbox.uri()]);
    try {
      await waitUntil(() => recorded(file).some((e) => e.type === 'pg-data'), { what: 'the first chunk', timeoutMs: 30_000 });
      const holder = await pool.open('e2e-holder');
      await holder.client.query('BEGIN; LOCK TABLE e2e_chain IN ACCESS EXCLUSIVE MODE');
      const waiter = pool.launch(await pool.open('e2e-waiter'), 'SELECT count(*) FROM e2e_chain');
      const first = await waitUntil(() => recorded(file).find((e) => blocked(e, waiter.pid)), { what: 'the chain recorded', timeoutMs: 20_000 });
      // The chain is held for a few recorded seconds, so that a whole second of it can be gone to.
      await waitUntil(() => recorded(file).some((e) => blocked(e, waiter.pid) && e.at >= first.at + 2500), { what: 'the chain recorded for 2.5 s', timeoutMs: 20_000 });
      await holder.client.query('COMMIT');
      await waiter.outcome;
      const cleared = await waitUntil(() => recorded(file).find((e) => e.type === 'pg-data' && e.at > first.at && !blocked(e, waiter.pid)), { what: 'the chain cleared', timeoutMs: 20_000 });
      await waitUntil(() => recorded(file).some((e) => e.at > cleared.at + 2000), { what: 'a little more recording', timeoutMs: 20_000 });
      recorder.kill('SIGTERM');
      await new Promise((resolve) => recorder.once('exit', resolve));

      const terminal = startPgtop(['replay', file], { columns: 160, rows: 40 });
      try {
        const opened = await terminal.waitForFrame(/REPLAY \d\d:\d\d:\d\d .*⏸ paused/, { what: 'the replay, paused at its start', timeoutMs: 30_000 });
        assert.match(opened, /0% of/);
        terminal.sendKeys('2');
        await terminal.waitForFrame('[2 Locks]', { what: 'the Locks view' });

        const during = clockTime(Math.ceil(first.at / 1000) * 1000 + 1000);
        terminal.sendKeys('g');
        await terminal.waitForFrame('go to (HH:MM', { what: 'the go-to prompt' });
        terminal.type(during);
        terminal.sendKeys('Enter');
        const chain = await terminal.waitForFrame((s) => headerTime(s) === during && rowOf(s, waiter.pid) !== undefined && rowOf(s, holder.pid) !== undefined, { what: `the chain at ${during}` });
        assert.ok(chain.includes('REPLAY'), 'the screen says it is a replay');

        terminal.sendKeys(',', ',', ',');
        await terminal.waitForFrame((s) => (headerTime(s) ?? '99') < during, { what: 'ticks back: before the time gone to' });
        terminal.sendKeys('.', '.', '.', '.');
        await terminal.waitForFrame((s) => (headerTime(s) ?? '') >= during, { what: 'ticks forward: at the time gone to again' });

        const afterwards = clockTime(Math.ceil(cleared.at / 1000) * 1000);
        terminal.sendKeys('g');
        terminal.type(afterwards);
        terminal.sendKeys('Enter');
        const gone = await terminal.waitForFrame((s) => headerTime(s) === afterwards, { what: `the replay at ${afterwards}` });
        assert.equal(rowOf(gone, waiter.pid), undefined, `the chain is gone after it was cleared:\n${gone}`);

        terminal.sendKeys(']');
        await terminal.waitForFrame(/100% of/, { what: 'a minute forward: the end of the recording' });
        terminal.sendKeys('{');
        await terminal.waitForFrame(/ 0% of/, { what: 'ten minutes back: the start' });
        terminal.sendKeys('+', 'p');
        await terminal.waitForFrame(/REPLAY [\d:]+ .*▶ 2×/, { what: 'playing at 2×' });
        terminal.sendKeys('p');
        await terminal.waitForFrame(/⏸ paused \(2×\)/, { what: 'paused again' });

        terminal.sendKeys('1', 'c');
        const noDialog = await terminal.waitForFrame('c: a replay of a recording: there is no server, nothing to act on', { what: 'c refused: a replay has no server' });
        assert.match(noDialog, /\[1 Sessions\]/);
        assert.doesNotMatch(noDialog, /Cancel the query/i, 'no cancel in a replay');
        assert.doesNotMatch(noDialog, / c cancel| K terminate|read-only/, 'the footer offers no action and does not say read-only');
        terminal.sendKeys('3', 'P');
        await terminal.waitForFrame('P: a replay of a recording: there is no server', { what: 'P refused in Pools' });
        terminal.sendKeys('4');
        const migrations = await terminal.waitForFrame('Not recorded: a recording holds no migrations', { what: 'the Migrations view says it was not recorded' });
        assert.doesNotMatch(migrations, / a apply/, 'no apply offered');
        terminal.sendKeys('a');
        await terminal.waitForFrame('a: a replay of a recording: there is no server', { what: 'a refused in Migrations' });
        terminal.sendKeys('5');
        await terminal.waitForFrame('Not recorded: a recording holds no backups', { what: 'the Backups view says it was not recorded' });
        terminal.sendKeys('b');
        await terminal.waitForFrame('b: a replay of a recording: there is no server', { what: 'b refused in Backups' });
        terminal.sendKeys('q');
        assert.equal(await terminal.exitCode(), 0);
      } finally {
        terminal.kill();
      }
    } finally {
      recorder.kill('SIGKILL');
    }
  });
});

describe('the Statements view in a replay of a headless recording', () => {
  test('shows the texts of the busiest statements', { timeout: 120_000 }, async () => {
    const file = join(dir, 'statements');
    await sandbox.query('CREATE TABLE e2e_replayed_text (id int)');
    const recorder = spawnCli(['record', file, '--interval', '0.5', '--chunk', '2', sandbox.uri()]);
    let running = true;
    const workload = (async () => {
      while (running) await sandbox.query('SELECT count(*) FROM e2e_replayed_text WHERE id = $1', [1]);
    })();
    try {
      await waitUntil(() => recorded(file).some((e) => e.type === 'statements-texts' && JSON.stringify(e.texts).includes('e2e_replayed_text')), { what: 'the text recorded', timeoutMs: 60_000, intervalMs: 500 });
      await waitUntil(() => recorded(file).filter((e) => e.type === 'statements-data').length >= 3, { what: 'a few fetches recorded', timeoutMs: 60_000, intervalMs: 500 });
    } finally {
      running = false;
      await workload;
      recorder.kill('SIGTERM');
      await new Promise((resolve) => recorder.once('exit', resolve));
    }
    const terminal = startPgtop(['replay', file], { columns: 160, rows: 40 });
    try {
      await terminal.waitForFrame(/REPLAY \d\d:\d\d:\d\d/, { what: 'the replay', timeoutMs: 30_000 });
      terminal.sendKeys('}', '6');
      await terminal.waitForFrame('FROM e2e_replayed_text WHERE id = $1', { what: 'the statement with its text in the Statements view' });
      terminal.sendKeys('q');
      assert.equal(await terminal.exitCode(), 0);
    } finally {
      terminal.kill();
    }
  });
});

describe('rewinding the live monitor', () => {
  test('a key steps back while polling goes on, the screen says it is not live, l returns to live', { timeout: 120_000 }, async () => {
    const terminal = startPgtop(['--interval', '0.5', sandbox.uri()], { columns: 160, rows: 40 });
    try {
      await terminal.waitForFrame('[1 Sessions]', { what: 'the monitor', timeoutMs: 30_000 });
      const sleeper = await pool.sleeper('e2e-rewind-marker');
      await terminal.waitForFrame((s) => rowOf(s, sleeper.pid) !== undefined, { what: 'the marker session shown' });
      await sandbox.query('SELECT pg_terminate_backend($1)', [sleeper.pid]);
      await terminal.waitForFrame((s) => rowOf(s, sleeper.pid) === undefined, { what: 'the marker session gone' });

      terminal.sendKeys(',');
      await terminal.waitForFrame(/REWIND −[^ ]* at [\d:]+ .*not live: l returns/, { what: 'the rewind header' });
      // Step back until the marker is there again (a few ticks).
      await waitUntil(
        async () => {
          const screen = terminal.screen();
          if (rowOf(screen, sleeper.pid) !== undefined) return true;
          terminal.sendKeys(',');
          await new Promise((resolve) => setTimeout(resolve, 150));
          return false;
        },
        { what: 'the marker session, stepping back', timeoutMs: 20_000 },
      );
      const rewound = terminal.screen();
      assert.match(rewound, /REWIND/);
      assert.doesNotMatch(rewound, / c cancel| K terminate/, 'no action offered while rewinding');
      terminal.sendKeys('c');
      const refused = await terminal.waitForFrame('c: not live (rewinding): l returns to live', { what: 'c refused while rewinding' });
      assert.doesNotMatch(refused, /Cancel the query/i);
      terminal.sendKeys('l');
      const live = await terminal.waitForFrame((s) => !s.includes('REWIND') && rowOf(s, sleeper.pid) === undefined, { what: 'live again, the marker gone' });
      assert.doesNotMatch(live, /REPLAY|REWIND/);
      terminal.sendKeys('q');
      assert.equal(await terminal.exitCode(), 0);
    } finally {
      terminal.kill();
    }
  });
});
