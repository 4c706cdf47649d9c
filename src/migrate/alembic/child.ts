import { spawn, type ChildProcess } from 'node:child_process';
import type { AlembicCommand } from './alembic-command.js';
import { exitOf, groupStopper, signalGroup, type ProcessExit } from '../../process/child-group.js';

/**
 * Started by the project's own Python before Alembic: asks the kernel to kill this process when its
 * parent (pgtop) dies, whatever kills pgtop, then becomes `alembic` (the request survives exec).
 */
const DIE_WITH_PARENT = [
  'import ctypes, os, signal, sys',
  'try:',
  '    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)',
  'except Exception:',
  '    pass',
  "if str(os.getppid()) != os.environ.get('PGTOP_PARENT_PID'):",
  '    sys.exit(125)',
  'os.execv(sys.argv[1], sys.argv[1:])',
].join('\n');

export type ChildExit = ProcessExit;

export interface AlembicChild {
  readonly pid: number | undefined;
  readonly exited: Promise<ChildExit>;
  /** SIGTERM to its process group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<ChildExit>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Whatever ends pgtop's event loop (an exception, process.exit), the children go with it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) signalGroup(child.pid, 'SIGKILL');
  });
}

function splitLines(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let rest = '';
  return {
    push(chunk) {
      const parts = (rest + chunk).split(/\r?\n/);
      rest = parts.pop() ?? '';
      for (const part of parts) onLine(part);
    },
    flush() {
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
}

/**
 * Starts `alembic ARGS` in `cwd`, in a process group of its own (a Ctrl-C on the terminal reaches
 * pgtop, which then stops the group), reading its stdout and stderr line by line.
 */
export function startAlembic(command: AlembicCommand, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; onLine: (stream: 'stdout' | 'stderr', line: string) => void }): AlembicChild {
  installExitHook();
  const [program, programArgs] = command.interpreter ? [command.interpreter, ['-c', DIE_WITH_PARENT, command.path, ...args]] : [command.path, args];
  const child = spawn(program, programArgs, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  const out = splitLines((line) => options.onLine('stdout', line));
  const err = splitLines((line) => options.onLine('stderr', line));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk));
  const exited = exitOf(child, () => {
    out.flush();
    err.flush();
  });
  void exited.then(() => running.delete(child));
  const stop = groupStopper(child, exited, 3000);
  return { pid: child.pid, exited, stop };
}
