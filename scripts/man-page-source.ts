import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { manPage } from '../src/cli/man-page.js';
import { commandDefinitions } from '../src/commands/registry.js';

const root = new URL('..', import.meta.url);
export const manPagePath = fileURLToPath(new URL('pgtop.1', root));

/** pgtop.1 as the current sources and package.json make it. */
export function manPageText(): string {
  const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string; description: string };
  return manPage(commandDefinitions, manifest.version, manifest.description);
}
