import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoNodePid } from './demo-processes.js';
import { pgtopCommand } from './pgtop-command.js';
import { descendantPids, repoRoot, shellQuote, startTerminal, type Terminal } from './tmux.js';

/** An ordinary user to run the demo as: its HOME and TMPDIR are a fresh directory it owns. */
export interface OrdinaryUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface DemoTerminal extends Terminal {
  /** The pid of the demo's node process, while it runs. */
  nodePid(): number | undefined;
}

export interface DemoOptions {
  args?: string[];
  env?: Record<string, string>;
  asUser?: OrdinaryUser;
  columns?: number;
  rows?: number;
}

/** Runs `pgtop demo` in a terminal of its own (tmux, 200×45 unless told). */
export function startDemo(options: DemoOptions = {}): DemoTerminal {
  const user = options.asUser;
  const demo = [...pgtopCommand, 'demo', ...(options.args ?? [])];
  const asUser = user ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--'] : [];
  const userEnv: Record<string, string> = user ? { HOME: user.home, TMPDIR: user.home, XDG_STATE_HOME: join(user.home, 'state'), USER: user.name, LOGNAME: user.name } : {};
  const terminal = startTerminal([...asUser, ...demo].map(shellQuote).join(' '), {
    columns: options.columns ?? 200,
    rows: options.rows ?? 45,
    env: { ...userEnv, ...options.env },
  });
  return { ...terminal, nodePid: () => demoNodePid(terminal.panePid()) };
}

/** The README's quick-start line that runs the demo (`npm ci && npm run demo`). */
export function readmeQuickStart(dir: string): string {
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const block = /## Quick start\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const line = block.split('\n').find((entry) => entry.includes('demo')) ?? '';
  return line.replace(/#.*$/, '').trim();
}

/**
 * Runs `npm run demo` in the checkout at `dir`, as the quick start says (after its `npm ci`). The demo's node
 * process is the one running bin/pgtop.js, below npm.
 */
export function startNpmDemo(dir: string, options: { columns?: number; rows?: number } = {}): DemoTerminal {
  const terminal = startTerminal(`cd ${shellQuote(dir)} && npm run demo`, { columns: options.columns ?? 200, rows: options.rows ?? 45 });
  const nodePid = (): number | undefined =>
    descendantPids(terminal.panePid()).find((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('bin/pgtop.js');
      } catch {
        return false;
      }
    });
  return { ...terminal, nodePid };
}

/** `nobody`, with a fresh home of its own; remove() deletes the home. */
export function ordinaryUser(): OrdinaryUser & { remove(): void } {
  const fields = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((entry) => entry[0] === 'nobody');
  if (!fields) throw new Error('no user nobody in /etc/passwd');
  const home = mkdtempSync(join(tmpdir(), 'pgtop-demo-user-'));
  const user = { name: 'nobody', uid: Number(fields[2]), gid: Number(fields[3]), home };
  chownSync(home, user.uid, user.gid);
  return { ...user, remove: () => rmSync(home, { recursive: true, force: true }) };
}

/** Why `user` cannot run pgtop from this checkout (it cannot read the sources or node_modules), or undefined. */
export function unreadableFor(user: OrdinaryUser): string | undefined {
  const files = [join(repoRoot, 'package.json'), join(repoRoot, 'dist', 'cli.js'), join(repoRoot, 'node_modules', 'pg', 'package.json')];
  const check = `for (const f of ${JSON.stringify(files)}) require('fs').accessSync(f, require('fs').constants.R_OK)`;
  const result = spawnSync('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', process.execPath, '-e', check], { encoding: 'utf8' });
  return result.status === 0 ? undefined : `${user.name} cannot read the checkout at ${repoRoot}: ${result.stderr.trim().split('\n').find((line) => line.includes('Error')) ?? result.stderr.trim()}`;
}
