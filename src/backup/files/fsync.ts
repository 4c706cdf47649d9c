import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** fsync one file or directory (a directory's fsync makes the names in it durable). */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a file, or every file in a directory tree and the directories themselves. */
export async function fsyncTree(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isDirectory()) {
      for (const entry of await readdir(path, { withFileTypes: true })) {
        if (entry.isDirectory() || entry.isFile()) await fsyncTree(join(path, entry.name));
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}
