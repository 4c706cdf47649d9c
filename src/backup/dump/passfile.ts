import { existsSync } from 'node:fs';
import { mkdtemp, open, readdir, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '../../process/alive.js';

/** The password for pg_dump: either an already-unlinked file handed over as fd 3, or (without /proc) a file on disk. */
export interface Passfile {
  /** What PGPASSFILE says in pg_dump's environment. */
  envPath: string;
  /** An open descriptor that pg_dump must inherit as fd 3; undefined when the password is in a file on disk. */
  fd: number | undefined;
  /** Closes the descriptor, or removes the file on disk. */
  remove(): Promise<void>;
}

/** The descriptor number pg_dump reads its password file from (/proc/self/fd/3). */
export const PASSFILE_CHILD_FD = 3;

const DIR_PREFIX = 'pgtop-pass-';

/** A .pgpass line's fields escape `\` and `:` with a backslash. */
export function passfileLine(password: string): string {
  return `*:*:*:*:${password.replace(/[\\:]/g, (c) => `\\${c}`)}\n`;
}

/** Password directories of pgtop processes that are gone (a kill -9 between writing and unlinking); removes them. */
export async function removeStalePassfiles(dir = tmpdir()): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^pgtop-pass-(\d+)-/.exec(name)?.[1]);
    if (pid > 0 && pid !== process.pid && !isProcessAlive(pid)) await rm(join(dir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Hands the password to pg_dump without a file that outlives pgtop: it is written to a 0600 file in a fresh
 * 0700 directory, opened, and unlinked at once; pg_dump inherits the open descriptor as fd 3 and libpq reads
 * it through PGPASSFILE=/proc/self/fd/3 (a plain 0600 file, as libpq requires). The name exists for the
 * moment between write and unlink; a pgtop killed inside it leaves a directory named with its pid, which
 * the next backup removes. Never on a command line (where `ps` shows it) nor in the environment (inherited
 * by children). Without /proc the file stays on disk until pg_dump ends.
 */
export async function writePassfile(password: string): Promise<Passfile> {
  const dir = await mkdtemp(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  const path = join(dir, 'pgpass');
  const removeDir = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await writeFile(path, passfileLine(password), { mode: 0o600, flag: 'wx' });
    if (!existsSync('/proc/self/fd')) return { envPath: path, fd: undefined, remove: removeDir };
    const handle: FileHandle = await open(path, 'r');
    await removeDir();
    return { envPath: `/proc/self/fd/${PASSFILE_CHILD_FD}`, fd: handle.fd, remove: () => handle.close() };
  } catch (error) {
    await removeDir();
    throw error;
  }
}

/**
 * A 0600 password file on disk, in a 0700 directory named with pgtop's pid, for a child that cannot inherit
 * a descriptor (the Alembic child runs the project's own Python). The caller removes it; if pgtop is killed
 * first, the next run's removeStalePassfiles removes it.
 */
export async function writePassfileOnDisk(password: string): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  const path = join(dir, 'pgpass');
  await writeFile(path, passfileLine(password), { mode: 0o600, flag: 'wx' });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
