import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { describeTarget, findDefaultSocketDir, hostPort, resolveConnection } from '../../src/config/resolve.js';
import type { ResolveInput } from '../../src/config/resolve.js';
import { PasswordRequiredError, sslAttempts, sslConfig, toPgClientConfig } from '../../src/config/pg-client-config.js';
import { PromptCancelledError, promptPassword } from '../../src/config/password-prompt.js';
import type { ConnectionSettings } from '../../src/config/types.js';
import { UsageError } from '../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'pgtop-resolve-'));
after(() => rmSync(root, { recursive: true, force: true }));

let dirCount = 0;
/** A fresh home directory: no ~/.pgpass, no ~/.postgresql unless a test writes them. */
function freshHome(): string {
  dirCount += 1;
  const home = join(root, `home-${dirCount}`);
  mkdirSync(home);
  return home;
}

function writeFile(path: string, text: string, mode = 0o600): string {
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

function resolve(input: Partial<ResolveInput> = {}): ReturnType<typeof resolveConnection> {
  return resolveConnection({
    flags: {},
    env: {},
    homeDir: freshHome(),
    osUser: 'osuser',
    findSocketDir: () => undefined,
    ...input,
  });
}

function settingsOf(input: Partial<ResolveInput> = {}): ConnectionSettings {
  return resolve(input).settings;
}

function rejects(run: () => unknown, message: string | RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

describe('resolveConnection: defaults', () => {
  test('without anything: localhost, 5432, the OS user, a database named like the user, sslmode prefer', () => {
    assert.deepEqual(resolve(), {
      settings: { host: 'localhost', port: 5432, user: 'osuser', database: 'osuser', sslmode: 'prefer', extra: {} },
      warnings: [],
    });
  });

  test('the default host is the socket directory where a server listens on the port', () => {
    const asked: number[] = [];
    const settings = settingsOf({
      flags: { port: '5433' },
      findSocketDir: (port) => {
        asked.push(port);
        return '/var/run/postgresql';
      },
    });
    assert.equal(settings.host, '/var/run/postgresql');
    assert.deepEqual(asked, [5433]);
  });

  test('findDefaultSocketDir checks /var/run/postgresql, then /tmp, for the socket of that port', () => {
    const checked: string[] = [];
    const exists = (path: string): boolean => {
      checked.push(path);
      return path === '/tmp/.s.PGSQL.5432';
    };
    assert.equal(findDefaultSocketDir(5432, undefined, exists), '/tmp');
    assert.deepEqual(checked, ['/var/run/postgresql/.s.PGSQL.5432', '/tmp/.s.PGSQL.5432']);
    assert.equal(findDefaultSocketDir(5432, ['/a', '/b'], () => false), undefined);
    const sockets = join(root, 'sockets');
    mkdirSync(sockets);
    writeFileSync(join(sockets, '.s.PGSQL.6000'), '');
    assert.equal(findDefaultSocketDir(6000, ['/nonexistent', sockets]), sockets);
    assert.equal(findDefaultSocketDir(6001, ['/nonexistent', sockets]), undefined);
  });

  test('the database defaults to the resolved user, not the OS user', () => {
    assert.equal(settingsOf({ flags: { username: 'bob' } }).database, 'bob');
    assert.equal(settingsOf({ env: { PGUSER: 'carol' } }).database, 'carol');
  });
});

describe('resolveConnection: precedence flag > argument > environment > default', () => {
  const env = {
    PGHOST: 'envhost',
    PGPORT: '5001',
    PGUSER: 'envuser',
    PGDATABASE: 'envdb',
    PGPASSWORD: 'envpw',
  };
  const uri = 'postgresql://uriuser:uripw@urihost:5002/uridb';
  const flags = { host: 'flaghost', port: '5003', username: 'flaguser', dbname: 'flagdb' };

  test('flags beat the URI and the environment', () => {
    const settings = settingsOf({ flags, target: uri, env });
    assert.equal(settings.host, 'flaghost');
    assert.equal(settings.port, 5003);
    assert.equal(settings.user, 'flaguser');
    assert.equal(settings.database, 'flagdb');
  });

  test('the URI beats the environment', () => {
    const settings = settingsOf({ target: uri, env });
    assert.equal(settings.host, 'urihost');
    assert.equal(settings.port, 5002);
    assert.equal(settings.user, 'uriuser');
    assert.equal(settings.database, 'uridb');
    assert.equal(settings.password, 'uripw');
    assert.equal(settings.passwordSource, 'argument');
  });

  test('a conninfo argument beats the environment', () => {
    const settings = settingsOf({ target: 'host=cihost port=5004 user=ciuser dbname=cidb password=cipw', env });
    assert.deepEqual(
      [settings.host, settings.port, settings.user, settings.database, settings.password],
      ['cihost', 5004, 'ciuser', 'cidb', 'cipw'],
    );
  });

  test('the environment beats the defaults', () => {
    const settings = settingsOf({ env });
    assert.equal(settings.host, 'envhost');
    assert.equal(settings.port, 5001);
    assert.equal(settings.user, 'envuser');
    assert.equal(settings.database, 'envdb');
    assert.equal(settings.password, 'envpw');
    assert.equal(settings.passwordSource, 'environment');
  });

  test('each setting falls through independently', () => {
    const settings = settingsOf({ flags: { host: 'flaghost' }, target: 'postgresql://:5002/uridb', env });
    assert.deepEqual(
      [settings.host, settings.port, settings.user, settings.database],
      ['flaghost', 5002, 'envuser', 'uridb'],
    );
  });

  test('a bare argument is a database name that beats PGDATABASE and loses to -d', () => {
    assert.equal(settingsOf({ target: 'shop', env }).database, 'shop');
    assert.equal(settingsOf({ target: 'shop', flags: { dbname: 'other' }, env }).database, 'other');
  });

  test('empty values count as not given', () => {
    const settings = settingsOf({ flags: { host: '', port: '' }, env: { PGHOST: '', PGPORT: '', PGUSER: 'u' } });
    assert.equal(settings.host, 'localhost');
    assert.equal(settings.port, 5432);
  });

  test('-d may itself be a connection string; explicit flags still beat it, and it beats the argument', () => {
    const settings = settingsOf({
      flags: { dbname: 'postgresql://duser:dpw@dhost:5005/ddb', port: '5006' },
      target: 'host=arghost user=arguser',
      env,
    });
    assert.deepEqual(
      [settings.host, settings.port, settings.user, settings.database, settings.password, settings.passwordSource],
      ['dhost', 5006, 'duser', 'ddb', 'dpw', 'flag'],
    );
  });
});

describe('resolveConnection: password', () => {
  function homeWithPgpass(text: string, mode = 0o600): string {
    const home = freshHome();
    writeFile(join(home, '.pgpass'), text, mode);
    return home;
  }

  test('the argument beats PGPASSWORD, which beats the password file', () => {
    const homeDir = homeWithPgpass('*:*:*:*:filepw\n');
    const env = { PGPASSWORD: 'envpw' };
    assert.equal(settingsOf({ homeDir, env, target: 'password=argpw' }).password, 'argpw');
    assert.equal(settingsOf({ homeDir, env }).password, 'envpw');
    const fromFile = settingsOf({ homeDir });
    assert.equal(fromFile.password, 'filepw');
    assert.equal(fromFile.passwordSource, 'pgpass');
  });

  test('the password file is searched with the final host, port, database and user', () => {
    const homeDir = homeWithPgpass(
      ['urihost:5002:uridb:envuser:wrong-user', 'flaghost:5002:uridb:envuser:right', '*:*:*:*:fallback'].join('\n'),
    );
    const settings = settingsOf({
      homeDir,
      flags: { host: 'flaghost' },
      target: 'postgresql://urihost:5002/uridb',
      env: { PGUSER: 'envuser' },
    });
    assert.equal(settings.password, 'right');
  });

  test('a socket connection finds the localhost line', () => {
    const homeDir = homeWithPgpass('localhost:5432:osuser:osuser:socketpw\n');
    const settings = settingsOf({ homeDir, findSocketDir: () => '/var/run/postgresql' });
    assert.equal(settings.host, '/var/run/postgresql');
    assert.equal(settings.password, 'socketpw');
  });

  test('PGPASSFILE and passfile= choose the file', () => {
    const homeDir = homeWithPgpass('*:*:*:*:home\n');
    const envFile = writeFile(join(homeDir, 'env-pass'), '*:*:*:*:env\n');
    const optionFile = writeFile(join(homeDir, 'option-pass'), '*:*:*:*:option\n');
    assert.equal(settingsOf({ homeDir, env: { PGPASSFILE: envFile } }).password, 'env');
    assert.equal(settingsOf({ homeDir, env: { PGPASSFILE: envFile }, target: `passfile=${optionFile}` }).password, 'option');
  });

  test('an unsafe password file is ignored with a warning', () => {
    const homeDir = homeWithPgpass('*:*:*:*:filepw\n', 0o644);
    const { settings, warnings } = resolve({ homeDir });
    assert.equal(settings.password, undefined);
    assert.deepEqual(warnings, [
      `password file "${join(homeDir, '.pgpass')}" has group or world access; permissions should be u=rw (0600) or less`,
    ]);
  });

  test('no password anywhere leaves it unset', () => {
    const settings = settingsOf();
    assert.equal('password' in settings, false);
    assert.equal('passwordSource' in settings, false);
  });
});

describe('resolveConnection: port', () => {
  test('-p must be an integer from 1 to 65535', () => {
    for (const port of ['abc', '0', '65536', '-1', '54.32', '5432x', ' 5432']) {
      rejects(
        () => settingsOf({ flags: { port } }),
        `invalid port "${port}" (from -p/--port): it must be an integer from 1 to 65535`,
      );
    }
    assert.equal(settingsOf({ flags: { port: '65535' } }).port, 65535);
    assert.equal(settingsOf({ flags: { port: '1' } }).port, 1);
  });

  test('a bad PGPORT or conninfo port is named as such', () => {
    rejects(() => settingsOf({ env: { PGPORT: 'x' } }), 'invalid port "x" (from PGPORT): it must be an integer from 1 to 65535');
    rejects(
      () => settingsOf({ target: 'port=99999' }),
      'invalid port "99999" (from the connection argument): it must be an integer from 1 to 65535',
    );
  });

  test('a valid flag hides an invalid PGPORT', () => {
    assert.equal(settingsOf({ flags: { port: '6432' }, env: { PGPORT: 'junk' } }).port, 6432);
  });
});

describe('resolveConnection: refusals and warnings', () => {
  test('several hosts or ports are refused', () => {
    rejects(() => settingsOf({ target: 'postgresql://a,b/db' }), 'multiple hosts ("a,b") are not supported; give a single host');
    rejects(() => settingsOf({ target: 'host=a,b' }), 'multiple hosts ("a,b") are not supported; give a single host');
    rejects(() => settingsOf({ env: { PGHOST: 'a,b' } }), 'multiple hosts ("a,b") are not supported; give a single host');
    rejects(
      () => settingsOf({ target: 'postgresql://a:1,b:2/db', flags: { host: 'h' } }),
      'multiple ports ("1,2") are not supported; give a single port',
    );
  });

  test('options asking for checks pgtop cannot make are refused', () => {
    rejects(
      () => settingsOf({ target: 'require_auth=scram-sha-256' }),
      'connection option "require_auth=scram-sha-256" is not supported; remove it to connect without it',
    );
    rejects(() => settingsOf({ target: 'gssencmode=require' }), /"gssencmode=require" is not supported/);
    assert.doesNotThrow(() => settingsOf({ target: 'gssencmode=disable' }));
  });

  test('other unsupported options are ignored with a warning, once', () => {
    const { settings, warnings } = resolve({ target: 'dbname=x target_session_attrs=read-write', flags: { dbname: 'target_session_attrs=any' } });
    assert.deepEqual(warnings, ['connection option "target_session_attrs" is not supported and was ignored']);
    assert.equal(settings.extra.target_session_attrs, 'any');
  });

  test('hostaddr is used when there is no host', () => {
    assert.equal(settingsOf({ target: 'hostaddr=10.0.0.7' }).host, '10.0.0.7');
    const { settings, warnings } = resolve({ target: 'host=db1 hostaddr=10.0.0.7' });
    assert.equal(settings.host, 'db1');
    assert.deepEqual(warnings, ['connection option "hostaddr" was ignored: connecting to host "db1"']);
  });

  test('other keywords are kept in extra, with the same precedence', () => {
    const settings = settingsOf({ target: 'application_name=mine options=-cgeqo=off', env: { PGAPPNAME: 'env', PGOPTIONS: '-cx=y' } });
    assert.deepEqual(settings.extra, { application_name: 'mine', options: '-cgeqo=off' });
    assert.deepEqual(settingsOf({ env: { PGAPPNAME: 'env' } }).extra, { application_name: 'env' });
  });
});

describe('resolveConnection: TLS settings', () => {
  test('sslmode comes from the URI, beating PGSSLMODE', () => {
    assert.equal(settingsOf({ target: 'postgresql://h/db?sslmode=disable', env: { PGSSLMODE: 'require' } }).sslmode, 'disable');
    assert.equal(settingsOf({ target: 'postgresql://h/db?ssl=true' }).sslmode, 'require');
  });

  test('sslmode comes from PGSSLMODE', () => {
    assert.equal(settingsOf({ env: { PGSSLMODE: 'require' } }).sslmode, 'require');
    assert.equal(settingsOf({ env: { PGSSLMODE: 'allow' } }).sslmode, 'allow');
  });

  test('an unknown sslmode is refused', () => {
    rejects(
      () => settingsOf({ env: { PGSSLMODE: 'on' } }),
      'invalid sslmode value: "on" (use one of disable, allow, prefer, require, verify-ca, verify-full)',
    );
  });

  test('certificate paths come from the argument or PGSSLROOTCERT/PGSSLCERT/PGSSLKEY', () => {
    const settings = settingsOf({
      target: 'sslmode=verify-full sslrootcert=/arg/root.crt',
      env: { PGSSLROOTCERT: '/env/root.crt', PGSSLCERT: '/env/client.crt', PGSSLKEY: '/env/client.key' },
    });
    assert.deepEqual(
      [settings.sslmode, settings.sslrootcert, settings.sslcert, settings.sslkey],
      ['verify-full', '/arg/root.crt', '/env/client.crt', '/env/client.key'],
    );
  });

  test('verification without a root certificate is refused, like libpq', () => {
    rejects(() => settingsOf({ env: { PGSSLMODE: 'verify-ca' } }), /^root certificate file ".*root\.crt" does not exist/);
  });

  test('~/.postgresql files are used when present', () => {
    const homeDir = freshHome();
    const dir = join(homeDir, '.postgresql');
    mkdirSync(dir);
    for (const name of ['root.crt', 'postgresql.crt', 'postgresql.key']) writeFile(join(dir, name), name);
    const settings = settingsOf({ homeDir, env: { PGSSLMODE: 'verify-full' } });
    assert.deepEqual(
      [settings.sslrootcert, settings.sslcert, settings.sslkey],
      [join(dir, 'root.crt'), join(dir, 'postgresql.crt'), join(dir, 'postgresql.key')],
    );
    assert.equal(settingsOf({ homeDir }).sslrootcert, undefined, 'not with sslmode prefer');
  });

  test('sslrootcert=system means verify-full and refuses a weaker sslmode', () => {
    assert.equal(settingsOf({ target: 'sslrootcert=system' }).sslmode, 'verify-full');
    rejects(
      () => settingsOf({ target: 'sslrootcert=system sslmode=require' }),
      'weak sslmode "require" may not be used with sslrootcert=system (use "verify-full")',
    );
  });

  test('connect_timeout: an integer of seconds, at least 2, zero or less meaning none', () => {
    assert.equal(settingsOf({ env: { PGCONNECT_TIMEOUT: '10' } }).connectTimeoutSeconds, 10);
    assert.equal(settingsOf({ target: 'connect_timeout=1' }).connectTimeoutSeconds, 2);
    assert.equal(settingsOf({ target: 'connect_timeout=0' }).connectTimeoutSeconds, undefined);
    rejects(
      () => settingsOf({ env: { PGCONNECT_TIMEOUT: '5s' } }),
      'invalid integer value "5s" for connection option "connect_timeout"',
    );
  });
});

describe('describeTarget', () => {
  test('host:port/database, brackets for IPv6, the directory for a socket, never the password', () => {
    const base = { port: 5432, database: 'app' };
    assert.equal(describeTarget({ ...base, host: 'db1.example' }), 'db1.example:5432/app');
    assert.equal(describeTarget({ ...base, host: '/var/run/postgresql' }), '/var/run/postgresql:5432/app');
    assert.equal(describeTarget({ ...base, host: '::1' }), '[::1]:5432/app');
    assert.equal(hostPort('::1', 55433), '[::1]:55433');
    assert.equal(hostPort('db1', 5432), 'db1:5432');
    const settings = settingsOf({ target: 'postgresql://u:hunter2@db1:6432/shop' });
    assert.equal(describeTarget(settings), 'db1:6432/shop');
  });
});

describe('toPgClientConfig', () => {
  const base: ConnectionSettings = {
    host: 'db1',
    port: 5432,
    user: 'alice',
    database: 'app',
    password: 'pw',
    sslmode: 'prefer',
    extra: {},
  };

  test('passes the target, the application name, timeouts and keepalive', () => {
    const config = toPgClientConfig(base, { applicationName: 'pgtop', statementTimeoutMs: 5000, connectionTimeoutMs: 3000 });
    assert.deepEqual(config, {
      host: 'db1',
      port: 5432,
      user: 'alice',
      database: 'app',
      password: 'pw',
      ssl: { rejectUnauthorized: false },
      application_name: 'pgtop',
      connectionTimeoutMillis: 3000,
      keepAlive: true,
      statement_timeout: 5000,
    });
  });

  test('the user\'s connect_timeout beats the caller\'s default; no statement_timeout unless given', () => {
    const config = toPgClientConfig({ ...base, connectTimeoutSeconds: 7 }, { applicationName: 'pgtop', connectionTimeoutMs: 3000 });
    assert.equal(config.connectionTimeoutMillis, 7000);
    assert.equal('statement_timeout' in config, false);
  });

  test('pgtop\'s application name wins over the user\'s; options and client_encoding pass through', () => {
    const config = toPgClientConfig(
      { ...base, extra: { application_name: 'mine', options: '-c geqo=off', client_encoding: 'UTF8' } },
      { applicationName: 'pgtop' },
    );
    assert.equal(config.application_name, 'pgtop');
    assert.equal(config.options, '-c geqo=off');
    assert.equal(config.client_encoding, 'UTF8');
  });

  test('a Unix socket keeps the directory as host and never uses TLS', () => {
    const config = toPgClientConfig({ ...base, host: '/var/run/postgresql', sslmode: 'require' }, { applicationName: 'pgtop' });
    assert.equal(config.host, '/var/run/postgresql');
    assert.equal(config.ssl, false);
  });

  test('without a password, a server that asks for one gets PasswordRequiredError, or the requested one', async () => {
    const settings = { ...base, password: undefined };
    const withoutPrompt = toPgClientConfig(settings, { applicationName: 'pgtop' }).password;
    assert.equal(typeof withoutPrompt, 'function');
    if (typeof withoutPrompt !== 'function') return;
    await assert.rejects(async () => withoutPrompt(), (error: unknown) => {
      assert.ok(error instanceof PasswordRequiredError);
      assert.equal(error.kind, 'auth');
      assert.equal(error.exitCode, 2);
      assert.match(error.message, /^db1:5432\/app: the server asks for a password for user "alice"/);
      return true;
    });
    const withPrompt = toPgClientConfig(settings, { applicationName: 'pgtop', requestPassword: async () => 'typed' }).password;
    assert.equal(typeof withPrompt === 'function' ? await withPrompt() : withPrompt, 'typed');
  });
});

describe('sslConfig', () => {
  const dir = join(root, 'certs');
  mkdirSync(dir);
  const rootCert = writeFile(join(dir, 'root.crt'), 'ROOT');
  const clientCert = writeFile(join(dir, 'client.crt'), 'CERT');
  const clientKey = writeFile(join(dir, 'client.key'), 'KEY');
  const looseKey = writeFile(join(dir, 'loose.key'), 'KEY', 0o644);
  const base: ConnectionSettings = { host: 'db1', port: 5432, user: 'u', database: 'd', sslmode: 'prefer', extra: {} };

  function options(settings: Partial<ConnectionSettings>): ConnectionOptions {
    const ssl = sslConfig({ ...base, ...settings });
    assert.notEqual(ssl, false);
    return ssl as ConnectionOptions;
  }

  test('disable connects without TLS; prefer and allow try both ways, in libpq\'s order', () => {
    assert.equal(sslConfig({ ...base, sslmode: 'disable' }), false);
    assert.deepEqual(sslAttempts({ ...base, sslmode: 'disable' }), [false]);
    assert.deepEqual(sslAttempts({ ...base, sslmode: 'prefer' }), [{ rejectUnauthorized: false }, false]);
    assert.deepEqual(sslAttempts({ ...base, sslmode: 'allow' }), [false, { rejectUnauthorized: false }]);
    assert.deepEqual(sslAttempts({ ...base, sslmode: 'require' }), [{ rejectUnauthorized: false }]);
    assert.deepEqual(sslAttempts({ ...base, host: '/var/run/postgresql', sslmode: 'prefer' }), [false], 'never TLS on a socket');
  });

  test('require encrypts without verifying', () => {
    assert.deepEqual(options({ sslmode: 'require' }), { rejectUnauthorized: false });
  });

  test('require with a root certificate verifies the chain, as libpq does', () => {
    const ssl = options({ sslmode: 'require', sslrootcert: rootCert });
    assert.equal(ssl.rejectUnauthorized, true);
    assert.equal(ssl.ca?.toString(), 'ROOT');
    assert.equal(ssl.checkServerIdentity?.('other.host', {} as never), undefined);
  });

  test('verify-ca checks the chain but not the host name', () => {
    const ssl = options({ sslmode: 'verify-ca', sslrootcert: rootCert, sslcert: clientCert, sslkey: clientKey });
    assert.equal(ssl.rejectUnauthorized, true);
    assert.equal(ssl.ca?.toString(), 'ROOT');
    assert.equal(ssl.cert?.toString(), 'CERT');
    assert.equal(ssl.key?.toString(), 'KEY');
    assert.equal(typeof ssl.checkServerIdentity, 'function');
    assert.equal(ssl.checkServerIdentity?.('other.host', {} as never), undefined);
  });

  test('verify-full checks the chain and the host name (Node\'s default check)', () => {
    const ssl = options({ sslmode: 'verify-full', sslrootcert: rootCert });
    assert.equal(ssl.rejectUnauthorized, true);
    assert.equal(ssl.ca?.toString(), 'ROOT');
    assert.equal('checkServerIdentity' in ssl, false);
  });

  test('sslrootcert=system uses Node\'s trusted roots', () => {
    const ssl = options({ sslmode: 'verify-full', sslrootcert: 'system' });
    assert.equal('ca' in ssl, false);
    assert.equal(ssl.rejectUnauthorized, true);
  });

  test('an unreadable certificate or a private key others can read is a usage error', () => {
    assert.throws(
      () => sslConfig({ ...base, sslmode: 'verify-full', sslrootcert: join(dir, 'missing.crt') }),
      (error: unknown) => error instanceof UsageError && error.message === `could not read root certificate file "${join(dir, 'missing.crt')}": ENOENT`,
    );
    assert.throws(
      () => sslConfig({ ...base, sslmode: 'require', sslcert: clientCert, sslkey: looseKey }),
      (error: unknown) => error instanceof UsageError && error.message.startsWith(`private key file "${looseKey}" has group or world access`),
    );
  });
});

/** A stand-in for a terminal: records raw-mode changes. */
class FakeTty extends PassThrough {
  readonly isTTY = true;
  isRaw = false;
  readonly rawModes: boolean[] = [];
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    this.rawModes.push(mode);
    return this;
  }
}

function fakeIo(): { input: FakeTty; output: PassThrough; io: { input: NodeJS.ReadStream; output: NodeJS.WriteStream } } {
  const input = new FakeTty();
  const output = new PassThrough();
  return { input, output, io: { input: input as unknown as NodeJS.ReadStream, output: output as unknown as NodeJS.WriteStream } };
}

describe('promptPassword', () => {
  test('writes the prompt, reads without echo in raw mode, and restores the mode', async () => {
    const { input, output, io } = fakeIo();
    const answer = promptPassword('Password for user alice: ', io);
    input.write('s3cr');
    input.write('et\r');
    assert.equal(await answer, 's3cret');
    assert.equal(output.read()?.toString(), 'Password for user alice: \n');
    assert.deepEqual(input.rawModes, [true, false]);
  });

  test('backspace deletes a whole character, Ctrl-U clears, escape sequences are ignored', async () => {
    const { input, io } = fakeIo();
    const answer = promptPassword('Password: ', io);
    input.write('junk\u0015pä😀\u007f\u007fw\u001b[Ad\u001bOB\b\x08rd\n');
    assert.equal(await answer, 'prd');
  });

  test('handles a UTF-8 character split across chunks', async () => {
    const { input, io } = fakeIo();
    const answer = promptPassword('Password: ', io);
    const bytes = Buffer.from('é\r');
    input.write(bytes.subarray(0, 1));
    input.write(bytes.subarray(1));
    assert.equal(await answer, 'é');
  });

  test('Ctrl-C rejects and restores the terminal', async () => {
    const { input, io } = fakeIo();
    const answer = promptPassword('Password: ', io);
    input.write('abc\u0003');
    await assert.rejects(answer, PromptCancelledError);
    assert.deepEqual(input.rawModes, [true, false]);
  });

  test('end of input ends the line', async () => {
    const { input, io } = fakeIo();
    const answer = promptPassword('Password: ', io);
    input.end('partial');
    assert.equal(await answer, 'partial');
  });
});
