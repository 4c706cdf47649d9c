import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes in a file, or in the files of a directory (recursively); 0 when it does not exist (yet). */
export async function sizeOnDisk(path: string): Promise<number> {
  let info;
  try {
    info = await lstat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.size;
  let total = 0;
  let names: string[];
  try {
    names = await readdir(path);
  } catch {
    return 0;
  }
  for (const name of names) total += await sizeOnDisk(join(path, name));
  return total;
}
