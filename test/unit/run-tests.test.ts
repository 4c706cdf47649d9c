import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runFixtures(folder: string, ...options: string[]): { lastLine: string; status: number | null; output: string } {
  return runFixturesWith({}, folder, ...options);
}

function runFixturesWith(env: NodeJS.ProcessEnv, folder: string, ...options: string[]): { lastLine: string; status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['scripts/run-tests.js', `fixtures/runner/${folder}`, ...options], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 120_000,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = run.stdout.trimEnd().split('\n');
  return { lastLine: lines.at(-1) ?? '', status: run.status, output: run.stdout };
}

describe('scripts/run-tests.js', () => {
  test('the last line gives the true counts after long failure output, and the run fails', () => {
    const run = runFixtures('mixed');
    assert.ok(run.output.length > 10_000, 'the failure output is long enough to bury the spec summary');
    assert.equal(run.lastLine, '2 passed, 1 failed, 2 skipped');
    assert.equal(run.status, 1);
  });

  test('a clean run counts nested tests and exits 0', () => {
    const run = runFixtures('passing');
    assert.equal(run.lastLine, '3 passed, 0 failed, 0 skipped');
    assert.equal(run.status, 0);
  });

  test('several --only run the files matching any of them', () => {
    const run = runFixtures('', '--only', 'passing/', '--only', 'crash/');
    assert.equal(run.lastLine, '3 passed, 1 failed, 0 skipped');
    assert.equal(run.status, 1);
  });

  test('a file that throws while loading is a failure', () => {
    const run = runFixtures('crash');
    assert.equal(run.lastLine, '0 passed, 1 failed, 0 skipped');
    assert.equal(run.status, 1);
  });

  test('a file that hangs is stopped at the time limit and counted as failed', () => {
    const run = runFixturesWith({ PGTOP_TEST_FILE_TIMEOUT_MS: '3000' }, 'hang');
    assert.match(run.lastLine, /^\d+ passed, [1-9]\d* failed, 0 skipped$/);
    assert.match(run.output, /timed out after 3000ms/);
    assert.equal(run.status, 1);
  });
});
