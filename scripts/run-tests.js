#!/usr/bin/env node
// Runs the test suites with node's test runner and closes with one "N passed, N failed, N skipped" line.
// The exit status is 0 only when at least one test ran and none failed or was skipped.
// Usage: node scripts/run-tests.js [unit|integration|e2e|other folder under test/ ...] [--only PATTERN]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args.splice(onlyIndex, 2)[1] : undefined;
const suites = args.length > 0 ? args : ['unit', 'integration', 'e2e'];

function findTests(dir) {
  let found = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found = found.concat(findTests(path));
    else if (/\.test\.tsx?$/.test(name)) found.push(path);
  }
  return found;
}

const files = suites
  .flatMap((suite) => findTests(join(root, 'test', suite)))
  .filter((file) => !only || file.includes(only))
  .map((file) => relative(root, file));

if (files.length === 0) {
  console.error(`no test files found for: ${suites.join(', ')}${only ? ` matching ${only}` : ''}`);
  process.exit(1);
}

// Spec output is for people; the counts come from a second reporter writing to a file, so no amount of
// failure output can hide them.
const countsDir = mkdtempSync(join(tmpdir(), 'pgtop-test-counts-'));
const countsFile = join(countsDir, 'counts.json');
// Started from inside a test, node would otherwise report to the parent run instead of to these reporters.
const { NODE_TEST_CONTEXT: _parentRun, ...env } = process.env;
const child = spawn(
  process.execPath,
  [
    '--import', 'tsx', '--test', '--test-concurrency=2',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'count-reporter.js')}`, `--test-reporter-destination=${countsFile}`,
    ...files,
  ],
  { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] },
);

function readCounts() {
  try {
    return JSON.parse(readFileSync(countsFile, 'utf8'));
  } catch {
    return undefined;
  } finally {
    rmSync(countsDir, { recursive: true, force: true });
  }
}

child.on('close', (code, signal) => {
  const counts = readCounts();
  if (!counts) console.log('\nthe test runner ended without reporting counts');
  const { passed, failed, skipped } = counts ?? { passed: 0, failed: 0, skipped: 0 };
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  const clean = code === 0 && !signal && counts && failed === 0 && skipped === 0 && passed > 0;
  process.exit(clean ? 0 : 1);
});
