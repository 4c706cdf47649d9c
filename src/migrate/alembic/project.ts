import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';

/** An Alembic project: its alembic.ini and what pgtop reads from it without running anything. */
export interface AlembicProject {
  /** The directory holding alembic.ini; the child runs here. */
  dir: string;
  iniPath: string;
  /** The script directory (script_location), absolute. */
  scriptDir: string;
  /** The directories holding the revision files (version_locations, or SCRIPT_DIR/versions), absolute. */
  versionDirs: string[];
  /** sqlalchemy.url as written in alembic.ini, when it is there. */
  url: string | undefined;
  /** The version table and its schema, when env.py names them as string literals. */
  versionTable: string;
  versionTableSchema: string | undefined;
}

type IniSections = Map<string, Map<string, string>>;

/** A tolerant reader of the [alembic] section: `key = value` lines, `#`/`;` comments, indented continuations. */
export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') continue;
    const section = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (section) {
      current = new Map();
      sections.set(section[1] ?? '', current);
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && current && lastKey) {
      current.set(lastKey, `${current.get(lastKey) ?? ''}\n${raw.trim()}`);
      continue;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (pair && current) {
      lastKey = (pair[1] ?? '').trim().toLowerCase();
      current.set(lastKey, (pair[2] ?? '').replace(/\s+#.*$/, '').trim());
    }
  }
  return sections;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** alembic.ini in `start` or the nearest directory above it; undefined when there is none. */
export function findAlembicIni(start: string): string | undefined {
  let dir = resolve(start);
  if (!isDirectory(dir)) {
    if (dir.endsWith('.ini') && existsSync(dir)) return dir;
    dir = dirname(dir);
  }
  for (;;) {
    const candidate = join(dir, 'alembic.ini');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function expandHere(value: string, here: string): string {
  return value.replace(/%\(here\)s/g, here);
}

function versionDirsOf(section: Map<string, string>, here: string, scriptDir: string): string[] {
  const locations = section.get('version_locations');
  if (!locations) return [join(scriptDir, 'versions')];
  const separator = section.get('version_path_separator') ?? 'os';
  const splitter = separator === 'os' || separator === ':' ? /[:\n]/ : separator === 'space' ? /\s+/ : separator === ';' ? /[;\n]/ : /[\s,]+/;
  return expandHere(locations, here)
    .split(splitter)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => (isAbsolute(entry) ? entry : resolve(here, entry)));
}

function envPyVersionTable(scriptDir: string): { table: string; schema: string | undefined } {
  let text = '';
  try {
    text = readFileSync(join(scriptDir, 'env.py'), 'utf8');
  } catch {
    // no env.py: Alembic will say so when it runs
  }
  const table = /version_table\s*=\s*['"]([^'"]+)['"]/.exec(text)?.[1];
  const schema = /version_table_schema\s*=\s*['"]([^'"]+)['"]/.exec(text)?.[1];
  return { table: table ?? 'alembic_version', schema };
}

/**
 * Reads the Alembic project that `path` names: alembic.ini itself, its directory, or any directory
 * below it (the migrations directory). Throws UsageError when there is none or it is unusable.
 */
export function loadAlembicProject(path: string): AlembicProject {
  const iniPath = findAlembicIni(path);
  if (!iniPath) throw new UsageError(`no alembic.ini in ${path} or any directory above it. Give the Alembic project's directory (or its alembic.ini) with --alembic PATH.`);
  let text: string;
  try {
    text = readFileSync(iniPath, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${iniPath}: ${(error as Error).message}`, { cause: error });
  }
  const here = dirname(iniPath);
  const section = parseIni(text).get('alembic');
  const location = section?.get('script_location');
  if (!section || !location) throw new UsageError(`${iniPath} has no script_location in an [alembic] section: it is not an Alembic configuration.`);
  if (location.includes(':') && !location.startsWith('/')) {
    throw new UsageError(`${iniPath} names its scripts as a package resource (${location}); give pgtop a project whose script_location is a directory.`);
  }
  const scriptDir = resolve(here, expandHere(location, here));
  if (!isDirectory(scriptDir)) throw new UsageError(`the script_location of ${iniPath}, ${scriptDir}, is not a directory.`);
  const versionTable = envPyVersionTable(scriptDir);
  return {
    dir: here,
    iniPath,
    scriptDir,
    versionDirs: versionDirsOf(section, here, scriptDir),
    url: section.get('sqlalchemy.url') || undefined,
    versionTable: versionTable.table,
    versionTableSchema: versionTable.schema,
  };
}
