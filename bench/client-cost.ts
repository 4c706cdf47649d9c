import { pgtopCommand } from './pgtop-command.js';
import type pg from 'pg';
import type { PostgresSandbox } from '../src/sandbox/postgres.js';
import { pgActivityCommand, pgActivityReady } from './pg-activity.js';
import { cpuSeconds, memoryMb } from './proc.js';
import { repoRoot } from './product.js';
import { pgtopFrameReady } from './screens.js';
import { diffStatements, PG_ACTIVITY_ROLE, PGTOP_PASSWORD, PGTOP_ROLE, readStatements, serverCost, type ServerCost, type ServerLog, type StatementRow } from './server-cost.js';
import { round } from './stats.js';
import { BenchTerminal } from './tmux.js';

export const COLUMNS = 120;
export const ROWS = 40;

export interface ClientFigures {
  program: 'pgtop' | 'pg_activity';
  /** CPU used over the window, as a percentage of one core. */
  cpuPercent: number;
  cpuSeconds: number;
  windowSeconds: number;
  /** VmHWM at the end: the largest RSS the process had, start-up included. */
  peakRssMb: number;
  rssFirstMb: number;
  rssLastMb: number;
  server: ServerCost;
}

export interface SideBySide {
  sessions: number;
  pgtop: ClientFigures;
  pgActivity: ClientFigures | { skipped: string };
  /** What each statement added on the server over the window, both monitors. */
  statements?: StatementRow[];
}

interface Watched {
  program: ClientFigures['program'];
  terminal: BenchTerminal;
  pid: number;
  cpu0: number;
  rss: number[];
}

/**
 * pgtop and pg_activity side by side on the same server, same refresh interval, same window: each in its
 * own 120×40 tmux terminal. CPU comes from /proc/<pid>/stat over the window (start-up excluded), peak RSS
 * from VmHWM, and the server's side from pg_stat_statements and the server log, role by role.
 */
export async function runSideBySide(options: {
  sandbox: PostgresSandbox;
  admin: pg.Client;
  log: ServerLog;
  sessions: number;
  seconds: number;
  withPgActivity: boolean | string;
  say: (line: string) => void;
}): Promise<SideBySide> {
  const { sandbox, admin, log } = options;
  const terminals: Watched[] = [];
  try {
    const top = new BenchTerminal('pgtop', pgtopCommand(['--interval', '1', sandbox.uri('postgres', PGTOP_ROLE, PGTOP_PASSWORD)]), {
      columns: COLUMNS,
      rows: ROWS,
      cwd: repoRoot,
    });
    terminals.push({ program: 'pgtop', terminal: top, pid: 0, cpu0: 0, rss: [] });
    if (options.withPgActivity === true) {
      const pga = new BenchTerminal('pg_activity', pgActivityCommand(sandbox.port, 1), { columns: COLUMNS, rows: ROWS, cwd: repoRoot, env: { PGPASSWORD: sandbox.password } });
      terminals.push({ program: 'pg_activity', terminal: pga, pid: 0, cpu0: 0, rss: [] });
    }
    for (const watched of terminals) {
      const ready = watched.program === 'pgtop' ? pgtopFrameReady : pgActivityReady;
      const screen = await watched.terminal.waitFor(ready, 30_000, 100);
      if (!screen) throw new Error(`${watched.program} showed no data within 30 s; its screen:\n${watched.terminal.screen()}`);
      watched.pid = watched.terminal.pid();
    }
    // Past start-up: the window measures the steady state.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const before = await readStatements(admin, [PGTOP_ROLE, PG_ACTIVITY_ROLE]);
    const from = await log.settled();
    const t0 = performance.now();
    for (const watched of terminals) watched.cpu0 = cpuSeconds(watched.pid) ?? Number.NaN;
    for (let second = 1; second <= options.seconds; second++) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, t0 + second * 1000 - performance.now())));
      for (const watched of terminals) {
        const memory = memoryMb(watched.pid);
        if (!memory) throw new Error(`${watched.program} exited during the measurement; its screen:\n${watched.terminal.screen()}`);
        watched.rss.push(memory.rss);
      }
      if (second % 15 === 0 && second < options.seconds) options.say(`    ${second}/${options.seconds} s`);
    }
    const cpu1 = terminals.map((w) => cpuSeconds(w.pid) ?? Number.NaN);
    const windowSeconds = (performance.now() - t0) / 1000;
    const peaks = terminals.map((w) => memoryMb(w.pid)?.peak ?? Number.NaN);
    const to = await log.settled();
    const statements = diffStatements(before, await readStatements(admin, [PGTOP_ROLE, PG_ACTIVITY_ROLE]));
    const trips = log.roundTrips(from, to);
    const figures = terminals.map((w, i): ClientFigures => {
      const role = w.program === 'pgtop' ? PGTOP_ROLE : PG_ACTIVITY_ROLE;
      const used = (cpu1[i] ?? Number.NaN) - w.cpu0;
      return {
        program: w.program,
        cpuPercent: round((used / windowSeconds) * 100, 2),
        cpuSeconds: round(used, 2),
        windowSeconds: round(windowSeconds, 1),
        peakRssMb: round(peaks[i] ?? Number.NaN, 1),
        rssFirstMb: round(w.rss[0] ?? Number.NaN, 1),
        rssLastMb: round(w.rss.at(-1) ?? Number.NaN, 1),
        server: serverCost(role, statements, trips.get(role) ?? 0),
      };
    });
    const pgtop = figures.find((f) => f.program === 'pgtop') as ClientFigures;
    const pgActivity = figures.find((f) => f.program === 'pg_activity') ?? { skipped: typeof options.withPgActivity === 'string' ? options.withPgActivity : 'not run' };
    return { sessions: options.sessions, pgtop, pgActivity, statements };
  } finally {
    for (const watched of terminals) watched.terminal.kill();
  }
}
