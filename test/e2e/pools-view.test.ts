import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { startPgBouncer, type PgBouncerSandbox } from '../../src/sandbox/pgbouncer.js';
import { SessionPool, rowOf, showsPid } from '../helpers/e2e-sessions.js';
import { afterKeys, cellUnder, footer, screenLines } from '../helpers/e2e-views-screen.js';
import { startPgtop, type PgtopTerminal } from '../helpers/tmux.js';
import { waitUntil } from '../helpers/wait.js';

const POOL_SIZE = 2;
const SLEEP_SECONDS = 6;
const SPARK_WIDTH = 16;
const HEADER_ROWS = 4;

let postgres: PostgresSandbox;
let bouncer: PgBouncerSandbox;
let direct: SessionPool;
const pooledClients = new Set<pg.Client>();

before(async () => {
  postgres = await startPostgres();
  bouncer = await startPgBouncer({ postgres, poolSize: POOL_SIZE, poolMode: 'transaction' });
  direct = new SessionPool(postgres);
});

after(async () => {
  await Promise.all([...pooledClients].map((client) => client.end().catch(() => undefined)));
  await direct?.closeAll();
  await bouncer?.stop();
  await postgres?.stop();
});

/** A client connected through the pool (to database postgres, as postgres). */
async function pooledClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: bouncer.uri(), connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  pooledClients.add(client);
  return client;
}

async function closePooled(client: pg.Client): Promise<void> {
  if (!pooledClients.delete(client)) return; // already closed
  await client.end().catch(() => undefined);
}

/** `SHOW DATABASES` on the admin console (simple protocol: the console knows no other). */
async function showDatabase(name: string): Promise<Record<string, unknown>> {
  const admin = new pg.Client({ connectionString: bouncer.adminUri(), connectionTimeoutMillis: 10_000 });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    const result = await admin.query<Record<string, unknown>>('SHOW DATABASES');
    const row = result.rows.find((r) => r.name === name);
    if (!row) throw new Error(`SHOW DATABASES has no ${name}: ${JSON.stringify(result.rows)}`);
    return row;
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** The Pools view's row of the postgres/postgres pool, if shown. */
function poolRow(screen: string): string | undefined {
  const lines = screenLines(screen);
  const titles = lines.findIndex((line) => /^\s*DATABASE\S*\s+USER\b/.test(line));
  if (titles < 0) return undefined;
  return lines.slice(titles + 1).find((line) => /^\s*postgres\s+postgres\s/.test(line));
}

/** The PgBouncer line of the header. */
function bouncerLine(screen: string): string {
  return screenLines(screen).slice(0, HEADER_ROWS).find((line) => /^\s*bouncer\b/.test(line)) ?? '';
}

/** How many bars of the WAITING CLIENTS sparkline are drawn (not blank) in the pool's row. */
function waitingBars(screen: string): number {
  const row = poolRow(screen);
  if (row === undefined) return -1;
  return [...cellUnder(screen, row, 'WAITING CLIENTS', SPARK_WIDTH)].filter((ch) => ch !== ' ').length;
}

function startMonitor(extra: string[] = []): PgtopTerminal {
  return startPgtop(['--interval', '1', ...extra, postgres.uri()], { columns: 160, rows: 40 });
}

async function openPoolsView(terminal: PgtopTerminal): Promise<string> {
  await terminal.waitFor(/pgtop\s+pg \d/, { what: 'the first frame', timeoutMs: 30_000 });
  terminal.sendKeys('3');
  return terminal.waitFor('[3 Pools]', { what: 'the Pools view' });
}

/** The pids of the backends running the test's pg_sleep right now (seen from PostgreSQL). */
async function sleepingPids(): Promise<number[]> {
  const result = await postgres.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'select pg_sleep(%) /* pooled load */'",
  );
  return result.rows.map((r) => r.pid);
}

/** Cancels the test's pg_sleep statements still running. */
async function cancelPooledLoad(): Promise<void> {
  await postgres.query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'select pg_sleep(%) /* pooled load */'");
}

describe('the Pools view with PgBouncer connected', () => {
  // One pgtop for these tests, in order; each starts from its view and closes what it opened.
  let terminal: PgtopTerminal;

  before(async () => {
    terminal = startMonitor(['--pgbouncer', bouncer.adminUri()]);
    await terminal.waitFor(/pgtop\s+pg \d/, { what: 'the first frame', timeoutMs: 30_000 });
  });

  after(() => terminal?.kill());

  test('five clients on a pool of two: SATURATED, counted in the header, a rising sparkline, the pool beside each backend, then relief', { timeout: 90_000 }, async () => {
    const clients: pg.Client[] = [];
    let load: Promise<unknown> = Promise.resolve();
    try {
      await openPoolsView(terminal);
      await terminal.waitFor((screen) => /^\s*bouncer 1\.\d+/m.test(screen), { what: 'the PgBouncer header line' });

      for (let i = 0; i < 5; i++) clients.push(await pooledClient());
      load = Promise.allSettled(clients.map((client) => client.query(`select pg_sleep(${SLEEP_SECONDS}) /* pooled load */`)));

      const saturated = await terminal.waitFor(
        (screen) => {
          const row = poolRow(screen);
          return row !== undefined && /SATURATED/.test(row) && cellUnder(screen, row, 'CL WAIT', 7).trim() === '3' && /\(1 saturated\)/.test(bouncerLine(screen));
        },
        { what: 'the pool shown SATURATED with three clients waiting, and counted in the header' },
      );
      assert.match(bouncerLine(saturated), /clients \d+ \(waiting 3\)/, `the header counts the waiting clients:\n${bouncerLine(saturated)}`);
      const row = poolRow(saturated) ?? '';
      assert.equal(cellUnder(saturated, row, 'SIZE', 4).trim(), String(POOL_SIZE), `the pool size is shown:\n${row}`);
      assert.equal(cellUnder(saturated, row, 'CL ACT', 6).trim(), String(POOL_SIZE), `two clients are served:\n${row}`);

      // The sparkline gains a drawn bar per tick while clients wait.
      const barsBefore = waitingBars(saturated);
      const risen = await terminal.waitFor((screen) => waitingBars(screen) > Math.max(0, barsBefore), {
        what: `the WAITING CLIENTS sparkline to rise beyond ${barsBefore} bar(s)`,
      });
      assert.ok(waitingBars(risen) <= SPARK_WIDTH, 'the sparkline stays in its column');

      // The Sessions view shows the pool next to each sleeping backend.
      terminal.sendKeys('1');
      await terminal.waitFor('[1 Sessions]', { what: 'the Sessions view' });
      const withPools = await waitUntil(
        async () => {
          const pids = await sleepingPids();
          const screen = terminal.screen();
          return pids.length === POOL_SIZE && pids.every((pid) => /\bpostgres\/post/.test(rowOf(screen, pid) ?? '')) ? { pids, screen } : undefined;
        },
        { what: 'both sleeping backends listed with their pool in the POOL column', timeoutMs: 15_000 },
      );
      assert.match(withPools.screen, /^\s*PID\b.*\bPOOL\b/m, 'the Sessions view has a POOL column');
      for (const pid of withPools.pids) {
        const sessionRow = rowOf(withPools.screen, pid) ?? '';
        assert.match(cellUnder(withPools.screen, sessionRow, 'POOL', 4), /^post/, `pid ${pid}: the pool is in the POOL column:\n${sessionRow}`);
      }

      // Once fewer clients remain than servers, nobody waits and the pool is no longer saturated.
      terminal.sendKeys('3');
      const relieved = await terminal.waitFor(
        (screen) => poolRow(screen) !== undefined && !/SATURATED/.test(poolRow(screen) ?? '') && /\(0 saturated\)/.test(bouncerLine(screen)),
        { what: 'the pool no longer SATURATED', timeoutMs: 3 * SLEEP_SECONDS * 1000 },
      );
      assert.match(bouncerLine(relieved), /\(waiting 0\)/, `nobody waits any more:\n${bouncerLine(relieved)}`);
    } finally {
      // The last client's sleep is not needed any more.
      await cancelPooledLoad();
      await load;
      await Promise.all(clients.map((client) => closePooled(client)));
    }
  });

  test('the POOL column shows the whole pool name (postgres/postgres) at 160 columns', { timeout: 60_000 }, async () => {
    const client = await pooledClient();
    const sleeping = client.query('select pg_sleep(60) /* pooled load */').catch(() => undefined);
    try {
      terminal.sendKeys('1');
      await terminal.waitFor('[1 Sessions]', { what: 'the Sessions view' });
      const pid = await waitUntil(async () => (await sleepingPids())[0], { what: 'the pooled backend to sleep' });
      const screen = await terminal.waitFor((s) => /postgres\/post.*pg_sleep\(60\)/.test(rowOf(s, pid) ?? ''), { what: `session ${pid} listed with its pool` });
      const row = rowOf(screen, pid) ?? '';
      assert.match(row, /\bpostgres\/postgres\b/, `the pool name is cut although the SQL column has room to spare:\n${row}`);
    } finally {
      await cancelPooledLoad();
      await sleeping;
      await closePooled(client);
    }
  });

  test('PAUSE and RESUME from the keyboard change SHOW DATABASES and are audited; RECONNECT reports done', { timeout: 60_000 }, async () => {
    const keeper = await pooledClient(); // keeps the pool listed
    try {
      await openPoolsView(terminal);
      await terminal.waitFor((screen) => poolRow(screen) !== undefined, { what: 'the postgres/postgres pool listed' });

      terminal.sendKeys('Home', 'P');
      await terminal.waitFor('PAUSE database postgres?', { what: 'the PAUSE dialog for database postgres' });
      terminal.sendKeys('y');
      await terminal.waitFor((screen) => /✓ PAUSE postgres: done/.test(footer(screen)), { what: 'the footer to confirm the PAUSE' });
      assert.equal(Number((await showDatabase('postgres')).paused), 1, 'SHOW DATABASES says paused');
      await terminal.waitFor((screen) => /\bpaused\b/.test(poolRow(screen) ?? ''), { what: 'the pool shown paused' });

      terminal.sendKeys('R');
      await terminal.waitFor('RESUME database postgres?', { what: 'the RESUME dialog' });
      terminal.sendKeys('y');
      await terminal.waitFor((screen) => /✓ RESUME postgres: done/.test(footer(screen)), { what: 'the footer to confirm the RESUME' });
      assert.equal(Number((await showDatabase('postgres')).paused), 0, 'SHOW DATABASES says no longer paused');
      await terminal.waitFor((screen) => poolRow(screen) !== undefined && !/\bpaused\b/.test(poolRow(screen) ?? ''), { what: 'the pool no longer shown paused' });
      const served = await keeper.query<{ one: number }>('select 1 as one');
      assert.equal(served.rows[0]?.one, 1, 'the pool serves queries again');

      terminal.sendKeys('X');
      await terminal.waitFor('RECONNECT database postgres?', { what: 'the RECONNECT dialog' });
      terminal.sendKeys('y');
      await terminal.waitFor((screen) => /✓ RECONNECT postgres: done/.test(footer(screen)), { what: 'the footer to confirm the RECONNECT' });

      const audited = terminal.auditEntries().map((e) => ({ action: String(e.action), result: e.result, object: e.object }));
      assert.deepEqual(
        audited.map((e) => e.action.replace(/^.*\b(PAUSE|RESUME|RECONNECT)\b.*$/, '$1')),
        ['PAUSE', 'RESUME', 'RECONNECT'],
        `one audit line per action, in order: ${JSON.stringify(audited)}`,
      );
      for (const entry of audited) {
        assert.equal(entry.result, 'ok', `${entry.action} is audited as ok`);
        assert.equal(entry.object, 'postgres', `${entry.action} names the database acted on`);
      }
    } finally {
      await closePooled(keeper);
    }
  });

  test('PgBouncer stopped under a running pgtop: the Pools view shows the error with the age of its data', { timeout: 60_000 }, async () => {
    const keeper = await pooledClient();
    try {
      await openPoolsView(terminal);
      await terminal.waitFor((screen) => poolRow(screen) !== undefined && !/⚠/.test(bouncerLine(screen)), { what: 'the pool listed while PgBouncer runs' });
      await closePooled(keeper);
      await bouncer.stopServer();
      const down = await terminal.waitFor((screen) => /⚠/.test(bouncerLine(screen)), { what: 'the PgBouncer error in the header' });
      assert.match(down, /not reachable|ECONNREFUSED/, 'says what failed');
      // The age of the last good data, where a DBA sees it at 160 columns: the header line or the Pools view.
      await terminal.waitFor(/data from \d+(\.\d+)?s ago|\b\d+(\.\d+)?s ago\b/, { what: 'the age of the last PgBouncer data on the screen', timeoutMs: 3_000 });
    } finally {
      await closePooled(keeper);
      await bouncer.startServer();
    }
  });

  test('PgBouncer stopped under a running pgtop: Sessions keep updating, and pools come back by themselves', { timeout: 90_000 }, async () => {
    let keeper = await pooledClient();
    try {
      await openPoolsView(terminal);
      await terminal.waitFor((screen) => poolRow(screen) !== undefined && !/⚠/.test(bouncerLine(screen)), {
        what: 'the pool listed while PgBouncer runs',
        timeoutMs: 30_000,
      });
      await closePooled(keeper);

      await bouncer.stopServer();
      await terminal.waitFor((screen) => /⚠/.test(bouncerLine(screen)), { what: 'the PgBouncer error in the header' });

      terminal.sendKeys('1');
      await terminal.waitFor('[1 Sessions]', { what: 'the Sessions view' });
      const newcomer = await direct.sleeper('e2e-while-bouncer-down');
      const updated = await terminal.waitFor((screen) => showsPid(screen, newcomer.pid), { what: `the new PostgreSQL session ${newcomer.pid} listed while PgBouncer is down` });
      assert.match(bouncerLine(updated), /⚠/, 'PgBouncer is still reported down meanwhile');

      await bouncer.startServer();
      keeper = await pooledClient();
      terminal.sendKeys('3');
      const back = await terminal.waitFor((screen) => poolRow(screen) !== undefined && /^\s*bouncer 1\.\d+.*clients \d+/.test(bouncerLine(screen)), {
        what: 'the pools back without a keypress',
        timeoutMs: 30_000,
      });
      assert.doesNotMatch(back, /⚠/, 'the error is gone');
    } finally {
      await bouncer.startServer();
      await closePooled(keeper);
    }
  });
});

describe('the Pools view without admin actions', () => {
  test('without --pgbouncer the Pools view says how to connect one', { timeout: 60_000 }, async () => {
    const terminal = startMonitor();
    try {
      const screen = await openPoolsView(terminal);
      const shown = screen.includes('--pgbouncer') ? screen : await terminal.waitFor('--pgbouncer', { what: 'the explanation' });
      assert.match(shown, /No PgBouncer is connected/);
      assert.match(shown, /--pgbouncer postgres:\/\/\S+\/pgbouncer/, 'an example URI of the admin console');
      assert.equal(screenLines(shown).slice(0, HEADER_ROWS).some((line) => /^\s*bouncer\b/.test(line)), false, 'no PgBouncer header line');

      const afterP = await afterKeys(terminal, ['P', 'y'], 'P y');
      assert.doesNotMatch(afterP, /PAUSE database/, 'P opens no dialog without PgBouncer');
    } finally {
      terminal.kill();
    }
  });

  test('--read-only: P opens no dialog, and neither footer nor help offers PAUSE, RESUME or RECONNECT', { timeout: 60_000 }, async () => {
    const terminal = startMonitor(['--read-only', '--pgbouncer', bouncer.adminUri()]);
    const keeper = await pooledClient();
    try {
      await openPoolsView(terminal);
      const listed = await terminal.waitFor((screen) => poolRow(screen) !== undefined, { what: 'the pool listed' });
      const keys = footer(listed);
      assert.match(keys, /read-only/);
      assert.doesNotMatch(keys, /pause db|resume|reconnect/i, `the footer offers no admin action:\n${keys}`);

      const help = await afterKeys(terminal, ['P', 'y'], 'P y');
      assert.doesNotMatch(help, /PAUSE database|RESUME database/, 'no dialog was opened');
      assert.match(help, /Keys — Pools \(read-only\)/);
      assert.doesNotMatch(help, /PAUSE|RESUME|RECONNECT|DISABLE|ENABLE/, `the help lists no admin action:\n${help}`);
      assert.equal(Number((await showDatabase('postgres')).paused), 0, 'nothing was paused');
      assert.deepEqual(terminal.auditEntries(), [], 'nothing was audited');
    } finally {
      await closePooled(keeper);
      terminal.kill();
    }
  });
});
