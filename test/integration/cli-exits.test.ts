import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { freePort } from '../../src/sandbox/ports.js';
import { cliEnv, repoRoot, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/migrate-harness.js';
import { pgtopCommand } from '../helpers/pgtop-command.js';

/** A TCP server that records the database named in each startup packet it receives, then hangs up. */
async function listeningRecorder(): Promise<{ server: Server; port: number; databases: string[] }> {
  const databases: string[] = [];
  const server = createServer((socket) => {
    socket.once('data', (packet) => {
      const fields = packet.subarray(8).toString('utf8').split('\0');
      const at = fields.indexOf('database');
      databases.push(at >= 0 ? (fields[at + 1] ?? '') : '(none)');
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, databases };
}

/** Runs pgtop ARGS on a pseudo-terminal (script(1)), as a user at a terminal would; returns the exit code and output. */
function runOnTerminal(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const quoted = [...pgtopCommand, ...args].map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', quoted, '/dev/null'], { cwd: repoRoot, env: cliEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the command line: unknown commands, help, exit codes that agree', () => {
  let sandbox: PostgresSandbox;
  let recorder: Awaited<ReturnType<typeof listeningRecorder>>;

  before(async () => {
    sandbox = await startPostgres();
    recorder = await listeningRecorder();
  });
  after(async () => {
    recorder?.server.close();
    await sandbox?.stop();
  });

  const viaRecorder = (): Record<string, string> => ({ PGHOST: '127.0.0.1', PGPORT: String(recorder.port), PGUSER: 'nobody', PGPASSWORD: 'x', PGSSLMODE: 'disable' });

  test('a mistyped command is answered as one, exit 2, and nothing connects', async () => {
    const before = recorder.databases.length;
    for (const [typo, meant] of [['snapsot', 'snapshot'], ['migarte', 'migrate'], ['backpu', 'backup'], ['demp', 'demo']] as const) {
      const run = await runCli([typo], { env: viaRecorder() });
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stderr, `pgtop: unknown command "${typo}"; did you mean "${meant}"? (For a database named "${typo}", use -d ${typo}.) Try: pgtop --help\n`);
    }
    const word = await runCli(['frobcmd'], { env: viaRecorder() });
    assert.equal(word.code, 2, word.stderr);
    assert.match(word.stderr, /"frobcmd" is not a command: snapshot, migrate, backup, demo, check, config, completion, record, replay, help/);
    assert.equal(recorder.databases.length, before, 'no connection was attempted');
  });

  test('on a terminal, a command or a near miss after an option is answered as one, exit 2, and nothing connects', async () => {
    const before = recorder.databases.length;
    const typo = await runOnTerminal(['--read-only', 'chek'], viaRecorder());
    assert.equal(typo.code, 2, typo.output);
    assert.match(typo.output, /unknown command "chek"; did you mean "check"\? A command comes before any option: pgtop check … \(For a database named "chek", use -d chek\.\)/);
    const misplaced = await runOnTerminal(['--interval', '1', 'snapshot'], viaRecorder());
    assert.equal(misplaced.code, 2, misplaced.output);
    assert.match(misplaced.output, /"snapshot" is a command, and a command comes before any option: pgtop snapshot …/);
    assert.equal(recorder.databases.length, before, 'no connection was attempted');
  });

  test('pgtop somedb is still a database, as in psql', async () => {
    const before = recorder.databases.length;
    const run = await runOnTerminal(['somedb'], viaRecorder());
    assert.equal(run.code, 2, run.output);
    assert.deepEqual(recorder.databases.slice(before), ['somedb'], run.output);
  });

  test('on a terminal, a word that is neither a command nor a database is reported as such, exit 2', async () => {
    const run = await runOnTerminal(['frobcmd'], { PGHOST: sandbox.host, PGPORT: String(sandbox.port), PGUSER: sandbox.superuser, PGPASSWORD: sandbox.password });
    assert.equal(run.code, 2, run.output);
    assert.match(run.output, /"frobcmd" is neither a command \(snapshot, migrate, backup, demo, check, config, completion, record, replay, help\) nor a database on 127\.0\.0\.1:\d+\/frobcmd/);
  });

  test('help texts start with their usage line', async () => {
    for (const args of [['--help'], ['help'], ['snapshot', '--help'], ['migrate', '--help'], ['backup', '--help'], ['demo', '--help']]) {
      const run = await runCli(args);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Usage:/, `${args.join(' ')}:\n${run.stdout.slice(0, 80)}`);
    }
  });

  test('a connection string without "=" says what was expected', async () => {
    const run = await runCli(['snapshot', 'host=127.0.0.1 dbname app']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^pgtop: "dbname" in the connection string has no "=" after it: write keyword=value pairs separated by spaces, e\.g\. "host=db1 dbname=app"/);
  });

  test('a missing directory is a usage error (exit 2) in every command', async () => {
    const missing = join(tempDir('pgtop-nodir-'), 'absent');
    const uri = sandbox.uri('postgres');
    const cases = [
      ['migrate', 'status', '--dir', missing, uri],
      ['migrate', 'up', '--dir', missing, uri],
      ['backup', '--dir', missing, uri],
      ['backup', 'list', '--dir', missing],
      ['backup', 'verify', join(missing, 'x.dump'), '--dir', missing],
      ['--migrations-dir', missing, uri],
      ['--backup-dir', missing, uri],
    ];
    for (const args of cases) {
      const run = await runCli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.ok(run.stderr.includes(missing), `${args.join(' ')} names the directory: ${run.stderr}`);
    }
  });

  test('an unreachable server and a database that does not exist are exit 2 in every command', async () => {
    const port = await freePort();
    const unreachable = `postgresql://nobody:x@127.0.0.1:${port}/nowhere`;
    const dir = tempDir('pgtop-cli-');
    for (const args of [['snapshot', unreachable], ['migrate', 'status', '--dir', 'migrations', unreachable], ['migrate', 'up', '--dir', 'migrations', unreachable], ['backup', '--dir', dir, unreachable]]) {
      const run = await runCli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /could not connect to 127\.0\.0\.1:\d+\/nowhere: connection refused/);
    }
    const monitor = await runOnTerminal([unreachable], {});
    assert.equal(monitor.code, 2, monitor.output);
    const absent = sandbox.uri('no_such_db');
    for (const args of [['snapshot', absent], ['migrate', 'status', '--dir', 'migrations', absent], ['backup', '--dir', dir, absent]]) {
      const run = await runCli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /database "no_such_db" does not exist/);
    }
  });

  test('snapshot --watch | head -3 ends quietly with status 0', async () => {
    const command = `set -o pipefail; '${pgtopCommand.join("' '")}' snapshot --ndjson --watch 0.5 '${sandbox.uri('postgres')}' | head -3 >/dev/null`;
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', ['-c', command], { cwd: repoRoot, env: cliEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
  });
});
