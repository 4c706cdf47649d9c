import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { followAlembic, startProgress, type AlembicProgress } from '../../src/migrate/alembic/progress.js';
import type { AlembicEvent } from '../../src/migrate/alembic/types.js';

const blocker = { pid: 42, user: 'app', applicationName: 'psql', client: null, state: 'idle in transaction', transactionSeconds: 3, query: 'UPDATE t' };

describe('following an Alembic run', () => {
  test('lock wait, attempts, output, blockers, retry, end', () => {
    const events: AlembicEvent[] = [
      { type: 'lock-waiting', holder: { pid: 7, applicationName: 'pgtop-backup', user: 'postgres', client: null, since: null, purpose: 'backup' }, waitedMs: 10, timeoutMs: 1000 },
      { type: 'lock-acquired', waitedMs: 20 },
      { type: 'alembic-started', attempt: 1, maxAttempts: 4, applicationName: 'pgtop-migrate-alembic-x', args: ['upgrade', 'head'] },
      { type: 'alembic-backend', pid: 99, database: 'app' },
      { type: 'alembic-output', stream: 'stderr', line: 'INFO  Running upgrade a1 -> b2' },
      { type: 'alembic-blocked', blockers: [blocker] },
    ];
    let progress: AlembicProgress = startProgress();
    const seen: AlembicProgress[] = [];
    for (const event of events) seen.push((progress = followAlembic(progress, event)));
    assert.equal(seen[0]?.phase, 'waiting-for-lock');
    assert.match(seen[0]?.waitingFor ?? '', /a pgtop backup \(pid 7/);
    assert.equal(progress.phase, 'running');
    assert.equal(progress.backendPid, 99);
    assert.deepEqual(progress.output, ['$ alembic upgrade head', 'INFO  Running upgrade a1 -> b2']);
    assert.deepEqual(progress.blockers.map((b) => b.pid), [42]);

    progress = followAlembic(progress, { type: 'alembic-retry', attempt: 2, maxAttempts: 4, delayMs: 500, reason: 'lock timeout', blockers: [blocker] });
    assert.equal(progress.phase, 'retrying');
    assert.deepEqual(progress.blockers, []);
    progress = followAlembic(progress, {
      type: 'alembic-done',
      result: { outcome: 'done', target: 'h:5432/app', role: 'r', projectDir: '/p', upgradeTo: 'head', before: ['a1'], after: ['b2'], planned: [], refusals: [], attempts: 2 },
    });
    assert.deepEqual(progress.finished, { ok: true, message: 'upgraded h:5432/app from a1 to b2' });
  });
});
