import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { freePort } from '../../src/sandbox/ports.js';
import type { SnapshotDocument } from '../../src/store/snapshot-document.js';
import { runCli } from '../helpers/cli.js';
import { unsafeCharacters } from '../helpers/terminal-safety.js';
import { startWorkload, type Workload } from '../helpers/workload.js';

let sandbox: PostgresSandbox;
let workload: Workload;
const PLAIN_PASSWORD = 'plain-secret';

before(async () => {
  sandbox = await startPostgres();
  await sandbox.query(`CREATE ROLE plain LOGIN PASSWORD '${PLAIN_PASSWORD}'`);
  workload = await startWorkload(sandbox);
});

after(async () => {
  await workload?.stop();
  await sandbox?.stop();
});

const STACK_LINE = /^\s+at /m;

/**
 * Runs `pgtop ARGS` without and with --debug: both exit 2; without, stderr is one readable line naming
 * the cause and no stack trace; with --debug, the stack trace follows.
 */
async function expectFailure(args: () => string[], cause: RegExp[]): Promise<void> {
  const [plain, debug] = await Promise.all([runCli(args()), runCli([...args(), '--debug'])]);
  const shown = `pgtop ${args().join(' ')}\nstderr: ${plain.stderr}`;
  assert.equal(plain.code, 2, `exit code 2 for ${shown}`);
  assert.equal(plain.stdout, '', shown);
  const lines = plain.stderr.split('\n');
  assert.equal(lines.at(-1), '', `stderr ends with a line break: ${shown}`);
  assert.equal(lines.length, 2, `stderr is one line: ${shown}`);
  const [line = ''] = lines;
  assert.match(line, /^pgtop: \S/, shown);
  assert.doesNotMatch(plain.stderr, STACK_LINE, `no stack trace without --debug: ${shown}`);
  assert.doesNotMatch(line, /undefined|null|\[object |Error:/, `a readable message: ${shown}`);
  assert.deepEqual(unsafeCharacters(line), [], shown);
  for (const pattern of cause) assert.match(line, pattern, `the message names the cause: ${shown}`);

  assert.equal(debug.code, 2, `exit code 2 with --debug: ${debug.stderr}`);
  assert.ok(debug.stderr.startsWith(line), `with --debug the same message comes first:\n${debug.stderr}`);
  assert.match(debug.stderr, STACK_LINE, `with --debug a stack trace is shown:\n${debug.stderr}`);
}

describe('connection and usage errors', () => {
  test('an unreachable server (nothing listens on the port)', async () => {
    const port = await freePort();
    await expectFailure(() => ['snapshot', '-h', '127.0.0.1', '-p', String(port), '-d', 'postgres'], [
      new RegExp(`127\\.0\\.0\\.1:${port}`),
      /connection refused/,
    ]);
  });

  test('a wrong password', async () => {
    await expectFailure(() => ['snapshot', sandbox.uri('postgres', sandbox.superuser, 'not-the-password')], [
      /password authentication failed/,
      new RegExp(`"${sandbox.superuser}"`),
    ]);
  });

  test('a database that does not exist', async () => {
    await expectFailure(() => ['snapshot', sandbox.uri('no_such_db')], [/database "no_such_db" does not exist/]);
  });

  test('a role that does not exist, over the Unix socket (trust)', async () => {
    await expectFailure(() => ['snapshot', '-h', sandbox.socketDir, '-p', String(sandbox.port), '-U', 'no_such_role', '-d', 'postgres'], [
      /role "no_such_role" does not exist/,
    ]);
  });

  test('a role that does not exist, over TCP (the server only says the password failed)', async () => {
    await expectFailure(() => ['snapshot', sandbox.uri('postgres', 'no_such_role', 'whatever')], [
      /password authentication failed/,
      /"no_such_role"/,
    ]);
  });

  test('a host name that does not resolve', async () => {
    await expectFailure(() => ['snapshot', '-h', 'nosuchhost.invalid', '-d', 'postgres'], [/nosuchhost\.invalid/, /host name not found/]);
  });

  test('TLS required by the client, not supported by the server', async () => {
    await expectFailure(() => ['snapshot', `${sandbox.uri()}?sslmode=require`], [/does not (support|accept) (TLS|SSL)/i]);
  });

  test('an unknown flag', async () => {
    await expectFailure(() => ['snapshot', '--bogus', sandbox.uri()], [/--bogus/, /--help/]);
  });

  test('a --watch that is not a number', async () => {
    await expectFailure(() => ['snapshot', '--watch', 'abc', sandbox.uri()], [/--watch/, /"abc"/, /--help/]);
  });

  test('a URI whose port is not a number', async () => {
    await expectFailure(() => ['snapshot', 'postgres://u@h:notaport/db'], [/URI/, /port/, /notaport/]);
  });
});

describe('a role without pg_read_all_stats', () => {
  test("sees other roles' sessions as hidden, with a note saying what to grant", async () => {
    const uri = sandbox.uri('postgres', 'plain', PLAIN_PASSWORD);
    const result = await runCli(['snapshot', '--json', uri]);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as SnapshotDocument;
    assert.equal(doc.server.currentUser, 'plain');
    assert.equal(doc.server.seesAllSessions, false);
    for (const pid of workload.allPids) {
      const s = doc.sessions.find((candidate) => candidate.pid === pid);
      assert.ok(s, `session ${pid} (${workload.applicationOf.get(pid)}) is still listed`);
      assert.equal(s.hidden, true, `session ${pid} is hidden`);
      assert.equal(s.query, null, `the query of ${pid} is not shown`);
      assert.equal(s.state, null, `the state of ${pid} is not shown`);
      assert.equal(s.user, sandbox.superuser);
    }
    assert.ok(
      doc.notes.some((note) => note.includes('pg_read_all_stats')),
      `a note says to grant pg_read_all_stats: ${JSON.stringify(doc.notes)}`,
    );

    const table = await runCli(['snapshot', uri]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^note: .*pg_read_all_stats/m);
    assert.match(table.stdout, new RegExp(`^\\s*${workload.pids.sleeper}\\s.*wl-sleep\\s+<hidden>.*<insufficient`, 'm'));
  });
});
