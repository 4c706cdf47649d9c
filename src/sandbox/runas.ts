import { chownSync, readFileSync } from 'node:fs';

export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

/**
 * PostgreSQL and PgBouncer refuse to run as root. When this process is root, servers run as an
 * unprivileged user: PGTOP_SANDBOX_USER, else `postgres`, else `nobody`. Undefined when not root.
 */
export function unprivilegedUser(env: NodeJS.ProcessEnv = process.env): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 4);
  const wanted = env.PGTOP_SANDBOX_USER ? [env.PGTOP_SANDBOX_USER] : ['postgres', 'nobody'];
  for (const name of wanted) {
    const entry = passwd.find((fields) => fields[0] === name);
    if (entry && Number(entry[2]) !== 0) return { name, uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error(
    `running as root, and no unprivileged user (${wanted.join(', ')}) exists to run the servers as: ` +
      'create one (useradd) or set PGTOP_SANDBOX_USER',
  );
}

export function giveTo(runAs: RunAs | undefined, ...paths: string[]): void {
  if (!runAs) return;
  for (const path of paths) chownSync(path, runAs.uid, runAs.gid);
}
