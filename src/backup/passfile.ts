import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Passfile {
  path: string;
  remove(): Promise<void>;
}

/** A .pgpass line's fields escape `\` and `:` with a backslash. */
export function passfileLine(password: string): string {
  return `*:*:*:*:${password.replace(/[\\:]/g, (c) => `\\${c}`)}\n`;
}

/**
 * Writes the password to a fresh 0600 file in a fresh 0700 directory, for PGPASSFILE, so that it never
 * reaches a command line (where `ps` shows it) nor the child's environment (inherited by its children).
 */
export async function writePassfile(password: string): Promise<Passfile> {
  const dir = await mkdtemp(join(tmpdir(), 'pgtop-pass-'));
  const path = join(dir, 'pgpass');
  await writeFile(path, passfileLine(password), { mode: 0o600, flag: 'wx' });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
