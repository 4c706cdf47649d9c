import { spawn, type ChildProcess, type StdioNull, type StdioPipe } from 'node:child_process';

/** How a child ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: Error;
}

/**
 * The child must not outlive pgtop, even a pgtop killed with SIGKILL. The shell that becomes the program
 * first leaves a watcher in the program's process group, reading a pipe whose only writer is pgtop: when
 * pgtop ends, however it ends, the pipe reaches end-of-file and the watcher kills the group (the program and
 * its own children). The watcher is detached from the shell (so the program never waits for it) and holds
 * none of the program's other descriptors. Then the shell execs the program in its place, with the same pid.
 */
const WATCHED_EXEC = [
  'exec 4<&0 </dev/null',
  '( ( cat <&4 >/dev/null 2>&1; kill -KILL 0 ) </dev/null >/dev/null 2>&1 3<&- & )',
  'exec 4<&-',
  'exec "$0" "$@"',
].join('\n');

export interface WatchedGroupOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout, stderr and any further descriptors; stdin is the watcher's pipe (the program reads /dev/null). */
  stdio: (StdioPipe | StdioNull | number)[];
}

/**
 * Starts `program args` without a shell of its own in a process group of its own, which dies with pgtop. A
 * Ctrl-C on the terminal reaches pgtop alone, which then stops the group (see `stopGroup`).
 */
export function spawnWatchedGroup(program: string, args: string[], options: WatchedGroupOptions): ChildProcess {
  const child = spawn('/bin/sh', ['-c', WATCHED_EXEC, program, ...args], {
    env: options.env,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    stdio: ['pipe', ...options.stdio],
    detached: true,
  });
  // The watcher's pipe: never written to; closing it (by pgtop's death, or once the child is closed) ends the watcher.
  child.stdin?.on('error', () => undefined);
  child.once('close', () => child.stdin?.destroy());
  return child;
}

/** Sends `signal` to the process group led by `pid`; nothing when it is gone. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

/** Resolves once the child has exited and its output is read to the end; `beforeResolve` runs first then. */
export function exitOf(child: ChildProcess, beforeResolve?: () => void): Promise<ProcessExit> {
  let spawnError: Error | undefined;
  return new Promise<ProcessExit>((resolve) => {
    child.once('error', (error) => {
      spawnError = error;
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError });
    });
    child.once('close', (code, signal) => {
      beforeResolve?.();
      resolve({ code, signal, ...(spawnError ? { spawnError } : {}) });
    });
  });
}

/**
 * A stop for the child's process group: SIGTERM, then SIGKILL after `graceMs`; resolves with the exit. Calls
 * after the first share its stop.
 */
export function groupStopper(child: ChildProcess, exited: Promise<ProcessExit>, defaultGraceMs: number): (graceMs?: number) => Promise<ProcessExit> {
  let stopping: Promise<ProcessExit> | undefined;
  return (graceMs = defaultGraceMs) => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) signalGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopping;
  };
}
