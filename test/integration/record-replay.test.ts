import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { startPgBouncer, type PgBouncerSandbox } from '../../src/sandbox/pgbouncer.js';
import { openRecordingFile } from '../../src/record/reader.js';
import { recordedTexts } from '../helpers/recorded-texts.js';
import { RecordingCursor } from '../../src/record/cursor.js';
import type { RecordedEvent } from '../../src/record/format.js';
import type { PgSnapshot } from '../../src/sources/types.js';
import type { PgBouncerSnapshot } from '../../src/sources/pgbouncer.js';
import type { SnapshotDocument } from '../../src/store/snapshot-document.js';
import { cliEnv, repoRoot, runCli, spawnCli } from '../helpers/cli.js';
import { pgtopCommand } from '../helpers/pgtop-command.js';
import { openSession, type TestSession } from '../helpers/server-sessions.js';
import { waitUntil, withTimeout } from '../helpers/wait.js';


let postgres: PostgresSandbox;
let bouncer: PgBouncerSandbox;
let dir: string;
let recorder: ChildProcess | undefined;

/** Every event recorded so far (the chunks written: the one gathering is not on disk yet). */
function recorded(file: string): RecordedEvent[] {
  return new RecordingCursor(openRecordingFile(file)).eventsBetween(-1, Number.MAX_SAFE_INTEGER);
}

const blockedIn = (event: RecordedEvent, pid: number): boolean => ((event.snapshot as unknown as PgSnapshot).sessions ?? []).some((s) => s.pid === pid && s.blockedBy.length > 0);
const waitingIn = (event: RecordedEvent): number => (event.snapshot as unknown as PgBouncerSnapshot).pools.filter((p) => p.database === 'app').reduce((n, p) => n + p.clWaiting, 0);

async function replayAt(file: string, at: number): Promise<SnapshotDocument> {
  const result = await runCli(['replay', file, '--at', new Date(at).toISOString(), '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as SnapshotDocument;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pgtop-record-'));
  postgres = await startPostgres({ settings: { shared_preload_libraries: 'pg_stat_statements' } });
  await postgres.query('CREATE EXTENSION pg_stat_statements');
  await postgres.query('CREATE DATABASE app');
  bouncer = await startPgBouncer({ postgres, databases: ['app'], poolMode: 'transaction', poolSize: 1 });
});

after(async () => {
  recorder?.kill('SIGKILL');
  await bouncer?.stop();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('pgtop record, killed mid-way, then pgtop replay', () => {
  test('a lock chain and a saturated pool are seen at their recorded time and gone after; the kill is reported', async () => {
    const file = join(dir, 'rec');
    recorder = spawnCli(['record', file, '--interval', '0.5', '--chunk', '1', '--pgbouncer', bouncer.adminUri(), postgres.uri()]);
    let stderr = '';
    recorder.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitUntil(() => recorded(file).some((e) => e.type === 'pg-data') && recorded(file).some((e) => e.type === 'bouncer-data'), { what: `the recording's first chunks (${stderr})`, timeoutMs: 30_000 });

    // A lock chain: the holder, a waiter on it, a waiter on the waiter.
    await postgres.query('CREATE TABLE chain (id int)');
    const sessions: TestSession[] = await Promise.all([openSession(postgres), openSession(postgres), openSession(postgres)]);
    const [holder, waiter, second] = sessions as [TestSession, TestSession, TestSession];
    await holder.client.query('BEGIN; LOCK TABLE chain IN ACCESS EXCLUSIVE MODE');
    const waiting = await waiter.start('SELECT count(*) FROM chain');
    const waitingToo = await second.start('TRUNCATE chain');
    const chainTick = await waitUntil(() => recorded(file).find((e) => e.type === 'pg-data' && blockedIn(e, waiter.pid) && blockedIn(e, second.pid)), { what: 'the lock chain in the recording', timeoutMs: 20_000 });
    await holder.client.query('COMMIT');
    await Promise.all([waiting.result, waitingToo.result]);
    const clearedTick = await waitUntil(() => recorded(file).find((e) => e.type === 'pg-data' && e.at > chainTick.at && !blockedIn(e, waiter.pid) && !blockedIn(e, second.pid)), { what: 'the chain cleared in the recording', timeoutMs: 20_000 });

    // The pool (one server) saturates: three clients through PgBouncer, each holding it for a while.
    const clients = await Promise.all([1, 2, 3].map(async () => {
      const client = new pg.Client({ connectionString: bouncer.uri('app') });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    }));
    const sleeps = clients.map((client) => client.query('SELECT pg_sleep(1.5)'));
    const saturatedTick = await waitUntil(() => recorded(file).find((e) => e.type === 'bouncer-data' && e.at > clearedTick.at && waitingIn(e) > 0), { what: 'the pool saturated in the recording', timeoutMs: 20_000 });
    await Promise.all(sleeps);
    const drainedTick = await waitUntil(() => recorded(file).find((e) => e.type === 'bouncer-data' && e.at > saturatedTick.at && waitingIn(e) === 0), { what: 'the pool drained in the recording', timeoutMs: 20_000 });
    await Promise.all(clients.map((c) => c.end()));
    for (const session of sessions) await session.end();

    recorder.kill('SIGKILL');
    await new Promise((resolve) => recorder?.once('exit', resolve));
    recorder = undefined;

    const during = await replayAt(file, chainTick.at);
    const edges = during.blocking.map((e) => `${e.waiter}<-${e.blocker}`);
    assert.ok(edges.includes(`${waiter.pid}<-${holder.pid}`), `the waiter waits on the holder at the recorded time: ${edges.join(' ')}`);
    assert.ok(during.blocking.some((e) => e.waiter === second.pid), `the second waiter is in the chain: ${edges.join(' ')}`);
    const afterwards = await replayAt(file, clearedTick.at);
    assert.deepEqual(afterwards.blocking.filter((e) => [waiter.pid, second.pid].includes(e.waiter)), [], 'the chain is gone after it was cleared');

    const saturated = await replayAt(file, saturatedTick.at);
    assert.ok(saturated.pgbouncer?.ok, 'the pools are in the replayed snapshot');
    const pools = saturated.pgbouncer.ok ? saturated.pgbouncer.pools.filter((p) => p.database === 'app') : [];
    assert.equal(pools.reduce((n, p) => n + p.clWaiting, 0), waitingIn(saturatedTick), 'the replayed waiting clients are those recorded');
    assert.ok(pools.some((p) => p.saturated), 'the pool is saturated at that time');
    const drained = await replayAt(file, drainedTick.at);
    assert.equal(drained.pgbouncer?.ok && drained.pgbouncer.pools.filter((p) => p.database === 'app').reduce((n, p) => n + p.clWaiting, 0), 0, 'drained after');

    const result = await runCli(['replay', file, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /was not closed \(still being recorded, or the recorder was killed\): the replay ends at \d{4}-\d{2}-\d{2} [\d:]+ UTC/);
    assert.match(JSON.stringify((JSON.parse(result.stdout) as SnapshotDocument).notes), /was not closed/);
  });

  test('a recording stopped by SIGTERM is closed: it replays without a notice; a missing file is a usage error', async () => {
    const file = join(dir, 'clean');
    const child = spawnCli(['record', file, '--interval', '0.5', '--chunk', '1', postgres.uri()]);
    await waitUntil(() => recorded(file).length > 0, { what: 'the first chunk', timeoutMs: 30_000 });
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(code, 0);
    const replay = await runCli(['replay', file, '--json']);
    assert.equal(replay.code, 0, replay.stderr);
    assert.equal(replay.stderr, '');
    const bad = await runCli(['replay', join(dir, 'nothing-here')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /nothing-here: no such file/);
  });
  test("a role without pg_read_all_stats records no other role's query text, on disk or in the replay", async () => {
    await postgres.query("CREATE ROLE watcher LOGIN PASSWORD 'watcher-pw'");
    const secret = await openSession(postgres);
    const running = await secret.start("SELECT pg_sleep(600), 'recorded-nowhere-42'");
    const file = join(dir, 'unprivileged');
    const child = spawnCli(['record', file, '--interval', '0.5', '--chunk', '1', postgres.uri('postgres', 'watcher', 'watcher-pw')]);
    try {
      const seen = await waitUntil(
        () => recorded(file).find((e) => e.type === 'pg-data' && ((e.snapshot as unknown as PgSnapshot).sessions ?? []).some((s) => s.pid === secret.pid)),
        { what: "the other role's session in the recording", timeoutMs: 30_000 },
      );
      child.kill('SIGTERM');
      assert.equal(await new Promise((resolve) => child.once('exit', resolve)), 0);
      const session = (seen.snapshot as unknown as PgSnapshot).sessions.find((s) => s.pid === secret.pid);
      assert.equal(session?.hidden, true, 'the session is recorded as hidden');
      assert.equal(session?.query ?? null, null, 'with no query text');
      const stored = JSON.stringify(recorded(file));
      assert.match(stored, new RegExp(`"pid":${secret.pid}`), 'the chunks were read');
      assert.doesNotMatch(stored, /recorded-nowhere-42/, 'the text is in no chunk of the file');
      const replay = await runCli(['replay', file, '--at', new Date(seen.at).toISOString(), '--json']);
      assert.equal(replay.code, 0, replay.stderr);
      assert.doesNotMatch(replay.stdout, /recorded-nowhere-42/);
      const replayed = (JSON.parse(replay.stdout) as SnapshotDocument).sessions.find((s) => s.pid === secret.pid);
      assert.equal(replayed?.hidden, true, 'the replay shows the session as hidden');
    } finally {
      child.kill('SIGKILL');
      await postgres.query('SELECT pg_cancel_backend($1)', [secret.pid]);
      await running.result.catch(() => undefined);
      await secret.end();
    }
  });

  test('a headless recording holds the busiest statements\' texts, once a chunk; replay --json shows them', async () => {
    const marker = 'recorded_text_marker';
    await postgres.query(`CREATE TABLE ${marker} (id int)`);
    const file = join(dir, 'statements');
    const child = spawnCli(['record', file, '--interval', '0.5', '--chunk', '6', postgres.uri()]);
    let running = true;
    const workload = (async () => {
      while (running) await postgres.query(`SELECT count(*) FROM ${marker} WHERE id = $1`, [1]);
    })();
    try {
      const chunksWithText = (): number => recordedTexts(file, marker).filter((chunk) => chunk.texts > 0).length;
      await waitUntil(() => chunksWithText() >= 2, { what: 'the text in two chunks', timeoutMs: 60_000, intervalMs: 500 });
      child.kill('SIGTERM');
      assert.equal(await new Promise((resolve) => child.once('exit', resolve)), 0);
    } finally {
      running = false;
      await workload;
      child.kill('SIGKILL');
    }
    const chunks = recordedTexts(file, marker);
    for (const chunk of chunks) assert.ok(chunk.texts <= 1, `the text is written at most once in a chunk: ${JSON.stringify(chunks)}`);
    assert.ok(chunks.some((chunk) => chunk.fetches >= 2 && chunk.texts === 1), `a chunk with two fetches holds the text once: ${JSON.stringify(chunks)}`);
    // A text fetched just after a chunk was written lands in the next one, which may hold no fetch.
    const last = chunks.filter((chunk) => chunk.texts === 1 && chunk.lastAt !== undefined).pop();
    assert.ok(last?.lastAt, 'a chunk with a fetch and the text');
    const replay = await runCli(['replay', file, '--at', new Date(last.lastAt).toISOString(), '--json']);
    assert.equal(replay.code, 0, replay.stderr);
    const statements = (JSON.parse(replay.stdout) as SnapshotDocument).statements;
    assert.ok(statements?.available, `the statements are in the replayed snapshot: ${JSON.stringify(statements)}`);
    const row = statements.statements.find((r) => r.query?.includes(marker));
    assert.ok(row, 'the busy statement is there with its text');
    assert.match(row.query ?? '', /SELECT count\(\*\) FROM recorded_text_marker WHERE id = \$1/);
  });

  test('a recording stopped by a full file system says so and leaves what it wrote readable', async () => {
    const file = join(dir, 'limited');
    // A file size limit (ulimit -f, in 512-byte blocks here) fails the write as a full disk does.
    const child = spawn('sh', ['-c', 'ulimit -f 96 && exec "$0" "$@"', ...pgtopCommand, 'record', file, '--interval', '0.5', '--chunk', '1', postgres.uri()], {
      cwd: repoRoot,
      env: cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await withTimeout(new Promise((resolve) => child.once('exit', resolve)), { what: `the recorder stopping at the limit (${stderr})`, timeoutMs: 120_000 }).finally(() => child.kill('SIGKILL'));
    assert.equal(code, 1, stderr);
    assert.match(stderr, /the file size limit or the disk quota is reached \(.*limited\): the recording stopped; what was recorded up to \d{4}-\d{2}-\d{2} [\d:]+ UTC is readable/);
    assert.ok(statSync(file).size <= 96 * 512, 'nothing written past the limit');
    const replay = await runCli(['replay', file, '--json']);
    assert.equal(replay.code, 0, replay.stderr);
    assert.ok((JSON.parse(replay.stdout) as SnapshotDocument).sessions.length > 0, 'the chunks written before replay');
    assert.match(replay.stderr, /was not closed/);
  });
});
