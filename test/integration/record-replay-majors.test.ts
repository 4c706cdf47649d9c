import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { openRecordingFile } from '../../src/record/reader.js';
import { RecordingCursor } from '../../src/record/cursor.js';
import type { RecordedEvent } from '../../src/record/format.js';
import type { PgSnapshot } from '../../src/sources/types.js';
import type { SnapshotDocument } from '../../src/store/snapshot-document.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { describeEachMajor } from '../helpers/majors.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { openSession } from '../helpers/server-sessions.js';
import { waitUntil } from '../helpers/wait.js';

const recorded = (file: string): RecordedEvent[] => new RecordingCursor(openRecordingFile(file)).eventsBetween(-1, Number.MAX_SAFE_INTEGER);
const sessionsIn = (event: RecordedEvent): PgSnapshot['sessions'] => (event.snapshot as unknown as PgSnapshot).sessions ?? [];
const blockedIn = (event: RecordedEvent, pid: number): boolean => sessionsIn(event).some((s) => s.pid === pid && s.blockedBy.length > 0);

async function replayAt(file: string, at: number): Promise<SnapshotDocument> {
  const result = await runCli(['replay', file, '--at', new Date(at).toISOString(), '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as SnapshotDocument;
}

describeEachMajor('pgtop record and replay', (major) => {
  let postgres: PostgresSandbox;
  let dir: string;
  let recorder: ChildProcess | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), `pgtop-record-${major}-`));
    postgres = await startPostgres({ major });
  });

  after(async () => {
    recorder?.kill('SIGKILL');
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a lock chain and an idle session\'s last query replay at their recorded time, after a SIGKILL', async () => {
    const file = join(dir, 'rec');
    await postgres.query('CREATE TABLE chain (id int)');
    const idle = await openSession(postgres, postgres.superuser, 'recorded-idle');
    const holder = await openSession(postgres);
    const waiter = await openSession(postgres);
    try {
      await idle.client.query("SELECT 'recorded idle text' AS marker");
      let stderr = '';
      recorder = spawnCli(['record', file, '--interval', '0.5', '--chunk', '1', postgres.uri()]);
      recorder.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await waitUntil(() => recorded(file).filter((e) => e.type === 'pg-data').length >= 3, { what: `three recorded ticks (${stderr})`, timeoutMs: 30_000 });

      await holder.client.query('BEGIN; LOCK TABLE chain IN ACCESS EXCLUSIVE MODE');
      const waiting = await waiter.start('SELECT count(*) FROM chain');
      const chainTick = await waitUntil(() => recorded(file).find((e) => e.type === 'pg-data' && blockedIn(e, waiter.pid)), { what: 'the lock chain in the recording', timeoutMs: 20_000 });
      await holder.client.query('COMMIT');
      await waiting.result;
      const clearedTick = await waitUntil(() => recorded(file).find((e) => e.type === 'pg-data' && e.at > chainTick.at && !blockedIn(e, waiter.pid)), { what: 'the chain cleared in the recording', timeoutMs: 20_000 });

      recorder.kill('SIGKILL');
      await new Promise((resolve) => recorder?.once('exit', resolve));
      recorder = undefined;

      const during = await replayAt(file, chainTick.at);
      assert.ok(during.blocking.some((e) => e.waiter === waiter.pid && e.blocker === holder.pid), `PostgreSQL ${major}: the waiter waits on the holder at the recorded time`);
      const idleThen = during.sessions.find((s) => s.pid === idle.pid);
      assert.match(idleThen?.query ?? '', /recorded idle text/, `PostgreSQL ${major}: the idle session's last query, recorded ticks after it ran`);
      const afterwards = await replayAt(file, clearedTick.at);
      assert.deepEqual(afterwards.blocking.filter((e) => e.waiter === waiter.pid), [], `PostgreSQL ${major}: the chain is gone after it was cleared`);
    } finally {
      for (const session of [idle, holder, waiter]) await session.end();
    }
  });
});
