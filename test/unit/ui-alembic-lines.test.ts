import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import { buildGraph } from '../../src/migrate/alembic/graph.js';
import { followAlembic, startProgress } from '../../src/migrate/alembic/progress.js';
import type { AlembicStatus } from '../../src/migrate/alembic/types.js';
import { alembicProgressLines, alembicStatusLines } from '../../src/ui/views/alembic-lines.js';

const rev = (revision: string, downRevisions: string[], message: string) => ({ revision, downRevisions, dependsOn: [], branchLabels: [], message, path: `/p/migrations/versions/${revision}.py` });
const plain = (lines: string[]): string[] => lines.map((line) => stripVTControlCharacters(line).trimEnd());

describe('the Alembic lines of the Migrations view', () => {
  test('position, heads, merge, refusals and the pending revisions with message and file', () => {
    const revisions = [rev('a1', [], 'create users'), rev('b2', ['a1'], 'add email'), rev('c3', ['a1'], 'add phone'), rev('d4', ['b2', 'c3'], 'merge')];
    const graph = buildGraph(revisions);
    const status: AlembicStatus = {
      target: 'db:5432/app',
      role: 'app',
      graph: { project: { dir: '/p', iniPath: '/p/alembic.ini', scriptDir: '/p/migrations', versionDirs: ['/p/migrations/versions'], url: undefined, versionTable: 'alembic_version', versionTableSchema: undefined }, graph, source: 'revision files', note: 'read from the files', unreadable: [] },
      versionTable: '"alembic_version"',
      versionTableExists: true,
      current: ['b2'],
      pending: [revisions[2], revisions[3]].filter((r) => r !== undefined),
      refusals: [{ kind: 'unknown-revision', message: 'the database is at revision zz' }],
      warnings: [],
    };
    assert.deepEqual(plain(alembicStatusLines(status, 100)), [
      ' Alembic /p → db:5432/app: at b2, heads d4, 2 pending',
      ' read from the files',
      ' branch points a1; merges d4',
      ' ✗ the database is at revision zz',
      '   c3  add phone  migrations/versions/c3.py',
      '   d4 (merge)  merge  migrations/versions/d4.py',
    ]);
  });

  test('a run: attempt, blockers, output tail, then its end', () => {
    let progress = followAlembic(startProgress(), { type: 'alembic-started', attempt: 1, maxAttempts: 4, applicationName: 'x', args: ['upgrade', 'head'] });
    progress = followAlembic(progress, { type: 'alembic-backend', pid: 77, database: 'app' });
    progress = followAlembic(progress, { type: 'alembic-output', stream: 'stderr', line: 'INFO  Running upgrade a1 -> b2' });
    progress = followAlembic(progress, { type: 'alembic-blocked', blockers: [{ pid: 42, user: 'app', applicationName: 'psql', client: null, state: 'idle in transaction', transactionSeconds: 5, query: 'UPDATE t' }] });
    const lines = plain(alembicProgressLines(progress, 1, 120));
    assert.equal(lines[0], ' alembic upgrade running (attempt 1 of 4, session pid 77); x cancels');
    assert.match(lines[1] ?? '', /^ {3}blocked by pid 42 /);
    assert.equal(lines[2], '   INFO Running upgrade a1 -> b2');
    assert.equal(lines.length, 3);
    progress = followAlembic(progress, { type: 'alembic-done', result: { outcome: 'cancelled', target: 't', role: 'r', projectDir: '/p', upgradeTo: 'head', before: ['a1'], after: ['a1'], planned: [], refusals: [], attempts: 1 } });
    assert.deepEqual(plain(alembicProgressLines(progress, 0, 120)), [' ✗ cancelled; the database is at a1']);
  });
});
