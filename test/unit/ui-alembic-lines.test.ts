import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import { buildGraph } from '../../src/migrate/alembic/graph.js';
import { followAlembic, startProgress } from '../../src/migrate/alembic/progress.js';
import type { AlembicStatus } from '../../src/migrate/alembic/types.js';
import { alembicProgressLines, alembicStatusLines } from '../../src/ui/views/alembic-lines.js';
import { reduce } from '../../src/store/reduce.js';
import { initialState } from '../../src/store/state.js';
import { migrationsBody } from '../../src/ui/views/migrations-view.js';

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

  test("the view's body: a dry run's SQL under the status, cut to the height with what is left said; a new run clears it", () => {
    const revisions = Array.from({ length: 12 }, (_, i) => rev(`r${i}`, i === 0 ? [] : [`r${i - 1}`], `step ${i}`));
    const status: AlembicStatus = {
      target: 'db:5432/app',
      role: 'app',
      graph: { project: { dir: '/p', iniPath: '/p/alembic.ini', scriptDir: '/p/migrations', versionDirs: ['/p/migrations/versions'], url: undefined, versionTable: 'alembic_version', versionTableSchema: undefined }, graph: buildGraph(revisions), source: 'revision files', note: 'read from the files', unreadable: [] },
      versionTable: '"alembic_version"',
      versionTableExists: false,
      current: [],
      pending: revisions,
      refusals: [],
      warnings: [],
    };
    let state = initialState({ intervalSeconds: 2, readOnly: false, columns: 100, rows: 30, target: 't', alembic: '/p/alembic.ini' });
    state = reduce(state, { type: 'alembic-loaded', status });
    assert.equal(plain(migrationsBody(state, 20)).filter((line) => /^ {3}r\d+/.test(line)).length, 12, 'every pending revision while nothing runs');
    state = reduce(state, { type: 'alembic-run-started', at: 0, dryRun: true });
    const sql = Array.from({ length: 40 }, (_, i) => `SQL ${i};`).join('\n');
    state = reduce(state, { type: 'alembic-run-finished', ok: true, message: 'dry run: 40 line(s) of SQL below', sql: `${sql}\n` });
    const body = plain(migrationsBody(state, 20));
    assert.equal(body.length, 20);
    assert.equal(body[5], ' … and 9 more line(s): pgtop migrate status --alembic', 'the status takes a third of the height');
    assert.equal(body[7], ' ✓ dry run: 40 line(s) of SQL below');
    assert.equal(body[8], ' SQL 0;');
    assert.equal(body[19], ' … 29 more line(s): pgtop migrate up --alembic /p/alembic.ini --dry-run');
    state = reduce(state, { type: 'alembic-run-started', at: 1, dryRun: false });
    assert.equal(state.migrations.alembic?.sql, undefined, 'an upgrade clears the last SQL');
  });
});
