#!/usr/bin/env node
// Runs the test suites with node's test runner and closes with one "N passed, N failed, N skipped" line.
// The exit status is 0 only when at least one test ran and none failed or was skipped.
// Usage: node scripts/run-tests.js [unit|integration|e2e|other folder under test/ ...] [--only PATTERN ...]
// (with several --only, the files matching any of them).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const only = [];
for (let at = args.indexOf('--only'); at >= 0; at = args.indexOf('--only')) only.push(args.splice(at, 2)[1] ?? '');
// The slow suites first, so that the many short unit files fill the end of the run.
const suites = args.length > 0 ? args : ['e2e', 'integration', 'unit'];
const concurrency = Number(process.env.PGTOP_TEST_CONCURRENCY ?? 2);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`PGTOP_TEST_CONCURRENCY: ${process.env.PGTOP_TEST_CONCURRENCY} is not a whole number of test files to run at once`);
  process.exit(1);
}

// A file still running after this long is stopped and counted as failed: a test that hangs (a lock never
// released, a child that never exits) must not eat the rest of a CI run's time and its counts.
const fileTimeoutMs = Number(process.env.PGTOP_TEST_FILE_TIMEOUT_MS ?? 15 * 60 * 1000);
if (!Number.isInteger(fileTimeoutMs) || fileTimeoutMs < 1) {
  console.error(`PGTOP_TEST_FILE_TIMEOUT_MS: ${process.env.PGTOP_TEST_FILE_TIMEOUT_MS} is not a whole number of milliseconds`);
  process.exit(1);
}

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
  .filter((file) => only.length === 0 || only.some((pattern) => file.includes(pattern)))
  .map((file) => relative(root, file));

if (files.length === 0) {
  console.error(`no test files found for: ${suites.join(', ')}${only.length > 0 ? ` matching ${only.join(' or ')}` : ''}`);
  process.exit(1);
}

/** The modification times of the files under `dir` (none when it does not exist). */
function fileMtimes(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries.filter((entry) => entry.isFile()).map((entry) => statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
}

// The tests run the CLI as users do, through bin/pgtop.js and the compiled dist/ (a process started through
// tsx spends seconds compiling): dist/ is rebuilt first when any source or build setting is newer.
function ensureBuilt() {
  const sources = [...fileMtimes(join(root, 'src')), ...['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/bundle-ink.ts', 'scripts/ink-reconciler.ts'].map((file) => statSync(join(root, file)).mtimeMs)];
  const built = fileMtimes(join(root, 'dist'));
  if (built.length > 0 && Math.max(...sources) <= Math.min(...built)) return;
  console.log(built.length === 0 ? 'dist/ is not built: npm run build' : 'dist/ is older than the sources: npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) {
    console.log(`\nthe build failed, so no test ran\n\n0 passed, 0 failed, 0 skipped`);
    process.exit(1);
  }
}

ensureBuilt();

// Spec output is for people; the counts come from a second reporter writing to a file, so no amount of
// failure output can hide them.
const countsDir = mkdtempSync(join(tmpdir(), 'pgtop-test-run-'));
const countsFile = join(countsDir, 'counts.json');
// Started from inside a test, node would otherwise report to the parent run instead of to these reporters.
const { NODE_TEST_CONTEXT: _parentRun, ...env } = process.env;
// The test servers' data directories are copies of one initdb per PostgreSQL binaries, kept here for this run
// (test/helpers/postgres.ts).
env.PGTOP_TEST_INITDB_TEMPLATES = join(countsDir, 'initdb');
mkdirSync(env.PGTOP_TEST_INITDB_TEMPLATES);
const child = spawn(
  process.execPath,
  [
    '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${fileTimeoutMs}`,
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

// Stopped, the runner waits for the tests it started to stop too, and then removes what it made.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));

child.on('close', (code, signal) => {
  const counts = readCounts();
  if (!counts) console.log('\nthe test runner ended without reporting counts');
  const { passed, failed, skipped } = counts ?? { passed: 0, failed: 0, skipped: 0 };
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  const clean = code === 0 && !signal && counts && failed === 0 && skipped === 0 && passed > 0;
  process.exit(clean ? 0 : 1);
});
