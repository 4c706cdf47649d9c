import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { LineSplitter, LineTail, parseDumpLine, type DumpLine } from './dump-line.js';
import { exitOf, groupStopper, signalGroup, spawnWatchedGroup, type ProcessExit } from '../../process/child-group.js';
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
    // pg_dump and its -j workers die with pgtop, however pgtop ends.
    return spawnWatchedGroup(program, args, { env, stdio: ['ignore', 'pipe', passwordFd ?? 'ignore'] });
  } finally {
    if (previous !== undefined) process.umask(previous);
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
  const tail = new LineTail(options.tailLines ?? 40);
  const splitter = new LineSplitter();
  const take = (raw: string): void => {
    tail.push(raw);
    options.onLine?.(parseDumpLine(raw), raw);
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => splitter.push(chunk).forEach(take));
  child.once('exit', (code) => {
    // Workers left behind by a leader that died would keep stderr open; they cannot finish without it.
    if (code !== 0) signalGroup(child.pid, 'SIGKILL');
  });
  const exited = exitOf(child, () => splitter.flush().forEach(take));
  const stop = groupStopper(child, exited, 5000);

  return { pid: child.pid, exited, stderrTail: () => tail.get(), stop };
}
