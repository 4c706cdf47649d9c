import { lstat, rename } from 'node:fs/promises';
import { BackupError } from './backup-error.js';
import { fsyncPath, fsyncTree } from '../files/fsync.js';

/**
 * Makes a verified partial dump durable under its final name: fsync its file(s), rename
 * `NAME.partial` to `NAME` (never over an existing one), then fsync the directory so the rename survives
 * a crash.
 */
export async function commitDump(options: { dir: string; partialPath: string; finalPath: string }): Promise<void> {
  await fsyncTree(options.partialPath);
  const taken = await lstat(options.finalPath).then(
    () => true,
    () => false,
  );
  if (taken) throw new BackupError(`${options.finalPath} appeared while the dump ran; not overwriting it. The new dump is discarded.`, 'output-dir');
  await rename(options.partialPath, options.finalPath);
  await fsyncPath(options.dir);
}
