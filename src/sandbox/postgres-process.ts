import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from '../db/pg-driver.js';
import { isAlive } from './cleanup.js';

export interface PostgresLaunch {
  binDir: string;
  /** The server's arguments: the data directory and its `-c` settings. */
  args: string[];
  /** The sandbox's directory, where postgres.log is written. */
  dir: string;
  socketDir: string;
  port: number;
  superuser: string;
  /** uid and gid of the unprivileged user the server runs as, or nothing. */
  asUser: { uid?: number; gid?: number };
}

/** The postmaster of a sandbox: started until it accepts connections, stopped fast, restartable. */
export class PostgresProcess {
  private child: ChildProcess | undefined;

  constructor(private readonly launch: PostgresLaunch) {}

  /** The postmaster's pid while it runs. */
  get pid(): number | undefined {
    const child = this.child;
    return child?.pid && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** Its pid until it has exited (for the cleanup, which also stops one that is being signalled). */
  get pidUntilExit(): number | undefined {
    return this.child?.pid && this.child.exitCode === null ? this.child.pid : undefined;
  }

  async start(): Promise<void> {
    const { binDir, args, dir, asUser } = this.launch;
    const log: string[] = [];
    const logFile = join(dir, 'postgres.log');
    const started = spawn(join(binDir, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...asUser });
    this.child = started;
    const collect = (chunk: Buffer): void => {
      log.push(chunk.toString());
      try {
        appendFileSync(logFile, chunk);
      } catch {
        // the directory is being removed
      }
    };
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    await this.untilAcceptingConnections(started, log);
  }

  private async untilAcceptingConnections(started: ChildProcess, log: string[]): Promise<void> {
    const { socketDir, port, superuser } = this.launch;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`PostgreSQL exited while starting:\n${log.join('').slice(-2000)}`);
      }
      const probe = new pg.Client({ host: socketDir, port, user: superuser, database: 'postgres' });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.end();
        return;
      } catch {
        await probe.end().catch(() => undefined);
        if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within 30 s:\n${log.join('').slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async stop(): Promise<void> {
    const running = this.child;
    if (!running?.pid || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGINT'); // fast shutdown
    const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    // Backends notice the postmaster is gone and exit; wait for the socket's lock file owner too.
    const deadline = Date.now() + 5000;
    while (running.pid && isAlive(running.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}
