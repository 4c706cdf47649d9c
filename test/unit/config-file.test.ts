import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPath, loadConfig, parseConfig } from '../../src/config/config-file.js';
import { chooseProfile, resolveReadOnly } from '../../src/config/profile.js';
import { lineOfKey } from '../../src/config/toml-lines.js';
import { parseServiceFile } from '../../src/config/service-file.js';
import { UsageError } from '../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'pgtop-config-'));
after(() => rmSync(root, { recursive: true, force: true }));
const FILE = '/etc/pgtop/config.toml';

function rejects(run: () => unknown, message: string | RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

const parse = (text: string): ReturnType<typeof parseConfig> => parseConfig(text, FILE, '/home/dba');

const TWO_PROFILES = `default_profile = "staging"
theme = "light"

[profiles.prod]
connection = "service=prod"
pgbouncer = "postgres://admin@pgb1:6432/pgbouncer"
migrations_dir = "~/shop/migrations"
backup_dir = "backups"
read_only = true
interval = "5s"
label = "PRODUCTION"
color = "red"
theme = "dark"

[profiles.prod.thresholds]
long_query_warning = "30s"
connections_warning = "80%"

[profiles.staging]
connection = "postgres://dba@db-staging/shop"
colour = "yellow"
interval = 1.5
`;

describe('parseConfig: a valid file', () => {
  test('two profiles with every key', () => {
    const config = parse(TWO_PROFILES);
    assert.equal(config.defaultProfile, 'staging');
    assert.equal(config.theme, 'light');
    assert.deepEqual(config.profiles.prod, {
      name: 'prod',
      connection: 'service=prod',
      pgbouncer: 'postgres://admin@pgb1:6432/pgbouncer',
      migrationsDir: '/home/dba/shop/migrations',
      backupDir: '/etc/pgtop/backups',
      readOnly: true,
      intervalSeconds: 5,
      label: 'PRODUCTION',
      color: 'red',
      theme: 'dark',
      thresholds: { long_query_warning: '30s', connections_warning: '80%' },
    });
    assert.deepEqual(config.profiles.staging, { name: 'staging', connection: 'postgres://dba@db-staging/shop', color: 'yellow', intervalSeconds: 1.5, thresholds: {} });
  });

  test('an empty file is no profiles', () => {
    assert.deepEqual(parse(''), { file: FILE, profiles: {} });
  });
});

describe('parseConfig: every error names the file, the line and the key', () => {
  test('a TOML syntax error', () => {
    rejects(() => parse('[profiles.a]\nlabel = = "x"\n'), /^\/etc\/pgtop\/config\.toml:2: invalid TOML: .*\(column \d+\)$/);
  });

  test('an unknown top-level key', () => {
    rejects(() => parse('theme = "dark"\n\nrefresh = 2\n'), '/etc/pgtop/config.toml:3: refresh: unknown key (the file takes default_profile, theme and [profiles.NAME] tables)');
  });

  test('an unknown key in a profile', () => {
    rejects(() => parse('[profiles.a]\nlabel = "x"\n# note\nintreval = 2\n'), /^\/etc\/pgtop\/config\.toml:4: profiles\.a\.intreval: unknown key \(a profile takes connection, pgbouncer, /);
  });

  test('wrong types', () => {
    rejects(() => parse('[profiles.a]\nread_only = "yes"\n'), '/etc/pgtop/config.toml:2: profiles.a.read_only: must be true or false, not a string');
    rejects(() => parse('[profiles.a]\n\ninterval = true\n'), '/etc/pgtop/config.toml:3: profiles.a.interval: must be a number of seconds or a duration string, not a boolean');
    rejects(() => parse('[profiles.a]\ninterval = "soon"\n'), /:2: profiles\.a\.interval: "soon" is not a duration/);
    rejects(() => parse('[profiles.a]\ninterval = 0.1\n'), '/etc/pgtop/config.toml:2: profiles.a.interval: must be from 0.5 to 60 seconds, not 0.1');
    rejects(() => parse('[profiles.a]\nlabel = 3\n'), '/etc/pgtop/config.toml:2: profiles.a.label: must be a string, not a number');
    rejects(() => parse('[profiles.a]\ncolor = "purple"\n'), /:2: profiles\.a\.color: "purple" is not one of black, red, green, yellow, blue, magenta, cyan, white, gray, redBright/);
    rejects(() => parse('theme = "solarized"\n'), '/etc/pgtop/config.toml:1: theme: "solarized" is not one of dark, light');
    rejects(() => parse('profiles = 1\n'), '/etc/pgtop/config.toml:1: profiles: must be a table, not a number');
    rejects(() => parse('[profiles]\na = "x"\n'), '/etc/pgtop/config.toml:2: profiles.a: must be a table, not a string');
    rejects(() => parse('[profiles.a]\nconnection = ["a", "b"]\n'), '/etc/pgtop/config.toml:2: profiles.a.connection: must be a string, not an array');
  });

  test('thresholds: numbers or durations, in their own table or inline', () => {
    rejects(() => parse('[profiles.a]\nlabel = "x"\n[profiles.a.thresholds]\nlong_query_warning = true\n'), '/etc/pgtop/config.toml:4: profiles.a.thresholds.long_query_warning: must be a number or a string such as "5min", "80%" or "2GiB", not a boolean');
    rejects(() => parse('[profiles.a]\n[profiles.a.thresholds]\nlong_query = "1min"\n'), /^\/etc\/pgtop\/config\.toml:3: profiles\.a\.thresholds\.long_query: unknown threshold "long_query"; known: connections_warning/);
    rejects(() => parse('[profiles.a]\n[profiles.a.thresholds]\nconnections_warning = "soon"\n'), /config\.toml:3: profiles\.a\.thresholds\.connections_warning: threshold connections_warning needs a percentage/);
    rejects(() => parse('[profiles.a]\nthresholds = 5\n'), '/etc/pgtop/config.toml:2: profiles.a.thresholds: must be a table, not a number');
    assert.deepEqual(parse('[profiles.a]\nthresholds = { idle_in_transaction_warning = "2min", lock_queue_critical = 3 }\n').profiles.a?.thresholds, { idle_in_transaction_warning: '2min', lock_queue_critical: '3' });
  });

  test('a dotted key is found on its own line', () => {
    rejects(() => parse('profiles.a.label = "x"\nprofiles.a.read_only = 1\n'), '/etc/pgtop/config.toml:2: profiles.a.read_only: must be true or false, not a number');
  });

  test('a connection that does not parse', () => {
    rejects(() => parse('[profiles.a]\nconnection = "host=db port"\n'), /:2: profiles\.a\.connection: "port" in the connection string has no "=" after it/);
  });

  test('default_profile must name a profile', () => {
    rejects(() => parse('default_profile = "prod"\n[profiles.staging]\n'), '/etc/pgtop/config.toml:1: default_profile: no profile named "prod" (profiles: staging)');
  });
});

describe('parseConfig: passwords are refused, and told where they belong', () => {
  const where = 'a password does not belong in pgtop\'s configuration: put it in ~/.pgpass (PGPASSFILE) or in the connection service file';
  test('in a conninfo, a URI, a URI query, the PgBouncer console, or as a key', () => {
    rejects(() => parse('[profiles.a]\nconnection = "host=db password=secret"\n'), `/etc/pgtop/config.toml:2: profiles.a.connection: ${where}`);
    rejects(() => parse('[profiles.a]\nconnection = "postgres://dba:secret@db/shop"\n'), `/etc/pgtop/config.toml:2: profiles.a.connection: ${where}`);
    rejects(() => parse('[profiles.a]\nconnection = "postgres://db/shop?password=secret"\n'), `/etc/pgtop/config.toml:2: profiles.a.connection: ${where}`);
    rejects(() => parse('[profiles.a]\npgbouncer = "postgres://admin:secret@pgb/pgbouncer"\n'), `/etc/pgtop/config.toml:2: profiles.a.pgbouncer: ${where}`);
    rejects(() => parse('[profiles.a]\npassword = "secret"\n'), `/etc/pgtop/config.toml:2: profiles.a.password: ${where}`);
  });

  test('the refusal never repeats the password', () => {
    assert.throws(() => parse('[profiles.a]\nconnection = "postgres://dba:hunter2@db/shop"\n'), (error: Error) => !error.message.includes('hunter2'));
  });
});

describe('loadConfig and configPath', () => {
  test('PGTOP_CONFIG beats XDG_CONFIG_HOME, which beats ~/.config', () => {
    assert.deepEqual(configPath({ PGTOP_CONFIG: '/a/c.toml', XDG_CONFIG_HOME: '/x' }, '/h'), { path: '/a/c.toml', explicit: true });
    assert.deepEqual(configPath({ XDG_CONFIG_HOME: '/x' }, '/h'), { path: '/x/pgtop/config.toml', explicit: false });
    assert.deepEqual(configPath({ XDG_CONFIG_HOME: 'relative' }, '/h'), { path: '/h/.config/pgtop/config.toml', explicit: false });
    assert.deepEqual(configPath({}, '/h'), { path: '/h/.config/pgtop/config.toml', explicit: false });
  });

  test('no file at the default place is no configuration; a missing PGTOP_CONFIG is an error', () => {
    assert.deepEqual(loadConfig({ XDG_CONFIG_HOME: root }, root), { profiles: {} });
    rejects(() => loadConfig({ PGTOP_CONFIG: join(root, 'nope.toml') }, root), `cannot read the configuration file ${join(root, 'nope.toml')} (PGTOP_CONFIG): it does not exist`);
  });

  test('an unreadable file is an error naming it', () => {
    const dir = join(root, 'xdg', 'pgtop', 'config.toml');
    mkdirSync(dir, { recursive: true });
    rejects(() => loadConfig({ XDG_CONFIG_HOME: join(root, 'xdg') }, root), `cannot read the configuration file ${dir}: it is a directory`);
  });

  test('a file is read and checked', () => {
    const file = join(root, 'ok.toml');
    writeFileSync(file, TWO_PROFILES);
    assert.equal(loadConfig({ PGTOP_CONFIG: file }, '/home/dba').profiles.prod?.label, 'PRODUCTION');
    writeFileSync(file, '[profiles.a]\nlable = "x"\n');
    rejects(() => loadConfig({ PGTOP_CONFIG: file }, '/home/dba'), new RegExp(`^${file}:2: profiles\\.a\\.lable: unknown key`));
  });
});

describe('chooseProfile and read-only', () => {
  const config = parse(TWO_PROFILES);
  test('--profile beats PGTOP_PROFILE, which beats default_profile', () => {
    assert.equal(chooseProfile(config, 'prod', { PGTOP_PROFILE: 'staging' })?.name, 'prod');
    assert.equal(chooseProfile(config, undefined, { PGTOP_PROFILE: 'prod' })?.name, 'prod');
    assert.equal(chooseProfile(config, undefined, {})?.name, 'staging');
    assert.equal(chooseProfile({ profiles: {} }, undefined, {}), undefined);
  });

  test('an unknown profile lists the ones there are; no file says so', () => {
    rejects(() => chooseProfile(config, 'qa', {}), `--profile names profile "qa", which ${FILE} does not define (profiles: prod, staging)`);
    rejects(() => chooseProfile(config, undefined, { PGTOP_PROFILE: 'qa' }), /^PGTOP_PROFILE names profile "qa"/);
    rejects(() => chooseProfile({ profiles: {} }, 'prod', {}), '--profile names profile "prod" but there is no configuration file; create one (pgtop config path shows where)');
  });

  test('read_only = true cannot be undone by a flag; otherwise the flag decides', () => {
    const prod = config.profiles.prod;
    const staging = config.profiles.staging;
    assert.equal(resolveReadOnly(undefined, prod), true);
    assert.equal(resolveReadOnly(true, prod), true);
    rejects(() => resolveReadOnly(false, prod), 'profile "prod" is read-only (read_only = true); --no-read-only cannot make it writable');
    assert.equal(resolveReadOnly(undefined, staging), false);
    assert.equal(resolveReadOnly(true, staging), true);
    assert.equal(resolveReadOnly(undefined, undefined), false);
  });
});

describe('lineOfKey', () => {
  test('keys under headers, quoted and dotted keys, the enclosing table otherwise', () => {
    const text = '[profiles."my.prod"]\nlabel = "x"\n\n[profiles.b]\nthresholds = { a = 1 }\n';
    assert.equal(lineOfKey(text, ['profiles', 'my.prod', 'label']), 2);
    assert.equal(lineOfKey(text, ['profiles', 'b', 'thresholds', 'a']), 5);
    assert.equal(lineOfKey(text, ['profiles', 'b', 'other']), 4);
    assert.equal(lineOfKey(text, ['elsewhere']), undefined);
  });
});

describe('the README', () => {
  test('its config.toml example is a valid configuration: two single-server profiles and one with several servers', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /```toml\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(block, 'the README has a toml block');
    const config = parse(block);
    assert.deepEqual(Object.keys(config.profiles), ['prod', 'staging', 'shop']);
    assert.equal(config.profiles.prod?.label, 'PRODUCTION');
    assert.equal(config.profiles.prod?.color, 'red');
    assert.deepEqual(config.profiles.shop?.servers?.map((s) => [s.name, s.pgbouncer?.name]), [['primary', 'pgb1'], ['replica1', undefined]]);
  });

  test('its service file example gives the service it shows', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /```ini\n# ~\/\.pg_service\.conf\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(block, 'the README has a service file block');
    assert.deepEqual(parseServiceFile(block, 'prod', 'README'), { found: true, values: { host: 'db1.example.com', port: '5432', dbname: 'shop', user: 'dba', sslmode: 'verify-full' } });
  });
});
