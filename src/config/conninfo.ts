import { UsageError } from '../errors.js';

/** Every keyword libpq accepts in a connection string (PostgreSQL 18). */
export const CONNINFO_KEYWORDS: ReadonlySet<string> = new Set([
  'application_name', 'channel_binding', 'client_encoding', 'connect_timeout', 'dbname',
  'fallback_application_name', 'gssdelegation', 'gssencmode', 'gsslib', 'host', 'hostaddr', 'keepalives',
  'keepalives_count', 'keepalives_idle', 'keepalives_interval', 'krbsrvname', 'load_balance_hosts',
  'max_protocol_version', 'min_protocol_version', 'oauth_client_id', 'oauth_client_secret', 'oauth_issuer',
  'oauth_scope', 'options', 'passfile', 'password', 'port', 'replication', 'require_auth', 'requirepeer',
  'scram_client_key', 'scram_server_key', 'service', 'servicefile', 'ssl_max_protocol_version', 'ssl_min_protocol_version',
  'sslcert', 'sslcertmode', 'sslcompression', 'sslcrl', 'sslcrldir', 'sslkey', 'sslkeylogfile',
  'sslmode', 'sslnegotiation', 'sslpassword', 'sslrootcert', 'sslsni', 'target_session_attrs',
  'tcp_user_timeout', 'user',
]);

const URI_PREFIX = /^postgres(?:ql)?:\/\//;

/** A URI, or a conninfo string (it contains `=`), as opposed to a plain database name. */
export function isConnectionString(text: string): boolean {
  return URI_PREFIX.test(text) || text.includes('=');
}

/**
 * What a positional argument means, as psql reads it: a `postgres://` URI, a conninfo string, or else
 * a database name. Returns libpq keywords.
 */
export function parseTarget(text: string): Record<string, string> {
  if (URI_PREFIX.test(text)) return parseUri(text);
  if (text.includes('=')) return parseConninfo(text);
  return { dbname: text };
}

/** Why a port value is unusable, or undefined when it is a valid TCP port. */
export function portProblem(value: string): string | undefined {
  if (!/^\d+$/.test(value)) return 'is not a number';
  const port = Number(value);
  return port >= 1 && port <= 65535 ? undefined : 'is out of range (1-65535)';
}

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f' || char === '\v';
}

function store(result: Record<string, string>, keyword: string, value: string): void {
  if (!CONNINFO_KEYWORDS.has(keyword)) throw new UsageError(`invalid connection option "${keyword}"`);
  result[keyword] = value;
}

/** Parses `keyword=value` pairs as libpq does: values may be single-quoted, `\` escapes the next character. */
export function parseConninfo(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    if (isSpace(text[i])) {
      i += 1;
      continue;
    }
    const nameStart = i;
    while (i < text.length && text[i] !== '=' && !isSpace(text[i])) i += 1;
    const keyword = text.slice(nameStart, i);
    while (isSpace(text[i])) i += 1;
    if (text[i] !== '=') {
      throw new UsageError(
        `"${keyword}" in the connection string has no "=" after it: write keyword=value pairs separated by spaces, ` +
          `e.g. "host=db1 dbname=app" (a value with spaces in single quotes: application_name='my app'), or a URI postgres://db1/app`,
      );
    }
    i += 1;
    while (isSpace(text[i])) i += 1;

    let value = '';
    if (text[i] === "'") {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new UsageError('unterminated quoted string in connection info string');
        const char = text[i];
        if (char === '\\') {
          i += 1;
          if (i < text.length) value += text[i++];
          continue;
        }
        i += 1;
        if (char === "'") break;
        value += char;
      }
    } else {
      while (i < text.length && !isSpace(text[i])) {
        if (text[i] === '\\') i += 1;
        if (i < text.length) value += text[i++];
      }
    }
    store(result, keyword, value);
  }
  return result;
}

/** The URI with any password replaced by `****`, for error messages. */
export function redactUri(uri: string): string {
  return uri
    .replace(/^(postgres(?:ql)?:\/\/[^@/?:]*:)[^@/?]*@/, '$1****@')
    .replace(/([?&]password=)[^&]*/g, '$1****');
}

function decode(text: string, fail: (problem: string) => never): string {
  if (!text.includes('%')) return text;
  const invalid = /%(?![0-9a-fA-F]{2})/.exec(text);
  if (invalid) fail(`invalid percent-encoded token "${text.slice(invalid.index, invalid.index + 3)}"`);
  if (/%00/.test(text)) fail('forbidden value %00 in a percent-encoded value');
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

/**
 * Parses `postgres[ql]://[user[:password]@][host][:port][,host[:port]…][/dbname][?keyword=value&…]` as libpq
 * does: components are percent-decoded, an IPv6 address goes in brackets, a percent-encoded path
 * (`%2Fvar%2Frun%2Fpostgresql`) names a socket directory, `ssl=true` means `sslmode=require`.
 */
export function parseUri(uri: string): Record<string, string> {
  const fail = (problem: string): never => {
    throw new UsageError(`invalid URI "${redactUri(uri)}": ${problem}`);
  };
  const prefix = URI_PREFIX.exec(uri);
  if (!prefix) return fail('it must start with postgresql:// or postgres://');
  const result: Record<string, string> = {};
  let rest = uri.slice(prefix[0].length);

  const credentialsEnd = rest.search(/[@/?]/);
  if (credentialsEnd >= 0 && rest[credentialsEnd] === '@') {
    const credentials = rest.slice(0, credentialsEnd);
    const colon = credentials.indexOf(':');
    const user = colon >= 0 ? credentials.slice(0, colon) : credentials;
    if (user) result.user = decode(user, fail);
    if (colon >= 0 && colon < credentials.length - 1) result.password = decode(credentials.slice(colon + 1), fail);
    rest = rest.slice(credentialsEnd + 1);
  }

  const hosts: string[] = [];
  const ports: string[] = [];
  let terminator = '';
  for (;;) {
    let host: string;
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close < 0) fail('an IPv6 address is missing its closing "]"');
      host = rest.slice(1, close);
      if (host === '') fail('the IPv6 address in brackets is empty');
      rest = rest.slice(close + 1);
      if (rest !== '' && !/^[:/?,]/.test(rest)) {
        fail(`unexpected "${rest[0]}" after the IPv6 address (expected ":", "/" or "?")`);
      }
    } else {
      const end = rest.search(/[:/?,]|$/);
      host = decode(rest.slice(0, end), fail);
      rest = rest.slice(end);
    }
    let port = '';
    if (rest.startsWith(':')) {
      const end = rest.search(/[/?,]|$/);
      port = decode(rest.slice(1, end), fail);
      rest = rest.slice(end);
      const problem = port === '' ? undefined : portProblem(port);
      if (problem) fail(`port "${port}" ${problem}`);
    }
    hosts.push(host);
    ports.push(port);
    terminator = rest.charAt(0);
    rest = rest.slice(1);
    if (terminator !== ',') break;
  }
  if (hosts.some((host) => host !== '')) result.host = hosts.join(',');
  if (ports.some((port) => port !== '')) result.port = ports.join(',');

  if (terminator === '/') {
    const end = rest.indexOf('?');
    const dbname = end >= 0 ? rest.slice(0, end) : rest;
    if (dbname) result.dbname = decode(dbname, fail);
    terminator = end >= 0 ? '?' : '';
    rest = end >= 0 ? rest.slice(end + 1) : '';
  }
  if (terminator === '?') parseQuery(rest, result, fail);
  return result;
}

function parseQuery(query: string, result: Record<string, string>, fail: (problem: string) => never): void {
  if (query === '') return;
  for (const param of query.split('&')) {
    if (param === '') fail('empty query parameter');
    const parts = param.split('=');
    if (parts.length < 2) fail(`missing "=" in query parameter "${param}"`);
    if (parts.length > 2) fail(`extra "=" in query parameter "${parts[0] ?? ''}"`);
    let keyword = decode(parts[0] ?? '', fail);
    let value = decode(parts[1] ?? '', fail);
    if (keyword === 'ssl' && value === 'true') {
      keyword = 'sslmode';
      value = 'require';
    }
    if (!CONNINFO_KEYWORDS.has(keyword)) fail(`invalid query parameter "${keyword}"`);
    result[keyword] = value;
  }
}
