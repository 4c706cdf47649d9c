import { pgtopCommand } from './pgtop-command.js';
import { repoRoot } from './product.js';
import { pgtopFrameReady } from './screens.js';
import { median, round } from './stats.js';
import { BenchTerminal } from './tmux.js';

export interface DemoStartupFigures {
  runs: number[];
  medianMs: number;
}

// pgtop leaves out its own sessions: a session row in the demo's first frame is the workload's.
const demoFrameReady = pgtopFrameReady;

/**
 * From the Enter key that launches `node bin/pgtop.js demo` in a 120×40 tmux terminal to the first full
 * frame showing the workload: initdb, the servers, the sample migrations with their seed, and the monitor.
 * Each run is quit with q, which stops the servers and removes the demo's directory, before the next.
 */
export async function measureDemoStartup(runs: number): Promise<DemoStartupFigures> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const terminal = new BenchTerminal('demo', pgtopCommand(['demo']), { columns: 120, rows: 40, cwd: repoRoot, waitForEnter: true });
    try {
      if (!(await terminal.waitFor((s) => s.includes('ready'), 10_000))) throw new Error('the terminal did not start');
      const t0 = performance.now();
      terminal.sendKeys('Enter');
      const screen = await terminal.waitFor(demoFrameReady, 180_000, 20);
      if (!screen) throw new Error(`the demo drew no full frame within 180 s; its screen:\n${terminal.screen()}`);
      times.push(round(performance.now() - t0, 0));
      terminal.sendKeys('q');
      // The shell runs pgtop with exec: the tmux session ends once the demo has cleaned up and exited.
      await waitGone(terminal, 60_000);
    } finally {
      terminal.kill();
    }
  }
  return { runs: times, medianMs: round(median(times), 0) };
}

async function waitGone(terminal: BenchTerminal, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      terminal.screen();
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
