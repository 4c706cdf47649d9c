import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { runOk } from '../helpers/program.js';

// The committed HEAD, cloned into an empty directory: nothing beside it to lean on.
const work = mkdtempSync(join(tmpdir(), 'pgtop-clone-'));
const checkout = join(work, 'pgtop');

before(async () => {
  await runOk('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, checkout], { timeoutMs: 120_000 });
});

after(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('a fresh clone of the repository', () => {
  test('holds only what git tracks: no build output and no installed packages', () => {
    assert.deepEqual(readdirSync(work), ['pgtop']);
    assert.equal(existsSync(join(checkout, 'node_modules')), false);
    assert.equal(existsSync(join(checkout, 'dist')), false);
  });

  test('installs with npm ci, builds, and passes its unit tests', async () => {
    // The test runner's own context would make the nested run report to this one.
    const { NODE_TEST_CONTEXT: _parentRun, ...env } = process.env;
    await runOk('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: checkout, env, timeoutMs: 600_000 });
    assert.ok(existsSync(join(checkout, 'dist', 'cli.js')), 'npm ci built dist/');
    const result = await runOk(process.execPath, ['scripts/run-tests.js', 'unit'], { cwd: checkout, env, timeoutMs: 600_000 });
    assert.match(result.stdout, /\b[1-9]\d* passed, 0 failed, 0 skipped\b/);
  });
});
