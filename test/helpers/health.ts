import type { PostgresSandbox } from '../../src/sandbox/postgres.js';
import { PassThrough } from 'node:stream';
import { runCheck as checkCommand } from '../../src/commands/check.js';
import { cliEnv } from './cli.js';

export interface CheckFinding {
  id: string;
  severity: 'ok' | 'warning' | 'critical' | 'unknown';
  summary: string;
  evidence: string[];
  threshold: string;
  target?: Record<string, unknown>;
}

export interface CheckRun {
  code: number | null;
  stdout: string;
  stderr: string;
  findings: CheckFinding[];
  byId(id: string): CheckFinding;
}

/** Runs `pgtop check --json ARGS` in this process against the sandbox's database; the default directories are never read. */
export async function runCheck(sandbox: PostgresSandbox, args: string[], options: { database?: string; user?: string; password?: string; withDirectories?: boolean } = {}): Promise<CheckRun> {
  const env = { ...sandbox.env(options.database ?? 'postgres'), ...(options.user ? { PGUSER: options.user, PGPASSWORD: options.password } : {}) };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await checkCommand(['--json', ...(options.withDirectories ? [] : ['--skip', 'migrations,backups']), ...args], { stdout, stderr, env: cliEnv(env) });
  const run = { code, stdout: out, stderr: err };
  let findings: CheckFinding[] = [];
  try {
    findings = (JSON.parse(run.stdout) as { findings: CheckFinding[] }).findings;
  } catch {
    findings = [];
  }
  return {
    ...run,
    findings,
    byId(id: string) {
      const found = findings.find((f) => f.id === id);
      if (!found) throw new Error(`no finding ${id} in:\n${run.stdout}\n${run.stderr}`);
      return found;
    },
  };
}
