import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isAlive } from '../../src/sandbox/cleanup.js';
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
