import { parseTarget } from './conninfo.js';
import { resolveConnection } from './resolve.js';
import type { ConnectionSettings } from './types.js';

/**
 * The PgBouncer admin console from `--pgbouncer` or PGTOP_PGBOUNCER: a URI or conninfo whose database
 * defaults to `pgbouncer`. The PG* variables describe PostgreSQL, not the pooler, so only PGPASSFILE and
 * HOME are taken from the environment (for ~/.pgpass).
 */
export function resolveBouncerTarget(target: string, env: NodeJS.ProcessEnv): ConnectionSettings {
  const given = parseTarget(target);
  const { settings } = resolveConnection({
    flags: { dbname: given.dbname === undefined ? 'pgbouncer' : undefined },
    target,
    env: { HOME: env.HOME, PGPASSFILE: env.PGPASSFILE, USER: env.USER, LOGNAME: env.LOGNAME },
  });
  return settings;
}
