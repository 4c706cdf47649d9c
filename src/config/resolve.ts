import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { isConnectionString, parseTarget, portProblem } from './conninfo.js';
import { lookupPgpass, pgpassPath } from './pgpass.js';
import { lookupService } from './service-file.js';
import type { ConnectionFlags, ConnectionSettings, SettingSource, SslMode } from './types.js';

export interface ResolveInput {
  flags: ConnectionFlags;
  /** The positional argument: a conninfo string, a URI, or a database name. */
  target?: string;
  /** The profile's connection (conninfo, URI or database name): below the argument, above the environment. */
  profileTarget?: string;
  /** Where the profile came from, for messages ("profile prod in ~/.config/pgtop/config.toml"). */
  profileOrigin?: string;
  env: NodeJS.ProcessEnv;
  homeDir?: string;
  /** The OS user name, the default role; defaults to the current user. */
  osUser?: string;
  /** The socket directory holding a server on `port`, if any; defaults to {@link findDefaultSocketDir}. */
  findSocketDir?: (port: number) => string | undefined;
}

export interface ResolveResult {
  settings: ConnectionSettings;
  /** Things the user should know (an ignored option, an unsafe password file); not printed here. */
  warnings: string[];
}

export const DEFAULT_SOCKET_DIRS: readonly string[] = ['/var/run/postgresql', '/tmp'];

/** The first of `dirs` where a server listens on `port` (its `.s.PGSQL.<port>` socket exists). */
export function findDefaultSocketDir(
  port: number,
  dirs: readonly string[] = DEFAULT_SOCKET_DIRS,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  return dirs.find((dir) => exists(join(dir, `.s.PGSQL.${port}`)));
}

const ENVIRONMENT: Readonly<Record<string, string>> = {
  PGHOST: 'host',
  PGHOSTADDR: 'hostaddr',
  PGPORT: 'port',
  PGUSER: 'user',
  PGDATABASE: 'dbname',
  PGPASSWORD: 'password',
  PGPASSFILE: 'passfile',
  PGSERVICE: 'service',
  PGSSLMODE: 'sslmode',
  PGSSLROOTCERT: 'sslrootcert',
  PGSSLCERT: 'sslcert',
  PGSSLKEY: 'sslkey',
  PGCONNECT_TIMEOUT: 'connect_timeout',
  PGAPPNAME: 'application_name',
  PGOPTIONS: 'options',
};

const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** Keywords that become fields of ConnectionSettings rather than entries of `extra`. */
const SETTINGS_KEYWORDS = new Set([
  'host', 'hostaddr', 'port', 'user', 'dbname', 'password', 'passfile', 'sslmode', 'sslrootcert', 'sslcert',
  'sslkey', 'connect_timeout',
]);

/** Keywords passed on to the client (see pg-client-config.ts) or harmless to leave out. */
const HONOURED_KEYWORDS = new Set([
  ...SETTINGS_KEYWORDS,
  'application_name', 'fallback_application_name', 'options', 'client_encoding', 'sslnegotiation', 'sslpassword',
  'channel_binding', 'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'sslsni',
  'service', 'servicefile',
]);

/**
 * Options that ask for a check pgtop cannot make: ignoring them would connect with weaker checks than asked
 * for, so they are refused. Other values of these options are safe to leave out.
 */
const REFUSED: Readonly<Record<string, (value: string) => boolean>> = {
  require_auth: () => true,
  requirepeer: () => true,
  sslcrl: () => true,
  sslcrldir: () => true,
  sslcertmode: (value) => value === 'require',
  gssencmode: (value) => value === 'require',
};

interface Layer {
  source: SettingSource;
  /** Where a bad port came from, for the message. */
  portOrigin: string;
  values: Record<string, string>;
}

function nonEmpty(values: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value) result[key] = value;
  return result;
}

function layersOf(input: ResolveInput): Layer[] {
  const { flags } = input;
  const dbnameIsConnectionString = flags.dbname !== undefined && isConnectionString(flags.dbname);
  const layers: Layer[] = [
    {
      source: 'flag',
      portOrigin: '-p/--port',
      values: nonEmpty({
        host: flags.host,
        port: flags.port,
        user: flags.username,
        dbname: dbnameIsConnectionString ? undefined : flags.dbname,
      }),
    },
  ];
  if (dbnameIsConnectionString && flags.dbname) {
    layers.push({ source: 'flag', portOrigin: 'the -d/--dbname connection string', values: nonEmpty(parseTarget(flags.dbname)) });
  }
  if (input.target) {
    layers.push({ source: 'argument', portOrigin: 'the connection argument', values: nonEmpty(parseTarget(input.target)) });
  }
  if (input.profileTarget) {
    layers.push({ source: 'profile', portOrigin: input.profileOrigin ?? 'the profile', values: nonEmpty(parseTarget(input.profileTarget)) });
  }
  const fromEnv: Record<string, string | undefined> = {};
  for (const [variable, keyword] of Object.entries(ENVIRONMENT)) fromEnv[keyword] = input.env[variable];
  const service = pick(layers, 'service')?.value ?? fromEnv.service;
  if (service) layers.push(serviceLayer(input, service, pick(layers, 'servicefile')?.value));
  layers.push({ source: 'environment', portOrigin: 'PGPORT', values: nonEmpty(fromEnv) });
  return layers;
}

/**
 * The named service's settings, as libpq places them: below every setting given explicitly (flags, the
 * argument, the profile), above the PG* environment.
 */
function serviceLayer(input: ResolveInput, service: string, servicefile: string | undefined): Layer {
  const found = lookupService({ service, servicefile, env: input.env, homeDir: input.homeDir ?? homedir() });
  return { source: 'service', portOrigin: `service "${service}" in ${found.file}`, values: nonEmpty(found.values) };
}

interface Picked {
  value: string;
  layer: Layer;
}

function pick(layers: readonly Layer[], keyword: string): Picked | undefined {
  for (const layer of layers) {
    const value = layer.values[keyword];
    if (value !== undefined) return { value, layer };
  }
  return undefined;
}

function resolvePort(picked: Picked | undefined): number {
  if (!picked) return 5432;
  if (picked.value.includes(',')) {
    throw new UsageError(`multiple ports ("${picked.value}") are not supported; give a single port`);
  }
  if (portProblem(picked.value)) {
    throw new UsageError(
      `invalid port "${picked.value}" (from ${picked.layer.portOrigin}): it must be an integer from 1 to 65535`,
    );
  }
  return Number(picked.value);
}

function resolveConnectTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*[-+]?\d+\s*$/.test(value)) {
    throw new UsageError(`invalid integer value "${value}" for connection option "connect_timeout"`);
  }
  const seconds = Number(value);
  if (seconds <= 0) return undefined;
  // libpq's minimum: a timeout of 1 s would be too likely to fire during a normal connection.
  return Math.max(2, seconds);
}

function resolveSslMode(value: string | undefined, rootCert: string | undefined): SslMode {
  if (value !== undefined && !SSL_MODES.includes(value as SslMode)) {
    throw new UsageError(`invalid sslmode value: "${value}" (use one of ${SSL_MODES.join(', ')})`);
  }
  const mode = value as SslMode | undefined;
  if (rootCert === 'system') {
    if (mode !== undefined && mode !== 'verify-full') {
      throw new UsageError(`weak sslmode "${mode}" may not be used with sslrootcert=system (use "verify-full")`);
    }
    return 'verify-full';
  }
  return mode ?? 'prefer';
}

function currentOsUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? 'postgres';
  }
}

function checkKeywords(values: Record<string, string>, warnings: string[]): void {
  for (const [keyword, value] of Object.entries(values)) {
    const refused = REFUSED[keyword];
    if (refused?.(value)) {
      throw new UsageError(`connection option "${keyword}=${value}" is not supported; remove it to connect without it`);
    }
    if (!HONOURED_KEYWORDS.has(keyword) && !refused) {
      warnings.push(`connection option "${keyword}" is not supported and was ignored`);
    }
  }
}

/** Adds the client certificate files libpq would use from ~/.postgresql when none were named. */
function defaultCertificates(
  settings: ConnectionSettings,
  homeDir: string,
): Pick<ConnectionSettings, 'sslrootcert' | 'sslcert' | 'sslkey'> {
  const dir = join(homeDir, '.postgresql');
  const usesTls = !settings.host.startsWith('/') && ['require', 'verify-ca', 'verify-full'].includes(settings.sslmode);
  if (!usesTls) return {};
  const rootCert = join(dir, 'root.crt');
  const sslrootcert = settings.sslrootcert ?? (existsSync(rootCert) ? rootCert : undefined);
  if (sslrootcert === undefined && settings.sslmode.startsWith('verify-')) {
    throw new UsageError(
      `root certificate file "${rootCert}" does not exist: provide the file with sslrootcert=FILE or PGSSLROOTCERT, ` +
        `use the system's trusted roots with sslrootcert=system, or change sslmode to disable server certificate verification`,
    );
  }
  const cert = join(dir, 'postgresql.crt');
  const key = join(dir, 'postgresql.key');
  return {
    sslrootcert,
    sslcert: settings.sslcert ?? (existsSync(cert) ? cert : undefined),
    sslkey: settings.sslkey ?? (existsSync(key) ? key : undefined),
  };
}

/**
 * Resolves where to connect the way psql does: flags (-h -p -U -d) beat the positional argument (conninfo,
 * URI or database name), which beats the PG* environment, which beats the defaults (a local socket if a
 * server listens on one, else localhost; port 5432; the OS user; a database named like the user).
 * The password comes from the argument, then PGPASSWORD, then the password file.
 */
export function resolveConnection(input: ResolveInput): ResolveResult {
  const warnings: string[] = [];
  const layers = layersOf(input);
  for (const layer of layers) checkKeywords(layer.values, warnings);
  const get = (keyword: string): string | undefined => pick(layers, keyword)?.value;

  const port = resolvePort(pick(layers, 'port'));
  let host = get('host');
  const hostaddr = get('hostaddr');
  if (hostaddr !== undefined) {
    if (host === undefined) host = hostaddr;
    else warnings.push(`connection option "hostaddr" was ignored: connecting to host "${host}"`);
  }
  if (host?.includes(',')) {
    throw new UsageError(`multiple hosts ("${host}") are not supported; give a single host`);
  }
  host ??= (input.findSocketDir ?? findDefaultSocketDir)(port) ?? 'localhost';
  const user = get('user') ?? input.osUser ?? currentOsUser(input.env);
  const database = get('dbname') ?? user;
  const sslrootcert = get('sslrootcert');
  const homeDir = input.homeDir ?? homedir();

  const extra: Record<string, string> = {};
  for (const layer of [...layers].reverse()) {
    for (const [keyword, value] of Object.entries(layer.values)) {
      if (!SETTINGS_KEYWORDS.has(keyword)) extra[keyword] = value;
    }
  }

  const settings: ConnectionSettings = {
    host,
    port,
    user,
    database,
    sslmode: resolveSslMode(get('sslmode'), sslrootcert),
    sslrootcert,
    sslcert: get('sslcert'),
    sslkey: get('sslkey'),
    connectTimeoutSeconds: resolveConnectTimeout(get('connect_timeout')),
    extra,
  };
  Object.assign(settings, defaultCertificates(settings, homeDir));

  const password = pick(layers, 'password');
  if (password) {
    settings.password = password.value;
    settings.passwordSource = password.layer.source;
  } else {
    const found = lookupPgpass(pgpassPath(input.env, homeDir, get('passfile')), { host, port, database, user });
    warnings.push(...found.warnings);
    if (found.password) {
      settings.password = found.password;
      settings.passwordSource = 'pgpass';
    }
  }
  for (const key of ['sslrootcert', 'sslcert', 'sslkey', 'connectTimeoutSeconds'] as const) {
    if (settings[key] === undefined) delete settings[key];
  }
  return { settings, warnings: [...new Set(warnings)] };
}

/** `db1.example:5432/app`, `[::1]:5432/app` or `/var/run/postgresql:5432/app`; never the password. */
export function describeTarget(settings: Pick<ConnectionSettings, 'host' | 'port' | 'database'>): string {
  return `${hostPort(settings.host, settings.port)}/${settings.database}`;
}

/** `host:port`, with an IPv6 address in brackets (`[::1]:5432`) so that the port stays readable. */
export function hostPort(host: string, port: number | string): string {
  return `${host.includes(':') && !host.startsWith('/') ? `[${host}]` : host}:${port}`;
}
