import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file in src/ longer than this has one job too many, unless it is listed below with the reason it stays. */
const MAX_LINES = 300;

/** Paths under src/ (with /) allowed past MAX_LINES, each with its reason. Split a file and its line goes. */
const LONG_FILES: Readonly<Record<string, string>> = {
  'store/state.ts': "AppState: every view's state and its initial value in one type that each new view extends; next to split: a view's state beside its reducer, as statements-state.ts does",
  'config/resolve.ts': "libpq's keyword tables and its precedence chain in one file; next to split: the keyword tables (ENVIRONMENT, SETTINGS_KEYWORDS, HONOURED_KEYWORDS, REFUSED) into their own module",
};

const src = fileURLToPath(new URL('../../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const lineCount = (path: string): number => readFileSync(path, 'utf8').split('\n').length - 1;

describe('file length', () => {
  const lengths = new Map(sourceFiles(src).map((path) => [relative(src, path).split(sep).join('/'), lineCount(path)]));

  test(`a file in src/ over ${MAX_LINES} lines is listed in LONG_FILES with its reason`, () => {
    const unlisted = [...lengths].filter(([path, lines]) => lines > MAX_LINES && !(path in LONG_FILES)).map(([path, lines]) => `${path}: ${lines} lines`);
    assert.deepEqual(unlisted, [], 'split these by job, or list them in LONG_FILES in test/unit/file-length.test.ts with the reason they stay long');
  });

  test('every file in LONG_FILES still exists, is still long, and says why', () => {
    const stale = Object.entries(LONG_FILES)
      .filter(([path, reason]) => (lengths.get(path) ?? 0) <= MAX_LINES || reason.trim() === '')
      .map(([path]) => `${path}: ${lengths.has(path) ? `${lengths.get(path)} lines` : 'gone'}`);
    assert.deepEqual(stale, [], 'remove these from LONG_FILES in test/unit/file-length.test.ts');
  });
});
