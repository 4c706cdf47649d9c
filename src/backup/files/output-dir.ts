import { chmod, lstat, mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BackupError } from '../job/backup-error.js';
import { dumpFileName, manifestNameFor, partialNameFor, type DumpFormat } from './naming.js';
import { removeOwner, writeOwner } from './partial-owner.js';

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/** Why the directory cannot take a dump, as a message that says what to do. */
export function outputDirProblem(dir: string, code: string | undefined, detail: string): BackupError {
  switch (code) {
    case 'ENOENT':
      return new BackupError(`the backup directory ${dir} does not exist. Create it (mkdir -m 700 -p ${dir}) or choose another backup directory (--backup-dir).`, 'no-dir');
    case 'ENOTDIR':
      return new BackupError(`${dir} is not a directory. Choose a directory for the backups (--backup-dir).`, 'no-dir');
    case 'EACCES':
    case 'EPERM':
      return new BackupError(`cannot write in the backup directory ${dir}: permission denied. Let this user write there (chown or chmod u+w), or choose another backup directory (--backup-dir).`, 'output-dir');
    case 'EROFS':
      return new BackupError(`cannot write in the backup directory ${dir}: it is on a read-only file system. Choose another backup directory (--backup-dir).`, 'output-dir');
    case 'ENOSPC':
    case 'EDQUOT':
      return new BackupError(`the disk holding ${dir} is full (or the user's quota is used up). Free some space, or choose another backup directory (--backup-dir).`, 'disk-full');
    default:
      return new BackupError(`cannot write in the backup directory ${dir}: ${detail}`, 'output-dir');
  }
}

/** Fails early, before connecting, when the directory is missing or not a directory. */
export async function checkOutputDir(dir: string): Promise<void> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw outputDirProblem(dir, 'ENOTDIR', 'not a directory');
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw outputDirProblem(dir, errnoOf(error), (error as Error).message);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

export interface ReservedDump {
  /** The final name, e.g. `shop-20261128T120431Z.dump`. */
  name: string;
  partialPath: string;
  finalPath: string;
}

/**
 * Creates `NAME.partial.owner` (this pgtop's pid) and then `NAME.partial` exclusively: a 0600 file (custom format) or a 0700 directory (directory format),
 * for pg_dump to write into. A name already used in that second gets a sequence number.
 */
export async function createPartial(dir: string, database: string, format: DumpFormat, at: Date): Promise<ReservedDump> {
  for (let sequence = 0; sequence < 100; sequence++) {
    const name = dumpFileName(database, format, at, sequence);
    const finalPath = join(dir, name);
    const partialPath = join(dir, partialNameFor(name));
    if ((await exists(finalPath)) || (await exists(join(dir, manifestNameFor(name))))) continue;
    try {
      await writeOwner(partialPath);
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') continue;
      throw outputDirProblem(dir, errnoOf(error), (error as Error).message);
    }
    try {
      if (format === 'custom') {
        const handle = await open(partialPath, 'wx', 0o600);
        await handle.close();
        await chmod(partialPath, 0o600);
      } else {
        await mkdir(partialPath, { mode: 0o700 });
        await chmod(partialPath, 0o700);
      }
    } catch (error) {
      await removeOwner(partialPath);
      if (errnoOf(error) === 'EEXIST') continue;
      throw outputDirProblem(dir, errnoOf(error), (error as Error).message);
    }
    return { name, partialPath, finalPath };
  }
  throw new BackupError(`could not find a free name for a dump of ${database} in ${dir}`, 'output-dir');
}
