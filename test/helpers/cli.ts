import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgtopCommand } from './pgtop-command.js';
import { processTempDir } from './temp-dir.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface CliOptions {
  /** Added to the environment (after every PG* variable of this process is removed). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// One empty HOME for every CLI run of this process, so the machine's ~/.pgpass and state are never read.
const cliHome = processTempDir('pgtop-test-home-');

export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('PG') && key !== 'NODE_TEST_CONTEXT') env[key] = value;
  }
  env.HOME = cliHome();
  env.XDG_STATE_HOME = join(cliHome(), '.local', 'state');
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Starts `pgtop ARGS`, stdin closed, stdout and stderr piped. */
export function spawnCli(args: string[], options: CliOptions = {}): ChildProcess {
  const [node, bin] = pgtopCommand;
  return spawn(node, [bin, ...args], {
    cwd: repoRoot,
    env: cliEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `pgtop ARGS` to completion; kills it and fails if it takes longer than `timeoutMs`. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pgtop ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
