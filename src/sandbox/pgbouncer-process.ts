import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionSettings } from '../config/types.js';
import { connectAdminConsole } from '../db/admin-console.js';
import { errorMessage } from '../errors.js';
import type { PgBouncerVersion } from '../sources/pgbouncer-records.js';

export interface PgBouncerLaunch {
  binary: string;
  iniPath: string;
  dir: string;
  port: number;
  /** uid and gid of the unprivileged user the server runs as, or nothing. */
  asUser: { uid?: number; gid?: number };
  version: PgBouncerVersion;
  /** How to log in to the admin console, to see that it answers. */
  adminSettings: () => ConnectionSettings;
}

/** The PgBouncer process of a sandbox: started until its admin console answers, stopped at once, restartable. */
export class PgBouncerProcess {
  private child: ChildProcess | undefined;

  constructor(private readonly launch: PgBouncerLaunch) {}

  /** The child while it runs. */
  running(): ChildProcess | undefined {
    const child = this.child;
    return child?.pid && child.exitCode === null && child.signalCode === null ? child : undefined;
  }

  async start(): Promise<void> {
    if (this.running()) return;
    const { binary, iniPath, dir, asUser } = this.launch;
    const output: string[] = [];
    const started = spawn(binary, [iniPath], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...asUser });
    this.child = started;
    const collect = (chunk: Buffer): void => {
      output.push(chunk.toString());
      if (output.length > 200) output.splice(0, output.length - 200);
    };
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    started.on('error', (error) => output.push(errorMessage(error)));
    await this.untilConsoleAnswers(started, output);
  }

  private async untilConsoleAnswers(started: ChildProcess, output: string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    let lastError = '';
    for (;;) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`PgBouncer exited while starting:\n${output.join('').slice(-2000)}`);
      }
      try {
        const probe = await connectAdminConsole(this.launch.adminSettings(), { connectTimeoutMs: 2000, queryTimeoutMs: 2000 });
        try {
          await probe.showVersion();
          return;
        } finally {
          await probe.close();
        }
      } catch (error) {
        lastError = errorMessage(error);
      }
      if (Date.now() > deadline) {
        throw new Error(`PgBouncer's admin console did not answer within 30 s (${lastError}):\n${output.join('').slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    const process_ = this.running();
    if (!process_) return;
    const { version, dir, port } = this.launch;
    const exited = new Promise<void>((resolve) => process_.once('exit', () => resolve()));
    // Immediate shutdown: SIGQUIT from 1.23 on; before that SIGTERM (which 1.23 turned into a waiting shutdown).
    const immediate = version.major > 1 || version.minor >= 23 ? 'SIGQUIT' : 'SIGTERM';
    process_.kill(immediate);
    const timer = setTimeout(() => process_.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    // A killed PgBouncer leaves its pidfile and socket behind; the next start would refuse or trip on them.
    rmSync(join(dir, 'pgbouncer.pid'), { force: true });
    rmSync(join(dir, `.s.PGSQL.${port}`), { force: true });
  }
}
