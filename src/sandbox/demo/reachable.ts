import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unprivilegedUser, type RunAs } from '../runas.js';

function runsAs(runAs: RunAs, binDir: string): boolean {
  try {
    execFileSync(join(binDir, 'postgres'), ['--version'], { stdio: 'ignore', uid: runAs.uid, gid: runAs.gid, timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Embedded binaries the unprivileged server user can run. As root, a checkout in a private directory
 * (root's home, say) is out of that user's reach: then the package's binaries, libraries and share files
 * are copied into the demo directory (about 60 MB), and that copy is used.
 */
export function reachableEmbeddedBinDir(binDir: string, demoDir: string, runAs: RunAs | undefined = unprivilegedUser()): string {
  if (!runAs || runsAs(runAs, binDir)) return binDir;
  const copy = join(demoDir, 'postgresql');
  // Relative library symlinks must stay relative, to point inside the copy.
  cpSync(dirname(binDir), copy, { recursive: true, verbatimSymlinks: true });
  chmodSync(copy, 0o755);
  return join(copy, 'bin');
}
