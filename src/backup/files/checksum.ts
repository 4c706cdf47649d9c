import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DumpFormat } from './naming.js';

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file under `dir`, as paths relative to it with `/`, in byte order. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await filesUnder(dir, relative)));
    else if (entry.isFile()) found.push(relative);
  }
  return found.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/**
 * The sha256 of a directory-format dump: the sha256 of the lines `<sha256 of file>  <relative path>\n`
 * (sha256sum's format), one per file, in byte order of the paths. The same as
 * `cd DIR && find . -type f | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum`.
 */
export async function sha256OfDirectory(dir: string): Promise<string> {
  const listing = createHash('sha256');
  for (const file of await filesUnder(dir)) listing.update(`${await sha256OfFile(join(dir, file))}  ${file}\n`);
  return listing.digest('hex');
}

export function sha256OfDump(path: string, format: DumpFormat): Promise<string> {
  return format === 'directory' ? sha256OfDirectory(path) : sha256OfFile(path);
}

export const SHA256_METHOD: Record<DumpFormat, string> = {
  custom: 'sha256 of the file',
  directory: 'sha256 of the lines "<sha256 of file>  <path>\\n" for each file, in byte order of the paths (sha256sum format)',
};
