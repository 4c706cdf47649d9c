import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findPostgresBinDir } from '../../src/sandbox/binaries.js';
import { findBinDirForMajor } from '../../src/sandbox/embedded.js';
import { startPostgres as startSandbox, type PostgresSandbox, type PostgresSandboxOptions } from '../../src/sandbox/postgres.js';
import { processTempDir } from './temp-dir.js';

export type { PostgresSandbox };

const execFileAsync = promisify(execFile);

/** Where this run keeps its initdb results: named by scripts/run-tests.js (which removes it), else this process's own. */
const runTemplates = process.env.PGTOP_TEST_INITDB_TEMPLATES;
const ownTemplates = processTempDir('pgtop-test-initdb-');
const templates = (): string => runTemplates ?? ownTemplates();

const making = new Map<string, Promise<string>>();

/**
 * A data directory as the sandbox's initdb leaves it, for these binaries, superuser and password: made once
 * per test run by starting and stopping a sandbox, without what that start left (its statistics and options),
 * so a copy starts as a new cluster would.
 */
function template(binDir: string, superuser: string | undefined, password: string | undefined): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify([binDir, superuser, password])).digest('hex').slice(0, 16);
  const path = join(templates(), key);
  if (existsSync(path)) return Promise.resolve(path);
  let made = making.get(key);
  if (!made) {
    made = makeTemplate(binDir, superuser, password, path);
    making.set(key, made);
  }
  return made;
}

async function makeTemplate(binDir: string, superuser: string | undefined, password: string | undefined, path: string): Promise<string> {
  const sandbox = await startSandbox({ binDir, superuser, password });
  try {
    await sandbox.stopServer();
    const staging = `${path}.${process.pid}`;
    await execFileAsync('cp', ['-a', sandbox.dataDir, staging]);
    rmSync(join(staging, 'postmaster.opts'), { force: true });
    await execFileAsync('find', [join(staging, 'pg_stat'), '-mindepth', '1', '-delete']);
    try {
      renameSync(staging, path);
    } catch {
      // another test file made it first
      rmSync(staging, { recursive: true, force: true });
    }
    return path;
  } finally {
    await sandbox.stop();
  }
}

/**
 * startPostgres for tests: the same server, its data directory copied from one initdb per binaries,
 * superuser and password in the whole test run instead of an initdb of its own (seconds of CPU each).
 */
export async function startPostgres(options: PostgresSandboxOptions = {}): Promise<PostgresSandbox> {
  if (options.seedDataDir) return startSandbox(options);
  const binDir = options.binDir ?? (options.major === undefined ? findPostgresBinDir() : findBinDirForMajor(options.major));
  // Missing binaries: the sandbox says what to install.
  if (!binDir) return startSandbox(options);
  const from = await template(binDir, options.superuser, options.password);
  return startSandbox({ ...options, binDir, seedDataDir: (dataDir) => execFileAsync('cp', ['-a', from, dataDir]).then(() => undefined) });
}
