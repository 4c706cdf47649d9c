#!/usr/bin/env node
// Runs the test suites with node's test runner and closes with one "N passed, N failed" line.
// Usage: node scripts/run-tests.js [unit|integration|e2e ...] [--only PATTERN]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);

let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});

child.on('close', (code, signal) => {
  const count = (label) => {
    const match = tail.match(new RegExp(`ℹ ${label} (\\d+)`));
    return match ? Number(match[1]) : 0;
  };
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  const skipped = count('skipped') + count('todo');
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (signal) process.exit(1);
  if (passed === 0) process.exit(1);
  process.exit(code === 0 && failed === 0 && skipped === 0 ? 0 : 1);
});
