import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Finds a directory holding `initdb` and `postgres`: PGTOP_PG_BINDIR, `pg_config --bindir`, PATH, newest /usr/lib/postgresql/N/bin. */
export function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const hasServer = (dir: string): boolean => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'));
  const tried: string[] = [];
  const candidates: string[] = [];
  if (env.PGTOP_PG_BINDIR) candidates.push(env.PGTOP_PG_BINDIR);
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no pg_config
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir) candidates.push(dir);
  try {
    const majors = readdirSync('/usr/lib/postgresql')
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) candidates.push(`/usr/lib/postgresql/${major}/bin`);
  } catch {
    // not a Debian layout
  }
  for (const dir of candidates) {
    tried.push(dir);
    if (hasServer(dir)) return dir;
  }
  throw new Error(
    'no PostgreSQL server binaries (initdb, postgres) found. Install them (Debian: apt-get install postgresql) ' +
      'or set PGTOP_PG_BINDIR to their directory.',
  );
}

/** Finds an executable by name on PATH and in the given extra directories. */
export function findExecutable(name: string, extraDirs: string[] = [], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...extraDirs, ...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** PostgreSQL majors that pgtop supports and the test suite runs against. */
export const SUPPORTED_MAJORS = [14, 15, 16, 17, 18] as const;

/** The major version of the server binaries in `binDir`, or undefined when they do not run. */
export function serverMajorOf(binDir: string): number | undefined {
  try {
    const out = execFileSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    const match = /\(PostgreSQL\) (\d+)/.exec(out);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds server binaries of one PostgreSQL major among the given directories (in order) and the
 * distribution's /usr/lib/postgresql/N/bin. Undefined when none of them holds that major.
 */
export function findPostgresBinDirForMajor(major: number, extraDirs: string[] = []): string | undefined {
  const hasServer = (dir: string): boolean => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'));
  for (const dir of [`/usr/lib/postgresql/${major}/bin`, ...extraDirs]) {
    if (hasServer(dir) && serverMajorOf(dir) === major) return dir;
  }
  return undefined;
}
