import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './product.js';

/**
 * The V8 options pgtop runs with, read from bin/pgtop.js: those its `#!/usr/bin/env -S node …` line gives
 * node, then those it sets itself with setFlagsFromString. An installed pgtop is started through that line;
 * the bench starts node itself, so it passes them on, and the in-process measurements run with them too.
 */
export function pgtopNodeOptions(): string[] {
  const source = readFileSync(join(repoRoot, 'bin', 'pgtop.js'), 'utf8');
  const shebang = /^#!\S*env\s+-S\s+node\s+(.*)$/m.exec(source.split('\n')[0] ?? '');
  const fromShebang = shebang?.[1]?.trim().split(/\s+/) ?? [];
  const set = [...source.matchAll(/setFlagsFromString\('([^']+)'\)/g)].flatMap((m) => m[1]?.trim().split(/\s+/) ?? []);
  return [...fromShebang, ...set];
}

/** `node bin/pgtop.js …` as its own first line starts it. */
export function pgtopCommand(args: readonly string[]): string[] {
  return [process.execPath, ...pgtopNodeOptions(), 'bin/pgtop.js', ...args];
}
