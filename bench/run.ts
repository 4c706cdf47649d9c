/**
 * `npm run bench`: the performance budgets as figures anyone can reproduce, printed as a table with the
 * budget beside each, and written to bench/results.json; pg_activity measured beside pgtop on the same work.
 *
 * Settings (environment): BENCH_SECONDS (default 60) per side-by-side run, BENCH_TICKS (default 10000) for
 * the memory runs, BENCH_SESSIONS (default 170,1000; at most 2000) for the server and side-by-side runs, BENCH_ONLY (a list of
 * frames, memory, server, startup, clients, demo, statements, recording, scale, keys, rss, idle) to run part of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { PostgresSandbox } from '../src/sandbox/postgres.js';
import { compileChild, runChild } from './child.js';
import { runSideBySide } from './client-cost.js';
import { describeMachine, loadNow } from './machine.js';
import type { MemoryFigures } from './memory.js';
import { findPgActivity } from './pg-activity.js';
import { distMissing, loadPipeline, loadPostgresSource, loadSandbox, repoRoot } from './product.js';
import { measureRealFrames } from './real-frames.js';
import { idlePhase, longTextPhase, rssPhase } from './target-phases.js';
import type { FrameFigures } from './render.js';
import { buildTable, formatMachine, formatTable, writeResults, type Results } from './report.js';
import { ADMIN_PASSWORD, ADMIN_ROLE, measureSourceTicks, PGTOP_PASSWORD, PGTOP_ROLE, prepareServer, serverSettings, ServerLog } from './server-cost.js';
import { measureStartup } from './startup.js';
import { measureDemoStartup } from './demo-startup.js';
import { fillStatements, measureStatementsRefresh, STATEMENTS_ENTRIES, statementsServerSettings } from './statements-cost.js';
import { round } from './stats.js';
import { tmuxVersion } from './tmux.js';
import { Workload } from './workload.js';
import { FLOOR_PASSWORD, FLOOR_ROLE, measureFloor, prepareFloorRole, REFERENCE_STATEMENTS, statementShares } from './targets.js';
import { targetNotes } from './target-rows.js';
import { measureRecording } from './recording.js';

const PHASES = ['frames', 'memory', 'server', 'startup', 'clients', 'demo', 'statements', 'recording', 'scale', 'keys', 'rss', 'idle'] as const;
type Phase = (typeof PHASES)[number];

const SOURCE_TICKS = 200;
const STARTUP_RUNS = 5;
const STARTUP_SESSIONS = 100;
const DEMO_RUNS = 3;
const FLOOR_CALLS = 100;
const MIN_GIB_FOR_1000 = 8;
/** Real sessions of the scale run. */
const SCALE_SESSIONS = 2000;
const SCALE_FRAME_TICKS = 30;
/** The budgeted size under both views; the others under the filtered one (the budget's). */
const FRAME_RUNS: { sessions: number; view: 'filtered' | 'all' }[] = [
  { sessions: 500, view: 'filtered' },
  { sessions: 5000, view: 'filtered' },
  { sessions: 5000, view: 'all' },
  { sessions: 20_000, view: 'filtered' },
];
/** The memory run's share of the ten minutes the whole bench may take. */
const MEMORY_MAX_SECONDS = 200;

const started = performance.now();
const say = (line: string): void => {
  const s = Math.floor((performance.now() - started) / 1000);
  process.stdout.write(`[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${line}\n`);
};
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function numberSetting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name}=${raw}: expected a number from ${min} to ${max}`);
  return value;
}

function listSetting(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 1 || v > 2000)) throw new Error(`${name}=${raw}: expected session counts from 1 to 2000, comma-separated`);
  return [...new Set(values)].sort((a, b) => a - b);
}

function phasesToRun(): Set<Phase> {
  const raw = process.env.BENCH_ONLY;
  if (!raw) return new Set(PHASES);
  const wanted = raw.split(',').map((p) => p.trim());
  const unknown = wanted.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')}; choose from ${PHASES.join(', ')}`);
  return new Set(wanted as Phase[]);
}

async function main(): Promise<number> {
  const missing = distMissing();
  if (missing) {
    say(missing);
    return 1;
  }
  const seconds = numberSetting('BENCH_SECONDS', 60, 1, 600);
  const ticks = numberSetting('BENCH_TICKS', 10_000, 100, 100_000);
  const phases = phasesToRun();
  const machine = describeMachine();
  const notes: string[] = [];
  let sessions = listSetting('BENCH_SESSIONS', [170, 1000]);
  if (machine.memoryGiB < MIN_GIB_FOR_1000 && sessions.some((n) => n >= 1000)) {
    sessions = sessions.filter((n) => n < 1000);
    notes.push(`1,000 sessions skipped: ${machine.memoryGiB} GiB of memory (at least ${MIN_GIB_FOR_1000} wanted); set BENCH_SESSIONS to choose`);
  }
  if (machine.memoryGiB < MIN_GIB_FOR_1000 && phases.delete('scale')) notes.push(`2,000 sessions skipped: ${machine.memoryGiB} GiB of memory`);
  const results: Results = {
    generatedAt: new Date().toISOString(),
    settings: { seconds, ticks, sessions, sourceTicks: SOURCE_TICKS, startupRuns: STARTUP_RUNS },
    machine,
    notes,
    errors: {},
    frames: [],
    sourceTicks: [],
    sideBySide: [],
    floors: [],
    serverTargets: [],
    table: [],
  };
  const note = (text: string): void => {
    notes.push(text);
    say(`NOTE: ${text}`);
  };

  say(`pgtop bench: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}; measuring dist/`);
  say(`settings: BENCH_SECONDS=${seconds} BENCH_TICKS=${ticks} BENCH_SESSIONS=${sessions.join(',')}${process.env.BENCH_ONLY ? ` BENCH_ONLY=${process.env.BENCH_ONLY}` : ''}`);
  if (machine.loadStart > machine.cores) {
    note(`the machine is busy (load average ${machine.loadStart} on ${machine.cores} cores): wall-clock figures (frames, server time, start-up) come out slower than on a quiet machine`);
  }
  machine.tmux = tmuxVersion();
  const pgActivity = findPgActivity();
  if ('version' in pgActivity) machine.pgActivity = pgActivity.version;
  else note(pgActivity.missing);
  if (!machine.tmux && (phases.has('clients') || phases.has('startup') || phases.has('demo'))) {
    note('tmux not found: apt-get install tmux — the terminal measurements (CPU, peak RSS, start-up, demo, pg_activity) skipped');
    phases.delete('clients');
    phases.delete('startup');
    phases.delete('demo');
  }

  if (phases.has('frames') || phases.has('memory') || phases.has('keys') || phases.has('rss')) {
    const script = compileChild();
    // The in-process figures use the React build the executable picks (it reads NODE_ENV before loading anything).
    if (!/NODE_ENV/.test(readFileSync(join(repoRoot, 'bin', 'pgtop.js'), 'utf8')) && process.env.NODE_ENV === undefined) {
      process.env.NODE_ENV = 'development';
      note('bin/pgtop.js leaves NODE_ENV alone: pgtop runs React\'s development build, and so do the in-process measurements');
    }
    if (phases.has('frames')) {
      say('frames: 500, 5,000 and 20,000 synthetic sessions, 120x40, data changing every frame');
      await attempt(results, 'frames', async () => {
        const out = await runChild<{ reactBuild: string; frames: FrameFigures[] }>(
          script,
          { kind: 'frames', runs: FRAME_RUNS, frames: 150, warmup: 15, maxSecondsPerRun: 10 },
          (l) => say(l),
          180_000,
        );
        results.frames = out.frames;
        results.reactBuild = out.reactBuild;
        say(`  React build: ${out.reactBuild} (as the monitor sets it up)`);
      });
    }
    if (phases.has('memory')) {
      say(`memory: ${ticks.toLocaleString('en-US')} ticks at 5,000 sessions through the controller, App and frame writer (a frame every 20 ticks)`);
      await attempt(results, 'memory', async () => {
        const memory = await runChild<MemoryFigures>(script, { kind: 'memory', sessions: 5000, ticks, ticksPerFrame: 20, samples: 20, maxSeconds: MEMORY_MAX_SECONDS }, (l) => say(l), (MEMORY_MAX_SECONDS + 60) * 1000);
        results.memory = memory;
        results.reactBuild ??= memory.reactBuild;
        say(`  RSS ${memory.rss.first} -> ${memory.rss.middle} -> ${memory.rss.last} MB, heap ${memory.heap.first} -> ${memory.heap.last} MB over ${memory.ticks} ticks (${memory.seconds} s)`);
        if (memory.stoppedEarly) note(`the memory run stopped at ${memory.ticks} of ${ticks} ticks (its time limit): the machine is slower than the bench assumes`);
      });
    }
    if (phases.has('keys')) await attempt(results, 'keys', () => longTextPhase(script, results, seconds, say));
    if (phases.has('rss')) await attempt(results, 'rss', () => rssPhase(script, results, ticks, say, note));
  }

  if (phases.has('server') || phases.has('startup') || phases.has('clients')) {
    await attempt(results, 'server', () => serverPhases(results, phases, sessions, seconds, pgActivity, note));
  }

  if (phases.has('scale')) {
    say(`scale: ${SCALE_SESSIONS.toLocaleString('en-US')} real sessions: server time per tick, frames over the real data, and pgtop beside pg_activity`);
    await attempt(results, 'scale', () => serverPhases(results, new Set<Phase>(['server', 'clients', 'scale']), [SCALE_SESSIONS], seconds, pgActivity, note));
  }
  if (phases.has('idle')) await attempt(results, 'idle', () => idlePhase(results, seconds, say));

  if (phases.has('demo')) {
    say(`demo: pgtop demo from Enter to the first full frame with the workload on it, ${DEMO_RUNS} runs`);
    await attempt(results, 'demo', async () => {
      const demo = await measureDemoStartup(DEMO_RUNS);
      results.demoStartup = demo;
      say(`  demo start to first full frame: ${demo.runs.join(', ')} ms (median ${demo.medianMs} ms)`);
    });
  }
  if (phases.has('statements')) {
    await attempt(results, 'statements', () => statementsPhase(results));
  }
  if (phases.has('recording')) {
    say('recording: one hour of synthetic activity at 1,000 sessions, 1 s interval (10% of sessions change a tick)');
    await attempt(results, 'recording', async () => {
      results.recording = measureRecording(1000);
      say(`  ${results.recording.bytesPerSessionHour} bytes per session-hour, seek median ${round(results.recording.seekMs.median, 0)} ms`);
    });
  }

  machine.loadEnd = loadNow();
  results.durationSeconds = round((performance.now() - started) / 1000, 1);
  results.table = buildTable(results);
  notes.push(...targetNotes(results.table));
  const path = join(repoRoot, 'bench', 'results.json');
  writeResults(path, results);
  process.stdout.write(`\n${formatTable(results.table)}\n\n${formatMachine(machine, results.reactBuild)}\n`);
  if (notes.length > 0) process.stdout.write(`${notes.map((n) => `note: ${n}`).join('\n')}\n`);
  for (const [name, error] of Object.entries(results.errors)) process.stdout.write(`FAILED ${name}: ${error}\n`);
  process.stdout.write(`figures written to bench/results.json (${results.durationSeconds} s)\n`);
  return Object.keys(results.errors).length > 0 ? 1 : 0;
}

const STATEMENTS_REFRESHES = 30;

/** A server whose pg_stat_statements is full (5,000 entries): the Statements view's refresh measured on it. */
async function statementsPhase(results: Results): Promise<void> {
  const { startPostgres } = await loadSandbox();
  say(`statements: a sandbox PostgreSQL with pg_stat_statements.max = ${STATEMENTS_ENTRIES}, filled with distinct statements`);
  const sandbox = await startPostgres({ settings: { ...serverSettings(100), ...statementsServerSettings } });
  try {
    const superuser = await sandbox.connect();
    try {
      await prepareServer(superuser);
      await fillStatements(superuser);
    } finally {
      await superuser.end();
    }
    const figures = await measureStatementsRefresh(sandbox, STATEMENTS_REFRESHES);
    results.statements = figures;
    say(`  ${figures.entries} entries: ${figures.serverMsPerRefresh} ms of server time per refresh (client median ${figures.clientMsMedian} ms), texts of ${figures.textsCount} rows ${figures.textsServerMs} ms`);
  } finally {
    await sandbox.stop();
  }
}

/** One real server with max_connections 1100, sessions added in steps; each step measured. */
async function serverPhases(
  results: Results,
  phases: Set<Phase>,
  sessions: number[],
  seconds: number,
  pgActivity: ReturnType<typeof findPgActivity>,
  note: (text: string) => void,
): Promise<void> {
  const { startPostgres } = await loadSandbox();
  const PostgresSource = await loadPostgresSource();
  const maxConnections = Math.max(1100, Math.max(...sessions) + 100);
  const settings = serverSettings(maxConnections);
  say(`server: starting a sandbox PostgreSQL (max_connections ${maxConnections}, pg_stat_statements)`);
  let sandbox: PostgresSandbox;
  try {
    sandbox = await startPostgres({ settings });
  } catch (error) {
    const text = message(error);
    if (/pg_stat_statements/.test(text)) throw new Error(`pg_stat_statements is not available (Debian: apt-get install postgresql-contrib): ${text.split('\n')[0]}`);
    throw error;
  }
  let admin: pg.Client | undefined;
  let workload: Workload | undefined;
  try {
    const superuser = await sandbox.connect();
    try {
      await prepareServer(superuser);
      await prepareFloorRole(superuser);
      results.machine.postgres = (await superuser.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v;
    } finally {
      await superuser.end();
    }
    admin = await sandbox.connect('postgres', ADMIN_ROLE, ADMIN_PASSWORD);
    await Workload.prepare(admin);
    workload = new Workload(sandbox, admin);
    const log = ServerLog.of(sandbox);
    const sourceSettings = { host: '127.0.0.1', port: sandbox.port, user: PGTOP_ROLE, password: PGTOP_PASSWORD, database: 'postgres', sslmode: 'disable' as const, extra: {} };
    const sizes = [...new Set([...(phases.has('server') || phases.has('clients') ? sessions : []), ...(phases.has('startup') ? [STARTUP_SESSIONS] : [])])].sort((a, b) => a - b);
    for (const size of sizes) {
      const t0 = performance.now();
      await workload.grow(size);
      say(`${size} sessions open (${workload.counts.idle} idle, ${workload.counts.active} in pg_sleep, ${workload.counts.idleInTransaction} idle in transaction, a lock chain of ${workload.counts.lockChain}) in ${round((performance.now() - t0) / 1000, 1)} s`);
      const load = workload;
      const client = admin;
      if (phases.has('server') && sessions.includes(size)) {
        await attempt(results, `server ${size}`, () => serverTargetRuns(results, { sandbox, admin: client, workload: load, log, size, sourceSettings, PostgresSource }));
      }
      if (phases.has('scale') && size === SCALE_SESSIONS) {
        await attempt(results, `frames ${size}`, async () => {
          const source = new PostgresSource(sourceSettings, { statementTimeoutMs: 5000 });
          try {
            // Colours as a 256-colour terminal gets them, whatever the bench's own output is (read when the theme loads).
            process.env.FORCE_COLOR ??= '2';
            results.scaleFrames = await measureRealFrames(source, await loadPipeline(), size, SCALE_FRAME_TICKS);
            say(`  frames over real data: median ${results.scaleFrames.medianMs} ms, p95 ${results.scaleFrames.p95Ms} ms (${results.scaleFrames.ticks} ticks; reducing the tick median ${results.scaleFrames.reduceMedianMs} ms)`);
          } finally {
            await source.close();
          }
        });
      }
      if (phases.has('startup') && size === STARTUP_SESSIONS) {
        await attempt(results, 'startup', async () => {
          const startup = await measureStartup(sandbox, STARTUP_RUNS, size);
          results.startup = startup;
          say(`  start to first full frame: ${startup.runs.join(', ')} ms (median ${startup.medianMs} ms)`);
        });
      }
      if (phases.has('clients') && sessions.includes(size)) {
        await load.releaseLockChain();
        say(`  side by side (no session waiting on a lock) for ${seconds} s: pgtop${'version' in pgActivity ? ' and pg_activity' : ''} at a 1 s interval`);
        await attempt(results, `clients ${size}`, async () => {
          const run = await runSideBySide({
            sandbox,
            admin: client,
            log,
            sessions: load.size,
            seconds,
            withPgActivity: 'version' in pgActivity ? true : pgActivity.missing,
            say,
          });
          results.sideBySide.push(run);
          const pga = 'program' in run.pgActivity ? run.pgActivity : undefined;
          say(`  pgtop: ${run.pgtop.cpuPercent} % CPU, peak RSS ${run.pgtop.peakRssMb} MB, ${run.pgtop.server.serverMsPerRefresh} ms server time per refresh`);
          if (pga) say(`  pg_activity: ${pga.cpuPercent} % CPU, peak RSS ${pga.peakRssMb} MB, ${pga.server.serverMsPerRefresh} ms server time per refresh`);
          for (const share of statementShares(run.statements ?? [], PGTOP_ROLE, run.pgtop.server.refreshes)) {
            say(`    ${share.msPerRefresh} ms/refresh (${round(share.share * 100, 1)} %, ${share.callsPerRefresh} calls): ${share.statement}`);
          }
        });
        await load.restoreLockChain();
      }
    }
    if (!existsSync(join(sandbox.dir, 'postgres.log'))) note('the server log was not found: round trips not counted');
  } finally {
    await workload?.stop().catch(() => undefined);
    await admin?.end().catch(() => undefined);
    await sandbox.stop();
  }
}

/** The floor, then pgtop's source with a session waiting on a lock and without, at one size. */
async function serverTargetRuns(
  results: Results,
  on: {
    sandbox: PostgresSandbox;
    admin: pg.Client;
    workload: Workload;
    log: ServerLog;
    size: number;
    sourceSettings: ConstructorParameters<Awaited<ReturnType<typeof loadPostgresSource>>>[0];
    PostgresSource: Awaited<ReturnType<typeof loadPostgresSource>>;
  },
): Promise<void> {
  const floor = await measureFloor(on.sandbox, on.admin, on.size, FLOOR_CALLS);
  results.floors?.push(floor);
  say(`  floor (${FLOOR_CALLS} calls each): count(*) ${floor.ms.floor} ms, SELECT * ${floor.ms.all} ms, non-idle rows ${floor.ms.nonIdle} ms, pg_locks NOT granted ${floor.ms.lockWaits} ms`);
  const floorClient = await on.sandbox.connect('postgres', FLOOR_ROLE, FLOOR_PASSWORD);
  const alongside = { client: floorClient, role: FLOOR_ROLE, sql: REFERENCE_STATEMENTS.floor };
  // The monitor reads pg_locks only while the Locks view is shown: its ticks on the Sessions view, then on the Locks view.
  const runs = [
    { lockWaits: true, locksView: false },
    { lockWaits: true, locksView: true },
    { lockWaits: false, locksView: false },
  ];
  try {
    for (const { lockWaits, locksView } of runs) {
      if (!lockWaits) await on.workload.releaseLockChain();
      const source = new on.PostgresSource(on.sourceSettings, { statementTimeoutMs: 5000 });
      try {
        const { statements, alongsideMs, ...cost } = await measureSourceTicks(source, on.admin, on.log, SOURCE_TICKS, 30, { tick: { locks: locksView }, alongside });
        if (lockWaits && locksView) results.sourceTicks.push({ ...cost, sessions: on.size });
        const shares = statementShares(statements, PGTOP_ROLE, cost.refreshes);
        const floorMs = alongsideMs ?? Number.NaN;
        results.serverTargets?.push({ sessions: on.size, floor, floorMs, lockWaits, locksView, serverMsPerTick: cost.serverMsPerRefresh, ticks: cost.ticks, shares });
        say(
          `  pgtop's source, ${lockWaits ? 'two sessions waiting on a lock' : 'no lock waits'}, ${locksView ? 'Locks' : 'Sessions'} view: ${cost.serverMsPerRefresh} ms of server time, ` +
            `the floor ${floorMs} ms before each tick (${round(cost.serverMsPerRefresh / floorMs, 2)}x), ${cost.roundTripsPerRefresh} round trips per tick (${cost.ticks} ticks)`,
        );
        for (const share of shares) say(`    ${share.msPerRefresh} ms (${round(share.share * 100, 1)} %): ${share.statement}`);
      } finally {
        await source.close();
      }
    }
  } finally {
    await floorClient.end();
  }
  await on.workload.restoreLockChain();
}

async function attempt(results: Results, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    results.errors[name] = message(error);
    say(`FAILED ${name}: ${message(error)}`);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    say(`bench failed: ${message(error)}`);
    process.exitCode = 1;
  },
);
