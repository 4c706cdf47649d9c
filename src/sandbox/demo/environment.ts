import { join } from 'node:path';

/**
 * Makes this process's environment the demo's own. The PG* variables describe the user's servers, not the
 * demo's, and would change how the workload connects (PGSSLMODE, PGOPTIONS, …); the audit log of actions
 * taken in the demo is a throwaway like the rest, kept in the demo directory.
 */
export function isolateDemoEnvironment(demoDir: string, env: NodeJS.ProcessEnv = process.env): void {
  for (const name of Object.keys(env)) {
    if (name.startsWith('PG') && !name.startsWith('PGTOP_')) delete env[name];
  }
  env.XDG_STATE_HOME = join(demoDir, 'state');
}
