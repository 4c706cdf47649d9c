import { applyThresholdOverrides, defaultThresholds } from './health-thresholds.js';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { UsageError } from '../errors.js';
import { Checker, typeName, type Table } from './toml-checker.js';
import { checkProfileTargets, type ServerEntry } from './profile-targets.js';

export const BASE_COLORS = [
  'black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white',
  'gray', 'redBright', 'greenBright', 'yellowBright', 'blueBright', 'magentaBright', 'cyanBright', 'whiteBright',
] as const;
export type BaseColor = (typeof BASE_COLORS)[number];

export const THEMES = ['dark', 'light'] as const;
export type ThemeName = (typeof THEMES)[number];

/** One named profile of the configuration file, validated. */
export interface Profile {
  name: string;
  connection?: string;
  pgbouncer?: string;
  /** `[[profiles.NAME.servers]]`: several servers monitored at once (never together with `connection`). */
  servers?: ServerEntry[];
  migrationsDir?: string;
  backupDir?: string;
  readOnly?: boolean;
  intervalSeconds?: number;
  /** Health thresholds by name, as written (`5min`, `80%`, `2GiB`): checked when the file is read. */
  thresholds: Record<string, string>;
  label?: string;
  color?: BaseColor;
  theme?: ThemeName;
}

export interface PgtopConfig {
  /** The file read, or undefined when there is none. */
  file?: string;
  defaultProfile?: string;
  theme?: ThemeName;
  profiles: Record<string, Profile>;
}

/** `PGTOP_CONFIG`, else `$XDG_CONFIG_HOME/pgtop/config.toml`, else `~/.config/pgtop/config.toml`. */
export function configPath(env: NodeJS.ProcessEnv, homeDir: string = env.HOME ?? homedir()): { path: string; explicit: boolean } {
  if (env.PGTOP_CONFIG) return { path: resolve(env.PGTOP_CONFIG), explicit: true };
  const base = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(homeDir, '.config');
  return { path: join(base, 'pgtop', 'config.toml'), explicit: false };
}

const PROFILE_KEYS = [
  'connection', 'pgbouncer', 'servers', 'pgbouncers', 'migrations_dir', 'backup_dir', 'read_only', 'interval', 'thresholds', 'label', 'color', 'colour', 'theme',
];

function checkProfile(check: Checker, name: string, raw: unknown): Profile {
  const path = ['profiles', name];
  const table = check.table(raw, path);
  const profile: Profile = { name, thresholds: {} };
  for (const [key, value] of Object.entries(table)) {
    const at = [...path, key];
    switch (key) {
      case 'servers':
      case 'pgbouncers': break;
      case 'connection': profile.connection = check.connection(value, at); break;
      case 'pgbouncer': profile.pgbouncer = check.connection(value, at); break;
      case 'migrations_dir': profile.migrationsDir = check.directory(value, at); break;
      case 'backup_dir': profile.backupDir = check.directory(value, at); break;
      case 'read_only':
        if (typeof value !== 'boolean') check.fail(at, `must be true or false, not ${typeName(value)}`);
        profile.readOnly = value;
        break;
      case 'interval': {
        const seconds = check.seconds(value, at);
        if (seconds < 0.5 || seconds > 60) check.fail(at, `must be from 0.5 to 60 seconds, not ${seconds}`);
        profile.intervalSeconds = seconds;
        break;
      }
      case 'thresholds': {
        const thresholds = check.table(value, at);
        for (const [threshold, limit] of Object.entries(thresholds)) {
          const text = typeof limit === 'number' || typeof limit === 'bigint' || typeof limit === 'string' ? String(limit) : check.fail([...at, threshold], `must be a number or a string such as "5min", "80%" or "2GiB", not ${typeName(limit)}`);
          try {
            applyThresholdOverrides(defaultThresholds(), [`${threshold}=${text}`]);
          } catch (error) {
            check.fail([...at, threshold], (error as Error).message);
          }
          profile.thresholds[threshold] = text;
        }
        break;
      }
      case 'label': profile.label = check.string(value, at); break;
      case 'color':
      case 'colour': profile.color = check.oneOf(value, at, BASE_COLORS); break;
      case 'theme': profile.theme = check.oneOf(value, at, THEMES); break;
      case 'password': check.fail(at, 'a password does not belong in pgtop\'s configuration: put it in ~/.pgpass (PGPASSFILE) or in the connection service file');
      // falls through: fail never returns
      default: check.fail(at, `unknown key (a profile takes ${PROFILE_KEYS.filter((k) => k !== 'colour').join(', ')})`);
    }
  }
  const servers = checkProfileTargets(check, path, table.servers, table.pgbouncers);
  if (servers.length > 0) {
    if (profile.connection !== undefined) check.fail([...path, 'connection'], 'give either connection or [[servers]] entries, not both');
    if (profile.pgbouncer !== undefined) check.fail([...path, 'pgbouncer'], 'with [[servers]], name the PgBouncer in a [[pgbouncers]] entry and give its server pgbouncer = "NAME"');
    profile.servers = servers;
  }
  return profile;
}

/** Parses and validates the text of a configuration file; every problem names the file, line and key. */
export function parseConfig(text: string, file: string, homeDir: string = homedir()): PgtopConfig {
  let document: Table;
  try {
    document = parse(text) as Table;
  } catch (error) {
    if (error instanceof TomlError) {
      const [first = ''] = error.message.split('\n');
      throw new UsageError(`${file}:${error.line}: ${first.replace(/^Invalid TOML document: /, 'invalid TOML: ')} (column ${error.column})`, { cause: error });
    }
    throw error;
  }
  const check = new Checker(file, text, homeDir);
  const config: PgtopConfig = { file, profiles: {} };
  for (const [key, value] of Object.entries(document)) {
    switch (key) {
      case 'default_profile': config.defaultProfile = check.string(value, [key]); break;
      case 'theme': config.theme = check.oneOf(value, [key], THEMES); break;
      case 'profiles':
        for (const [name, raw] of Object.entries(check.table(value, [key]))) config.profiles[name] = checkProfile(check, name, raw);
        break;
      default: check.fail([key], 'unknown key (the file takes default_profile, theme and [profiles.NAME] tables)');
    }
  }
  if (config.defaultProfile !== undefined && !(config.defaultProfile in config.profiles)) {
    check.fail(['default_profile'], `no profile named "${config.defaultProfile}" (profiles: ${Object.keys(config.profiles).join(', ') || 'none'})`);
  }
  return config;
}

/**
 * Reads the configuration file. A file at the default place that does not exist is no configuration;
 * one named by PGTOP_CONFIG must exist. Any other problem reading it is an error naming the file.
 */
export function loadConfig(env: NodeJS.ProcessEnv, homeDir: string = env.HOME ?? homedir()): PgtopConfig {
  const { path, explicit } = configPath(env, homeDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return { profiles: {} };
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(error));
    throw new UsageError(`cannot read the configuration file ${path}${explicit ? ' (PGTOP_CONFIG)' : ''}: ${why}`, { cause: error });
  }
  return parseConfig(text, path, homeDir);
}
