import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findDumpTools, parseToolVersion } from '../../src/backup/dump/find-tools.js';
import { OperationError, UsageError } from '../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'pgtop-tools-'));

/** A directory with a pg_dump and a pg_restore that print the given version. */
function fakeTools(dir: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  for (const tool of ['pg_dump', 'pg_restore']) {
    const path = join(dir, tool);
    writeFileSync(path, `#!/bin/sh\necho "${tool} (PostgreSQL) ${version}"\n`);
    chmodSync(path, 0o755);
  }
  return join(dir, 'pg_dump');
}

const debian = join(root, 'debian');
const onPath = join(root, 'path-bin');
fakeTools(join(debian, '14', 'bin'), '14.11');
fakeTools(join(debian, '17', 'bin'), '17.2 (Debian 17.2-1.pgdg120+1)');
fakeTools(onPath, '15.6');
const env = { PATH: `${onPath}:/usr/bin:/bin` };

describe('finding pg_dump and pg_restore', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  test('reads the version pg_dump prints', () => {
    assert.deepEqual(parseToolVersion('pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n'), { major: 15, minor: 18, text: '15.18 (Debian 15.18-0+deb12u1)' });
    assert.deepEqual(parseToolVersion('pg_dump (PostgreSQL) 17beta1'), { major: 17, minor: null, text: '17beta1' });
    assert.equal(parseToolVersion('pg_dump 1.0'), undefined);
  });

  test('prefers the Debian directory of the server’s major version', async () => {
    const tools = await findDumpTools({ major: 14, env, debianRoot: debian });
    assert.equal(tools.pgDump, join(debian, '14', 'bin', 'pg_dump'));
    assert.equal(tools.pgRestore, join(debian, '14', 'bin', 'pg_restore'));
    assert.equal(tools.foundIn, 'debian');
  });

  test('else PATH, when it is new enough, else a newer Debian version', async () => {
    assert.equal((await findDumpTools({ major: 15, env, debianRoot: debian })).pgDump, join(onPath, 'pg_dump'));
    const newer = await findDumpTools({ major: 16, env, debianRoot: debian });
    assert.equal(newer.pgDump, join(debian, '17', 'bin', 'pg_dump'));
    assert.equal(newer.version.major, 17);
  });

  test('an older pg_dump is refused, naming the version needed and how to get it', async () => {
    await assert.rejects(findDumpTools({ major: 18, env, debianRoot: debian }), (error: unknown) => {
      assert.ok(error instanceof OperationError);
      assert.match(error.message, /\nonly older tools were found: pg_dump 15\.6 \(.*path-bin\/pg_dump\); pg_dump 14\.11 \(.*debian\/14\/bin\/pg_dump\); pg_dump 17\.2 .*\(.*debian\/17\/bin\/pg_dump\); a dump/);
      assert.match(error.message, /a dump of a PostgreSQL 18 server needs pg_dump 18 or newer/);
      const [first = ''] = error.message.split('\n');
      assert.equal(first, 'backups need PostgreSQL 18 client tools: apt-get install postgresql-client-18');
      assert.ok(first.length <= 78, 'the first line fits an 80-column screen beside the result mark');
      return true;
    });
  });

  test('with no pg_dump at all, the first line still says which tools and which package', async () => {
    await assert.rejects(findDumpTools({ major: 18, env: { PATH: join(root, 'nowhere') }, debianRoot: join(root, 'nowhere') }), (error: unknown) => {
      assert.ok(error instanceof OperationError);
      assert.equal(error.message.split('\n')[0], 'backups need PostgreSQL 18 client tools: apt-get install postgresql-client-18');
      assert.match(error.message, /no pg_dump was found/);
      return true;
    });
  });

  test('a pg_dump on PATH that is Debian’s of the same version (a wrapper) is named once', async () => {
    const wrapperDir = join(root, 'wrapper-bin');
    fakeTools(wrapperDir, '17.2 (Debian 17.2-1.pgdg120+1)');
    const wrapped = { PATH: `${wrapperDir}:/usr/bin:/bin` };
    await assert.rejects(findDumpTools({ major: 18, env: wrapped, debianRoot: debian }), (error: unknown) => {
      assert.ok(error instanceof OperationError);
      assert.equal(error.message.match(/pg_dump 17\.2/g)?.length, 1, error.message);
      assert.doesNotMatch(error.message, /PostgreSQL 14, 17/);
      assert.match(error.message, /\nonly older tools were found: pg_dump 17\.2 \(Debian 17\.2-1\.pgdg120\+1\) \(.*wrapper-bin\/pg_dump\); pg_dump 14\.11/);
      return true;
    });
  });

  test('--pg-dump is used alone: its version is checked, and pg_restore must be beside it', async () => {
    const flagged = fakeTools(join(root, 'custom'), '16.1');
    assert.equal((await findDumpTools({ major: 16, pgDumpPath: flagged, env, debianRoot: debian })).foundIn, 'flag');
    await assert.rejects(findDumpTools({ major: 17, pgDumpPath: flagged, env, debianRoot: debian }), /only pg_dump 16\.1 \(.*custom\/pg_dump\) was found; a dump of a PostgreSQL 17 server needs pg_dump 17 or newer/);
    await assert.rejects(findDumpTools({ major: 16, pgDumpPath: join(root, 'nowhere', 'pg_dump'), env, debianRoot: debian }), UsageError);
    rmSync(join(root, 'custom', 'pg_restore'));
    await assert.rejects(findDumpTools({ major: 16, pgDumpPath: flagged, env, debianRoot: debian }), /no pg_restore beside it/);
  });
});
