import { execFileSync } from 'node:child_process';

export const PG_ACTIVITY_INSTALL = 'apt-get install pg-activity';

/** pg_activity's version, or why it cannot be compared. */
export function findPgActivity(): { version: string } | { missing: string } {
  try {
    const out = execFileSync('pg_activity', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    return { version: out.trim().replace(/^pg_activity\s*/, '') };
  } catch {
    return { missing: `pg_activity not found: ${PG_ACTIVITY_INSTALL} — comparison skipped` };
  }
}

/** pg_activity on the sandbox at a 1 s refresh, default display options, as its superuser (password from PGPASSWORD). */
export function pgActivityCommand(port: number, refreshSeconds: number): string[] {
  return ['pg_activity', '--host', '127.0.0.1', '--port', String(port), '-U', 'postgres', '-d', 'postgres', '--refresh', String(refreshSeconds)];
}

/** pg_activity's screen once it shows data: its header and the column titles of the process table. */
export function pgActivityReady(screen: string): boolean {
  return /PostgreSQL/.test(screen) && /\bPID\b/.test(screen) && /\bDATABASE\b/.test(screen);
}
