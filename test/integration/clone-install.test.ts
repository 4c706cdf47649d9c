import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { quitAndCheck, waitForDemo, waitForWorkload, START_TIMEOUT_MS } from '../helpers/demo-checks.js';
import { readmeQuickStart, startNpmDemo } from '../helpers/demo-terminal.js';
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

  // The whole suite runs in the working copy; in the clone, what could differ there is the install: the
  // layers test (the sources and their imports, nothing from outside the clone) and a test of the built CLI
  // on a real server (dist/, bin/pgtop.js, the installed packages).
  const cloneTests = ['test/unit/layers.test.ts', 'test/integration/snapshot.test.ts'];
  const cloneSuites = ['the import rule', 'pgtop snapshot --json', 'pgtop snapshot --ndjson --watch', 'pgtop snapshot (table)'];

  test('installs with npm ci, builds, and passes its layers test and a real-server test', async () => {
    // The test runner's own context would make the nested run report to this one.
    const { NODE_TEST_CONTEXT: _parentRun, ...env } = process.env;
    await runOk('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: checkout, env, timeoutMs: 600_000 });
    assert.ok(existsSync(join(checkout, 'dist', 'cli.js')), 'npm ci built dist/');
    const only = cloneTests.flatMap((file) => ['--only', file]);
    const result = await runOk(process.execPath, ['scripts/run-tests.js', 'unit', 'integration', ...only], { cwd: checkout, env, timeoutMs: 600_000 });
    assert.doesNotMatch(result.stdout, /dist\/ is (not built|older than the sources)/, 'the tests ran on the dist/ that npm ci built');
    for (const suite of cloneSuites) assert.ok(result.stdout.includes(`✔ ${suite} (`), `${suite} passed in the clone:\n${result.stdout}`);
    assert.match(result.stdout, /\b[1-9]\d* passed, 0 failed, 0 skipped\b/);
  });

  test("then the README's quick start: npm run demo shows the workload, and q cleans up", { timeout: START_TIMEOUT_MS + 120_000 }, async () => {
    assert.equal(readmeQuickStart(checkout), 'npm ci && npm run demo', 'the quick start names these commands');
    const terminal = startNpmDemo(checkout);
    try {
      const running = await waitForDemo(terminal, { pgbouncer: true });
      await waitForWorkload(terminal);
      await quitAndCheck(terminal, running, () => terminal.sendKeys('q'), 0);
    } finally {
      terminal.kill();
    }
  });
});
