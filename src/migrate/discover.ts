import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OperationError, UsageError } from '../errors.js';

/** A forward migration file and, when there is one, its `.down.sql` twin. */
export interface MigrationFileRef {
  version: number;
  /** The digits as written in the file name (`0004`). */
  versionText: string;
  slug: string;
  fileName: string;
  path: string;
  downFileName?: string;
  downPath?: string;
}

/** A `.sql` file in the directory that is not a migration, and why. */
export interface IgnoredFile {
  fileName: string;
  reason: string;
}

export interface DiscoveredMigrations {
  dir: string;
  /** In version order. */
  files: MigrationFileRef[];
  ignored: IgnoredFile[];
}

const FORWARD = /^(\d{4,14})_([a-z0-9_]+)\.sql$/;
const DOWN = /^(\d{4,14})_([a-z0-9_]+)\.down\.sql$/;
const NAME_RULE = 'name must be NNNN_slug.sql: 4 to 14 digits, an underscore, then lowercase letters, digits and underscores';

/** Lists the file names that `.pgtop-ignore` in the directory leaves out: one name a line, `#` comments. */
export const IGNORE_FILE = '.pgtop-ignore';

function readIgnoreList(dir: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(join(dir, IGNORE_FILE), 'utf8');
  } catch {
    return new Set();
  }
  return new Set(text.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter((line) => line !== ''));
}

/**
 * The name a file that starts with a version number should have (`0012-twelve.sql` → `0012_twelve.sql`,
 * `0005_ok.SQL` → `0005_ok.sql`); undefined when it does not look like a migration at all.
 */
export function suggestedMigrationName(fileName: string): string | undefined {
  const match = /^(\d+)[-_.\s]*(.*?)(\.down)?\.sql$/i.exec(fileName);
  if (!match) return undefined;
  const digits = (match[1] ?? '').padStart(4, '0');
  const slug = (match[2] ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (digits.length > 14) return undefined;
  return `${digits}_${slug || 'describe_me'}${match[3] ? '.down' : ''}.sql`;
}

function listSqlFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`the migrations directory ${dir} does not exist. Give the right one with --migrations-dir DIR (pgtop migrate also takes --dir).`, { cause: error });
    if (code === 'ENOTDIR') throw new UsageError(`${dir} is not a directory. Give the migrations directory with --migrations-dir DIR (pgtop migrate also takes --dir).`, { cause: error });
    throw new UsageError(`cannot read the migrations directory ${dir}: ${(error as Error).message}`, { cause: error });
  }
  return names.filter((name) => name.toLowerCase().endsWith('.sql') && statSync(join(dir, name)).isFile()).sort();
}

/**
 * Lists the migrations in `dir`: files named `NNNN_slug.sql` with their optional `NNNN_slug.down.sql`.
 * A file that starts with a version number but breaks the naming rule (`0012-twelve.sql`, `0005_ok.SQL`) is
 * a refusal naming the name it should have, unless `.pgtop-ignore` lists it; other `.sql` names (`seed.sql`)
 * are ignored with a reason; two files with the same version are an error.
 * Versions compare as numbers, so `0010` comes after `0009` and `0004` equals `00004`.
 */
export function discoverMigrations(dir: string): DiscoveredMigrations {
  const names = listSqlFiles(dir);
  const ignoreList = readIgnoreList(dir);
  const ignored: IgnoredFile[] = [];
  const misnamed: string[] = [];
  const byVersion = new Map<number, MigrationFileRef>();
  const downNames: string[] = [];

  for (const fileName of names) {
    if (DOWN.test(fileName)) {
      downNames.push(fileName);
      continue;
    }
    if (ignoreList.has(fileName)) {
      ignored.push({ fileName, reason: `listed in ${IGNORE_FILE}` });
      continue;
    }
    const match = FORWARD.exec(fileName);
    const suggestion = match ? undefined : suggestedMigrationName(fileName);
    if (suggestion !== undefined) {
      misnamed.push(`${fileName}: rename it to ${suggestion}`);
      continue;
    }
    if (!match) {
      const reason = fileName.toLowerCase().endsWith('.down.sql') ? NAME_RULE.replace('NNNN_slug.sql', 'NNNN_slug.down.sql') : NAME_RULE;
      ignored.push({ fileName, reason });
      continue;
    }
    const versionText = match[1] ?? '';
    const version = Number(versionText);
    const other = byVersion.get(version);
    if (other) {
      throw new OperationError(`two migrations have version ${version}: ${other.fileName} and ${fileName}. Give one of them a new version.`);
    }
    byVersion.set(version, { version, versionText, slug: match[2] ?? '', fileName, path: join(dir, fileName) });
  }

  if (misnamed.length > 0) {
    throw new OperationError(
      `${misnamed.length === 1 ? 'a file looks' : `${misnamed.length} files look`} like a migration but ${misnamed.length === 1 ? 'its name breaks' : 'their names break'} the rule (${NAME_RULE}):\n` +
        `  ${misnamed.join('\n  ')}\nNothing was run. Rename, or list the file in ${join(dir, IGNORE_FILE)} to leave it out.`,
    );
  }

  const byName = new Map([...byVersion.values()].map((file) => [file.fileName, file]));
  for (const downName of downNames) {
    const forwardName = downName.replace(/\.down\.sql$/, '.sql');
    const forward = byName.get(forwardName);
    if (forward) {
      forward.downFileName = downName;
      forward.downPath = join(dir, downName);
    } else {
      const sameVersion = byVersion.get(Number(DOWN.exec(downName)?.[1]));
      ignored.push({
        fileName: downName,
        reason: sameVersion
          ? `no ${forwardName} to go with it (version ${sameVersion.version} is ${sameVersion.fileName}; name it ${sameVersion.fileName.replace(/\.sql$/, '.down.sql')})`
          : `no ${forwardName} to go with it`,
      });
    }
  }

  const files = [...byVersion.values()].sort((a, b) => a.version - b.version);
  return { dir, files, ignored };
}
