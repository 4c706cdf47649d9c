import { resolveConnection } from './resolve.js';
import type { ConnectionSettings } from './types.js';

/**
 * The PgBouncer admin console from `--pgbouncer`, the profile or PGTOP_PGBOUNCER: a URI, conninfo or
 * `service=NAME` whose database defaults to `pgbouncer`. The PG* variables describe PostgreSQL, not the
 * pooler, so only HOME, PGPASSFILE and the service file locations are taken from the environment.
 */
export function resolveBouncerTarget(target: string, env: NodeJS.ProcessEnv): ConnectionSettings {
  const { settings } = resolveConnection({
    flags: {},
    target,
    env: {
      HOME: env.HOME,
      PGPASSFILE: env.PGPASSFILE,
      PGSERVICEFILE: env.PGSERVICEFILE,
      PGSYSCONFDIR: env.PGSYSCONFDIR,
      USER: env.USER,
      LOGNAME: env.LOGNAME,
      // The lowest layer: the target or its service may name another database.
      PGDATABASE: 'pgbouncer',
    },
  });
  return settings;
}
