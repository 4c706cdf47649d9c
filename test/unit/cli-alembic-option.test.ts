import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alembicProjectFor } from '../../src/cli/top-options.js';
import { UsageError } from '../../src/errors.js';

describe("the monitor's Alembic project", () => {
  test('--alembic must lead to an alembic.ini; without it one in or above an existing migrations directory is used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgtop-alembic-option-'));
    try {
      const bare = join(dir, 'bare');
      mkdirSync(bare);
      assert.throws(() => alembicProjectFor(bare, 'migrations'), (error: unknown) => error instanceof UsageError && /--alembic .*bare: no alembic\.ini there or in any directory above it/.test(error.message));
      assert.equal(alembicProjectFor(undefined, bare), undefined, 'no alembic.ini: pgtop shows its own migrations');
      assert.equal(alembicProjectFor(undefined, join(dir, 'missing')), undefined, 'a missing migrations directory is not searched');
      const project = join(dir, 'project');
      mkdirSync(join(project, 'migrations', 'versions'), { recursive: true });
      writeFileSync(join(project, 'alembic.ini'), '[alembic]\nscript_location = migrations\n');
      assert.equal(alembicProjectFor(undefined, join(project, 'migrations', 'versions')), join(project, 'alembic.ini'));
      assert.equal(alembicProjectFor(project, 'migrations'), join(project, 'alembic.ini'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
