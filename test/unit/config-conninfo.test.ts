import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isConnectionString, parseConninfo, parseTarget, parseUri, redactUri } from '../../src/config/conninfo.js';
import { UsageError } from '../../src/errors.js';

function rejects(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    assert.equal(error.message, message);
    assert.equal(error.exitCode, 2);
    return true;
  });
}

describe('parseConninfo', () => {
  test('reads plain keyword=value pairs', () => {
    assert.deepEqual(parseConninfo('host=db1 port=5433 dbname=app user=x password=y sslmode=require'), {
      host: 'db1',
      port: '5433',
      dbname: 'app',
      user: 'x',
      password: 'y',
      sslmode: 'require',
    });
  });

  test('reads single-quoted values with escaped quotes and backslashes', () => {
    assert.deepEqual(parseConninfo(String.raw`dbname='my db' password='it\'s a \\ path' user=''`), {
      dbname: 'my db',
      password: String.raw`it's a \ path`,
      user: '',
    });
  });

  test('allows spaces around "=" and between pairs, and a backslash escape in an unquoted value', () => {
    assert.deepEqual(parseConninfo(String.raw`  host = db1	port=  5432   password=a\ b `), {
      host: 'db1',
      port: '5432',
      password: 'a b',
    });
  });

  test('a quoted value may be followed directly by the next pair, and the last duplicate wins', () => {
    assert.deepEqual(parseConninfo("host='a'port=1 host=b"), { host: 'b', port: '1' });
  });

  test('an empty string gives no keywords', () => {
    assert.deepEqual(parseConninfo('   '), {});
  });

  test('rejects an unknown keyword as libpq does', () => {
    rejects(() => parseConninfo('host=db1 foo=bar'), 'invalid connection option "foo"');
  });

  test('rejects a keyword without "="', () => {
    const expected = (keyword: string): string =>
      `"${keyword}" in the connection string has no "=" after it: write keyword=value pairs separated by spaces, e.g. "host=db1 dbname=app" (a value with spaces in single quotes: application_name='my app'), or a URI postgres://db1/app`;
    rejects(() => parseConninfo('host=db1 port'), expected('port'));
    rejects(() => parseConninfo('host db1'), expected('host'));
    rejects(() => parseConninfo('dbname app password=s3cret'), expected('dbname'));
  });

  test('rejects an empty keyword', () => {
    rejects(() => parseConninfo('=db1'), 'invalid connection option ""');
  });

  test('rejects an unterminated quoted value', () => {
    rejects(() => parseConninfo("dbname='my db"), 'unterminated quoted string in connection info string');
    rejects(() => parseConninfo(String.raw`dbname='ends in escape\'`), 'unterminated quoted string in connection info string');
  });
});

describe('parseUri', () => {
  test('reads user, password, host, port, database and query parameters', () => {
    assert.deepEqual(parseUri('postgres://alice:s3cret@db1.example:5433/app?sslmode=require&application_name=x'), {
      user: 'alice',
      password: 's3cret',
      host: 'db1.example',
      port: '5433',
      dbname: 'app',
      sslmode: 'require',
      application_name: 'x',
    });
  });

  test('accepts both prefixes and a URI with nothing after the prefix', () => {
    assert.deepEqual(parseUri('postgresql://db1'), { host: 'db1' });
    assert.deepEqual(parseUri('postgres://'), {});
    assert.deepEqual(parseUri('postgresql:///app'), { dbname: 'app' });
    assert.deepEqual(parseUri('postgresql://alice@'), { user: 'alice' });
    assert.deepEqual(parseUri('postgresql://db1/app?'), { host: 'db1', dbname: 'app' });
  });

  test('percent-decodes every component, as UTF-8', () => {
    assert.deepEqual(parseUri('postgresql://al%40ce:p%3Ass%2Fw@db1/my%20db%E6%97%A5?application_name=a%26b%3Dc'), {
      user: 'al@ce',
      password: 'p:ss/w',
      host: 'db1',
      dbname: 'my db日',
      application_name: 'a&b=c',
    });
  });

  test('a password may contain an unencoded colon', () => {
    assert.deepEqual(parseUri('postgresql://u:a:b@h'), { user: 'u', password: 'a:b', host: 'h' });
  });

  test('a percent-encoded path is a socket directory', () => {
    assert.deepEqual(parseUri('postgresql://%2Fvar%2Frun%2Fpostgresql:5433/app'), {
      host: '/var/run/postgresql',
      port: '5433',
      dbname: 'app',
    });
    assert.deepEqual(parseUri('postgresql:///app?host=%2Ftmp'), { dbname: 'app', host: '/tmp' });
    assert.deepEqual(parseUri('postgresql:///app?host=/var/run/postgresql'), {
      dbname: 'app',
      host: '/var/run/postgresql',
    });
  });

  test('reads an IPv6 address in brackets, with and without a port', () => {
    assert.deepEqual(parseUri('postgresql://[::1]:5433/app'), { host: '::1', port: '5433', dbname: 'app' });
    assert.deepEqual(parseUri('postgresql://u@[2001:db8::7]/app'), { user: 'u', host: '2001:db8::7', dbname: 'app' });
    assert.deepEqual(parseUri('postgresql://[::1]?sslmode=disable'), { host: '::1', sslmode: 'disable' });
  });

  test('query parameters map to the same keywords and override the authority', () => {
    assert.deepEqual(parseUri('postgresql://h1:1/db?host=h2&port=2&user=u&dbname=d&connect_timeout=5'), {
      host: 'h2',
      port: '2',
      dbname: 'd',
      user: 'u',
      connect_timeout: '5',
    });
  });

  test('ssl=true means sslmode=require (as libpq, for JDBC compatibility)', () => {
    assert.deepEqual(parseUri('postgresql://h/db?ssl=true'), { host: 'h', dbname: 'db', sslmode: 'require' });
  });

  test('several hosts are kept comma-separated (the resolver refuses them)', () => {
    assert.deepEqual(parseUri('postgresql://a:1,b,[::1]:3/db'), { host: 'a,b,::1', port: '1,,3', dbname: 'db' });
  });

  test('an empty port is no port', () => {
    assert.deepEqual(parseUri('postgresql://h:/db'), { host: 'h', dbname: 'db' });
  });

  test('rejects a port that is not a number, hiding the password', () => {
    rejects(
      () => parseUri('postgres://a:b@host:notaport/x'),
      'invalid URI "postgres://a:****@host:notaport/x": port "notaport" is not a number',
    );
  });

  test('rejects a port out of range', () => {
    rejects(() => parseUri('postgresql://h:70000/x'), 'invalid URI "postgresql://h:70000/x": port "70000" is out of range (1-65535)');
    rejects(() => parseUri('postgresql://h:0/x'), 'invalid URI "postgresql://h:0/x": port "0" is out of range (1-65535)');
  });

  test('rejects a malformed IPv6 address', () => {
    rejects(
      () => parseUri('postgresql://[::1/db'),
      'invalid URI "postgresql://[::1/db": an IPv6 address is missing its closing "]"',
    );
    rejects(() => parseUri('postgresql://[]/db'), 'invalid URI "postgresql://[]/db": the IPv6 address in brackets is empty');
    rejects(
      () => parseUri('postgresql://[::1]x/db'),
      'invalid URI "postgresql://[::1]x/db": unexpected "x" after the IPv6 address (expected ":", "/" or "?")',
    );
  });

  test('rejects bad percent-encoding', () => {
    rejects(() => parseUri('postgresql://h/a%zz'), 'invalid URI "postgresql://h/a%zz": invalid percent-encoded token "%zz"');
    rejects(() => parseUri('postgresql://h/a%2'), 'invalid URI "postgresql://h/a%2": invalid percent-encoded token "%2"');
    rejects(
      () => parseUri('postgresql://h/a%00b'),
      'invalid URI "postgresql://h/a%00b": forbidden value %00 in a percent-encoded value',
    );
  });

  test('rejects malformed or unknown query parameters', () => {
    rejects(() => parseUri('postgresql://h/db?sslmode'), 'invalid URI "postgresql://h/db?sslmode": missing "=" in query parameter "sslmode"');
    rejects(
      () => parseUri('postgresql://h/db?sslmode=require&&user=u'),
      'invalid URI "postgresql://h/db?sslmode=require&&user=u": empty query parameter',
    );
    rejects(
      () => parseUri('postgresql://h/db?password=a=b'),
      'invalid URI "postgresql://h/db?password=****": extra "=" in query parameter "password"',
    );
    rejects(() => parseUri('postgresql://h/db?foo=1'), 'invalid URI "postgresql://h/db?foo=1": invalid query parameter "foo"');
    rejects(() => parseUri('postgresql://h/db?ssl=1'), 'invalid URI "postgresql://h/db?ssl=1": invalid query parameter "ssl"');
  });
});

describe('parseTarget', () => {
  test('a URI is parsed as a URI', () => {
    assert.deepEqual(parseTarget('postgresql://h/db'), { host: 'h', dbname: 'db' });
  });

  test('a string with "=" is parsed as conninfo', () => {
    assert.deepEqual(parseTarget('dbname=app'), { dbname: 'app' });
  });

  test('a bare word is a database name, even with spaces or a colon', () => {
    assert.deepEqual(parseTarget('app'), { dbname: 'app' });
    assert.deepEqual(parseTarget('my db'), { dbname: 'my db' });
    assert.deepEqual(parseTarget('host'), { dbname: 'host' });
    assert.deepEqual(parseTarget('mysql://x'), { dbname: 'mysql://x' });
  });
});

describe('isConnectionString and redactUri', () => {
  test('tells connection strings from database names', () => {
    assert.equal(isConnectionString('postgres://h'), true);
    assert.equal(isConnectionString('postgresql://h'), true);
    assert.equal(isConnectionString('host=h'), true);
    assert.equal(isConnectionString('app'), false);
  });

  test('hides passwords in the authority and in the query', () => {
    assert.equal(redactUri('postgresql://u:secret@h/db'), 'postgresql://u:****@h/db');
    assert.equal(redactUri('postgresql://u@h/db?password=secret&sslmode=require'), 'postgresql://u@h/db?password=****&sslmode=require');
    assert.equal(redactUri('postgresql://h:5432/db'), 'postgresql://h:5432/db');
  });
});
