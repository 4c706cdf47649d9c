import { readFileSync } from 'node:fs';
import { packageDir } from './package-dir.js';

// Set by the single-executable build, which has no package.json beside it.
declare const PGTOP_BUNDLED_VERSION: string | undefined;

let cached: string | undefined;

/** The version in pgtop's package.json. */
export function pgtopVersion(): string {
  if (cached === undefined && typeof PGTOP_BUNDLED_VERSION === 'string') cached = PGTOP_BUNDLED_VERSION;
  if (cached === undefined) {
    try {
      const text = readFileSync(new URL('package.json', packageDir), 'utf8');
      const version = (JSON.parse(text) as { version?: unknown }).version;
      cached = typeof version === 'string' ? version : 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
