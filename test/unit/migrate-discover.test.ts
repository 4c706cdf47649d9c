import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverMigrations } from '../../src/migrate/discover.js';
import { OperationError, UsageError } from '../../src/errors.js';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function dirWith(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgtop-discover-'));
  dirs.push(dir);
  for (const name of names) writeFileSync(join(dir, name), 'SELECT 1;\n');
  return dir;
}

describe('discoverMigrations', () => {
  test('lists NNNN_slug.sql files in numeric version order with their down twins', () => {
    const dir = dirWith(['0010_ten.sql', '0009_nine.sql', '0009_nine.down.sql', '20240101120000_stamp.sql', 'README.md']);
    const found = discoverMigrations(dir);
    assert.deepEqual(
      found.files.map((f) => [f.version, f.versionText, f.slug, f.fileName, f.downFileName]),
      [
        [9, '0009', 'nine', '0009_nine.sql', '0009_nine.down.sql'],
        [10, '0010', 'ten', '0010_ten.sql', undefined],
        [20240101120000, '20240101120000', 'stamp', '20240101120000_stamp.sql', undefined],
      ],
    );
    assert.equal(found.files[0]?.path, join(dir, '0009_nine.sql'));
    assert.equal(found.files[0]?.downPath, join(dir, '0009_nine.down.sql'));
    assert.deepEqual(found.ignored, []);
  });

  test('other .sql names are ignored with a reason; other files and directories silently', () => {
    const dir = dirWith(['seed.sql', 'notes.txt', '0004_ok.sql', '0005_orphan.down.sql', '0004_other.down.sql']);
    mkdirSync(join(dir, '0007_dir.sql'));
    const found = discoverMigrations(dir);
    assert.deepEqual(found.files.map((f) => f.fileName), ['0004_ok.sql']);
    const reasons = Object.fromEntries(found.ignored.map((i) => [i.fileName, i.reason]));
    assert.deepEqual(Object.keys(reasons).sort(), ['0004_other.down.sql', '0005_orphan.down.sql', 'seed.sql']);
    assert.match(reasons['seed.sql'] ?? '', /^name must be NNNN_slug\.sql: 4 to 14 digits/);
    assert.equal(reasons['0005_orphan.down.sql'], 'no 0005_orphan.sql to go with it');
    assert.match(reasons['0004_other.down.sql'] ?? '', /version 4 is 0004_ok\.sql; name it 0004_ok\.down\.sql/);
  });

  test('a file that looks like a migration but breaks the naming rule is refused, with the name it should have', () => {
    const dir = dirWith(['1_x.sql', '0002_Add_Users.sql', '0012-twelve.sql', '0005_ok.SQL', '0006_a.DOWN.sql', '0004_ok.sql']);
    assert.throws(() => discoverMigrations(dir), (error: unknown) => {
      assert.ok(error instanceof OperationError);
      assert.match(error.message, /^5 files look like a migration but their names break the rule/);
      for (const [from, to] of [['1_x.sql', '0001_x.sql'], ['0002_Add_Users.sql', '0002_add_users.sql'], ['0012-twelve.sql', '0012_twelve.sql'], ['0005_ok.SQL', '0005_ok.sql'], ['0006_a.DOWN.sql', '0006_a.down.sql']]) {
        assert.ok(error.message.includes(`${from}: rename it to ${to}`), `${from} → ${to} in:\n${error.message}`);
      }
      assert.match(error.message, /Nothing was run\. Rename, or list the file in .*\.pgtop-ignore to leave it out/);
      return true;
    });
  });

  test('a misnamed file listed in .pgtop-ignore is left out', () => {
    const dir = dirWith(['0012-twelve.sql', '0004_ok.sql']);
    writeFileSync(join(dir, '.pgtop-ignore'), '# drafts\n0012-twelve.sql\n');
    const found = discoverMigrations(dir);
    assert.deepEqual(found.files.map((f) => f.fileName), ['0004_ok.sql']);
    assert.deepEqual(found.ignored, [{ fileName: '0012-twelve.sql', reason: 'listed in .pgtop-ignore' }]);
  });

  test('two files with the same version are an error, whatever the padding', () => {
    const dir = dirWith(['0003_a.sql', '00003_b.sql']);
    assert.throws(() => discoverMigrations(dir), (error: unknown) => {
      assert.ok(error instanceof OperationError);
      assert.match(error.message, /two migrations have version 3: 00003_b\.sql and 0003_a\.sql/);
      return true;
    });
  });

  test('a missing directory is a usage error that names it and the flag', () => {
    const dir = join(dirWith([]), 'nope');
    assert.throws(() => discoverMigrations(dir), (error: unknown) => error instanceof UsageError && error.message.includes(dir) && error.message.includes('--migrations-dir DIR'));
  });
});
