import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isAlive } from '../../src/sandbox/cleanup.js';
import { workloadApplications } from '../../src/sandbox/workload/workload.js';
import type { DemoTerminal } from './demo-terminal.js';
import { demoDirOf, demoServers, processesIn, type ProcessInfo } from './demo-processes.js';
import type { ScreenCondition } from './tmux.js';
import { waitUntil } from './wait.js';

/** Starting takes initdb, the sample migrations (with their seed) and the servers: slow on a busy machine. */
export const START_TIMEOUT_MS = 180_000;

/** What runs for a demo, seen while it runs. */
export interface RunningDemo {
  nodePid: number;
  dir: string;
  servers: ProcessInfo[];
}

/** The condition, but failing at once (with the screen) if the demo has already ended. */
export function unlessEnded(condition: (screen: string) => boolean): ScreenCondition {
  return (screen) => {
    if (/EXITED:\d+/.test(screen)) throw new Error(`the demo ended:\n${screen}`);
    return condition(screen);
  };
}

/** Waits for the monitor's first frame, then finds the demo's node process, servers and directory. */
export async function waitForDemo(terminal: DemoTerminal, options: { pgbouncer: boolean }): Promise<RunningDemo> {
  await terminal.waitFor(
    unlessEnded((screen) => screen.includes('1 Sessions') && screen.includes('2 Locks')),
    { what: "the demo's monitor", timeoutMs: START_TIMEOUT_MS },
  );
  const nodePid = await waitUntil(() => terminal.nodePid(), { what: "the demo's node process" });
  const servers = demoServers(nodePid);
  const dir = demoDirOf(servers);
  assert.ok(dir, `the postmaster runs in the demo directory: ${JSON.stringify(servers, null, 1)}`);
  assert.ok(servers.some((server) => / -D \S+\/data/.test(server.command)), 'PostgreSQL runs below the demo');
  assert.equal(servers.some((server) => server.command.includes('pgbouncer')), options.pgbouncer, `PgBouncer ${options.pgbouncer ? 'runs' : 'does not run'} below the demo`);
  return { nodePid, dir, servers };
}

/**
 * After the demo has exited: its banner is on the normal screen naming its directory, and nothing is
 * left: not the node process, not a server, not a process working in the directory, not the directory.
 */
export function assertCleanedUp(screen: string, demo: RunningDemo): void {
  const joined = screen.replace(/\n/g, '');
  assert.match(joined, /pgtop demo: starting a throwaway PostgreSQL/, `the banner is on the normal screen:\n${screen}`);
  assert.ok(joined.includes(` in ${demo.dir};`), `the banner names the directory ${demo.dir}:\n${screen}`);
  assert.match(joined, /quitting stops them and removes that directory/);
  assert.equal(isAlive(demo.nodePid), false, "the demo's node process is gone");
  assert.deepEqual(demo.servers.filter((server) => isAlive(server.pid)), [], 'every server process the demo ran is gone');
  assert.deepEqual(processesIn(demo.dir), [], 'no process names or works in the demo directory');
  assert.equal(existsSync(demo.dir), false, `the demo directory ${demo.dir} is removed`);
}

/** An application name as the APP column shows it: 14 wide, a longer one cut with an ellipsis. */
export function shownApplication(name: string): string {
  return name.length > 14 ? name.slice(0, 13) : name;
}

/**
 * Shows idle sessions too (i), and waits until every part of the workload has a session on screen (the
 * flash-sale bursts are seen in the Pools view: through PgBouncer they borrow the pool's servers).
 */
export async function waitForWorkload(terminal: DemoTerminal): Promise<void> {
  terminal.sendKeys('i');
  const names = Object.values(workloadApplications)
    .filter((name) => name !== workloadApplications.burst)
    .map(shownApplication);
  await terminal.waitFor(unlessEnded((screen) => names.every((name) => screen.includes(name))), {
    what: `the workload's sessions (${names.join(', ')})`,
    timeoutMs: 60_000,
  });
}

/** The Locks view shows a chain: one tree guide indented deeper than another (A ← B ← C). */
export function showsNestedChain(screen: string): boolean {
  const depths = screen
    .split('\n')
    .filter((line) => /└─ \d+/.test(line))
    .map((line) => line.indexOf('└─'));
  return depths.length >= 2 && depths.some((depth) => depth > Math.min(...depths));
}

/** Quits by `quit`, then checks the exit code, the normal screen back, and that nothing of the demo is left. */
export async function quitAndCheck(terminal: DemoTerminal, running: RunningDemo, quit: () => void, expectedCode: number): Promise<void> {
  quit();
  assert.equal(await terminal.exitCode({ timeoutMs: 60_000 }), expectedCode, 'the exit code');
  assert.equal(terminal.alternateOn(), false, 'the terminal is back on the normal screen');
  assertCleanedUp(terminal.screen(), running);
}
