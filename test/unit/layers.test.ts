import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importsOf, sourceFiles } from '../helpers/source-files.js';

/**
 * The import rule: a file imports only from its own layer or the layers below it. Each top-level entry of
 * src/ belongs to one layer; a new folder must be given one here before it can be used.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['text', 'errors.ts', 'process'],
  ['config', 'db'],
  ['sources', 'record', 'migrate', 'backup', 'plan', 'audit', 'sandbox', 'health'],
  ['store'],
  ['actions'],
  ['keymap'],
  ['ui'],
  ['commands', 'cli', 'cli.ts'],
];

/** Only the screen and the commands that start it may load Ink or React. */
const SCREEN_PACKAGES = ['ink', 'react'];
const SCREEN_LAYERS = ['ui', 'commands'];

const src = fileURLToPath(new URL('../../src', import.meta.url));

export function layerOf(top: string): number {
  return LAYERS.findIndex((layer) => layer.includes(top));
}

const topOf = (file: string): string => relative(src, file).split(sep)[0] ?? '';

/** The upward imports and screen packages outside the screen, as `file → import (why)` lines. */
export function violations(root: string = src): string[] {
  const problems: string[] = [];
  for (const file of sourceFiles(root)) {
    const from = topOf(file);
    const fromLayer = layerOf(from);
    const name = relative(root, file);
    if (fromLayer < 0) {
      problems.push(`${name}: src/${from} belongs to no layer (add it to LAYERS in test/unit/layers.test.ts)`);
      continue;
    }
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) {
        const pkg = spec.split('/')[0] ?? spec;
        if (SCREEN_PACKAGES.includes(pkg) && !SCREEN_LAYERS.includes(from)) problems.push(`${name} → ${spec} (only ${SCREEN_LAYERS.join(' and ')} may load ${pkg})`);
        continue;
      }
      const target = resolve(dirname(file), spec);
      const to = topOf(target);
      const toLayer = layerOf(to.replace(/\.js$/, '.ts'));
      if (toLayer > fromLayer) problems.push(`${name} → ${spec} (${from} may not import ${to}: it is a layer above)`);
    }
  }
  return problems;
}

describe('the import rule', () => {
  test('every file in src/ imports only from its own layer or below', () => {
    assert.deepEqual(violations(), []);
  });

  test('the check sees an upward import (store importing ui) and a screen package below the screen', () => {
    assert.ok(layerOf('store') < layerOf('ui'));
    assert.deepEqual(importsOf(`import type { X } from '../ui/columns/x.js';\nexport { y } from './y.js';\nconst m = await import('../commands/top.js');`), [
      '../ui/columns/x.js',
      './y.js',
      '../commands/top.js',
    ]);
    assert.ok(layerOf('errors.ts') === 0 && layerOf('cli.ts') === LAYERS.length - 1);
  });
});
