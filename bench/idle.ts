import { pgtopCommand } from './pgtop-command.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PostgresSandbox } from '../src/sandbox/postgres.js';
import { spawn, spawnSync } from 'node:child_process';
import { countDrawing, countLoopBursts, countLoopSleeps, idleWakeups, idleWindow, type IdleWindow } from './drawing.js';
import { cpuSeconds } from './proc.js';
import { repoRoot } from './product.js';
import { pgtopFrameReady } from './screens.js';
import { PGTOP_PASSWORD, PGTOP_ROLE } from './server-cost.js';
import { BenchTerminal } from './tmux.js';

export interface IdleFigures {
  sessions: number;
  windows: IdleWindow[];
}

/** Voluntary context switches of one thread, or of every thread of the process (`task` undefined). */
export function voluntarySwitches(pid: number, task?: number): number {
  const read = (tid: string): number => Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'))?.[1] ?? Number.NaN);
  if (task !== undefined) return read(String(task));
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += read(tid);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return total;
}

/**
 * pgtop in a 120×40 tmux terminal on a server where nothing is done, its pty's output copied to a file
 * (tmux pipe-pane): first with the data refreshing at 1 s and nothing changing, then frozen with `p`.
 * Each window counts the main thread's wake-ups, the frames and lines drawn, and the lines drawn again
 * with what their row already showed.
 */
export async function measureIdle(sandbox: PostgresSandbox, sessions: number, seconds: number, say: (line: string) => void): Promise<IdleFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'pgtop-bench-idle-'));
  const capture = join(dir, 'pty.out');
  const terminal = new BenchTerminal('idle', pgtopCommand(['--interval', '1', sandbox.uri('postgres', PGTOP_ROLE, PGTOP_PASSWORD)]), { columns: 120, rows: 40, cwd: repoRoot });
  try {
    if (!(await terminal.waitFor(pgtopFrameReady, 30_000, 100))) throw new Error(`pgtop showed no data within 30 s; its screen:\n${terminal.screen()}`);
    const pid = terminal.pid();
    terminal.pipeOutput(capture);
    const windows: IdleWindow[] = [];
    for (const condition of ['unchanged', 'frozen'] as const) {
      if (condition === 'frozen') {
        terminal.sendKeys('p');
        if (!(await terminal.waitFor((s) => /paused/.test(s), 5000))) throw new Error(`pgtop did not pause on p; its screen:\n${terminal.screen()}`);
      }
      // Settle: the first frames after start-up or after the key are not the idle state.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const from = readCapture(capture).length;
      const start = { main: voluntarySwitches(pid, pid), all: voluntarySwitches(pid), cpu: cpuSeconds(pid) ?? Number.NaN, at: performance.now() };
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      const end = { main: voluntarySwitches(pid, pid), all: voluntarySwitches(pid), cpu: cpuSeconds(pid) ?? Number.NaN, at: performance.now() };
      const drawing = countDrawing(readCapture(capture), from);
      // The trace slows the process it watches: its own window, after the one measuring the rest.
      const sleeps = await traceLoopSleeps(pid, Math.min(seconds, TRACE_SECONDS), join(dir, `${condition}.strace`));
      const window = idleWindow(condition, (end.at - start.at) / 1000, { main: end.main - start.main, all: end.all - start.all, cpu: end.cpu - start.cpu }, drawing, sleeps);
      const traced = sleeps ? `strace: ${window.burstsPerSecond ?? '?'} bursts/s, ${window.wakeupsPerSecond} epoll sleeps/s` : 'no strace: context switches';
      say(`  ${condition}: ${idleWakeups(window)} wake-ups/s (${traced}; main thread context switches ${window.contextSwitchesPerSecond}/s, all threads ${window.allThreadsSwitchesPerSecond}/s), ${window.framesPerSecond} frames/s, ${window.linesPerSecond} lines/s, ${window.bytesPerSecond} B/s, ${window.unchangedLines} unchanged lines redrawn, CPU ${window.cpuPercent} %`);
      windows.push(window);
    }
    return { sessions, windows };
  } finally {
    terminal.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

const TRACE_SECONDS = 10;

/** The event loop's sleeps over `seconds`, traced with strace on the main thread; undefined without strace. */
async function traceLoopSleeps(pid: number, seconds: number, file: string): Promise<{ count: number; bursts: number | undefined; seconds: number } | undefined> {
  if (spawnSync('strace', ['-V'], { stdio: 'ignore' }).status !== 0) return undefined;
  const tracer = spawn('strace', ['-q', '-T', '-p', String(pid), '-e', 'trace=epoll_wait,epoll_pwait', '-o', file], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => tracer.once('close', () => resolve()));
  // Attaching takes a moment: the window starts at the first traced call.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const first = readCapture(file).length;
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const traced = readCapture(file).slice(first);
  const elapsed = (performance.now() - t0) / 1000;
  tracer.kill('SIGINT');
  await exited;
  if (first === 0 && traced === '') return undefined;
  return { count: countLoopSleeps(traced), bursts: countLoopBursts(traced), seconds: elapsed };
}

const readCapture = (path: string): string => {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
};
