import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productEnv } from './child.js';

const live = new Set<BenchTerminal>();
let hooked = false;

/** Quotes one word for sh. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A program in a detached tmux session of its own tmux server: a real terminal of a fixed size. The
 * program is exec'd by the pane's shell, so the pane's pid is the program's.
 */
export class BenchTerminal {
  private readonly socket: string;
  private readonly home: string;
  private killed = false;

  constructor(
    readonly name: string,
    command: string[],
    options: { columns: number; rows: number; cwd: string; env?: Record<string, string>; waitForEnter?: boolean },
  ) {
    if (!hooked) {
      hooked = true;
      process.on('exit', () => {
        for (const terminal of live) terminal.kill();
      });
    }
    this.socket = `pgtop-bench-${process.pid}-${name}-${Math.random().toString(36).slice(2, 8)}`;
    this.home = mkdtempSync(join(tmpdir(), 'pgtop-bench-home-'));
    const env = productEnv({ HOME: this.home, XDG_STATE_HOME: join(this.home, 'state'), TERM: 'xterm-256color', LANG: 'C.UTF-8', ...options.env });
    delete env.LC_ALL;
    delete env.LC_CTYPE;
    const program = `exec ${command.map(shellQuote).join(' ')}`;
    // With waitForEnter the shell waits for a key first: the launch can then be timed from the Enter key.
    const script = options.waitForEnter ? `printf 'ready\\n'; read _; ${program}` : program;
    live.add(this);
    this.tmux(['-u', '-f', '/dev/null', 'new-session', '-d', '-s', 'bench', '-x', String(options.columns), '-y', String(options.rows), '-c', options.cwd, `sh -c ${shellQuote(script)}`], env);
  }

  private tmux(args: string[], env?: NodeJS.ProcessEnv): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', env: env ?? productEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', 'bench']);
  }

  pid(): number {
    return Number(this.tmux(['display-message', '-p', '-t', 'bench', '#{pane_pid}']).trim());
  }

  /** Copies from now on every byte the program writes to its terminal to `path`. */
  pipeOutput(path: string): void {
    this.tmux(['pipe-pane', '-O', '-t', 'bench', `cat >> ${shellQuote(path)}`]);
  }

  sendKeys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', 'bench', ...keys]);
  }

  /** Polls the screen until `done` holds, at most `timeoutMs`; returns the screen, or undefined on timeout. */
  async waitFor(done: (screen: string) => boolean, timeoutMs: number, everyMs = 20): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let screen = '';
      try {
        screen = this.screen();
      } catch {
        return undefined;
      }
      if (done(screen)) return screen;
      if (Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }

  /** Ends the tmux server (the program gets SIGHUP), then the program itself if it lingers. */
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    live.delete(this);
    let pid: number | undefined;
    try {
      pid = this.pid();
    } catch {
      pid = undefined;
    }
    try {
      execFileSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore', timeout: 10_000 });
    } catch {
      // already gone
    }
    if (pid && pid > 1) {
      const deadline = Date.now() + 3000;
      while (alive(pid) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      if (alive(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    rmSync(this.home, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The version of tmux, or undefined when it is not installed. */
export function tmuxVersion(): string | undefined {
  try {
    return execFileSync('tmux', ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
