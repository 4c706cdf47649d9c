import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const STAMP = /^\d{8}T\d{6}Z(-\d+)?$/;

/** The name a full (or left-over) recording is rotated to: the path with the time it was closed, `rec.20260312T031200Z`. */
export function rotatedName(path: string, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  let name = `${path}.${stamp}`;
  for (let n = 1; existsQuiet(name); n += 1) name = `${path}.${stamp}-${n}`;
  return name;
}

function existsQuiet(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The rotated files of a recording, oldest first. */
export function rotatedSegments(path: string): string[] {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  return readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && STAMP.test(name.slice(prefix.length)))
    .sort()
    .map((name) => join(dir, name));
}

/** Deletes the rotated files last written before `before` (ms since the epoch). */
export function pruneSegments(path: string, before: number): void {
  for (const segment of rotatedSegments(path)) {
    try {
      if (statSync(segment).mtimeMs < before) unlinkSync(segment);
    } catch {
      // Gone already, or not ours to delete: the next rotation tries again.
    }
  }
}
