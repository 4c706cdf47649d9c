import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BackupError } from '../job/backup-error.js';

/** 0600 for files and 0700 for directories: tightens anything looser, then checks. */
export async function ensurePrivate(path: string): Promise<void> {
  const info = await lstat(path);
  const wanted = info.isDirectory() ? 0o700 : 0o600;
  if ((info.mode & 0o777) !== wanted) await chmod(path, wanted);
  const after = (await lstat(path)).mode & 0o777;
  if (after !== wanted) {
    throw new BackupError(`${path} has mode ${after.toString(8)}, not ${wanted.toString(8)}, and could not be made private; the dump is discarded.`, 'output-dir');
  }
  if (info.isDirectory()) for (const name of await readdir(path)) await ensurePrivate(join(path, name));
}
