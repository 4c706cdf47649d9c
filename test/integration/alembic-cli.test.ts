import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { alembicProject } from '../helpers/alembic-project.js';
import { commandLineOf, environmentOf } from '../helpers/backup-process.js';
import { spawnCli } from '../helpers/cli.js';
import { freshDatabase, tableExists } from '../helpers/migrate-harness.js';
import { waitUntil } from '../helpers/wait.js';

let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
});

after(async () => {
  await sandbox?.stop();
});

/** Processes whose parent is `parent` and whose command line contains `text`. */
function childrenOf(parent: number, text: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (ppid === parent && command.includes(text)) found.push(Number(name));
    } catch {
      // the process ended while being read
    }
  }
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const slowProject = (): string =>
  alembicProject([{ id: 'a1', down: null, message: 'slow', upgrade: ['op.execute("CREATE TABLE slow_made (id int)")', 'op.execute("SELECT pg_sleep(120)")'] }]);

async function sleeping(database: string): Promise<boolean> {
  const result = await sandbox.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event = 'PgSleep' AND application_name LIKE 'pgtop-migrate-alembic-%'", [database]);
  return result.rows[0]?.n === '1';
}

describe('pgtop migrate up --alembic as a process', () => {
  test('Ctrl-C cancels: the upgrade is rolled back, the child is gone, exit status 1; the password never reaches the child', async () => {
    const database = await freshDatabase(sandbox);
    const cli = spawnCli(['migrate', 'up', '--alembic', slowProject(), sandbox.uri(database)]);
    let stdout = '';
    let stderr = '';
    cli.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    cli.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => cli.once('close', (code) => resolve(code)));
    await waitUntil(() => sleeping(database), { what: 'the alembic child running its revision', timeoutMs: 180_000 }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\nstdout: ${stdout}\nstderr: ${stderr}`);
    });
    assert.match(stdout, /\| INFO {2}\[alembic\.runtime\.migration\] Running upgrade {2}-> a1, slow/);
    const children = childrenOf(cli.pid ?? -1, 'alembic');
    assert.equal(children.length, 1, children.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8')).join(' | '));
    const [alembic] = children;
    assert.ok(alembic);
    const environment = environmentOf(alembic);
    assert.match(environment, /^PGAPPNAME=pgtop-migrate-alembic-[0-9a-f]{8}$/m);
    assert.match(environment, /^PGOPTIONS=-c lock_timeout=2000 -c statement_timeout=1800000$/m);
    assert.match(environment, /^PGPASSFILE=\//m);
    assert.match(environment, new RegExp(`^DATABASE_URL=postgresql://[^:@]+@127\\.0\\.0\\.1:${sandbox.port}/${database}$`, 'm'));
    assert.equal(environment.includes(sandbox.password), false, 'no password in the environment');
    assert.equal(commandLineOf(alembic).includes(sandbox.password), false, 'no password on the command line');
    cli.kill('SIGINT');
    assert.equal(await exited, 1, stderr);
    assert.match(stderr, /pgtop: cancelling/);
    assert.match(stderr, /pgtop: cancelled\. The database is at <base>\./);
    assert.equal(await tableExists(sandbox, database, 'slow_made'), false);
    assert.equal(await sleeping(database), false);
    for (const pid of children) assert.equal(alive(pid), false);
  });

  test('pgtop killed outright: the alembic child dies with it', async () => {
    const database = await freshDatabase(sandbox);
    const cli = spawnCli(['migrate', 'up', '--alembic', slowProject(), sandbox.uri(database)]);
    cli.stdout?.resume();
    cli.stderr?.resume();
    const exited = new Promise<void>((resolve) => cli.once('close', () => resolve()));
    await waitUntil(() => sleeping(database), { what: 'the alembic child running its revision', timeoutMs: 180_000 });
    const children = childrenOf(cli.pid ?? -1, 'alembic');
    assert.equal(children.length, 1, children.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8')).join(' | '));
    cli.kill('SIGKILL');
    await exited;
    for (const pid of children) await waitUntil(() => !alive(pid), { what: `alembic process ${pid} to end with pgtop` });
  });
});
