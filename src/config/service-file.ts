import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { CONNINFO_KEYWORDS } from './conninfo.js';

/**
 * Where libpq looks for the system-wide pg_service.conf when PGSYSCONFDIR is not set: its compiled-in
 * sysconfdir, which differs by packaging (Debian and Ubuntu, the PGDG RPMs, a source build).
 */
export const DEFAULT_SYSCONF_DIRS: readonly string[] = ['/etc/postgresql-common', '/etc/sysconfig/pgsql', '/usr/local/pgsql/etc', '/etc'];

export interface ServiceLookup {
  /** The service's keywords, exactly as the file gives them. */
  values: Record<string, string>;
  /** The file the service was found in. */
  file: string;
}

export interface ServiceFileInput {
  service: string;
  /** The `servicefile` connection option (PostgreSQL 18), which beats PGSERVICEFILE. */
  servicefile?: string;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** The system directories tried, in order, when PGSYSCONFDIR is not set. */
  sysconfDirs?: readonly string[];
}

type Parsed = { found: false } | { found: true; values: Record<string, string> };

/**
 * Reads one service's section from a service file as libpq does: lines are trimmed, `#` starts a comment
 * line, `[name]` opens a section, `keyword=value` (no spaces around `=`) sets an option. Only the lines of
 * the wanted section are checked: an unknown keyword or a nested `service=` there is an error.
 */
export function parseServiceFile(text: string, service: string, file: string): Parsed {
  let inService = false;
  let values: Record<string, string> | undefined;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      if (inService) break;
      inService = line.startsWith(`[${service}]`);
      if (inService) values = {};
      continue;
    }
    if (!inService || !values) continue;
    const where = `service file "${file}", line ${index + 1}`;
    const equals = line.indexOf('=');
    if (equals < 0) throw new UsageError(`syntax error in ${where}: expected keyword=value`);
    const keyword = line.slice(0, equals);
    if (keyword === 'service') throw new UsageError(`nested service specifications not supported in ${where}`);
    if (!CONNINFO_KEYWORDS.has(keyword)) throw new UsageError(`syntax error in ${where}: unknown connection option "${keyword}"`);
    values[keyword] = line.slice(equals + 1);
  }
  return values ? { found: true, values } : { found: false };
}

function readServiceFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`service file "${file}" not found`);
    throw new UsageError(`could not read service file "${file}": ${code ?? String(error)}`, { cause: error });
  }
}

/** The system-wide service file libpq would read: PGSYSCONFDIR's, else the first that exists. */
export function systemServiceFile(env: NodeJS.ProcessEnv, dirs: readonly string[] = DEFAULT_SYSCONF_DIRS): string {
  if (env.PGSYSCONFDIR) return join(env.PGSYSCONFDIR, 'pg_service.conf');
  const files = dirs.map((dir) => join(dir, 'pg_service.conf'));
  return files.find((file) => existsSync(file)) ?? files[0] ?? '/etc/pg_service.conf';
}

/**
 * Finds a connection service as libpq does: first the user's file (the `servicefile` option, else
 * PGSERVICEFILE, which must exist, else ~/.pg_service.conf if it exists), then the system file
 * (PGSYSCONFDIR/pg_service.conf). A service not found in either is an error naming both files.
 */
export function lookupService(input: ServiceFileInput): ServiceLookup {
  const { service, env } = input;
  const named = input.servicefile ?? env.PGSERVICEFILE;
  const userFile = named ?? join(input.homeDir, '.pg_service.conf');
  const searched: string[] = [];
  if (named !== undefined || existsSync(userFile)) {
    searched.push(userFile);
    const parsed = parseServiceFile(readServiceFile(userFile), service, userFile);
    if (parsed.found) return { values: parsed.values, file: userFile };
  }
  const systemFile = systemServiceFile(env, input.sysconfDirs);
  if (existsSync(systemFile)) {
    searched.push(systemFile);
    const parsed = parseServiceFile(readServiceFile(systemFile), service, systemFile);
    if (parsed.found) return { values: parsed.values, file: systemFile };
  }
  const looked = [...new Set([userFile, systemFile])].map((file) => `"${file}"${searched.includes(file) ? '' : ' (absent)'}`);
  throw new UsageError(`definition of service "${service}" not found (searched ${looked.join(' and ')})`);
}
