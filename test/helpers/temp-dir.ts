import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory made on first use, the same one for the rest of this process, removed when it exits. */
export function processTempDir(prefix: string): () => string {
  let dir: string | undefined;
  return () => {
    if (!dir) {
      const made = mkdtempSync(join(tmpdir(), prefix));
      process.once('exit', () => rmSync(made, { recursive: true, force: true }));
      dir = made;
    }
    return dir;
  };
}
