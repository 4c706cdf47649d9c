// Rewrites the key table in README.md from the keymap (the same table that handles the keys).
// `--check` exits 1 when the README's table differs instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { keysMarkdownTable } from '../src/keymap/help.js';

const START = '<!-- keys:start -->';
const END = '<!-- keys:end -->';

export function withKeyTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
  return `${readme.slice(0, start + START.length)}\n${keysMarkdownTable()}\n${readme.slice(end)}`;
}

const path = new URL('../README.md', import.meta.url);
const current = readFileSync(path, 'utf8');
const next = withKeyTable(current);
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('README.md key table is out of date: run npm run readme:keys');
    process.exit(1);
  }
} else if (next !== current) {
  writeFileSync(path, next);
  console.log('README.md key table updated');
}
