import type { Checker } from './toml-checker.js';

/** A PgBouncer of a profile: its name, and its admin console (a conninfo, URI or `service=NAME`). */
export interface BouncerEntry {
  name: string;
  connection: string;
}

/** One PostgreSQL server of a profile, and the PgBouncer in front of it when there is one. */
export interface ServerEntry {
  name: string;
  connection: string;
  pgbouncer?: BouncerEntry;
}

/** A target's name is typed in the target picker: letters, digits and `._-`, up to 32 characters. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

const SERVER_KEYS = ['name', 'connection', 'pgbouncer'];
const BOUNCER_KEYS = ['name', 'connection'];

/** The entries of `[[profiles.NAME.servers]]` or `[[profiles.NAME.pgbouncers]]`: an array of tables, each with a unique name. */
function entries(check: Checker, raw: unknown, path: readonly string[], keys: readonly string[]): { table: Record<string, unknown>; at: string[]; name: string }[] {
  if (!Array.isArray(raw)) check.fail(path, `must be an array of tables ([[${path.join('.')}]]), not a single value`);
  const seen = new Set<string>();
  return raw.map((item, index) => {
    const at = [...path, `[${index}]`];
    const table = check.table(item, at);
    for (const key of Object.keys(table)) {
      if (key === 'password') check.fail([...at, key], 'a password does not belong in pgtop\'s configuration: put it in ~/.pgpass (PGPASSFILE) or in the connection service file');
      if (!keys.includes(key)) check.fail([...at, key], `unknown key (an entry takes ${keys.join(', ')})`);
    }
    if (table.name === undefined) check.fail(at, 'has no name (name = "primary", for example)');
    const name = check.string(table.name, [...at, 'name']);
    if (!NAME.test(name)) check.fail([...at, 'name'], `"${name}" is not a usable name: letters, digits, ".", "_" and "-", up to 32 characters`);
    if (seen.has(name)) check.fail([...at, 'name'], `"${name}" is already the name of another entry`);
    seen.add(name);
    if (table.connection === undefined) check.fail(at, `"${name}" has no connection (a conninfo, a URI or service=NAME)`);
    return { table, at, name };
  });
}

/**
 * A profile's servers and PgBouncers. Each server may name the PgBouncer in front of it; every PgBouncer must be
 * named by a server (its Pools view and its pools' saturation belong to that server's target).
 */
export function checkProfileTargets(check: Checker, profilePath: readonly string[], servers: unknown, bouncers: unknown): ServerEntry[] {
  const bouncerEntries = bouncers === undefined ? [] : entries(check, bouncers, [...profilePath, 'pgbouncers'], BOUNCER_KEYS);
  const byName = new Map(bouncerEntries.map((b) => [b.name, { name: b.name, connection: check.connection(b.table.connection, [...b.at, 'connection']) }]));
  if (servers === undefined) {
    if (bouncerEntries.length > 0) check.fail([...profilePath, 'pgbouncers'], 'PgBouncers without servers: add [[servers]] entries, each naming its pgbouncer');
    return [];
  }
  const serverEntries = entries(check, servers, [...profilePath, 'servers'], SERVER_KEYS);
  if (serverEntries.length === 0) check.fail([...profilePath, 'servers'], 'is empty: name at least one server');
  const used = new Set<string>();
  const result = serverEntries.map(({ table, at, name }) => {
    const server: ServerEntry = { name, connection: check.connection(table.connection, [...at, 'connection']) };
    if (table.pgbouncer !== undefined) {
      const wanted = check.string(table.pgbouncer, [...at, 'pgbouncer']);
      const bouncer = byName.get(wanted);
      if (!bouncer) check.fail([...at, 'pgbouncer'], `no [[pgbouncers]] entry is named "${wanted}" (pgbouncers: ${[...byName.keys()].join(', ') || 'none'})`);
      server.pgbouncer = bouncer;
      used.add(wanted);
    }
    return server;
  });
  for (const bouncer of bouncerEntries) {
    if (!used.has(bouncer.name)) check.fail([...bouncer.at, 'name'], `no server names PgBouncer "${bouncer.name}": add pgbouncer = "${bouncer.name}" to the server it pools for`);
  }
  return result;
}
