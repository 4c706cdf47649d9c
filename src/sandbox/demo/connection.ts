import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The service (in pg_service.conf) that reaches the demo database directly. */
export const DEMO_SERVICE = 'shop';

export interface DemoConnectionFiles {
  serviceFile: string;
  passFile: string;
}

export interface DemoEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Where the demo writes its connection files; known before the servers start, for the banner. */
export function demoConnectionFiles(demoDir: string): DemoConnectionFiles {
  return { serviceFile: join(demoDir, 'pg_service.conf'), passFile: join(demoDir, 'pgpass') };
}

const quoteForShell = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** The psql command line that opens a second client on the demo database while the demo runs. */
export function demoPsqlCommand(files: DemoConnectionFiles): string {
  return `PGSERVICEFILE=${quoteForShell(files.serviceFile)} psql service=${DEMO_SERVICE}`;
}

const passField = (value: string): string => value.replace(/\\/g, '\\\\').replace(/:/g, '\\:');

/**
 * Writes pg_service.conf (service `shop`, and `shop-pooled` through PgBouncer when there is one) and the
 * password file it names (0600), so that `demoPsqlCommand` connects.
 */
export function writeDemoConnectionFiles(files: DemoConnectionFiles, direct: DemoEndpoint, pooled?: DemoEndpoint): void {
  const endpoints: Array<[string, DemoEndpoint]> = [[DEMO_SERVICE, direct], ...(pooled ? [[`${DEMO_SERVICE}-pooled`, pooled] as [string, DemoEndpoint]] : [])];
  const service = endpoints
    .map(([name, to]) => `[${name}]\nhost=${to.host}\nport=${to.port}\nuser=${to.user}\ndbname=${to.database}\nsslmode=disable\npassfile=${files.passFile}\n`)
    .join('\n');
  const passwords = endpoints.map(([, to]) => [to.host, String(to.port), to.database, to.user, to.password].map(passField).join(':')).join('\n');
  writeFileSync(files.passFile, `${passwords}\n`, { mode: 0o600 });
  writeFileSync(files.serviceFile, service, { mode: 0o600 });
}
