import { readFileSync, rmSync } from 'node:fs';

/**
 * Everything a sandbox starts is registered here, so that it is stopped and removed when the process
 * ends for any reason: a normal exit, an uncaught error, or SIGINT / SIGTERM / SIGHUP.
 */
export interface CleanupEntry {
  /** Processes to signal, in order (a pooler before its server). */
  pids: () => number[];
  /** Directories to remove once the processes are gone. */
  dirs: string[];
}

const entries = new Set<CleanupEntry>();
let installed = false;
const exitSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Whether the process still runs. A zombie (exited, not yet reaped: Node cannot reap during 'exit') counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Stops the processes (SIGQUIT: PostgreSQL's immediate shutdown; then SIGKILL) and removes the dirs, synchronously. */
export function cleanupNow(entry: CleanupEntry): void {
  for (const pid of entry.pids()) {
    if (!isAlive(pid)) continue;
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // already gone
    }
    const deadline = Date.now() + 5000;
    while (isAlive(pid) && Date.now() < deadline) sleepSync(20);
    if (isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      const killDeadline = Date.now() + 2000;
      while (isAlive(pid) && Date.now() < killDeadline) sleepSync(20);
    }
  }
  for (const dir of entry.dirs) rmSync(dir, { recursive: true, force: true });
  entries.delete(entry);
}

function cleanupAll(): void {
  for (const entry of [...entries]) cleanupNow(entry);
}

function onSignal(signal: NodeJS.Signals): void {
  cleanupAll();
  for (const s of exitSignals) process.removeListener(s, onSignal);
  // Re-raise so that the process ends the way the signal asks, unless someone else handles it too.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAll);
  for (const signal of exitSignals) process.on(signal, onSignal);
}

export function register(entry: CleanupEntry): CleanupEntry {
  install();
  entries.add(entry);
  return entry;
}

export function unregister(entry: CleanupEntry): void {
  entries.delete(entry);
}
