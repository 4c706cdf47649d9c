import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, withPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { repoRoot } from '../helpers/cli.js';
import { WaitAborted, waitUntil, withTimeout } from '../helpers/wait.js';

interface ChildInfo {
  pid: number;
  dir: string;
  uid: number;
}

const isRoot = process.getuid?.() === 0;

function procStatus(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
}

/** The real uid a process runs as, from /proc/<pid>/status. */
function ownerUid(pid: number): number {
  const status = procStatus(pid);
  const uid = status?.match(/^Uid:\s+(\d+)/m)?.[1];
  assert.ok(uid !== undefined, `no /proc/${pid}/status: the process is not running`);
  return Number(uid);
}

/** Gone, or a zombie: it has exited and only its parent's bookkeeping remains. */
function processGone(pid: number): boolean {
  const status = procStatus(pid);
  return status === undefined || /^State:\s+Z/m.test(status);
}

/** The pids whose parent is `pid` (the postmaster's checkpointer, writers, backends…). */
function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((candidate) => procStatus(candidate)?.match(/^PPid:\s+(\d+)/m)?.[1] === String(pid));
}

/** Servers a test started and has not yet seen gone: removed by `after` if the test failed midway. */
const leftovers = new Map<string, number>();
const children: ChildProcess[] = [];

function isPostmasterOf(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(dir, 'data'));
  } catch {
    return false;
  }
}

after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const [dir, pid] of leftovers) {
    if (isPostmasterOf(pid, dir)) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // it ended meanwhile
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

async function assertServerGone(pids: number[], dir: string, what: string): Promise<void> {
  for (const pid of pids) await waitUntil(() => processGone(pid), { what: `${what}: process ${pid} to be gone`, timeoutMs: 20_000 });
  assert.equal(existsSync(dir), false, `${what}: ${dir} should have been removed`);
  leftovers.delete(dir);
}

interface ChildOptions {
  uid?: number;
  gid?: number;
  env?: NodeJS.ProcessEnv;
}

/** Starts test/helpers/sandbox-child.ts and reads the server's pid and directory from its first line. */
async function startChild(options: ChildOptions = {}): Promise<{ child: ChildProcess; info: ChildInfo; exited: Promise<NodeJS.Signals | number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/helpers/sandbox-child.ts')], {
    cwd: repoRoot,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
  });
  children.push(child);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let stdout = '';
  let stderr = '';
  let ended = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  void exited.then(() => (ended = true));
  const line = await waitUntil(
    () => {
      if (stdout.includes('\n')) return stdout.slice(0, stdout.indexOf('\n'));
      if (ended) throw new WaitAborted(`the child exited: ${stderr.slice(-2000)}`);
      return undefined;
    },
    { what: 'the sandbox child to print its server', timeoutMs: 60_000 },
  );
  const info = JSON.parse(line) as ChildInfo;
  leftovers.set(info.dir, info.pid);
  return { child, info, exited };
}

function nobody(): { uid: number; gid: number } {
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'nobody');
  assert.ok(entry, 'running as root, the test needs the user "nobody" to run the sandbox as non-root');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

describe('PostgreSQL sandbox', () => {
  test('starts a server as an unprivileged user, and stop() leaves no process and no directory', async () => {
    const sandbox = await startPostgres();
    const { pid, dir } = sandbox;
    assert.ok(pid !== undefined, 'the sandbox reports its postmaster pid');
    leftovers.set(dir, pid);
    try {
      assert.notEqual(ownerUid(pid), 0, 'the postmaster must not run as root');
      if (!isRoot) assert.equal(ownerUid(pid), process.getuid?.());
      const result = await sandbox.query<{ one: number }>('SELECT 1 AS one');
      assert.deepEqual(result.rows, [{ one: 1 }]);
      const workers = childPids(pid);
      assert.ok(workers.length > 0, 'the postmaster has its background processes');
      await sandbox.stop();
      assert.equal(sandbox.pid, undefined);
      await assertServerGone([pid, ...workers], dir, 'after stop()');
      await sandbox.stop();
    } finally {
      await sandbox.stop();
    }
  });

  test('withPostgres stops and removes the server when its body throws', async () => {
    let seen: { pid: number; dir: string } | undefined;
    const failure = new Error('the body failed');
    await assert.rejects(
      withPostgres(async (sandbox: PostgresSandbox) => {
        assert.ok(sandbox.pid !== undefined);
        seen = { pid: sandbox.pid, dir: sandbox.dir };
        leftovers.set(seen.dir, seen.pid);
        await sandbox.query('SELECT 1');
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.ok(seen, 'the body ran');
    await assertServerGone([seen.pid], seen.dir, 'after withPostgres threw');
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    test(`a process holding a sandbox and killed with ${signal} stops the server and removes its directory`, async () => {
      const { child, info, exited } = await startChild();
      assert.ok(!processGone(info.pid), 'the server runs');
      assert.ok(existsSync(join(info.dir, 'data', 'PG_VERSION')), 'the data directory exists');
      const workers = childPids(info.pid);
      child.kill(signal);
      const how = await withTimeout(exited, { what: `the child to exit after ${signal}`, timeoutMs: 30_000 });
      assert.equal(how, signal, `the child ends the way ${signal} asks`);
      await assertServerGone([info.pid, ...workers], info.dir, `after ${signal}`);
    });
  }

  test('starts and stops cleanly as a non-root user', async () => {
    let home: string | undefined;
    let options: ChildOptions = {};
    let expectedUid = process.getuid?.();
    if (isRoot) {
      const user = nobody();
      home = mkdtempSync(join(tmpdir(), 'pgtop-nobody-'));
      chownSync(home, user.uid, user.gid);
      const readable = spawnSync(
        process.execPath,
        ['-e', 'for (const p of process.argv.slice(1)) require("fs").accessSync(p, require("fs").constants.R_OK)', repoRoot, join(repoRoot, 'node_modules/tsx/package.json'), join(repoRoot, 'src/sandbox/postgres.ts')],
        { ...user, encoding: 'utf8' },
      );
      assert.equal(readable.status, 0, `the user nobody must be able to read the repository and node_modules: ${readable.stderr}`);
      options = { ...user, env: { ...process.env, HOME: home, TMPDIR: home } };
      expectedUid = user.uid;
    }
    try {
      const { child, info, exited } = await startChild(options);
      assert.equal(info.uid, expectedUid, 'the child runs as the non-root user');
      assert.equal(ownerUid(info.pid), expectedUid, 'the server runs as that same user, not as another one');
      if (home) assert.ok(info.dir.startsWith(home), `the sandbox lives under the user's TMPDIR (${info.dir})`);
      const workers = childPids(info.pid);
      child.kill('SIGTERM');
      const how = await withTimeout(exited, { what: 'the non-root child to exit after SIGTERM', timeoutMs: 30_000 });
      assert.equal(how, 'SIGTERM');
      await assertServerGone([info.pid, ...workers], info.dir, 'after SIGTERM as non-root');
    } finally {
      if (home) rmSync(home, { recursive: true, force: true });
    }
  });
});
