import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConnection, type ResolveInput } from '../../src/config/resolve.js';
import { lookupService, parseServiceFile, systemServiceFile } from '../../src/config/service-file.js';
import { UsageError } from '../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'pgtop-service-'));
after(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
function freshDir(): string {
  count += 1;
  const dir = join(root, `d${count}`);
  mkdirSync(dir);
  return dir;
}

function rejects(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

/** A home with ~/.pg_service.conf and a system directory with pg_service.conf, either optional. */
function setup(user?: string, system?: string): { home: string; sysconf: string } {
  const home = freshDir();
  const sysconf = freshDir();
  if (user !== undefined) writeFileSync(join(home, '.pg_service.conf'), user);
  if (system !== undefined) writeFileSync(join(sysconf, 'pg_service.conf'), system);
  return { home, sysconf };
}

function resolveWith(home: string, input: Partial<ResolveInput>): ReturnType<typeof resolveConnection>['settings'] {
  return resolveConnection({ flags: {}, env: {}, homeDir: home, osUser: 'osuser', findSocketDir: () => undefined, ...input }).settings;
}

describe('parseServiceFile', () => {
  const text = [
    '# comment',
    '[other]',
    'host=elsewhere',
    'not a valid line',
    '',
    '  [prod]  ',
    '  host=db1.example  ',
    'port=6543',
    '# a comment inside',
    "options=-c search_path=app",
    '[next]',
    'host=after',
  ].join('\n');

  test('reads only the named section, trimmed; the value runs to the end of the line', () => {
    assert.deepEqual(parseServiceFile(text, 'prod', 'f'), {
      found: true,
      values: { host: 'db1.example', port: '6543', options: '-c search_path=app' },
    });
  });

  test('a syntax error is only an error in the section read, as libpq does', () => {
    assert.deepEqual(parseServiceFile(text, 'absent', 'f'), { found: false });
    rejects(() => parseServiceFile(text, 'other', 'f'), /line 4: expected keyword=value/);
  });

  test('a line without "=" in the section names the file and the line', () => {
    rejects(() => parseServiceFile('[a]\nhost\n', 'a', '/x/pg_service.conf'), /^syntax error in service file "\/x\/pg_service.conf", line 2/);
  });

  test('an unknown keyword, or spaces around "=", are errors in the section', () => {
    rejects(() => parseServiceFile('[a]\nhots=x\n', 'a', 'f'), /line 2: unknown connection option "hots"/);
    rejects(() => parseServiceFile('[a]\nhost = x\n', 'a', 'f'), /unknown connection option "host "/);
  });

  test('a nested service is refused', () => {
    rejects(() => parseServiceFile('[a]\nservice=b\n', 'a', 'f'), /^nested service specifications not supported in service file "f", line 2$/);
  });

  test('an empty section is found (and sets nothing)', () => {
    assert.deepEqual(parseServiceFile('[a]\n[b]\nhost=x\n', 'a', 'f'), { found: true, values: {} });
  });
});

describe('lookupService: which file', () => {
  test('the user file is searched first, then the system file', () => {
    const { home, sysconf } = setup('[u]\nhost=from-user\n[both]\nhost=user-both\n', '[s]\nhost=from-system\n[both]\nhost=system-both\n');
    const env = { PGSYSCONFDIR: sysconf };
    assert.deepEqual(lookupService({ service: 'u', env, homeDir: home }).values, { host: 'from-user' });
    assert.deepEqual(lookupService({ service: 's', env, homeDir: home }), { values: { host: 'from-system' }, file: join(sysconf, 'pg_service.conf') });
    assert.deepEqual(lookupService({ service: 'both', env, homeDir: home }).values, { host: 'user-both' });
  });

  test('PGSERVICEFILE replaces ~/.pg_service.conf, and the servicefile option replaces PGSERVICEFILE', () => {
    const { home } = setup('[x]\nhost=home\n');
    const dir = freshDir();
    const envFile = join(dir, 'env.conf');
    const optionFile = join(dir, 'option.conf');
    writeFileSync(envFile, '[x]\nhost=env\n');
    writeFileSync(optionFile, '[x]\nhost=option\n');
    const env = { PGSERVICEFILE: envFile, PGSYSCONFDIR: freshDir() };
    assert.equal(lookupService({ service: 'x', env, homeDir: home }).values.host, 'env');
    assert.equal(lookupService({ service: 'x', servicefile: optionFile, env, homeDir: home }).values.host, 'option');
  });

  test('a PGSERVICEFILE that does not exist is an error; a missing ~/.pg_service.conf is not', () => {
    const { home, sysconf } = setup(undefined, '[x]\nhost=sys\n');
    rejects(() => lookupService({ service: 'x', env: { PGSERVICEFILE: join(home, 'nope.conf'), PGSYSCONFDIR: sysconf }, homeDir: home }), /^service file ".*nope\.conf" not found$/);
    assert.equal(lookupService({ service: 'x', env: { PGSYSCONFDIR: sysconf }, homeDir: home }).values.host, 'sys');
  });

  test('a missing service names every file searched', () => {
    const { home, sysconf } = setup('[a]\nhost=x\n', '[b]\nhost=y\n');
    rejects(
      () => lookupService({ service: 'prod', env: { PGSYSCONFDIR: sysconf }, homeDir: home }),
      new RegExp(`^definition of service "prod" not found \\(searched "${join(home, '.pg_service.conf')}" and "${join(sysconf, 'pg_service.conf')}"\\)$`),
    );
    const bare = setup();
    rejects(() => lookupService({ service: 'prod', env: { PGSYSCONFDIR: bare.sysconf }, homeDir: bare.home }), /\.pg_service\.conf" \(absent\) and ".*pg_service\.conf" \(absent\)/);
  });

  test('without PGSYSCONFDIR, the first system directory holding pg_service.conf', () => {
    const [a, b] = [freshDir(), freshDir()];
    writeFileSync(join(b, 'pg_service.conf'), '');
    assert.equal(systemServiceFile({}, [a, b]), join(b, 'pg_service.conf'));
    assert.equal(systemServiceFile({}, [a]), join(a, 'pg_service.conf'));
    assert.equal(systemServiceFile({ PGSYSCONFDIR: '/srv' }, [a, b]), '/srv/pg_service.conf');
  });
});

describe('resolveConnection with a service: libpq precedence', () => {
  const service = '[prod]\nhost=db1.example\nport=6543\ndbname=shop\nuser=app\nsslmode=require\n';

  test('service= in a conninfo or a URI, or PGSERVICE', () => {
    const { home } = setup(service);
    const expected = { host: 'db1.example', port: 6543, database: 'shop', user: 'app', sslmode: 'require' };
    for (const input of [{ target: 'service=prod' }, { target: 'postgresql:///?service=prod' }, { env: { PGSERVICE: 'prod' } }, { flags: { dbname: 'service=prod' } }]) {
      const settings = resolveWith(home, input);
      assert.deepEqual({ host: settings.host, port: settings.port, database: settings.database, user: settings.user, sslmode: settings.sslmode }, expected, JSON.stringify(input));
    }
  });

  test('settings in the conninfo and flags beat the service; the service beats the environment', () => {
    const { home } = setup(service);
    const settings = resolveWith(home, {
      target: 'service=prod dbname=other',
      flags: { username: 'flaguser' },
      env: { PGHOST: 'envhost', PGPORT: '1111', PGCONNECT_TIMEOUT: '7', PGSERVICE: 'ignored-when-named' },
    });
    assert.equal(settings.database, 'other');
    assert.equal(settings.user, 'flaguser');
    assert.equal(settings.host, 'db1.example');
    assert.equal(settings.port, 6543);
    assert.equal(settings.connectTimeoutSeconds, 7, 'what the service does not set still comes from the environment');
  });

  test('a password in the service file is used, and recorded as from the service', () => {
    const { home } = setup('[s]\nhost=h\npassword=from-service\n');
    const settings = resolveWith(home, { target: 'service=s', env: { PGPASSWORD: 'from-env' } });
    assert.equal(settings.password, 'from-service');
    assert.equal(settings.passwordSource, 'service');
  });

  test('a bad port in a service names the service and its file', () => {
    const { home } = setup('[s]\nport=abc\n');
    rejects(() => resolveWith(home, { target: 'service=s' }), new RegExp(`invalid port "abc" \\(from service "s" in ${join(home, '.pg_service.conf')}\\)`));
  });

  test('a missing service fails the resolution', () => {
    const { home, sysconf } = setup();
    rejects(() => resolveWith(home, { env: { PGSERVICE: 'gone', PGSYSCONFDIR: sysconf } }), /^definition of service "gone" not found/);
  });
});
