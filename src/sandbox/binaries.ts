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
