import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/config-file.js';
import { profileBouncer, profileConnection } from '../../src/config/profile.js';
import { chosenTarget, completeTarget } from '../../src/store/targets.js';
import { UsageError } from '../../src/errors.js';

const FILE = '/etc/pgtop/config.toml';
const parse = (text: string): ReturnType<typeof parseConfig> => parseConfig(text, FILE, '/home/dba');

function rejects(text: string, message: string | RegExp): void {
  assert.throws(() => parse(text), (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

const PROD = `[profiles.prod]
label = "PRODUCTION"

[[profiles.prod.servers]]
name = "primary"
connection = "service=prod-primary"
pgbouncer = "pgb1"

[[profiles.prod.servers]]
name = "replica1"
connection = "host=db2 dbname=shop"

[[profiles.prod.pgbouncers]]
name = "pgb1"
connection = "postgres://admin@pgb1:6432/pgbouncer"
`;

describe('a profile with several servers', () => {
  test('servers in order, each with the PgBouncer it names', () => {
    const profile = parse(PROD).profiles.prod;
    assert.deepEqual(profile?.servers, [
      { name: 'primary', connection: 'service=prod-primary', pgbouncer: { name: 'pgb1', connection: 'postgres://admin@pgb1:6432/pgbouncer' } },
      { name: 'replica1', connection: 'host=db2 dbname=shop' },
    ]);
    assert.equal(profile?.connection, undefined);
    assert.equal(profileConnection(profile), 'service=prod-primary', 'one-server commands use the first server');
    assert.equal(profileBouncer(profile), 'postgres://admin@pgb1:6432/pgbouncer');
  });

  test('the single-server keys still work', () => {
    const profile = parse('[profiles.a]\nconnection = "service=a"\npgbouncer = "service=pgb"\n').profiles.a;
    assert.equal(profile?.servers, undefined);
    assert.equal(profileConnection(profile), 'service=a');
    assert.equal(profileBouncer(profile), 'service=pgb');
  });
});

describe('errors in [[servers]] and [[pgbouncers]] name the file, the line and the key', () => {
  test('an entry without a name or a connection', () => {
    rejects('[profiles.p]\n[[profiles.p.servers]]\nconnection = "service=a"\n', '/etc/pgtop/config.toml:2: profiles.p.servers[0]: has no name (name = "primary", for example)');
    rejects('[[profiles.p.servers]]\nname = "a"\nconnection = "service=a"\n\n[[profiles.p.servers]]\nname = "b"\n', '/etc/pgtop/config.toml:5: profiles.p.servers[1]: "b" has no connection (a conninfo, a URI or service=NAME)');
  });

  test('a bad value points at its own line in the right entry', () => {
    rejects('[[profiles.p.servers]]\nname = "a"\nconnection = "service=a"\n[[profiles.p.servers]]\nname = "b"\nconnection = "host=\'db2"\n', /^\/etc\/pgtop\/config\.toml:6: profiles\.p\.servers\[1\]\.connection: /);
    rejects('[[profiles.p.servers]]\nname = "a"\nconnection = "service=a"\nport = 5\n', '/etc/pgtop/config.toml:4: profiles.p.servers[0].port: unknown key (an entry takes name, connection, pgbouncer)');
    rejects('[[profiles.p.servers]]\nname = "a b"\nconnection = "service=a"\n', '/etc/pgtop/config.toml:2: profiles.p.servers[0].name: "a b" is not a usable name: letters, digits, ".", "_" and "-", up to 32 characters');
    rejects('[[profiles.p.servers]]\nname = "a"\nconnection = "host=x password=secret"\n', /^\/etc\/pgtop\/config\.toml:3: profiles\.p\.servers\[0\]\.connection: a password does not belong/);
  });

  test('two entries with one name', () => {
    rejects('[[profiles.p.servers]]\nname = "a"\nconnection = "service=a"\n[[profiles.p.servers]]\nname = "a"\nconnection = "service=b"\n', '/etc/pgtop/config.toml:5: profiles.p.servers[1].name: "a" is already the name of another entry');
  });

  test('a PgBouncer named by no server, or a server naming no PgBouncer', () => {
    rejects('[[profiles.p.servers]]\nname = "a"\nconnection = "service=a"\npgbouncer = "pgb9"\n', '/etc/pgtop/config.toml:4: profiles.p.servers[0].pgbouncer: no [[pgbouncers]] entry is named "pgb9" (pgbouncers: none)');
    rejects('[[profiles.p.servers]]\nname = "a"\nconnection = "service=a"\n[[profiles.p.pgbouncers]]\nname = "pgb1"\nconnection = "service=pgb"\n', '/etc/pgtop/config.toml:5: profiles.p.pgbouncers[0].name: no server names PgBouncer "pgb1": add pgbouncer = "pgb1" to the server it pools for');
    rejects('[[profiles.p.pgbouncers]]\nname = "pgb1"\nconnection = "service=pgb"\n', '/etc/pgtop/config.toml:1: profiles.p.pgbouncers: PgBouncers without servers: add [[servers]] entries, each naming its pgbouncer');
  });

  test('servers that are not an array of tables, or none', () => {
    rejects('[profiles.p]\nservers = "a"\n', '/etc/pgtop/config.toml:2: profiles.p.servers: must be an array of tables ([[profiles.p.servers]]), not a single value');
    rejects('[profiles.p]\nservers = []\n', '/etc/pgtop/config.toml:2: profiles.p.servers: is empty: name at least one server');
  });

  test('servers beside the single-server keys', () => {
    rejects('[profiles.p]\nconnection = "service=x"\n[[profiles.p.servers]]\nname = "a"\nconnection = "service=a"\n', '/etc/pgtop/config.toml:2: profiles.p.connection: give either connection or [[servers]] entries, not both');
    rejects('[profiles.p]\npgbouncer = "service=x"\n[[profiles.p.servers]]\nname = "a"\nconnection = "service=a"\n', /^\/etc\/pgtop\/config\.toml:2: profiles\.p\.pgbouncer: with \[\[servers\]\], name the PgBouncer in a \[\[pgbouncers\]\] entry/);
  });
});

describe('the target picker completes names', () => {
  const names = ['primary', 'replica1', 'replica2'];
  test('Tab: the one match, else what every match shares', () => {
    assert.equal(completeTarget('p', names), 'primary');
    assert.equal(completeTarget('r', names), 'replica');
    assert.equal(completeTarget('REPLICA2', names), 'replica2');
    assert.equal(completeTarget('x', names), 'x');
    assert.equal(completeTarget('', names), '');
  });
  test('Enter: the exact name, else the only match', () => {
    assert.equal(chosenTarget('pri', names), 'primary');
    assert.equal(chosenTarget('replica', names), undefined);
    assert.equal(chosenTarget('Replica1', names), 'replica1');
    assert.equal(chosenTarget('nope', names), undefined);
  });
});
