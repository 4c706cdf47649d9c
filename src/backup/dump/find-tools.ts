import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { OperationError, UsageError } from '../../errors.js';

const run = promisify(execFile);

export interface ToolVersion {
  major: number;
  minor: number | null;
  /** As the tool prints it, e.g. `15.18 (Debian 15.18-0+deb12u1)`. */
  text: string;
}

export interface DumpTools {
  pgDump: string;
  pgRestore: string;
  version: ToolVersion;
  /** Where it was found: the --pg-dump flag, the Debian layout for the server's version, or PATH. */
  foundIn: 'flag' | 'debian' | 'path';
}

export interface FindToolsOptions {
  /** The major version the tools must reach (the server's, or the dump's). */
  major: number;
  /** The --pg-dump flag: pg_dump's path, with pg_restore beside it. */
  pgDumpPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Where Debian keeps one directory per major version. */
  debianRoot?: string;
}

/** Reads `pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`, `pg_restore (PostgreSQL) 17beta1`, … */
export function parseToolVersion(output: string): ToolVersion | undefined {
  const match = /\(PostgreSQL\)\s+((\d+)(?:\.(\d+))?\S*(?:\s.*)?)$/m.exec(output.trim());
  if (!match) return undefined;
  return { major: Number(match[2]), minor: match[3] === undefined ? null : Number(match[3]), text: (match[1] ?? '').trim() };
}

export function installHint(major: number): string {
  return `Install the PostgreSQL ${major} client tools (Debian/Ubuntu: apt-get install postgresql-client-${major}; ` +
    `RHEL/Fedora: the postgresql${major} package from the PGDG repository), or point --pg-dump at a pg_dump ${major} or newer.`;
}

/**
 * Three lines: what is needed and the package to install (short enough for one line of an 80-column
 * screen), what was found, and the other ways.
 */
export function missingToolsMessage(major: number, found: string): string {
  return [
    `backups need PostgreSQL ${major} client tools: apt-get install postgresql-client-${major}`,
    `${found}; a dump of a PostgreSQL ${major} server needs pg_dump ${major} or newer.`,
    `RHEL/Fedora: the postgresql${major} package from the PGDG repository; or point --pg-dump at a pg_dump ${major} or newer.`,
  ].join('\n');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function versionOf(path: string): Promise<ToolVersion> {
  let output: string;
  try {
    output = (await run(path, ['--version'], { timeout: 10_000, encoding: 'utf8' })).stdout;
  } catch (error) {
    throw new OperationError(`could not run ${path} --version: ${(error as Error).message}`, { cause: error });
  }
  const version = parseToolVersion(output);
  if (!version) throw new OperationError(`${path} --version printed "${output.trim()}", which is not a PostgreSQL version`);
  return version;
}

function debianMajors(root: string): number[] {
  try {
    return readdirSync(root)
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

interface Candidate {
  pgDump: string;
  foundIn: DumpTools['foundIn'];
}

function candidates(options: FindToolsOptions): Candidate[] {
  const env = options.env ?? process.env;
  const root = options.debianRoot ?? '/usr/lib/postgresql';
  const list: Candidate[] = [];
  const debian = (major: number): void => {
    const path = join(root, String(major), 'bin', 'pg_dump');
    if (isExecutable(path)) list.push({ pgDump: path, foundIn: 'debian' });
  };
  debian(options.major);
  const fromPath = onPath('pg_dump', env);
  if (fromPath) list.push({ pgDump: fromPath, foundIn: 'path' });
  for (const major of debianMajors(root)) if (major > options.major) debian(major);
  return list;
}

function explicitTool(pgDumpPath: string, env: NodeJS.ProcessEnv): Candidate {
  const path = pgDumpPath.includes('/') ? resolve(pgDumpPath) : onPath(pgDumpPath, env);
  if (!path || !isExecutable(path)) throw new UsageError(`--pg-dump ${pgDumpPath}: no executable there. Give the full path of a pg_dump.`);
  return { pgDump: path, foundIn: 'flag' };
}

interface TooOld {
  tool: 'pg_dump' | 'pg_restore';
  path: string;
  version: ToolVersion;
}

async function checked(candidate: Candidate, major: number): Promise<DumpTools | { tooOld: TooOld }> {
  const version = await versionOf(candidate.pgDump);
  if (version.major < major) return { tooOld: { tool: 'pg_dump', path: candidate.pgDump, version } };
  const pgRestore = join(dirname(candidate.pgDump), 'pg_restore');
  if (!isExecutable(pgRestore)) {
    throw new OperationError(`found ${candidate.pgDump} but no pg_restore beside it (${pgRestore}); pgtop needs both to verify a dump. ${installHint(major)}`);
  }
  const restoreVersion = await versionOf(pgRestore);
  if (restoreVersion.major < major) return { tooOld: { tool: 'pg_restore', path: pgRestore, version: restoreVersion } };
  return { pgDump: candidate.pgDump, pgRestore, version, foundIn: candidate.foundIn };
}

/** One entry per tool and version: PATH's pg_dump (often a wrapper) and Debian's of the same version are one. */
function describeTooOld(found: readonly TooOld[]): string[] {
  const seen = new Map<string, string[]>();
  for (const entry of found) {
    const key = `${entry.tool} ${entry.version.text}`;
    const paths = seen.get(key) ?? [];
    if (!paths.includes(entry.path)) paths.push(entry.path);
    seen.set(key, paths);
  }
  return [...seen].map(([key, paths]) => `${key} (${paths.join(', ')})`);
}

/**
 * Finds pg_dump and pg_restore of at least `major`: the --pg-dump flag (pg_restore beside it), else
 * /usr/lib/postgresql/<major>/bin, else PATH, else a newer Debian version. A newer pg_dump reads an older
 * server; an older one cannot, and is refused with what to install.
 */
export async function findDumpTools(options: FindToolsOptions): Promise<DumpTools> {
  const env = options.env ?? process.env;
  const list = options.pgDumpPath !== undefined ? [explicitTool(options.pgDumpPath, env)] : candidates(options);
  const tooOld: TooOld[] = [];
  for (const candidate of list) {
    const result = await checked(candidate, options.major);
    if ('tooOld' in result) tooOld.push(result.tooOld);
    else return result;
  }
  const root = options.debianRoot ?? '/usr/lib/postgresql';
  if (options.pgDumpPath === undefined) {
    for (const major of debianMajors(root).filter((candidate) => candidate < options.major)) {
      const path = join(root, String(major), 'bin', 'pg_dump');
      if (!tooOld.some((entry) => entry.version.major === major) && isExecutable(path)) tooOld.push({ tool: 'pg_dump', path, version: await versionOf(path) });
    }
  }
  const described = describeTooOld(tooOld);
  if (described.length > 0) {
    const found = described.length === 1 ? `only ${described[0]} was found` : `only older tools were found: ${described.join('; ')}`;
    throw new OperationError(missingToolsMessage(options.major, found));
  }
  throw new OperationError(missingToolsMessage(options.major, `no pg_dump was found (looked in ${join(root, String(options.major), 'bin')} and PATH)`));
}
