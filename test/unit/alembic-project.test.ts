import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAlembicProject } from '../../src/migrate/alembic/project.js';
import { UsageError } from '../../src/errors.js';

function projectDir(ini: string, envPy = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgtop-alembic-unit-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'alembic.ini'), ini);
  mkdirSync(join(dir, 'db', 'versions'), { recursive: true });
  writeFileSync(join(dir, 'db', 'env.py'), envPy);
  return dir;
}

describe('finding and reading an Alembic project', () => {
  test('from a directory below alembic.ini, with version_locations and the version table env.py names', () => {
    const dir = projectDir(
      '[alembic]\nscript_location = %(here)s/db\nversion_locations = %(here)s/db/versions %(here)s/extra\nversion_path_separator = space\nsqlalchemy.url = postgresql://\n',
      'context.configure(connection=connection, version_table="schema_history", version_table_schema="meta")\n',
    );
    const project = loadAlembicProject(join(dir, 'db', 'versions'));
    assert.equal(project.dir, dir);
    assert.equal(project.scriptDir, join(dir, 'db'));
    assert.deepEqual(project.versionDirs, [join(dir, 'db', 'versions'), join(dir, 'extra')]);
    assert.equal(project.url, 'postgresql://');
    assert.equal(project.versionTable, 'schema_history');
    assert.equal(project.versionTableSchema, 'meta');
  });

  test('defaults: SCRIPT_DIR/versions and alembic_version', () => {
    const project = loadAlembicProject(projectDir('[alembic]\nscript_location = db\n'));
    assert.deepEqual(project.versionDirs, [join(project.dir, 'db', 'versions')]);
    assert.equal(project.versionTable, 'alembic_version');
    assert.equal(project.url, undefined);
  });

  test('clear errors: no alembic.ini, no script_location, a missing script directory', () => {
    const empty = mkdtempSync(join(tmpdir(), 'pgtop-alembic-none-'));
    process.once('exit', () => rmSync(empty, { recursive: true, force: true }));
    assert.throws(() => loadAlembicProject(join(empty, 'nope')), (error: unknown) => error instanceof UsageError && /no alembic\.ini in .* or any directory above it/.test(error.message));
    assert.throws(() => loadAlembicProject(projectDir('[other]\nx = 1\n')), /has no script_location in an \[alembic\] section/);
    assert.throws(() => loadAlembicProject(projectDir('[alembic]\nscript_location = elsewhere\n')), /script_location .* is not a directory/);
  });
});
