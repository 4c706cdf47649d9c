import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';

/** One line of a password file; a field that is `null` was `*` and matches anything. */
export interface PgpassEntry {
  host: string | null;
  port: string | null;
  database: string | null;
  user: string | null;
  password: string;
}

export interface PgpassQuery {
  /** A host name or address, or a Unix-socket directory (starts with '/'). */
  host: string;
  port: number | string;
  database: string;
  user: string;
}

export interface PgpassResult {
  password?: string;
  /** Why the file was ignored, worded like libpq's warnings; the caller decides where to show them. */
  warnings: string[];
}

/** The password file libpq would read: the `passfile` option, else `PGPASSFILE`, else `~/.pgpass`. */
export function pgpassPath(env: NodeJS.ProcessEnv, homeDir: string, passfile?: string): string {
  return passfile || env.PGPASSFILE || join(homeDir, '.pgpass');
}

/** Splits a line at unescaped colons, undoing `\:` and `\\`, and notes which fields are exactly `*`. */
function splitFields(line: string): { value: string; wildcard: boolean }[] {
  const fields: { value: string; wildcard: boolean }[] = [];
  let value = '';
  let raw = '';
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (char === '\\' && i + 1 < line.length) {
      value += line[i + 1];
      raw += char + line[i + 1];
      i += 1;
    } else if (char === ':') {
      fields.push({ value, wildcard: raw === '*' });
      value = '';
      raw = '';
    } else {
      value += char;
      raw += char;
    }
  }
  fields.push({ value, wildcard: raw === '*' });
  return fields;
}

/** Parses `hostname:port:database:username:password` lines; comments, blank and short lines are skipped. */
export function parsePgpass(text: string): PgpassEntry[] {
  const entries: PgpassEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = splitFields(line);
    if (fields.length < 5) continue;
    const pattern = (index: number): string | null => {
      const field = fields[index];
      return field === undefined || field.wildcard ? null : field.value;
    };
    entries.push({
      host: pattern(0),
      port: pattern(1),
      database: pattern(2),
      user: pattern(3),
      password: fields[4]?.value ?? '',
    });
  }
  return entries;
}

function fieldMatches(pattern: string | null, value: string): boolean {
  return pattern === null || pattern === value;
}

/**
 * The password of the first entry that matches, or undefined. A Unix-socket connection also matches
 * `localhost` entries, as libpq does.
 */
export function matchPgpass(entries: readonly PgpassEntry[], query: PgpassQuery): string | undefined {
  if (query.database === '' || query.user === '') return undefined;
  const host = query.host === '' ? 'localhost' : query.host;
  const port = String(query.port === '' ? 5432 : query.port);
  const entry = entries.find(
    (candidate) =>
      (fieldMatches(candidate.host, host) || (host.startsWith('/') && candidate.host === 'localhost')) &&
      fieldMatches(candidate.port, port) &&
      fieldMatches(candidate.database, query.database) &&
      fieldMatches(candidate.user, query.user),
  );
  return entry?.password;
}

/**
 * Looks a password up in the file at `path`. A missing file is no error; a file that is not a plain file,
 * or that the group or others can access, is ignored with a warning (as libpq does; not on Windows).
 */
export function lookupPgpass(path: string, query: PgpassQuery): PgpassResult {
  let text: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return { warnings: [`password file "${path}" is not a plain file`] };
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      return {
        warnings: [
          `password file "${path}" has group or world access; permissions should be u=rw (0600) or less`,
        ],
      };
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { warnings: [] };
    return { warnings: [`could not read password file "${path}": ${errorMessage(error)}`] };
  }
  const password = matchPgpass(parsePgpass(text), query);
  return password === undefined ? { warnings: [] } : { password, warnings: [] };
}
