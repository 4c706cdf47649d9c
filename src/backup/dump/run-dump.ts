import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { LineSplitter, LineTail, parseDumpLine, type DumpLine } from './dump-line.js';
import type { DumpFormat } from '../files/naming.js';

export interface DumpArgumentOptions {
  format: DumpFormat;
  /** Parallel workers; directory format only. */
  jobs: number;
  lockWaitTimeoutSec: number;
  outputPath: string;
}

/** pg_dump's arguments. The connection (and the password file) travel in the environment, never here. */
export function pgDumpArguments(options: DumpArgumentOptions): string[] {
  const args = [
    '--verbose',
    '--no-password',
    `--format=${options.format}`,
    `--file=${options.outputPath}`,
    `--lock-wait-timeout=${Math.round(options.lockWaitTimeoutSec * 1000)}`,
  ];
  if (options.format === 'directory' && options.jobs > 1) args.push(`--jobs=${options.jobs}`);
  return args;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: Error;
}

export interface RunningDump {
  readonly pid: number | undefined;
  /** Resolves once the process has exited and its stderr is read to the end. */
  readonly exited: Promise<ProcessExit>;
  /** The last lines of its stderr. */
  stderrTail(): string[];
  /** Stops it and any children (pg_dump -j workers): SIGTERM to its process group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<ProcessExit>;
}

export interface StartDumpOptions {
  program: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** An open descriptor the program inherits as fd 3 (the password file). */
  passwordFd?: number;
  onLine?: (line: DumpLine, raw: string) => void;
  tailLines?: number;
}

/**
 * pg_dump must not outlive pgtop, even a pgtop killed with SIGKILL. The shell that becomes pg_dump first
 * leaves a watcher in pg_dump's process group, reading a pipe whose only writer is pgtop: when pgtop ends,
 * however it ends, the pipe reaches end-of-file and the watcher kills the group (pg_dump and its -j
 * workers). The watcher is detached from the shell (so pg_dump never waits for it) and holds none of
 * pg_dump's other descriptors. Then the shell execs pg_dump in its place, with the same pid.
 */
const WATCHED_EXEC = [
  'exec 4<&0 </dev/null',
  '( ( cat <&4 >/dev/null 2>&1; kill -KILL 0 ) </dev/null >/dev/null 2>&1 3<&- & )',
  'exec 4<&-',
  'exec "$0" "$@"',
].join('\n');

/**
 * Spawns with umask 077 in force, so that whatever the child creates (directory-format data files) is
 * 0600 and 0700. The umask is inherited at fork, which happens inside spawn(), and put back right after.
 */
function spawnPrivately(program: string, args: string[], env: NodeJS.ProcessEnv, passwordFd: number | undefined): ChildProcess {
  let previous: number | undefined;
  try {
    previous = process.umask(0o077);
  } catch {
    previous = undefined; // worker threads may not change it; the files are still tightened after the dump
  }
  try {
    // A process group of its own: a Ctrl-C on the terminal reaches pgtop alone, which then stops the
    // whole group (the leader and its -j workers) and cleans up.
    return spawn('/bin/sh', ['-c', WATCHED_EXEC, program, ...args], {
      env,
      stdio: ['pipe', 'ignore', 'pipe', passwordFd ?? 'ignore'],
      detached: true,
    });
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

/** Runs pg_dump without a shell, reading its stderr line by line. */
export function startDump(options: StartDumpOptions): RunningDump {
  try {
    accessSync(options.program, constants.X_OK);
  } catch (error) {
    const spawnError = error as Error;
    const exited = Promise.resolve<ProcessExit>({ code: null, signal: null, spawnError });
    return { pid: undefined, exited, stderrTail: () => [], stop: () => exited };
  }
  const child = spawnPrivately(options.program, options.args, options.env, options.passwordFd);
  // The watcher's pipe: never written to; closing it (here, or by pgtop's death) ends the watcher.
  child.stdin?.on('error', () => undefined);
  const tail = new LineTail(options.tailLines ?? 40);
  const splitter = new LineSplitter();
  const take = (raw: string): void => {
    tail.push(raw);
    options.onLine?.(parseDumpLine(raw), raw);
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => splitter.push(chunk).forEach(take));

  let spawnError: Error | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (error) => {
      spawnError = error;
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError });
    });
    child.once('exit', (code) => {
      // Workers left behind by a leader that died would keep stderr open; they cannot finish without it.
      if (code !== 0) signalGroup(child.pid, 'SIGKILL');
    });
    child.once('close', (code, signal) => {
      child.stdin?.destroy();
      splitter.flush().forEach(take);
      resolve({ code, signal, ...(spawnError ? { spawnError } : {}) });
    });
  });

  let stopping: Promise<ProcessExit> | undefined;
  const stop = (graceMs = 5000): Promise<ProcessExit> => {
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

  return { pid: child.pid, exited, stderrTail: () => tail.get(), stop };
}
