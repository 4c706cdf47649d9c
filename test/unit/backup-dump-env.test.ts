import { existsSync, fstatSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dumpEnvironment } from '../../src/backup/dump/dump-env.js';
import { passfileLine, writePassfile } from '../../src/backup/dump/passfile.js';
import { pgDumpArguments } from '../../src/backup/dump/run-dump.js';
import type { ConnectionSettings } from '../../src/config/types.js';

const settings: ConnectionSettings = {
  host: '/var/run/postgresql',
  port: 5433,
  user: 'backup',
  database: 'shop',
  password: 's3cret:with\\colons',
  sslmode: 'require',
  sslrootcert: '/etc/ca.pem',
  extra: {},
};

describe('how pg_dump is started', () => {
  test('arguments: verbose, never a prompt, the format, the partial file, the lock wait; no connection, no password', () => {
    assert.deepEqual(pgDumpArguments({ format: 'custom', jobs: 1, lockWaitTimeoutSec: 30, outputPath: '/b/x.dump.partial' }), [
      '--verbose', '--no-password', '--format=custom', '--file=/b/x.dump.partial', '--lock-wait-timeout=30000',
    ]);
    assert.deepEqual(pgDumpArguments({ format: 'directory', jobs: 4, lockWaitTimeoutSec: 1.5, outputPath: '/b/x.dir.partial' }).slice(2), [
      '--format=directory', '--file=/b/x.dir.partial', '--lock-wait-timeout=1500', '--jobs=4',
    ]);
  });

  test('environment: the target from the settings, the caller’s PG* variables dropped, the password never', () => {
    const env = dumpEnvironment(settings, '/tmp/pgtop-pass-x/pgpass', { PATH: '/usr/bin', PGPASSWORD: 'leak', PGHOST: 'elsewhere', PGSERVICE: 'svc', LANG: 'C' });
    assert.deepEqual(env, {
      PATH: '/usr/bin',
      LANG: 'C',
      PGHOST: '/var/run/postgresql',
      PGPORT: '5433',
      PGUSER: 'backup',
      PGDATABASE: 'shop',
      PGSSLMODE: 'require',
      PGAPPNAME: 'pgtop-backup',
      PGSSLROOTCERT: '/etc/ca.pem',
      PGPASSFILE: '/tmp/pgtop-pass-x/pgpass',
    });
    assert.ok(!Object.values(env).some((value) => value?.includes('s3cret')));
  });

  test('without a password of ours, a PGPASSFILE the user set is kept', () => {
    assert.equal(dumpEnvironment({ ...settings, password: undefined }, undefined, { PGPASSFILE: '/home/u/.pgpass' }).PGPASSFILE, '/home/u/.pgpass');
  });

  test('the password file escapes : and \\, is already unlinked, and is read through the descriptor pg_dump inherits', async () => {
    assert.equal(passfileLine('a:b\\c'), '*:*:*:*:a\\:b\\\\c\n');
    const passfile = await writePassfile('s3cret:with\\colons');
    try {
      assert.equal(passfile.envPath, '/proc/self/fd/3');
      assert.ok(passfile.fd !== undefined);
      const target = readlinkSync(`/proc/self/fd/${passfile.fd}`);
      assert.match(target, / \(deleted\)$/, 'no name on disk holds the password');
      assert.equal(fstatSync(passfile.fd).mode & 0o777, 0o600);
      assert.equal(readFileSync(`/proc/self/fd/${passfile.fd}`, 'utf8'), '*:*:*:*:s3cret\\:with\\\\colons\n');
      assert.equal(existsSync(dirname(target.replace(/ \(deleted\)$/, ''))), false);
    } finally {
      await passfile.remove();
    }
  });
});
