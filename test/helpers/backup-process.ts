import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pgtopCommand } from './pgtop-command.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface BackupCliOptions {
  env: NodeJS.ProcessEnv;
  /** Run as this user (the tests run as root, where file modes do not stop writes). */
  uid?: number;
  gid?: number;
  /** `ulimit -f` in 1024-byte blocks, set by bash before it execs node. */
  fileSizeLimitBlocks?: number;
}

/** Starts `pgtop ARGS`, stdin closed, output piped. */
export function spawnBackupCli(args: string[], options: BackupCliOptions): ChildProcess {
  const node = [...pgtopCommand, ...args];
  const [program, ...argv] =
    options.fileSizeLimitBlocks === undefined
      ? node
      : ['bash', '-c', `ulimit -f ${options.fileSizeLimitBlocks} && exec "$@"`, 'bash', ...node];
  return spawn(program ?? process.execPath, argv, {
    cwd: repoRoot,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
}

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startBackupCli(args: string[], options: BackupCliOptions): CliRun {
  const child = spawnBackupCli(args, options);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs `pgtop ARGS` to the end; fails if it takes longer than `timeoutMs`. */
export async function runBackupCli(args: string[], options: BackupCliOptions & { timeoutMs?: number }): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const run = startBackupCli(args, options);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  try {
    const exit = await run.exited;
    return { ...exit, stdout: run.stdout(), stderr: run.stderr() };
  } finally {
    clearTimeout(timer);
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // The command name is in parentheses and may hold spaces; the fields after it are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Processes named `name` that descend from `ancestor`. */
export function descendantsNamed(ancestor: number, name: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (commandOf(pid) !== name || !isRunning(pid)) continue;
    for (let parent = parentOf(pid); parent !== undefined && parent > 1; parent = parentOf(parent)) {
      if (parent === ancestor) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

/** A process's argv as one string (NULs as spaces), or '' when it has gone. */
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export function environmentOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').replace(/\0/g, '\n');
  } catch {
    return '';
  }
}

/** Alive, not merely a zombie waiting for its parent (or init) to collect its exit status. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
