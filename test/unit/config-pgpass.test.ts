import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupPgpass, matchPgpass, parsePgpass, pgpassPath } from '../../src/config/pgpass.js';
import type { PgpassQuery } from '../../src/config/pgpass.js';

const dir = mkdtempSync(join(tmpdir(), 'pgtop-pgpass-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function pgpassFile(text: string, mode = 0o600): string {
  fileCount += 1;
  const path = join(dir, `pgpass-${fileCount}`);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const query: PgpassQuery = { host: 'db1', port: 5432, database: 'app', user: 'alice' };

describe('parsePgpass', () => {
  test('reads the five fields, skipping comments, blank and short lines', () => {
    const entries = parsePgpass('# a comment\n\ndb1:5432:app:alice:pw1\nshort:line\r\n*:*:*:*:pw2\r\n');
    assert.deepEqual(entries, [
      { host: 'db1', port: '5432', database: 'app', user: 'alice', password: 'pw1' },
      { host: null, port: null, database: null, user: null, password: 'pw2' },
    ]);
  });

  test('undoes \\: and \\\\ escapes; an escaped star is a literal star, not a wildcard', () => {
    const [entry] = parsePgpass(String.raw`h\:1:5432:d\\b:\*:p\:w\\d`);
    assert.deepEqual(entry, { host: 'h:1', port: '5432', database: String.raw`d\b`, user: '*', password: String.raw`p:w\d` });
  });

  test('the password ends at the next unescaped colon', () => {
    assert.equal(parsePgpass('h:1:d:u:pw:ignored')[0]?.password, 'pw');
  });

  test('a star inside a field is literal', () => {
    assert.equal(parsePgpass('db*:5432:app:alice:pw')[0]?.host, 'db*');
  });
});

describe('matchPgpass', () => {
  test('the first matching line wins', () => {
    const entries = parsePgpass('other:5432:app:alice:no\ndb1:5432:app:alice:first\n*:*:*:*:second\n');
    assert.equal(matchPgpass(entries, query), 'first');
  });

  test('wildcards match any value in their field', () => {
    assert.equal(matchPgpass(parsePgpass('*:5432:app:alice:pw'), query), 'pw');
    assert.equal(matchPgpass(parsePgpass('db1:*:app:alice:pw'), query), 'pw');
    assert.equal(matchPgpass(parsePgpass('db1:5432:*:alice:pw'), query), 'pw');
    assert.equal(matchPgpass(parsePgpass('db1:5432:app:*:pw'), query), 'pw');
  });

  test('each field must match exactly', () => {
    assert.equal(matchPgpass(parsePgpass('db2:5432:app:alice:pw'), query), undefined);
    assert.equal(matchPgpass(parsePgpass('db1:5433:app:alice:pw'), query), undefined);
    assert.equal(matchPgpass(parsePgpass('db1:5432:APP:alice:pw'), query), undefined);
    assert.equal(matchPgpass(parsePgpass('db1:5432:app:bob:pw'), query), undefined);
    assert.equal(matchPgpass(parsePgpass(String.raw`\*:5432:app:alice:pw`), query), undefined);
  });

  test('escaped colons match a value that contains a colon (an IPv6 host)', () => {
    assert.equal(matchPgpass(parsePgpass(String.raw`\:\:1:5432:app:alice:pw`), { ...query, host: '::1' }), 'pw');
  });

  test('a Unix-socket connection matches localhost lines, and its own directory', () => {
    const socket = { ...query, host: '/var/run/postgresql' };
    assert.equal(matchPgpass(parsePgpass('localhost:5432:app:alice:local'), socket), 'local');
    assert.equal(matchPgpass(parsePgpass('/var/run/postgresql:5432:app:alice:dir'), socket), 'dir');
    assert.equal(matchPgpass(parsePgpass('/tmp:5432:app:alice:other'), socket), undefined);
  });

  test('a TCP connection to another host does not match localhost lines', () => {
    assert.equal(matchPgpass(parsePgpass('localhost:5432:app:alice:local'), query), undefined);
    assert.equal(matchPgpass(parsePgpass('localhost:5432:app:alice:local'), { ...query, host: 'localhost' }), 'local');
  });

  test('the port is compared as text, whether given as a number or a string', () => {
    assert.equal(matchPgpass(parsePgpass('db1:6432:app:alice:pw'), { ...query, port: '6432' }), 'pw');
    assert.equal(matchPgpass(parsePgpass('db1:6432:app:alice:pw'), { ...query, port: 6432 }), 'pw');
  });
});

describe('lookupPgpass', () => {
  test('reads a 0600 file', () => {
    const path = pgpassFile('db1:5432:app:alice:secret\n');
    assert.deepEqual(lookupPgpass(path, query), { password: 'secret', warnings: [] });
  });

  test('a missing file is no password and no warning', () => {
    assert.deepEqual(lookupPgpass(join(dir, 'does-not-exist'), query), { warnings: [] });
  });

  test('no matching line is no password and no warning', () => {
    assert.deepEqual(lookupPgpass(pgpassFile('other:5432:app:alice:secret\n'), query), { warnings: [] });
  });

  for (const mode of [0o640, 0o604, 0o644, 0o660, 0o610]) {
    test(`ignores a file with mode ${mode.toString(8)} and says why`, { skip: process.platform === 'win32' }, () => {
      const path = pgpassFile('db1:5432:app:alice:secret\n', mode);
      assert.deepEqual(lookupPgpass(path, query), {
        warnings: [`password file "${path}" has group or world access; permissions should be u=rw (0600) or less`],
      });
    });
  }

  test('accepts a file stricter than 0600', () => {
    const path = pgpassFile('db1:5432:app:alice:secret\n', 0o400);
    assert.equal(lookupPgpass(path, query).password, 'secret');
  });

  test('ignores a directory with a warning', () => {
    const path = join(dir, 'a-directory');
    mkdirSync(path);
    assert.deepEqual(lookupPgpass(path, query), { warnings: [`password file "${path}" is not a plain file`] });
  });
});

describe('pgpassPath', () => {
  test('the passfile option beats PGPASSFILE, which beats ~/.pgpass', () => {
    assert.equal(pgpassPath({ PGPASSFILE: '/env/pass' }, '/home/u', '/opt/pass'), '/opt/pass');
    assert.equal(pgpassPath({ PGPASSFILE: '/env/pass' }, '/home/u'), '/env/pass');
    assert.equal(pgpassPath({}, '/home/u'), join('/home/u', '.pgpass'));
    assert.equal(pgpassPath({ PGPASSFILE: '' }, '/home/u'), join('/home/u', '.pgpass'));
  });
});
