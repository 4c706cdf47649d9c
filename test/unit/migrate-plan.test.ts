import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { migrationStates, planDown, planUp, type PlanFile } from '../../src/migrate/plan.js';
import type { ScriptProblem } from '../../src/migrate/script.js';
import type { TrackingRow, TrackingStatus } from '../../src/migrate/types.js';

const file = (version: number, options: { checksum?: string; problems?: ScriptProblem[]; down?: boolean; downProblems?: ScriptProblem[] } = {}): PlanFile => {
  const fileName = `${String(version).padStart(4, '0')}_m${version}.sql`;
  return {
    version,
    fileName,
    script: { checksum: options.checksum ?? `sum${version}`, problems: options.problems ?? [] },
    ...(options.down === false ? {} : { downScript: { fileName: fileName.replace('.sql', '.down.sql'), problems: options.downProblems ?? [] } }),
  };
};

const row = (version: number, status: TrackingStatus = 'applied', checksum = `sum${version}`): TrackingRow => ({
  version,
  name: `${String(version).padStart(4, '0')}_m${version}.sql`,
  checksum,
  status,
  transactional: true,
  startedAt: new Date('2024-05-01T12:00:00Z'),
  finishedAt: status === 'started' ? null : new Date('2024-05-01T12:00:01Z'),
  durationMs: status === 'started' ? null : 1000,
  appliedBy: 'app',
  error: status === 'started' ? 'boom' : null,
});

const states = (files: PlanFile[], rows: TrackingRow[]) => migrationStates(files, rows).map((entry) => [entry.version, entry.state]);

describe('migrationStates', () => {
  test('a fresh database: everything pending', () => {
    assert.deepEqual(states([file(1), file(2)], []), [
      [1, 'pending'],
      [2, 'pending'],
    ]);
  });

  test('every state, in version order', () => {
    const files = [file(1), file(2, { checksum: 'edited' }), file(3), file(5), file(6), file(8), file(9)];
    const rows = [row(1), row(2), row(4), row(5, 'started'), row(6, 'baseline'), row(7), row(8)];
    assert.deepEqual(states(files, rows), [
      [1, 'applied'],
      [2, 'drifted'],
      [3, 'out-of-order'],
      [4, 'missing'],
      [5, 'dirty'],
      [6, 'baseline'],
      [7, 'missing'],
      [8, 'applied'],
      [9, 'pending'],
    ]);
  });

  test('a missing file is named from its row', () => {
    const [entry] = migrationStates([], [row(4)]);
    assert.equal(entry?.fileName, '0004_m4.sql');
    assert.equal(entry?.file, undefined);
  });

  test('a dirty row is dirty even when its checksum also changed', () => {
    assert.deepEqual(states([file(1, { checksum: 'x' })], [row(1, 'started')]), [[1, 'dirty']]);
  });
});

describe('planUp', () => {
  test('applies the pending files in order, up to --to when given', () => {
    const files = [file(1), file(2), file(3), file(4)];
    assert.deepEqual(planUp(files, [row(1)]).toApply.map((f) => f.version), [2, 3, 4]);
    assert.deepEqual(planUp(files, [row(1)], { to: 3 }).toApply.map((f) => f.version), [2, 3]);
    assert.deepEqual(planUp(files, [row(1)]).refusals, []);
  });

  test('nothing to do when everything is applied or baseline', () => {
    const plan = planUp([file(1), file(2)], [row(1, 'baseline'), row(2)]);
    assert.deepEqual(plan.toApply, []);
    assert.deepEqual(plan.refusals, []);
  });

  test('refuses on drifted, missing, dirty and out-of-order, with what to do', () => {
    const plan = planUp([file(1, { checksum: 'edited' }), file(2), file(4), file(6)], [row(1), row(3), row(4, 'started'), row(5)]);
    assert.deepEqual(
      plan.refusals.map((r) => [r.kind, r.version]),
      [
        ['drifted', 1],
        ['out-of-order', 2],
        ['missing', 3],
        ['dirty', 4],
        ['missing', 5],
      ],
    );
    const message = (kind: string) => plan.refusals.find((r) => r.kind === kind)?.message ?? '';
    assert.match(message('drifted'), /0001_m1\.sql was changed after it was applied.*new migration/);
    assert.match(message('out-of-order'), /0002_m2\.sql is pending but older than 0005_m5\.sql.*above 5/);
    assert.match(message('missing'), /0003_m3\.sql \(version 3\) is recorded as applied but is not in the migrations directory/);
    assert.match(message('dirty'), /0004_m4\.sql started at 2024-05-01T12:00:00\.000Z and did not finish: boom\. .*DELETE FROM pgtop\.schema_migrations WHERE version = 4/);
  });

  test('refuses on problems in the files it would apply, not in the others', () => {
    const broken: ScriptProblem[] = [{ line: 3, message: 'VACUUM cannot run inside a transaction' }];
    const plan = planUp([file(1, { problems: broken }), file(2, { problems: broken }), file(3, { problems: [{ message: 'no statement' }] })], [row(1)], { to: 2 });
    assert.deepEqual(plan.refusals, [{ kind: 'invalid-file', version: 2, fileName: '0002_m2.sql', line: 3, message: '0002_m2.sql line 3: VACUUM cannot run inside a transaction' }]);
  });
});

describe('planDown', () => {
  test('reverts the recorded versions above --to, newest first, baseline included', () => {
    const plan = planDown([file(1), file(2), file(3), file(4)], [row(1), row(2, 'baseline'), row(3)], 1);
    assert.deepEqual(plan.toRevert.map((step) => step.file.version), [3, 2]);
    assert.deepEqual(plan.refusals, []);
    assert.deepEqual(planDown([file(1)], [row(1)], 0).toRevert.map((step) => step.file.version), [1]);
    assert.deepEqual(planDown([file(1)], [row(1)], 1).toRevert, []);
  });

  test('refuses when a file to revert has no down file or a broken one, naming it', () => {
    const plan = planDown([file(1), file(2, { down: false }), file(3, { downProblems: [{ line: 1, message: 'bad' }] })], [row(1), row(2), row(3)], 1);
    assert.deepEqual(
      plan.refusals.map((r) => [r.kind, r.version, r.message]),
      [
        ['invalid-file', 3, '0003_m3.down.sql line 1: bad'],
        ['no-down-file', 2, '0002_m2.sql has no 0002_m2.down.sql, so it cannot be reverted. Write 0002_m2.down.sql, or choose a --to at or above 2.'],
      ],
    );
  });

  test('refuses to revert dirty, drifted or missing migrations', () => {
    const plan = planDown([file(2, { checksum: 'edited' }), file(3)], [row(1), row(2), row(3, 'started')], 0);
    assert.deepEqual(
      plan.refusals.map((r) => [r.kind, r.version]),
      [
        ['dirty', 3],
        ['drifted', 2],
        ['missing', 1],
      ],
    );
  });
});
