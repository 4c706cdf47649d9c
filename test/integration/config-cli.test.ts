import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pgtop-config-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const configFile = join(dir, 'config.toml');
writeFileSync(configFile, `default_profile = "staging"

[profiles.prod]
connection = "service=prod"
pgbouncer = "host=pgb-prod port=6432 user=admin"
read_only = true
interval = "5s"
label = "PRODUCTION"
color = "red"
migrations_dir = "db/migrations"

[profiles.staging]
connection = "host=profhost dbname=profdb"
interval = 3
`);
const serviceFile = join(dir, 'services.conf');
writeFileSync(serviceFile, '[prod]\nhost=db1.example\ndbname=shop\nuser=dba\npassword=service-secret\n');

const env = (extra: Record<string, string> = {}): Record<string, string> => ({ PGTOP_CONFIG: configFile, PGSERVICEFILE: serviceFile, ...extra });

interface Shown {
  config_file: string | null;
  profile: string | null;
  connection: { host: string; port: number; user: string; dbname: string; password: string | null };
  pgbouncer: { host: string } | null;
  interval: number;
  read_only: boolean;
  migrations_dir: string;
  label: string | null;
  color: string | null;
}

async function show(args: string[], extraEnv: Record<string, string> = {}): Promise<Shown> {
  const result = await runCli(['config', 'show', '--json', ...args], { env: env(extraEnv) });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Shown;
}

describe('pgtop config path', () => {
  test('PGTOP_CONFIG, else XDG_CONFIG_HOME/pgtop/config.toml', async () => {
    assert.equal((await runCli(['config', 'path'], { env: env() })).stdout, `${configFile}\n`);
    assert.equal((await runCli(['config', 'path'], { env: { XDG_CONFIG_HOME: '/srv/conf' } })).stdout, '/srv/conf/pgtop/config.toml\n');
  });
});

describe('pgtop config show: what wins', () => {
  test('default_profile, PGTOP_PROFILE, --profile', async () => {
    assert.equal((await show([])).profile, 'staging');
    assert.equal((await show([], { PGTOP_PROFILE: 'prod' })).profile, 'prod');
    assert.equal((await show(['--profile', 'prod'], { PGTOP_PROFILE: 'staging' })).profile, 'prod');
  });

  test('connection: flags and the argument beat the profile, which beats the environment', async () => {
    const environment = { PGHOST: 'envhost', PGUSER: 'envuser', PGDATABASE: 'envdb', PGPORT: '7777' };
    const fromProfile = await show([], environment);
    assert.deepEqual([fromProfile.connection.host, fromProfile.connection.dbname, fromProfile.connection.user, fromProfile.connection.port], ['profhost', 'profdb', 'envuser', 7777]);
    const withFlag = await show(['-d', 'flagdb', '-h', 'flaghost'], environment);
    assert.deepEqual([withFlag.connection.host, withFlag.connection.dbname], ['flaghost', 'flagdb']);
    const withArgument = await show(['host=arghost'], environment);
    assert.deepEqual([withArgument.connection.host, withArgument.connection.dbname], ['arghost', 'profdb']);
  });

  test("a profile's service is used, and its password is masked", async () => {
    const result = await runCli(['config', 'show', '--profile', 'prod'], { env: env() });
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /service-secret/);
    const shown = await show(['--profile', 'prod']);
    assert.deepEqual([shown.connection.host, shown.connection.dbname, shown.connection.user], ['db1.example', 'shop', 'dba']);
    assert.equal(shown.connection.password, '**** (from service)');
    assert.equal(shown.label, 'PRODUCTION');
    assert.equal(shown.color, 'red');
    assert.equal(shown.migrations_dir, join(dir, 'db/migrations'));
  });

  test('interval and PgBouncer: flag beats profile beats environment', async () => {
    assert.equal((await show(['--profile', 'prod'])).interval, 5);
    assert.equal((await show(['--profile', 'prod', '--interval', '1'])).interval, 1);
    assert.equal((await show(['--profile', 'prod'], { PGTOP_PGBOUNCER: 'host=envpgb' })).pgbouncer?.host, 'pgb-prod');
    assert.equal((await show(['--profile', 'prod', '--pgbouncer', 'host=flagpgb'])).pgbouncer?.host, 'flagpgb');
    assert.equal((await show([], { PGTOP_PGBOUNCER: 'host=envpgb' })).pgbouncer?.host, 'envpgb');
  });

  test('a read-only profile stays read-only; --no-read-only is refused', async () => {
    assert.equal((await show(['--profile', 'prod'])).read_only, true);
    assert.equal((await show([])).read_only, false);
    assert.equal((await show(['--read-only'])).read_only, true);
    for (const command of [['config', 'show'], []]) {
      const refused = await runCli([...command, '--profile', 'prod', '--no-read-only'], { env: env() });
      assert.equal(refused.code, 2);
      assert.equal(refused.stderr, 'pgtop: profile "prod" is read-only (read_only = true); --no-read-only cannot make it writable\n');
    }
  });

  test('a read-only profile refuses migrations that change the database', async () => {
    const refused = await runCli(['migrate', 'up', '--profile', 'prod'], { env: env() });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^pgtop: profile "prod" is read-only \(read_only = true\): migrate up would change the database/);
  });
});

describe('configuration errors stop every command with one line', () => {
  test('an unknown key, a password, an unknown profile', async () => {
    const bad = join(dir, 'bad.toml');
    writeFileSync(bad, '[profiles.a]\nconnection = "host=x"\n\n[profiles.b]\nconnection = "postgres://u:pw@h/db"\n');
    for (const command of [['snapshot'], ['migrate', 'status'], ['backup'], ['config', 'show']]) {
      const result = await runCli(command, { env: { PGTOP_CONFIG: bad } });
      assert.equal(result.code, 2, `${command.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr, `pgtop: ${bad}:5: profiles.b.connection: a password does not belong in pgtop's configuration: put it in ~/.pgpass (PGPASSFILE) or in the connection service file\n`);
    }
    const unknown = await runCli(['snapshot', '--profile', 'nope'], { env: env() });
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, `pgtop: --profile names profile "nope", which ${configFile} does not define (profiles: prod, staging)\n`);
  });
});
