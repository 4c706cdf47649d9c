import { pgtopCommand } from './pgtop-command.js';
import type { PostgresSandbox } from '../src/sandbox/postgres.js';
import { repoRoot } from './product.js';
import { pgtopFrameReady } from './screens.js';
import { PGTOP_PASSWORD, PGTOP_ROLE } from './server-cost.js';
import { median, round } from './stats.js';
import { BenchTerminal } from './tmux.js';

export interface StartupFigures {
  runs: number[];
  medianMs: number;
  sessions: number;
}

/**
 * From the Enter key that launches `node bin/pgtop.js URI` in a 120×40 tmux terminal to the first full
 * frame on screen (the header with the server's version and a session row), polled every 10 ms.
 */
export async function measureStartup(sandbox: PostgresSandbox, runs: number, sessions: number): Promise<StartupFigures> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const terminal = new BenchTerminal('startup', pgtopCommand(['--interval', '1', sandbox.uri('postgres', PGTOP_ROLE, PGTOP_PASSWORD)]), {
      columns: 120,
      rows: 40,
      cwd: repoRoot,
      waitForEnter: true,
    });
    try {
      if (!(await terminal.waitFor((s) => s.includes('ready'), 10_000))) throw new Error('the terminal did not start');
      const t0 = performance.now();
      terminal.sendKeys('Enter');
      const screen = await terminal.waitFor(pgtopFrameReady, 20_000, 10);
      if (!screen) throw new Error(`pgtop drew no full frame within 20 s; its screen:\n${terminal.screen()}`);
      times.push(round(performance.now() - t0, 1));
    } finally {
      terminal.kill();
    }
  }
  return { runs: times, medianMs: round(median(times), 1), sessions };
}
