import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgtopCommand } from './pgtop-command.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface TerminalOptions {
  columns?: number;
  rows?: number;
  /** Added to the environment of the program (after PG*, CI* and TMUX* are removed). */
  env?: Record<string, string>;
}

export interface PgtopOptions extends TerminalOptions {
  /** A line printed on the normal screen before pgtop starts (to check that it is there again after). */
  before?: string;
}

export type ScreenCondition = string | RegExp | ((screen: string) => boolean);

export interface WaitForOptions {
  /** What is awaited, in words: the failure message starts with it. */
  what?: string;
  timeoutMs?: number;
}

/** A program running in its own tmux server, with a fixed-size pane that outlives the program. */
export interface Terminal {
  /** The tmux socket name (`tmux -L NAME`). */
  readonly socket: string;
  /** HOME of the program: an empty temporary directory of its own. */
  readonly home: string;
  /** XDG_STATE_HOME of the program (inside `home`). */
  readonly stateHome: string;
  /** The visible pane as text, one line per row (trailing blanks removed). */
  screen(): string;
  /** The visible pane with the SGR attributes tmux re-creates for what the program drew (`capture-pane -e`). */
  screenWithEscapes(): string;
  /** The pane's title (what an OSC 0/2 sequence would set). */
  title(): string;
  /** Sends tmux key names (`Enter`, `Escape`, `Down`, `y`, `C-c`), each with its own send-keys call. */
  sendKeys(...keys: string[]): void;
  /** Sends literal text (`send-keys -l`). */
  type(text: string): void;
  /** Polls the screen until the condition holds; fails with the last screen in the message. Returns that screen. */
  waitFor(condition: ScreenCondition, options?: WaitForOptions): Promise<string>;
  /** Resizes the window (`resize-window`): the program gets SIGWINCH. */
  resize(columns: number, rows: number): void;
  /** The pane's size as tmux has it. */
  size(): { columns: number; rows: number };
  /** `#{alternate_on}`: whether the pane shows the alternate screen. */
  alternateOn(): boolean;
  /** The pid of the pane's shell. */
  panePid(): number;
  /** Waits for the program to exit and returns its exit code. */
  exitCode(options?: WaitForOptions): Promise<number>;
  /** Kills the tmux server (and so the program). Safe to call more than once. */
  kill(): void;
}

export interface PgtopTerminal extends Terminal {
  /**
   * Like waitFor, on a whole frame only: pgtop draws one line fewer than the terminal has, its footer last,
   * so a frame is whole when the line above the last one has text (a capture can catch a frame half drawn).
   */
  waitForFrame(condition: ScreenCondition, options?: WaitForOptions): Promise<string>;
  /** The next whole frame with its SGR attributes (`capture-pane -e`) for which `condition` holds on its text. */
  waitForFrameWithEscapes(condition: ScreenCondition, options?: WaitForOptions): Promise<string>;
  /** The pid of the node process running pgtop, while it runs. */
  pgtopPid(): number | undefined;
  /** The audit log pgtop writes for this terminal ($XDG_STATE_HOME/pgtop/audit.log), parsed; [] before any. */
  auditEntries(): Record<string, unknown>[];
}

const EXIT_MARKER = /EXITED:(\d+)/;
const live = new Set<string>();
const homes = new Set<string>();
let counter = 0;
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const cleanup = (): void => {
    for (const socket of live) killServer(socket);
    for (const home of homes) rmSync(home, { recursive: true, force: true });
    homes.clear();
  };
  process.on('exit', cleanup);
  // A test process stopped by a signal (a cancelled run) emits no 'exit': clean up, then die of the signal.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      cleanup();
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function killServer(socket: string): void {
  try {
    execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // already gone
  }
  live.delete(socket);
}

/** Quotes one word for sh. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function isUtf8Locale(value: string | undefined): boolean {
  return value !== undefined && /utf-?8/i.test(value);
}

/** The program's environment: this process's, without PG*, CI*, TMUX* and the test runner's, plus `extra`. */
export function terminalEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('PG') || key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_')) continue;
    if (key.startsWith('TMUX') || key === 'NODE_TEST_CONTEXT' || key === 'COLUMNS' || key === 'LINES') continue;
    env[key] = value;
  }
  env.HOME = home;
  env.XDG_STATE_HOME = join(home, 'state');
  env.TERM = 'xterm-256color';
  if (!isUtf8Locale(env.LC_ALL ?? env.LC_CTYPE ?? env.LANG)) {
    delete env.LC_ALL;
    delete env.LC_CTYPE;
    env.LANG = 'C.UTF-8';
  }
  return { ...env, ...extra };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function matches(screen: string, condition: ScreenCondition): boolean {
  if (typeof condition === 'string') return screen.includes(condition);
  if (condition instanceof RegExp) return condition.test(screen);
  return condition(screen);
}

function describeCondition(condition: ScreenCondition): string {
  if (typeof condition === 'string') return JSON.stringify(condition);
  if (condition instanceof RegExp) return String(condition);
  return 'the screen condition';
}

/** The pids whose parent is `parent` (from /proc). */
export function childPids(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent) children.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return children;
}

/** Every process below `root` (children, grandchildren, …). */
export function descendantPids(root: number): number[] {
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const child of childPids(parent)) {
      if (found.includes(child)) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function executable(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/**
 * Runs `command` (a shell command line) in a new tmux server of its own, in a detached session of
 * `columns`×`rows`. The shell prints `EXITED:<code>` when the command ends and then keeps the pane open,
 * so the exit code and the restored screen can still be read.
 */
export function startTerminal(command: string, options: TerminalOptions = {}): Terminal {
  installExitHook();
  const columns = options.columns ?? 120;
  const rows = options.rows ?? 40;
  const socket = `pgtop-e2e-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const home = mkdtempSync(join(tmpdir(), 'pgtop-e2e-home-'));
  homes.add(home);
  const env = terminalEnv(home, options.env);
  const target = 'e2e';
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });

  const script = `export TERM=xterm-256color; ${command}; echo "EXITED:$?"; exec sleep 3600`;
  live.add(socket);
  try {
    tmux('-u', '-f', '/dev/null', 'new-session', '-d', '-s', target, '-x', String(columns), '-y', String(rows), '-c', repoRoot, `sh -c ${shellQuote(script)}`);
  } catch (error) {
    killServer(socket);
    throw error;
  }

  const display = (format: string): string => tmux('display-message', '-p', '-t', target, format).replace(/\n$/, '');
  const screen = (): string => tmux('capture-pane', '-p', '-t', target).replace(/\n$/, '');

  const waitFor = async (condition: ScreenCondition, waitOptions: WaitForOptions = {}): Promise<string> => {
    const timeoutMs = waitOptions.timeoutMs ?? 15_000;
    const what = waitOptions.what ?? describeCondition(condition);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        last = screen();
      } catch (error) {
        throw new Error(`waiting for ${what}: the terminal is gone (${(error as Error).message})`, { cause: error });
      }
      if (matches(last, condition)) return last;
      if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen was:\n${last}`);
      await delay(50);
    }
  };

  return {
    socket,
    home,
    stateHome: join(home, 'state'),
    screen,
    screenWithEscapes: () => tmux('capture-pane', '-p', '-e', '-t', target).replace(/\n$/, ''),
    title: () => display('#{pane_title}'),
    sendKeys: (...keys: string[]) => {
      for (const key of keys) tmux('send-keys', '-t', target, key);
    },
    type: (text: string) => {
      tmux('send-keys', '-t', target, '-l', text);
    },
    waitFor,
    resize: (c: number, r: number) => {
      tmux('resize-window', '-t', target, '-x', String(c), '-y', String(r));
    },
    size: () => {
      const [c, r] = display('#{pane_width} #{pane_height}').split(' ').map(Number);
      return { columns: c ?? 0, rows: r ?? 0 };
    },
    alternateOn: () => display('#{alternate_on}') === '1',
    panePid: () => Number(display('#{pane_pid}')),
    exitCode: async (waitOptions: WaitForOptions = {}) => {
      const shown = await waitFor(EXIT_MARKER, { what: waitOptions.what ?? 'the program to exit', timeoutMs: waitOptions.timeoutMs ?? 15_000 });
      return Number(EXIT_MARKER.exec(shown)?.[1]);
    },
    kill: () => killServer(socket),
  };
}

/**
 * Starts pgtop in a terminal of its own. `options.before` is printed
 * first, on the normal screen.
 */
export function startPgtop(args: string[], options: PgtopOptions = {}): PgtopTerminal {
  const pgtop = [...pgtopCommand, ...args].map(shellQuote).join(' ');
  const command = options.before !== undefined ? `printf '%s\\n' ${shellQuote(options.before)}; ${pgtop}` : pgtop;
  const terminal = startTerminal(command, options);
  return {
    ...terminal,
    waitForFrame: (condition: ScreenCondition, waitOptions: WaitForOptions = {}) =>
      terminal.waitFor((screen) => isWholeFrame(screen, terminal.size().rows) && matches(screen, condition), {
        ...waitOptions,
        what: `${waitOptions.what ?? describeCondition(condition)} (on a whole frame)`,
      }),
    // pgtop renames its process (process.title), so it is found as the node process under the pane's shell.
    waitForFrameWithEscapes: async (condition: ScreenCondition, waitOptions: WaitForOptions = {}) => {
      let found: string | undefined;
      await terminal.waitFor(
        () => {
          const raw = terminal.screenWithEscapes();
          const plain = raw.replace(/\x1b\[[0-9;:]*m/g, '');
          found = isWholeFrame(plain, terminal.size().rows) && matches(plain, condition) ? raw : undefined;
          return found !== undefined;
        },
        { ...waitOptions, what: `${waitOptions.what ?? describeCondition(condition)} (on a whole frame, with attributes)` },
      );
      return found ?? '';
    },
    pgtopPid: () => descendantPids(terminal.panePid()).find((pid) => executable(pid) === realpathSync(process.execPath)),
    auditEntries: () => {
      let text: string;
      try {
        text = readFileSync(join(terminal.stateHome, 'pgtop', 'audit.log'), 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}

/** Whether a capture of a `rows`-row pane holds a whole pgtop frame: its footer line, the one before the last, has text. */
export function isWholeFrame(screen: string, rows: number): boolean {
  return (screen.split('\n')[rows - 2] ?? '').trim() !== '';
}
