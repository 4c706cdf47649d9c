import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathsLeavingRoot } from '../helpers/outside-paths.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scanned = ['src', 'test', 'scripts', 'bench', 'bin'];
const textFile = /\.(ts|tsx|js|mjs|cjs|sh|json|sql|md)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return textFile.test(name) ? [path] : [];
  });
}

describe('the repository stands alone', () => {
  test('the path check finds an escape and lets an in-project path pass', () => {
    const file = join(root, 'test', 'unit', 'x.test.ts');
    const up = '..';
    assert.deepEqual(pathsLeavingRoot(`new URL('${up}/${up}/${up}/elsewhere/a.csv')`, dirname(file), root), [
      `${up}/${up}/${up}/elsewhere/a.csv`,
    ]);
    assert.deepEqual(pathsLeavingRoot(`import '${up}/${up}/src/cli.js'`, dirname(file), root), []);
    assert.deepEqual(pathsLeavingRoot(`cd /${'work'}/x && ls`, root, root), [`/${'work'}/x`]);
  });

  test('no file in src, test, scripts, bench or bin refers to a path outside the project', () => {
    const offenders = scanned.flatMap((top) =>
      filesUnder(join(root, top)).flatMap((file) =>
        pathsLeavingRoot(readFileSync(file, 'utf8'), dirname(file), root).map(
          (path) => `${relative(root, file)}: ${path}`,
        ),
      ),
    );
    assert.deepEqual(offenders, []);
  });

  test('no package.json script refers to a path outside the project', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const offenders = Object.entries(manifest.scripts).flatMap(([name, command]) =>
      pathsLeavingRoot(command, root, root).map((path) => `${name}: ${path}`),
    );
    assert.deepEqual(offenders, []);
  });

  test('the PgBouncer captures the unit tests read are inside the repository', () => {
    const fixtures = resolve(root, 'test', 'fixtures', 'pgbouncer');
    assert.ok(fixtures.startsWith(root.endsWith(sep) ? root : root + sep));
    assert.ok(statSync(join(fixtures, 'README.md')).isFile());
    assert.ok(readdirSync(join(fixtures, '1.18.0')).length > 0);
  });
});
